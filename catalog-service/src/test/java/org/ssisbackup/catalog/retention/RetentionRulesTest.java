package org.ssisbackup.catalog.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.ssisbackup.catalog.retention.RetentionRules.Decision;
import org.ssisbackup.catalog.retention.RetentionRules.Point;
import org.ssisbackup.contracts.RestorePointStatus;
import org.ssisbackup.contracts.RetentionRule;

/** The retention rules on calendars: month ends, leap years, ISO weeks across years, time zones, clock changes. */
class RetentionRulesTest {
    static final ZoneId UTC = ZoneOffset.UTC;

    static Point at(String utc) {
        return at(utc, RestorePointStatus.COMPLETE);
    }

    static Point at(String utc, RestorePointStatus status) {
        return new Point(UUID.randomUUID(), Instant.parse(utc), status);
    }

    static List<Instant> kept(List<Point> points, RetentionRule rule, ZoneId zone) {
        return RetentionRules.decide(points, rule, zone).stream()
                .filter(Decision::keep)
                .map(d -> d.point().createdAt())
                .toList();
    }

    static RetentionRule rule(Integer last, Integer daily, Integer weekly, Integer monthly, Integer yearly) {
        return new RetentionRule(last, daily, weekly, monthly, yearly);
    }

    /** Every {@code hours} hours from {@code from} (UTC) to {@code to}, exclusive. */
    static List<Point> every(int hours, String from, String to) {
        List<Point> out = new ArrayList<>();
        for (Instant t = Instant.parse(from); t.isBefore(Instant.parse(to)); t = t.plusSeconds(hours * 3600L)) {
            out.add(new Point(UUID.randomUUID(), t, RestorePointStatus.COMPLETE));
        }
        return out;
    }

    @Test
    void keepLastKeepsTheNewestN() {
        List<Point> points = every(24, "2026-11-01T02:00:00Z", "2026-11-11T00:00:00Z");
        assertThat(kept(points, rule(3, null, null, null, null), UTC))
                .containsExactly(
                        Instant.parse("2026-11-10T02:00:00Z"),
                        Instant.parse("2026-11-09T02:00:00Z"),
                        Instant.parse("2026-11-08T02:00:00Z"));
    }

    @Test
    void dailyKeepsTheNewestPointOfEachOfTheLastNDaysThatHavePoints() {
        // Every 6 hours for 5 days, then a 10-day gap, then 2 days: daily 4 reaches back over the gap.
        List<Point> points = new ArrayList<>(every(6, "2026-10-01T00:00:00Z", "2026-10-06T00:00:00Z"));
        points.addAll(every(6, "2026-10-16T00:00:00Z", "2026-10-18T00:00:00Z"));
        assertThat(kept(points, rule(null, 4, null, null, null), UTC))
                .containsExactly(
                        Instant.parse("2026-10-17T18:00:00Z"), Instant.parse("2026-10-16T18:00:00Z"),
                        Instant.parse("2026-10-05T18:00:00Z"), Instant.parse("2026-10-04T18:00:00Z"));
    }

    @Test
    void monthlyCountsMonthEndsAndLeapDaysAsTheirOwnMonth() {
        // Daily points from 2028-01-25 to 2028-03-05 (2028 is a leap year): the newest of each month is its last day.
        List<Point> points = every(24, "2028-01-25T12:00:00Z", "2028-03-06T00:00:00Z");
        assertThat(kept(points, rule(null, null, null, 3, null), UTC))
                .containsExactly(
                        Instant.parse("2028-03-05T12:00:00Z"),
                        Instant.parse("2028-02-29T12:00:00Z"),
                        Instant.parse("2028-01-31T12:00:00Z"));
        // 2027 is not: February ends on the 28th.
        List<Point> common = every(24, "2027-02-20T12:00:00Z", "2027-03-02T00:00:00Z");
        assertThat(kept(common, rule(null, null, null, 2, null), UTC))
                .containsExactly(Instant.parse("2027-03-01T12:00:00Z"), Instant.parse("2027-02-28T12:00:00Z"));
    }

