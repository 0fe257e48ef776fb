package org.ssisbackup.orchestrator.policy;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.scheduling.support.CronExpression;
import org.ssisbackup.contracts.BackupScope;
import org.ssisbackup.contracts.RetentionRule;
import org.ssisbackup.orchestrator.fleet.LabelSelector;

/**
 * A backup policy as stored and as the API shows it.
 *
 * @param schedule    cron: 5 fields (minute hour day month weekday, as crontab), 6 with seconds, or a macro such as
 *                    {@code @daily}; null: the policy runs only when triggered (REST or event)
 * @param timeZone    the zone the schedule and the retention's days are read in (IANA name, default UTC)
 * @param concurrency at most this many of the policy's hosts back up at once (null: only the fleet-wide limit)
 * @param maxRetries  how many times a host whose backup failed is backed up again in a follow-up job
 * @param drillEvery  a restore drill of a host's new point after every this many successful backups of the host under
 *                    the policy (1: after each); null: no drills
 * @param drillSchedule cron (as {@code schedule}, in the same zone) of restore drills of the newest COMPLETE point of
 *                    every host the policy selects, independent of its backups; null: none
 * @param nextDrillAt the next scheduled drill (computed; read-only)
 */
public record Policy(
        UUID id,
        String name,
        String selector,
        List<String> scope,
        String schedule,
        String timeZone,
        RetentionRule retention,
        Integer concurrency,
        Integer maxRetries,
        Boolean enabled,
        Instant nextRunAt,
        Instant createdAt,
        Instant updatedAt,
        Integer drillEvery,
        String drillSchedule,
        Instant nextDrillAt) {

    /** A policy without drills. */
    public Policy(
            UUID id,
            String name,
            String selector,
            List<String> scope,
            String schedule,
            String timeZone,
            RetentionRule retention,
            Integer concurrency,
            Integer maxRetries,
            Boolean enabled,
            Instant nextRunAt,
            Instant createdAt,
            Instant updatedAt) {
        this(
                id,
                name,
                selector,
                scope,
                schedule,
                timeZone,
                retention,
                concurrency,
                maxRetries,
                enabled,
                nextRunAt,
                createdAt,
                updatedAt,
                null,
                null,
                null);
    }

    /** Checks every field an admin sends; the message says which field and why. */
    public Policy validated() {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
            throw new IllegalArgumentException("name: 1-100 letters, digits, '.', '_', '-'");
        }
        LabelSelector.parse(selector);
        scopes();
        if (schedule != null && !schedule.isBlank()) {
            cron();
        }
        if (drillSchedule != null && !drillSchedule.isBlank()) {
            cron("drillSchedule", drillSchedule);
        }
        zone();
        if (retention == null || !retention.keepsSomething()) {
            throw new IllegalArgumentException(
                    "retention: keep at least one restore point (keepLast, daily, weekly, monthly or yearly)");
        }
        if (concurrency != null && concurrency < 1) {
            throw new IllegalArgumentException("concurrency: at least 1 (or leave it out)");
        }
        if (maxRetries != null && (maxRetries < 0 || maxRetries > 10)) {
            throw new IllegalArgumentException("maxRetries: 0 to 10");
        }
        if (drillEvery != null && (drillEvery < 1 || drillEvery > 1000)) {
            throw new IllegalArgumentException("drillEvery: 1 to 1000 (or leave it out for no drills)");
        }
        return this;
    }

    public Set<BackupScope> scopes() {
        if (scope == null || scope.isEmpty()) {
            return BackupScope.DEFAULT;
        }
        Set<BackupScope> out = new LinkedHashSet<>();
        for (String s : scope) {
            out.add(BackupScope.parse(s));
        }
        return out;
    }

    public ZoneId zone() {
        try {
            return ZoneId.of(timeZone == null || timeZone.isBlank() ? "UTC" : timeZone);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "timeZone: not a time zone: '" + timeZone + "' (use an IANA name such as Europe/Berlin)");
        }
    }

    public CronExpression cron() {
        return cron("schedule", schedule);
    }

    private static CronExpression cron(String field, String schedule) {
        String s = schedule.trim();
        // crontab's 5 fields are what admins write; Spring's expressions lead with seconds.
        String expression = !s.startsWith("@") && s.split("\\s+").length == 5 ? "0 " + s : s;
        try {
            return CronExpression.parse(expression);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    field + ": not a cron expression: '" + schedule + "' (" + e.getMessage() + ")");
        }
    }

    /**
     * The first run strictly after {@code after}. The schedule is read on the wall clock of the policy's zone, as
     * crontab does: a time that does not exist on the day clocks go forward runs right after the change (a nightly
     * backup is never skipped), and a time that occurs twice when they go back runs once.
     */
    public Instant nextRunAfter(Instant after) {
        return nextAfter("schedule", schedule, after);
    }

    /** The first scheduled drill strictly after {@code after}, read like {@link #nextRunAfter}. */
    public Instant nextDrillAfter(Instant after) {
        return nextAfter("drillSchedule", drillSchedule, after);
    }

    private Instant nextAfter(String field, String expression, Instant after) {
        if (expression == null || expression.isBlank() || Boolean.FALSE.equals(enabled)) {
            return null;
        }
        CronExpression cron = cron(field, expression);
        ZoneId zone = zone();
        LocalDateTime local = LocalDateTime.ofInstant(after, zone);
        for (int i = 0; i < 4; i++) {
            LocalDateTime next = cron.next(local);
            if (next == null) {
                return null;
            }
            Instant at = ZonedDateTime.of(next, zone).toInstant(); // a gap moves forward by its length
            if (at.isAfter(after)) {
                return at;
            }
            local = next;
        }
        return null;
    }
}
