package org.ssisbackup.catalog.retention;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.ssisbackup.contracts.RestorePointStatus;
import org.ssisbackup.contracts.RetentionRule;

/**
 * Which restore points of one host under one policy a retention rule keeps, grandfather-father-son style (as restic's
 * {@code forget} counts): {@code keepLast} keeps the newest N points; {@code daily}, {@code weekly}, {@code monthly} and
 * {@code yearly} keep one point for each of the newest N days, ISO weeks, months and years that have points, the
 * calendar read in the policy's time zone. A period that has points is counted even if backups stopped for a while, so
 * a host that has been off for a month does not lose its history to the calendar.
 * <p>
 * Within a period the newest COMPLETE point is kept (a PARTIAL one only when the period has no COMPLETE point), and the
 * newest COMPLETE point of the host is always kept: retention never leaves a host without its last good backup. FAILED
 * points (nothing restorable) count for no rule; they are kept while newer than the oldest point kept, so recent
 * failures stay visible.
 */
public final class RetentionRules {

    public record Point(UUID id, Instant createdAt, RestorePointStatus status) {}

    /**
     * Whether a point stays.
     *
     * @param reason why it is kept ("keepLast", "daily 2026-11-25", ...) or why it goes */
    public record Decision(Point point, boolean keep, String reason) {}

    private RetentionRules() {}

    /** Decides for every point; {@code points} in any order, the decisions newest first. */
    public static List<Decision> decide(List<Point> points, RetentionRule rule, ZoneId zone) {
        List<Point> newestFirst = new ArrayList<>(points);
        newestFirst.sort((a, b) -> b.createdAt().compareTo(a.createdAt()) != 0
                ? b.createdAt().compareTo(a.createdAt())
                : b.id().compareTo(a.id()));
        List<Point> usable = newestFirst.stream()
                .filter(p -> p.status() != RestorePointStatus.FAILED)
                .toList();
        Map<UUID, String> kept = new LinkedHashMap<>();
        int last = count(rule.keepLast());
        for (int i = 0; i < Math.min(last, usable.size()); i++) {
            kept.putIfAbsent(usable.get(i).id(), "keepLast " + last);
        }
        keepPerPeriod(usable, count(rule.daily()), "daily", p -> day(p, zone).toString(), kept);
        keepPerPeriod(
                usable,
                count(rule.weekly()),
                "weekly",
                p -> {
                    LocalDate d = day(p, zone);
                    return d.get(IsoFields.WEEK_BASED_YEAR) + "-W"
                            + String.format("%02d", d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
                },
                kept);
        keepPerPeriod(
                usable,
                count(rule.monthly()),
                "monthly",
                p -> day(p, zone).toString().substring(0, 7),
                kept);
        keepPerPeriod(
                usable,
                count(rule.yearly()),
                "yearly",
                p -> String.valueOf(day(p, zone).getYear()),
                kept);
        usable.stream()
                .filter(p -> p.status() == RestorePointStatus.COMPLETE)
                .findFirst()
                .ifPresent(p -> kept.putIfAbsent(p.id(), "newest COMPLETE point"));
        Instant oldestKept = newestFirst.stream()
                .filter(p -> kept.containsKey(p.id()))
                .map(Point::createdAt)
                .min(Instant::compareTo)
                .orElse(null);
        String rules = describe(rule) + " (" + zone.getId() + ")";
        List<Decision> out = new ArrayList<>(newestFirst.size());
        for (Point p : newestFirst) {
            if (kept.containsKey(p.id())) {
                out.add(new Decision(p, true, kept.get(p.id())));
            } else if (p.status() == RestorePointStatus.FAILED
                    && (oldestKept == null || p.createdAt().isAfter(oldestKept))) {
                out.add(new Decision(p, true, "FAILED, newer than the oldest point kept"));
            } else {
                out.add(new Decision(p, false, "kept by no rule of " + rules));
            }
        }
        return out;
    }

    /** One point per period for the newest {@code n} periods that have points: the newest COMPLETE one, else the newest. */
    private static void keepPerPeriod(
            List<Point> newestFirst, int n, String name, Function<Point, String> period, Map<UUID, String> kept) {
        if (n == 0) {
            return;
        }
        Map<String, Point> chosen = new LinkedHashMap<>();
        for (Point p : newestFirst) {
            String key = period.apply(p);
            Point current = chosen.get(key);
            if (current == null) {
                if (chosen.size() == n) {
                    break; // the (n+1)th period: older points cannot be chosen for this rule
                }
                chosen.put(key, p);
            } else if (current.status() != RestorePointStatus.COMPLETE && p.status() == RestorePointStatus.COMPLETE) {
                chosen.put(key, p);
            }
        }
        chosen.forEach((key, p) -> kept.putIfAbsent(p.id(), name + " " + key));
    }

    private static LocalDate day(Point p, ZoneId zone) {
        return LocalDate.ofInstant(p.createdAt(), zone);
    }

    private static int count(Integer n) {
        return n == null ? 0 : n;
    }

    static String describe(RetentionRule r) {
        List<String> parts = new ArrayList<>();
        if (count(r.keepLast()) > 0) {
            parts.add("keepLast " + r.keepLast());
        }
        if (count(r.daily()) > 0) {
            parts.add("daily " + r.daily());
        }
        if (count(r.weekly()) > 0) {
            parts.add("weekly " + r.weekly());
        }
        if (count(r.monthly()) > 0) {
            parts.add("monthly " + r.monthly());
        }
        if (count(r.yearly()) > 0) {
            parts.add("yearly " + r.yearly());
        }
        return parts.isEmpty() ? "no rule" : String.join(", ", parts);
    }
}