    @Test
    void yearlyKeepsTheLastPointOfEachYearAndTheLeapDayIsJustADay() {
        List<Point> points = List.of(
                at("2024-02-29T03:00:00Z"),
                at("2024-12-31T23:00:00Z"),
                at("2025-06-01T00:00:00Z"),
                at("2025-12-31T22:00:00Z"),
                at("2026-01-01T00:30:00Z"));
        assertThat(kept(points, rule(null, null, null, null, 3), UTC))
                .containsExactly(
                        Instant.parse("2026-01-01T00:30:00Z"),
                        Instant.parse("2025-12-31T22:00:00Z"),
                        Instant.parse("2024-12-31T23:00:00Z"));
    }

    @Test
    void weeksAreIsoWeeksEvenAcrossTheTurnOfTheYear() {
        // 2026-12-28 (Mon) .. 2027-01-03 (Sun) is ISO week 2026-W53; 2027-01-04 starts 2027-W01.
        List<Point> points = List.of(
                at("2026-12-27T12:00:00Z"),
                at("2026-12-28T12:00:00Z"),
                at("2027-01-03T12:00:00Z"),
                at("2027-01-04T12:00:00Z"));
        List<Decision> d = RetentionRules.decide(points, rule(null, null, 2, null, null), UTC);
        assertThat(d)
                .filteredOn(Decision::keep)
                .extracting(Decision::reason)
                .containsExactly("weekly 2027-W01", "weekly 2026-W53");
        assertThat(d)
                .filteredOn(Decision::keep)
                .extracting(x -> x.point().createdAt())
                .containsExactly(Instant.parse("2027-01-04T12:00:00Z"), Instant.parse("2027-01-03T12:00:00Z"));
    }

    @Test
    void daysAreCountedInThePolicysTimeZone() {
        // 23:30 UTC on 31 January is already 1 February in Berlin and still 31 January in New York.
        List<Point> points = List.of(at("2027-01-31T10:00:00Z"), at("2027-01-31T23:30:00Z"));
        assertThat(kept(points, rule(null, null, null, 2, null), ZoneId.of("Europe/Berlin")))
                .containsExactly(Instant.parse("2027-01-31T23:30:00Z"), Instant.parse("2027-01-31T10:00:00Z"));
        assertThat(kept(points, rule(null, null, null, 2, null), ZoneId.of("America/New_York")))
                .containsExactly(Instant.parse("2027-01-31T23:30:00Z"));
        // In UTC both are one day: daily 1 keeps only the later one.
        assertThat(kept(points, rule(null, 1, null, null, null), UTC))
                .containsExactly(Instant.parse("2027-01-31T23:30:00Z"));
    }

    @Test
    void aDayWithAClockChangeIsStillOneDay() {
        // Berlin, 2026-10-25: clocks go back at 03:00 CEST, so the day has 25 hours. Hourly points from 00:00 local on
        // the 25th to 00:00 local on the 26th.
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        List<Point> points = every(1, "2026-10-24T22:00:00Z", "2026-10-26T00:00:00Z");
        assertThat(points.stream()
                        .filter(p -> LocalDateTime.ofInstant(p.createdAt(), berlin)
                                .toLocalDate()
                                .toString()
                                .equals("2026-10-25")))
                .hasSize(25);
        List<Decision> d = RetentionRules.decide(points, rule(null, 2, null, null, null), berlin);
        assertThat(d)
                .filteredOn(Decision::keep)
                .extracting(Decision::reason)
                .containsExactly("daily 2026-10-26", "daily 2026-10-25");
        assertThat(d)
                .filteredOn(Decision::keep)
                .extracting(x -> x.point().createdAt())
                .containsExactly(Instant.parse("2026-10-25T23:00:00Z"), Instant.parse("2026-10-25T22:00:00Z"));
    }

