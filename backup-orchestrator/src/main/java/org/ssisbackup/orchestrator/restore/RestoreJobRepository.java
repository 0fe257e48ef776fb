package org.ssisbackup.orchestrator.restore;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.MessageCodec;
import org.ssisbackup.contracts.RestoreFinished;
import org.ssisbackup.orchestrator.job.JobState;

/** Restores in PostgreSQL: {@code restore_job} and one {@code restore_agent} row per agent kind taking part. */
@Repository
public class RestoreJobRepository {
    private final JdbcClient jdbc;

    public RestoreJobRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A restore as stored; {@code request} is what was asked, as JSON. */
    public record RestoreRecord(
            UUID id,
            JobState state,
            UUID restorePointId,
            String sourceHost,
            String targetHost,
            Instant createdAt,
            Instant finishedAt) {}

    /** One agent's part: its state and, once it reported, what it did. */
    public record PartRecord(AgentKind agent, JobState state, RestoreFinished result, Instant updatedAt) {}

    void insert(UUID id, RestoreJobs.RestoreSpec spec, Instant deadline) {
        jdbc.sql("""
                INSERT INTO restore_job (id, restore_point_id, source_host, target_host, request, state, created_at)
                VALUES (?, ?, ?, ?, CAST(? AS jsonb), 'PENDING', now())""")
                .params(
                        id,
                        spec.restorePointId(),
                        spec.sourceHost(),
                        spec.targetHost(),
                        MessageCodec.encodeToString(spec))
                .update();
        for (AgentKind agent : spec.agents()) {
            jdbc.sql(
                            "INSERT INTO restore_agent (job_id, agent, state, deadline, updated_at) VALUES (?, ?, 'PENDING', ?, now())")
                    .params(id, agent.name(), Timestamp.from(deadline))
                    .update();
        }
    }

    /** Moves one part to {@code to} if it is in one of {@code from}, keeping its report when one is given. */
    void update(UUID id, AgentKind agent, JobState to, Set<JobState> from, RestoreFinished result) {
        jdbc.sql("UPDATE restore_agent SET state = ?, updated_at = now(), result = coalesce(CAST(? AS jsonb), result) "
                        + "WHERE job_id = ? AND agent = ? AND state = ANY(?)")
                .params(
                        to.name(),
                        result == null ? null : MessageCodec.encodeToString(result),
                        id,
                        agent.name(),
                        from.stream().map(Enum::name).toArray(String[]::new))
                .update();
    }

    /** As for backups: parts of a target host's agent that its heartbeats stop listing end FAILED. */
    List<UUID> reconcile(
            String host, AgentKind agent, java.util.Set<UUID> held, java.time.Duration grace, String reason) {
        UUID[] ids = held.toArray(UUID[]::new);
        String open =
                "ra.agent = ? AND ra.state IN ('DISPATCHED','RUNNING') AND rj.id = ra.job_id AND rj.target_host = ?";
        jdbc.sql("UPDATE restore_agent ra SET missing_since = NULL FROM restore_job rj WHERE " + open
                        + " AND ra.job_id = ANY(?) AND ra.missing_since IS NOT NULL")
                .params(agent.name(), host, ids)
                .update();
        List<UUID> failed = jdbc.sql("UPDATE restore_agent ra SET state = 'FAILED', updated_at = now(),"
                        + " result = CAST(? AS jsonb) FROM restore_job rj WHERE " + open
                        + " AND NOT (ra.job_id = ANY(?)) AND ra.missing_since < now() - CAST(? AS interval)"
                        + " RETURNING ra.job_id")
                .params(reason, agent.name(), host, ids, grace.toMillis() + " milliseconds")
                .query(UUID.class)
                .list();
        jdbc.sql("UPDATE restore_agent ra SET missing_since = now() FROM restore_job rj WHERE " + open
                        + " AND NOT (ra.job_id = ANY(?)) AND ra.missing_since IS NULL"
                        + " AND ra.updated_at < now() - CAST(? AS interval)")
                .params(agent.name(), host, ids, grace.toMillis() + " milliseconds")
                .update();
        return failed.stream().distinct().toList();
    }

