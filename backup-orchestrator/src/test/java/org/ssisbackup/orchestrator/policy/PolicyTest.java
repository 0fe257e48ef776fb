package org.ssisbackup.orchestrator.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ssisbackup.contracts.BackupScope;
import org.ssisbackup.contracts.RetentionRule;

class PolicyTest {
    static Policy policy(String schedule, String zone) {
        return new Policy(
                null,
                "nightly",
                "env=prod",
                List.of("msdb", "FILESYSTEM"),
                schedule,
                zone,
                new RetentionRule(7, null, 4, null, null),
                null,
                1,
                true,
                null,
                null,
                null);
    }

    @Test
    void crontabsFiveFieldsSpringsSixAndMacrosInTheirTimeZone() {
        Instant saturdayNoonUtc = Instant.parse("2026-03-28T12:00:00Z");
        // 02:00 every day in Berlin: the next day is the switch to summer time, 02:00 does not exist; cron moves on.
        assertThat(policy("0 2 * * *", "Europe/Berlin").nextRunAfter(saturdayNoonUtc))
                .isEqualTo(Instant.parse("2026-03-29T01:00:00Z"));
        assertThat(policy("0 0 9 * * *", "Europe/Berlin").nextRunAfter(saturdayNoonUtc))
                .isEqualTo(Instant.parse("2026-03-29T07:00:00Z"));
        assertThat(policy("30 1 * * 1-5", "America/New_York").nextRunAfter(saturdayNoonUtc))
                .isEqualTo(Instant.parse("2026-03-30T05:30:00Z")); // Monday 01:30 EDT
        assertThat(policy("@daily", null).nextRunAfter(saturdayNoonUtc))
                .isEqualTo(Instant.parse("2026-03-29T00:00:00Z"));
        assertThat(policy(null, null).nextRunAfter(saturdayNoonUtc)).isNull(); // triggered only
        // 02:30 happens twice when Berlin goes back to winter time: it runs once.
        Policy twoThirty = policy("30 2 * * *", "Europe/Berlin");
        Instant first = twoThirty.nextRunAfter(Instant.parse("2026-10-24T12:00:00Z"));
        assertThat(first).isEqualTo(Instant.parse("2026-10-25T00:30:00Z"));
        assertThat(twoThirty.nextRunAfter(first)).isEqualTo(Instant.parse("2026-10-26T01:30:00Z"));
    }

    static Policy drilled(String drillSchedule, Boolean enabled) {
        Policy p = policy("0 2 * * *", "Europe/Berlin");
        return new Policy(
                null,
                p.name(),
                p.selector(),
                p.scope(),
                p.schedule(),
                p.timeZone(),
                p.retention(),
                null,
                1,
                enabled,
                null,
                null,
                null,
                null,
                drillSchedule,
                null);
    }

    @Test
    void drillsHaveACronOfTheirOwnInThePolicysZone() {
        Instant saturdayNoonUtc = Instant.parse("2026-03-28T12:00:00Z");
        // Sundays at 06:00 Berlin time (summer time from that night on): 04:00 UTC.
        assertThat(drilled("0 6 * * 0", true).validated().nextDrillAfter(saturdayNoonUtc))
                .isEqualTo(Instant.parse("2026-03-29T04:00:00Z"));
        assertThat(drilled(null, true).nextDrillAfter(saturdayNoonUtc)).isNull();
        assertThat(drilled("0 6 * * 0", false).nextDrillAfter(saturdayNoonUtc))
                .as("a disabled policy drills no more than it backs up")
                .isNull();
        assertThatThrownBy(() -> drilled("every sunday", true).validated())
                .hasMessageStartingWith("drillSchedule: not a cron expression");
    }

    @Test
    void everyBadFieldIsNamed() {
        assertThat(policy("0 2 * * *", "UTC").validated().scopes())
                .containsExactly(BackupScope.MSDB, BackupScope.FILESYSTEM);
        assertThatThrownBy(() -> policy("0 25 * * *", "UTC").validated()).hasMessageStartingWith("schedule:");
        assertThatThrownBy(() -> policy("0 2 * * *", "Mars/Olympus").validated())
                .hasMessageStartingWith("timeZone:");
        assertThatThrownBy(() -> new Policy(
                                null,
                                "x",
                                "",
                                List.of("tape"),
                                null,
                                null,
                                new RetentionRule(1, null, null, null, null),
                                null,
                                0,
                                true,
                                null,
                                null,
                                null)
                        .validated())
                .hasMessageContaining("unknown scope 'tape'");
        assertThatThrownBy(() -> new Policy(
                                null,
                                "x",
                                "",
                                List.of(),
                                null,
                                null,
                                new RetentionRule(0, 0, null, null, null),
                                null,
                                0,
                                true,
                                null,
                                null,
                                null)
                        .validated())
                .hasMessageStartingWith("retention:");
        assertThatThrownBy(() -> new Policy(
                                null,
                                "bad name",
                                "",
                                List.of(),
                                null,
                                null,
                                new RetentionRule(1, null, null, null, null),
                                null,
                                0,
                                true,
                                null,
                                null,
                                null)
                        .validated())
                .hasMessageStartingWith("name:");
        assertThatThrownBy(() -> new Policy(
                                null,
                                "x",
                                "env=",
                                List.of(),
                                null,
                                null,
                                new RetentionRule(1, null, null, null, null),
                                0,
                                0,
                                true,
                                null,
                                null,
                                null)
                        .validated())
                .hasMessageStartingWith("concurrency:");
    }
}
