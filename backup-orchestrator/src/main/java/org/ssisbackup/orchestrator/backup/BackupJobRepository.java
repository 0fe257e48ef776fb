package org.ssisbackup.orchestrator.backup;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.ssisbackup.contracts.AgentError;
import org.ssisbackup.contracts.AgentJobFinished;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.BackupScope;
import org.ssisbackup.contracts.MessageCodec;
import org.ssisbackup.contracts.PolicyRef;
import org.ssisbackup.contracts.RetentionRule;
import org.ssisbackup.orchestrator.job.JobState;

/**
 * Backup jobs in PostgreSQL: {@code backup_job} (one request over hosts) and {@code job_agent} (the spec and status of
 * each agent's part). Every transition is guarded in SQL (a terminal state never changes), so redelivered and
 * out-of-order events are harmless.
 */
@Repository
public class BackupJobRepository {
    static final String OPEN = "('PENDING','DISPATCHED','RUNNING')";
    /** The advisory lock id that serialises dispatching ("SSIS" in ASCII). */
    private static final long DISPATCH_LOCK = 0x53534953L;

    private final JdbcClient jdbc;

    public BackupJobRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A job as stored. */
    public record JobRecord(
            UUID id,
            JobState state,
            String trigger,
            Set<BackupScope> scope,
            Instant createdAt,
            Instant finishedAt,
            UUID policyId,
            int attempt,
            UUID parentJobId) {}

    /** One agent's part of a job as stored. */
    public record AgentRecord(
            UUID jobId,
            String hostId,
            AgentKind agent,
            JobState state,
            UUID restorePointId,
            Long artifactCount,
            Long bytesScanned,
            Long bytesUploaded,
            List<AgentError> errors,
            List<AgentError> warnings,
            Instant updatedAt) {}

    /** A queued host of a job, with what its commands need. */
    record QueuedHost(
            UUID jobId,
            String hostId,
            UUID restorePointId,
            Set<AgentKind> agents,
            Set<BackupScope> scope,
            UUID policyId,
            Integer policyConcurrency,
            PolicyRef policy) {}

    long openJobs() {
        return jdbc.sql("SELECT count(*) FROM backup_job WHERE state IN " + OPEN)
                .query(Long.class)
                .single();
    }

    void insertJob(
            UUID jobId,
            String trigger,
            Set<BackupScope> scope,
            UUID policyId,
            int attempt,
            UUID parent,
            Instant notBefore) {
        jdbc.sql("""
                INSERT INTO backup_job (id, trigger, scope, state, created_at, policy_id, attempt, parent_job_id, not_before)
                VALUES (?, ?, ?, 'PENDING', ?, ?, ?, ?, ?)""")
                .params(
                        jobId,
                        trigger,
                        scopeText(scope),
                        Timestamp.from(Instant.now()),
                        policyId,
                        attempt,
                        parent,
                        notBefore == null ? null : Timestamp.from(notBefore))
                .update();
    }

    /** The queued rows of one host (one per agent kind); queued rows have no deadline: time starts when sent. */
    void insertQueuedHost(UUID jobId, String host, UUID restorePointId, Set<AgentKind> agents) {
        for (AgentKind agent : agents) {
            jdbc.sql("""
                    INSERT INTO job_agent (job_id, host_id, agent, restore_point_id, state, deadline, updated_at)
                    VALUES (?, ?, ?, ?, 'PENDING', 'infinity', now())""").params(jobId, host, agent.name(), restorePointId).update();
        }
    }

    /** Held until the transaction ends: one dispatcher at a time, across orchestrators. */
    void lockDispatching() {
        jdbc.sql("SELECT pg_advisory_xact_lock(?)").param(DISPATCH_LOCK).query().listOfRows();
    }

    long hostsInFlight() {
        return jdbc.sql("SELECT count(*) FROM (SELECT DISTINCT job_id, host_id FROM job_agent"
                        + " WHERE state IN ('DISPATCHED','RUNNING')) busy")
                .query(Long.class)
                .single();
    }