    /** As for backups: open parts of a target host's agent silent for its missed beats plus {@code grace} end FAILED. */
    List<UUID> failPartsOfSilentAgents(AgentKind agent, int missedBeats, java.time.Duration grace, String result) {
        return jdbc
                .sql("""
                        UPDATE restore_agent ra SET state = 'FAILED', updated_at = now(), result = CAST(? AS jsonb)
                        FROM restore_job rj, host_agent a
                        WHERE rj.id = ra.job_id AND a.host_id = rj.target_host AND a.agent = ra.agent
                          AND ra.state IN ('DISPATCHED','RUNNING') AND ra.agent = ?
                          AND a.last_seen < now() - make_interval(secs => (a.interval_ms * ? + ?) / 1000.0)
                          AND ra.updated_at < now() - make_interval(secs => ? / 1000.0)
                        RETURNING ra.job_id""")
                .params(result, agent.name(), missedBeats, grace.toMillis(), grace.toMillis())
                .query(UUID.class)
                .list()
                .stream()
                .distinct()
                .toList();
    }

    /** Every open part past its deadline becomes TIMED_OUT; returns the restores touched. */
    List<UUID> timeOutOverdueParts() {
        return jdbc
                .sql("UPDATE restore_agent SET state = 'TIMED_OUT', updated_at = now()"
                        + " WHERE state IN ('PENDING','DISPATCHED','RUNNING') AND deadline < now() RETURNING job_id")
                .query(UUID.class)
                .list()
                .stream()
                .distinct()
                .toList();
    }

    List<JobState> partStates(UUID id) {
        return jdbc
                .sql("SELECT state FROM restore_agent WHERE job_id = ?")
                .param(id)
                .query(String.class)
                .list()
                .stream()
                .map(JobState::valueOf)
                .toList();
    }

    void setState(UUID id, JobState state) {
        jdbc.sql(
                        "UPDATE restore_job SET state = ?, finished_at = CASE WHEN ? THEN now() END WHERE id = ? AND finished_at IS NULL")
                .params(state.name(), state.isTerminal(), id)
                .update();
    }

    /** Restores (not drills) newest first, all or those from or onto one host. */
    public List<UUID> recent(String host, int limit) {
        return jdbc.sql("SELECT id FROM restore_job WHERE drill_id IS NULL"
                        + " AND (CAST(? AS TEXT) IS NULL OR source_host = ? OR target_host = ?)"
                        + " ORDER BY created_at DESC, id LIMIT ?")
                .params(host, host, host, limit)
                .query(UUID.class)
                .list();
    }

    public Optional<RestoreRecord> find(UUID id) {
        return jdbc.sql("SELECT * FROM restore_job WHERE id = ?")
                .param(id)
                .query((rs, n) -> {
                    Timestamp finished = rs.getTimestamp("finished_at");
                    return new RestoreRecord(
                            id,
                            JobState.valueOf(rs.getString("state")),
                            rs.getObject("restore_point_id", UUID.class),
                            rs.getString("source_host"),
                            rs.getString("target_host"),
                            rs.getTimestamp("created_at").toInstant(),
                            finished == null ? null : finished.toInstant());
                })
                .optional();
    }

    public List<PartRecord> parts(UUID id) {
        return jdbc.sql("SELECT * FROM restore_agent WHERE job_id = ? ORDER BY agent")
                .param(id)
                .query((rs, n) -> {
                    String result = rs.getString("result");
                    return new PartRecord(
                            AgentKind.valueOf(rs.getString("agent")),
                            JobState.valueOf(rs.getString("state")),
                            result == null
                                    ? null
                                    : (RestoreFinished) MessageCodec.decodeEvent(
                                            result.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                            rs.getTimestamp("updated_at").toInstant());
                })
                .list();
    }
}
