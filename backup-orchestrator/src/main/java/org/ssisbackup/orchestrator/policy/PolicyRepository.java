package org.ssisbackup.orchestrator.policy;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.ssisbackup.contracts.MessageCodec;
import org.ssisbackup.contracts.RetentionRule;

/** Policies in PostgreSQL. Every write recomputes the next scheduled run. */
@Repository
public class PolicyRepository {
    private final JdbcClient jdbc;

    public PolicyRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A name already taken. */
    public static final class NameTakenException extends RuntimeException {
        NameTakenException(String name) {
            super("a policy named '" + name + "' exists");
        }
    }

    public Policy create(Policy p) {
        p.validated();
        UUID id = UUID.randomUUID();
        Instant now = Instant.now();
        try {
            jdbc.sql("""
                    INSERT INTO policy (id, name, selector, scope, schedule, time_zone, retention, concurrency, max_retries,
                        enabled, next_run_at, created_at, updated_at, drill_every, drill_schedule, next_drill_at)
                    VALUES (?, ?, ?, ?, ?, ?, CAST(? AS jsonb), ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                    .params(
                            id,
                            p.name(),
                            blankToEmpty(p.selector()),
                            scopeText(p),
                            blankToNull(p.schedule()),
                            p.zone().getId(),
                            MessageCodec.encodeToString(p.retention()),
                            p.concurrency(),
                            p.maxRetries() == null ? 0 : p.maxRetries(),
                            !Boolean.FALSE.equals(p.enabled()),
                            ts(p.nextRunAfter(now)),
                            ts(now),
                            ts(now),
                            p.drillEvery(),
                            blankToNull(p.drillSchedule()),
                            ts(p.nextDrillAfter(now)))
                    .update();
        } catch (DuplicateKeyException e) {
            throw new NameTakenException(p.name());
        }
        return find(id.toString()).orElseThrow();
    }

    /** Replaces a policy's settings (id and creation time stay). */
    public Optional<Policy> update(String idOrName, Policy p) {
        p.validated();
        Optional<Policy> existing = find(idOrName);
        if (existing.isEmpty()) {
            return Optional.empty();
        }
        Instant now = Instant.now();
        try {
            jdbc.sql("""
                    UPDATE policy SET name = ?, selector = ?, scope = ?, schedule = ?, time_zone = ?, retention = CAST(? AS jsonb),
                        concurrency = ?, max_retries = ?, enabled = ?, next_run_at = ?, updated_at = ?, drill_every = ?,
                        drill_schedule = ?, next_drill_at = ?
                    WHERE id = ?""")
                    .params(
                            p.name(),
                            blankToEmpty(p.selector()),
                            scopeText(p),
                            blankToNull(p.schedule()),
                            p.zone().getId(),
                            MessageCodec.encodeToString(p.retention()),
                            p.concurrency(),
                            p.maxRetries() == null ? 0 : p.maxRetries(),
                            !Boolean.FALSE.equals(p.enabled()),
                            ts(p.nextRunAfter(now)),
                            ts(now),
                            p.drillEvery(),
                            blankToNull(p.drillSchedule()),
                            ts(p.nextDrillAfter(now)),
                            existing.get().id())
                    .update();
        } catch (DuplicateKeyException e) {
            throw new NameTakenException(p.name());
        }
        return find(existing.get().id().toString());
    }

    public boolean delete(String idOrName) {
        return find(idOrName)
                .map(p -> jdbc.sql("DELETE FROM policy WHERE id = ?")
                                .param(p.id())
                                .update()
                        > 0)
                .orElse(false);
    }

    public List<Policy> all() {
        return jdbc.sql("SELECT * FROM policy ORDER BY name").query().listOfRows().stream()
                .map(PolicyRepository::policy)
                .toList();
    }

    /** By id or by name. */
    public Optional<Policy> find(String idOrName) {
        UUID id = null;
        try {
            id = UUID.fromString(idOrName);
        } catch (IllegalArgumentException notAnId) {
            // a name
        }
        List<Map<String, Object>> rows = id != null
                ? jdbc.sql("SELECT * FROM policy WHERE id = ?")
                        .param(id)
                        .query()
                        .listOfRows()
                : jdbc.sql("SELECT * FROM policy WHERE name = ?")
                        .param(idOrName)
                        .query()
                        .listOfRows();
        return rows.stream().findFirst().map(PolicyRepository::policy);
    }

    static Policy policy(Map<String, Object> r) {
        String scope = (String) r.get("scope");
        return new Policy(
                (UUID) r.get("id"),
                (String) r.get("name"),
                (String) r.get("selector"),
                scope.isEmpty() ? List.of() : List.of(scope.split(",")),
                (String) r.get("schedule"),
                (String) r.get("time_zone"),
                MessageCodec.decodeDocument(
                        r.get("retention").toString().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        RetentionRule.class),
                (Integer) r.get("concurrency"),
                (Integer) r.get("max_retries"),
                (Boolean) r.get("enabled"),
                instant(r.get("next_run_at")),
                instant(r.get("created_at")),
                instant(r.get("updated_at")),
                (Integer) r.get("drill_every"),
                (String) r.get("drill_schedule"),
                instant(r.get("next_drill_at")));
    }

    private static String scopeText(Policy p) {
        return String.join(",", p.scopes().stream().map(Enum::name).sorted().toList());
    }

    private static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    static Instant instant(Object o) {
        return o == null ? null : ((Timestamp) o).toInstant();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static String blankToEmpty(String s) {
        return s == null ? "" : s.trim();
    }

    /** Enabled policies whose next run is due at {@code now}, earliest first. */
    List<Policy> due(Instant now) {
        return jdbc
                .sql("SELECT * FROM policy WHERE enabled AND next_run_at <= ? ORDER BY next_run_at")
                .param(Timestamp.from(now))
                .query()
                .listOfRows()
                .stream()
                .map(PolicyRepository::policy)
                .toList();
    }

    /**
     * Claims a policy's due run by moving its next run forward with a compare-and-set: of several orchestrators, one
     * wins. {@code next} may be null (no more runs).
     */
    boolean claimRun(Policy p, Instant next) {
        return jdbc.sql("UPDATE policy SET next_run_at = ? WHERE id = ? AND next_run_at = ?")
                        .params(next == null ? null : Timestamp.from(next), p.id(), Timestamp.from(p.nextRunAt()))
                        .update()
                > 0;
    }

    /** Enabled policies whose next scheduled drill is due at {@code now}, earliest first. */
    public List<Policy> drillsDue(Instant now) {
        return jdbc
                .sql("SELECT * FROM policy WHERE enabled AND next_drill_at <= ? ORDER BY next_drill_at")
                .param(Timestamp.from(now))
                .query()
                .listOfRows()
                .stream()
                .map(PolicyRepository::policy)
                .toList();
    }

    /** Claims a policy's due drill as {@link #claimRun} claims a run: of several orchestrators, one wins. */
    public boolean claimDrill(Policy p, Instant next) {
        return jdbc.sql("UPDATE policy SET next_drill_at = ? WHERE id = ? AND next_drill_at = ?")
                        .params(next == null ? null : Timestamp.from(next), p.id(), Timestamp.from(p.nextDrillAt()))
                        .update()
                > 0;
    }
}