    Map<UUID, Long> hostsInFlightByPolicy() {
        Map<UUID, Long> busy = new HashMap<>();
        jdbc.sql("""
                SELECT j.policy_id, count(DISTINCT (a.job_id, a.host_id)) AS n FROM job_agent a JOIN backup_job j ON j.id = a.job_id
                WHERE a.state IN ('DISPATCHED','RUNNING') AND j.policy_id IS NOT NULL GROUP BY j.policy_id""")
                .query((rs, n) -> busy.put(rs.getObject("policy_id", UUID.class), rs.getLong("n")))
                .list();
        return busy;
    }

    /** Queued hosts whose time has come, oldest job first. */
    List<QueuedHost> queuedHosts(int limit) {
        return jdbc.sql("""
                SELECT a.job_id, a.host_id, min(a.restore_point_id::text) AS point, string_agg(a.agent, ',') AS agents,
                    j.scope, j.policy_id, p.concurrency, p.name AS policy_name, p.retention::text AS retention, p.time_zone
                FROM job_agent a JOIN backup_job j ON j.id = a.job_id LEFT JOIN policy p ON p.id = j.policy_id
                WHERE a.state = 'PENDING' AND (j.not_before IS NULL OR j.not_before <= now())
                GROUP BY a.job_id, a.host_id, j.scope, j.policy_id, p.concurrency, p.name, p.retention::text, p.time_zone,
                    j.created_at
                ORDER BY j.created_at, a.host_id LIMIT ?""")
                .param(limit)
                .query((rs, n) -> {
                    UUID policyId = rs.getObject("policy_id", UUID.class);
                    String retention = rs.getString("retention");
                    // The policy as it stands now (its retention travels with the backup); none when ad hoc or deleted.
                    PolicyRef policy = policyId == null || retention == null
                            ? null
                            : new PolicyRef(
                                    policyId,
                                    rs.getString("policy_name"),
                                    MessageCodec.decodeDocument(
                                            retention.getBytes(StandardCharsets.UTF_8), RetentionRule.class),
                                    rs.getString("time_zone"));
                    return new QueuedHost(
                            rs.getObject("job_id", UUID.class),
                            rs.getString("host_id"),
                            UUID.fromString(rs.getString("point")),
                            agents(rs.getString("agents")),
                            scope(rs.getString("scope")),
                            policyId,
                            (Integer) rs.getObject("concurrency"),
                            policy);
                })
                .list();
    }

    void markDispatched(UUID jobId, String host, AgentKind agent, Instant deadline) {
        jdbc.sql("UPDATE job_agent SET state = 'DISPATCHED', deadline = ?, updated_at = now()"
                        + " WHERE job_id = ? AND host_id = ? AND agent = ? AND state = 'PENDING'")
                .params(Timestamp.from(deadline), jobId, host, agent.name())
                .update();
    }

    /** Moves one agent's part to {@code to} if it is in one of {@code from}; what an AgentJobFinished reports is kept. */
    void transition(
            UUID jobId,
            String host,
            AgentKind agent,
            JobState to,
            Set<JobState> from,
            AgentJobFinished f,
            List<AgentError> errors) {
        jdbc.sql("""
                UPDATE job_agent SET state = ?, updated_at = now(), errors = CAST(? AS jsonb),
                    artifact_count = coalesce(?, artifact_count), bytes_scanned = coalesce(?, bytes_scanned),
                    bytes_uploaded = coalesce(?, bytes_uploaded), warnings = coalesce(CAST(? AS jsonb), warnings)
                WHERE job_id = ? AND host_id = ? AND agent = ? AND state = ANY(?)""")
                .params(
                        to.name(),
                        MessageCodec.encodeToString(errors),
                        f == null ? null : f.artifactCount(),
                        f == null ? null : f.bytesScanned(),
                        f == null ? null : f.bytesUploaded(),
                        f == null ? null : MessageCodec.encodeToString(f.warnings()),
                        jobId,
                        host,
                        agent.name(),
                        names(from))
                .update();
    }

    boolean exists(UUID jobId) {
        return jdbc.sql("SELECT count(*) FROM backup_job WHERE id = ?")
                        .param(jobId)
                        .query(Long.class)
                        .single()
                > 0;
    }