    @Test
    void aCompletePointIsPreferredInItsPeriodAndTheNewestCompleteIsNeverExpired() {
        Point completeMorning = at("2026-11-20T06:00:00Z");
        Point partialEvening = at("2026-11-20T18:00:00Z", RestorePointStatus.PARTIAL);
        Point partialNewest = at("2026-11-21T06:00:00Z", RestorePointStatus.PARTIAL);
        List<Decision> d = RetentionRules.decide(
                List.of(completeMorning, partialEvening, partialNewest), rule(1, 2, null, null, null), UTC);
        assertThat(d)
                .filteredOn(Decision::keep)
                .extracting(x -> x.point().id())
                .containsExactlyInAnyOrder(partialNewest.id(), completeMorning.id());
        assertThat(d).filteredOn(x -> !x.keep()).extracting(x -> x.point().id()).containsExactly(partialEvening.id());

        // keepLast 1 over two PARTIAL points and an older COMPLETE one: the COMPLETE one stays.
        Point older = at("2026-11-01T00:00:00Z");
        List<Decision> d2 = RetentionRules.decide(
                List.of(
                        older,
                        at("2026-11-02T00:00:00Z", RestorePointStatus.PARTIAL),
                        at("2026-11-03T00:00:00Z", RestorePointStatus.PARTIAL)),
                rule(1, null, null, null, null),
                UTC);
        assertThat(d2)
                .filteredOn(Decision::keep)
                .extracting(Decision::reason)
                .containsExactly("keepLast 1", "newest COMPLETE point");
    }

    @Test
    void failedPointsCountForNothingAndGoOnceOlderThanTheOldestPointKept() {
        Point failedOld = at("2026-11-01T00:00:00Z", RestorePointStatus.FAILED);
        Point ok1 = at("2026-11-02T00:00:00Z");
        Point ok2 = at("2026-11-03T00:00:00Z");
        Point failedNew = at("2026-11-04T00:00:00Z", RestorePointStatus.FAILED);
        List<Decision> d =
                RetentionRules.decide(List.of(failedOld, ok1, ok2, failedNew), rule(2, null, null, null, null), UTC);
        assertThat(d)
                .filteredOn(Decision::keep)
                .extracting(x -> x.point().id())
                .containsExactly(failedNew.id(), ok2.id(), ok1.id());
        assertThat(d).filteredOn(x -> !x.keep()).singleElement().satisfies(x -> {
            assertThat(x.point().id()).isEqualTo(failedOld.id());
            assertThat(x.reason()).isEqualTo("kept by no rule of keepLast 2 (Z)");
        });
    }

    @Test
    void rulesCombineAndAPointKeptByTwoRulesIsKeptOnce() {
        // A year of daily points: keepLast 7, daily 14, weekly 8, monthly 12, yearly 3 keeps at most 7+14+8+12+3
        // points.
        List<Point> points = every(24, "2026-01-01T01:00:00Z", "2027-01-01T00:00:00Z");
        List<Decision> d = RetentionRules.decide(points, rule(7, 14, 8, 12, 3), UTC);
        long keptCount = d.stream().filter(Decision::keep).count();
        // daily: 18-31 Dec (covers keepLast 7); weekly: the newest point of 2026-W53 (31 Dec), W52 and W51 (Sundays 27
        // and
        // 20 Dec) are daily already, W50..W46 add 13 and 6 Dec, 29, 22 and 15 Nov; monthly: each month's last day, 31
        // Dec
        // already kept; yearly: 31 Dec. 2026 starts on a Thursday, so it has 53 ISO weeks.
        assertThat(keptCount).isEqualTo(14 + 5 + 11);
        assertThat(d.get(0).reason()).isEqualTo("keepLast 7");
        assertThat(d)
                .filteredOn(x -> x.point().createdAt().equals(Instant.parse("2026-01-31T01:00:00Z")))
                .singleElement()
                .satisfies(x -> assertThat(x.reason()).isEqualTo("monthly 2026-01"));
    }
}