    void cancelOpenParts(UUID jobId, List<AgentError> errors) {
        jdbc.sql("UPDATE job_agent SET state = 'CANCELLED', updated_at = now(), errors = CAST(? AS jsonb)"
                        + " WHERE job_id = ? AND state IN " + OPEN)
                .params(MessageCodec.encodeToString(errors), jobId)
                .update();
    }

    /** Every open part past its deadline becomes TIMED_OUT; returns the jobs touched. */
    List<UUID> timeOutOverdueParts(List<AgentError> errors) {
        return jdbc
                .sql("""
                UPDATE job_agent SET state = 'TIMED_OUT', updated_at = now(), errors = CAST(? AS jsonb)
                WHERE state IN %s AND deadline < now() RETURNING job_id""".formatted(OPEN))
                .param(MessageCodec.encodeToString(errors))
                .query(UUID.class)
                .list()
                .stream()
                .distinct()
                .toList();
    }

    /**
     * Open parts of agents that were heard before and have now been silent for their {@code missedBeats} heartbeat
     * intervals plus {@code grace}: FAILED with {@code errors}. Returns the jobs whose part ended.
     */
    List<UUID> failPartsOfSilentAgents(int missedBeats, java.time.Duration grace, List<AgentError> errors) {
        return jdbc
                .sql("""
                        UPDATE job_agent j SET state = 'FAILED', updated_at = now(), errors = CAST(? AS jsonb)
                        FROM host_agent a
                        WHERE a.host_id = j.host_id AND a.agent = j.agent AND j.state IN ('DISPATCHED','RUNNING')
                          AND a.last_seen < now() - make_interval(secs => (a.interval_ms * ? + ?) / 1000.0)
                          AND j.updated_at < now() - make_interval(secs => ? / 1000.0)
                        RETURNING j.job_id""")
                .params(MessageCodec.encodeToString(errors), missedBeats, grace.toMillis(), grace.toMillis())
                .query(UUID.class)
                .list()
                .stream()
                .distinct()
                .toList();
    }

    /**
     * An agent's heartbeat listed the jobs it holds: its open parts in that list are fine; one left out is marked
     * missing (only once it was sent more than {@code grace} ago: the command may still be on its way), and one
     * still missing {@code grace} after that ends FAILED with {@code errors}. Returns the jobs whose part ended.
     */
    List<UUID> reconcile(
            String host, AgentKind agent, java.util.Set<UUID> held, java.time.Duration grace, List<AgentError> errors) {
        UUID[] ids = held.toArray(UUID[]::new);
        String open = "host_id = ? AND agent = ? AND state IN ('DISPATCHED','RUNNING')";
        jdbc.sql("UPDATE job_agent SET missing_since = NULL WHERE " + open
                        + " AND job_id = ANY(?) AND missing_since IS NOT NULL")
                .params(host, agent.name(), ids)
                .update();
        List<UUID> failed = jdbc.sql(
                        "UPDATE job_agent SET state = 'FAILED', updated_at = now(), errors = CAST(? AS jsonb)"
                                + " WHERE " + open
                                + " AND NOT (job_id = ANY(?)) AND missing_since < now() - CAST(? AS interval)"
                                + " RETURNING job_id")
                .params(
                        MessageCodec.encodeToString(errors),
                        host,
                        agent.name(),
                        ids,
                        grace.toMillis() + " milliseconds")
                .query(UUID.class)
                .list();
        jdbc.sql(
                        "UPDATE job_agent SET missing_since = now() WHERE " + open
                                + " AND NOT (job_id = ANY(?)) AND missing_since IS NULL AND updated_at < now() - CAST(? AS interval)")
                .params(host, agent.name(), ids, grace.toMillis() + " milliseconds")
                .update();
        return failed.stream().distinct().toList();
    }

    /** Which states the job's parts are in: only which occur matters, so thousands of rows reduce to a few. */
    List<JobState> partStates(UUID jobId) {
        return jdbc
                .sql("SELECT DISTINCT state FROM job_agent WHERE job_id = ?")
                .param(jobId)
                .query(String.class)
                .list()
                .stream()
                .map(JobState::valueOf)
                .toList();
    }

    /** A job that just ended: its trigger and when it was created, once (empty when it had ended already). */
    record ClosedJob(String trigger, Instant createdAt) {}

    Optional<ClosedJob> close(UUID jobId, JobState state) {
        return jdbc.sql("""
                UPDATE backup_job SET state = ?, finished_at = now() WHERE id = ? AND finished_at IS NULL
                RETURNING trigger, created_at""")
                .params(state.name(), jobId)
                .query((rs, n) -> new ClosedJob(
                        rs.getString("trigger"), rs.getTimestamp("created_at").toInstant()))
                .optional();
    }

    void setState(UUID jobId, JobState state) {
        jdbc.sql("UPDATE backup_job SET state = ? WHERE id = ? AND finished_at IS NULL")
                .params(state.name(), jobId)
                .update();
    }

    /** A closed job of a policy that was not cancelled: its attempt and the policy's retries. */
    record RetryBudget(Set<BackupScope> scope, int attempt, UUID policyId, int maxRetries) {}

    Optional<RetryBudget> retryBudget(UUID jobId) {
        return jdbc.sql("""
                SELECT j.scope, j.attempt, j.policy_id, p.max_retries FROM backup_job j JOIN policy p ON p.id = j.policy_id
                WHERE j.id = ? AND j.state <> 'CANCELLED'""")
                .param(jobId)
                .query((rs, n) -> new RetryBudget(
                        scope(rs.getString("scope")),
                        rs.getInt("attempt"),
                        rs.getObject("policy_id", UUID.class),
                        rs.getInt("max_retries")))
                .optional();
    }

    /**
     * The hosts of a closed job whose every part succeeded and whose successful backups under the job's policy now
     * number a multiple of its {@code drill_every}: their new points are due for a drill (issue 17).
     */
    void scheduleDrills(UUID jobId) {
        jdbc.sql("""
                INSERT INTO drill_due (restore_point_id, host_id, policy_id, due_at)
                SELECT mine.restore_point_id, mine.host_id, j.policy_id, now()
                FROM backup_job j JOIN policy p ON p.id = j.policy_id
                JOIN (SELECT host_id, min(restore_point_id::text)::uuid AS restore_point_id FROM job_agent
                      WHERE job_id = ? GROUP BY host_id HAVING bool_and(state = 'SUCCEEDED')) mine ON true
                WHERE j.id = ? AND p.drill_every IS NOT NULL
                  AND (SELECT count(*) FROM (SELECT a.job_id FROM job_agent a JOIN backup_job b ON b.id = a.job_id
                                            WHERE b.policy_id = j.policy_id AND a.host_id = mine.host_id
                                            GROUP BY a.job_id HAVING bool_and(a.state = 'SUCCEEDED')) ok)
                      % p.drill_every = 0
                ON CONFLICT (restore_point_id) DO NOTHING""").params(jobId, jobId).update();
    }

    List<String> hostsThatFailed(UUID jobId) {
        return jdbc.sql("SELECT DISTINCT host_id FROM job_agent WHERE job_id = ? AND state IN ('FAILED','TIMED_OUT')"
                        + " ORDER BY host_id")
                .param(jobId)
                .query(String.class)
                .list();
    }

    public Optional<JobRecord> find(UUID jobId) {
        return jdbc.sql("SELECT * FROM backup_job WHERE id = ?")
                .param(jobId)
                .query(BackupJobRepository::job)
                .optional();
    }

    /** The newest jobs first, optionally only those touching a host or in a state. */
    public List<JobRecord> list(String host, JobState state, int limit) {
        return jdbc.sql("""
                SELECT * FROM backup_job j
                WHERE (CAST(? AS text) IS NULL OR EXISTS (SELECT 1 FROM job_agent a WHERE a.job_id = j.id AND a.host_id = ?))
                  AND (CAST(? AS text) IS NULL OR j.state = ?)
                ORDER BY created_at DESC LIMIT ?""")
                .params(host, host, state == null ? null : state.name(), state == null ? null : state.name(), limit)
                .query(BackupJobRepository::job)
                .list();
    }

    /**
     * A page of the parts of several jobs in one query (a page of jobs costs three queries, not one per job): per job,
     * its parts by host and agent from {@code offset}, at most {@code limit}. A fleet-wide job has two parts per host;
     * nothing reads them all at once.
     */
    public Map<UUID, List<AgentRecord>> parts(List<UUID> jobIds, int offset, int limit) {
        Map<UUID, List<AgentRecord>> out = new LinkedHashMap<>();
        jobIds.forEach(id -> out.put(id, new ArrayList<>()));
        if (jobIds.isEmpty()) {
            return out;
        }
        jdbc.sql("""
                SELECT * FROM (
                    SELECT a.*, row_number() OVER (PARTITION BY job_id ORDER BY host_id, agent) AS n
                    FROM job_agent a WHERE job_id = ANY(?)) p
                WHERE n > ? AND n <= ? ORDER BY job_id, n""")
                .params(jobIds.toArray(UUID[]::new), offset, (long) offset + limit)
                .query((rs, n) -> new AgentRecord(
                        rs.getObject("job_id", UUID.class),
                        rs.getString("host_id"),
                        AgentKind.valueOf(rs.getString("agent")),
                        JobState.valueOf(rs.getString("state")),
                        rs.getObject("restore_point_id", UUID.class),
                        (Long) rs.getObject("artifact_count"),
                        (Long) rs.getObject("bytes_scanned"),
                        (Long) rs.getObject("bytes_uploaded"),
                        MessageCodec.decodeErrors(rs.getString("errors")),
                        MessageCodec.decodeErrors(rs.getString("warnings")),
                        rs.getTimestamp("updated_at").toInstant()))
                .list()
                .forEach(a -> out.get(a.jobId()).add(a));
        return out;
    }

    /** Per job, how many parts it has in each state. */
    public Map<UUID, Map<JobState, Long>> stateCounts(List<UUID> jobIds) {
        Map<UUID, Map<JobState, Long>> out = new LinkedHashMap<>();
        jobIds.forEach(id -> out.put(id, new java.util.EnumMap<>(JobState.class)));
        if (jobIds.isEmpty()) {
            return out;
        }
        jdbc.sql("SELECT job_id, state, count(*) AS n FROM job_agent WHERE job_id = ANY(?) GROUP BY job_id, state")
                .param(jobIds.toArray(UUID[]::new))
                .query((rs, n) -> {
                    out.get(rs.getObject("job_id", UUID.class))
                            .put(JobState.valueOf(rs.getString("state")), rs.getLong("n"));
                    return null;
                })
                .list();
        return out;
    }

    private static JobRecord job(ResultSet rs, int n) throws SQLException {
        Timestamp finished = rs.getTimestamp("finished_at");
        return new JobRecord(
                rs.getObject("id", UUID.class),
                JobState.valueOf(rs.getString("state")),
                rs.getString("trigger"),
                scope(rs.getString("scope")),
                rs.getTimestamp("created_at").toInstant(),
                finished == null ? null : finished.toInstant(),
                rs.getObject("policy_id", UUID.class),
                rs.getInt("attempt"),
                rs.getObject("parent_job_id", UUID.class));
    }

    static String scopeText(Set<BackupScope> scope) {
        return String.join(",", scope.stream().map(Enum::name).sorted().toList());
    }

    static Set<BackupScope> scope(String text) {
        Set<BackupScope> scope = EnumSet.noneOf(BackupScope.class);
        for (String s : text.split(",", -1)) {
            scope.add(BackupScope.valueOf(s));
        }
        return scope;
    }

    private static Set<AgentKind> agents(String text) {
        Set<AgentKind> agents = EnumSet.noneOf(AgentKind.class);
        for (String a : text.split(",", -1)) {
            agents.add(AgentKind.valueOf(a));
        }
        return agents;
    }

    private static String[] names(Set<JobState> states) {
        return states.stream().map(Enum::name).toArray(String[]::new);
    }
}
