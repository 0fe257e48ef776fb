package org.ssisbackup.orchestrator.job;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;
import org.ssisbackup.contracts.AgentError;
import org.ssisbackup.contracts.AgentEvent;
import org.ssisbackup.contracts.AgentJobFinished;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.BackupCommand;
import org.ssisbackup.contracts.BackupScope;
import org.ssisbackup.contracts.JobAccepted;
import org.ssisbackup.contracts.MessageCodec;
import org.ssisbackup.contracts.MessageMeta;
import org.ssisbackup.contracts.PolicyRef;
import org.ssisbackup.contracts.RetentionRule;
import org.ssisbackup.contracts.VersionedMessage;
import org.ssisbackup.orchestrator.OrchestratorProperties;

/**
 * Backup jobs in PostgreSQL: created by a trigger, dispatched as one BackupCommand per host and agent kind,
 * then moved forward only by agent events and the timeout sweep. Transitions are guarded in SQL (a terminal
 * state never changes, RUNNING only from PENDING/DISPATCHED), so redelivered and out-of-order events are harmless.
 */
@Service
public class BackupJobs {
    private static final Logger log = LoggerFactory.getLogger(BackupJobs.class);
    private static final String OPEN = "('PENDING','DISPATCHED','RUNNING')";
    /** The advisory lock id that serialises dispatching ("SSIS" in ASCII). */
    private static final long DISPATCH_LOCK = 0x53534953L;
    /** Queued hosts looked at beyond the free slots, so a policy at its limit does not block other policies' hosts. */
    private static final int QUEUE_LOOKAHEAD = 500;

    private final JdbcClient jdbc;
    private final Consumer<VersionedMessage> commands;
    private final OrchestratorProperties properties;
    private final MeterRegistry registry;
    private final TransactionTemplate tx;

    public BackupJobs(JdbcClient jdbc, CommandPublisher commands, OrchestratorProperties properties, MeterRegistry registry,
                      PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.tx = new TransactionTemplate(transactions);
        this.commands = commands;
        this.properties = properties;
        this.registry = registry;
        registry.gauge("ssis.orchestrator.jobs.in.flight", this,
                j -> j.jdbc.sql("SELECT count(*) FROM backup_job WHERE state IN " + OPEN).query(Long.class).single());
    }

    /** One host's part of a new job: its restore point id, assigned here so both agents write under it. */
    public record HostAssignment(String hostId, UUID restorePointId) {
    }

    public record NewJob(UUID jobId, JobState state, List<HostAssignment> hosts) {
    }

    /** Creates the job and its agents' rows (PENDING), then dispatches the commands. */
    public NewJob start(List<String> hosts, Set<BackupScope> scope, String trigger) {
        return start(hosts, scope, trigger, null);
    }

    /**
     * Creates the job and its agents' rows (PENDING, queued), then dispatches as many hosts as the fleet-wide and the
     * policy's concurrency limits allow; the rest go out as running hosts finish.
     */
    public NewJob start(List<String> hosts, Set<BackupScope> scope, String trigger, UUID policyId) {
        List<HostAssignment> assignments = new ArrayList<>();
        UUID jobId = tx.execute(status -> create(hosts, scope, trigger, policyId, 0, null, null, assignments));
        dispatchQueued();
        return new NewJob(jobId, refreshJobState(jobId), assignments);
    }

    private UUID create(List<String> hosts, Set<BackupScope> scope, String trigger, UUID policyId, int attempt, UUID parent,
                        Instant notBefore, List<HostAssignment> assignments) {
        UUID jobId = UUID.randomUUID();
        Set<AgentKind> agents = EnumSet.noneOf(AgentKind.class);
        scope.forEach(s -> agents.add(s.agent()));
        String scopeText = scope.stream().map(Enum::name).sorted().collect(Collectors.joining(","));
        jdbc.sql("""
                INSERT INTO backup_job (id, trigger, scope, state, created_at, policy_id, attempt, parent_job_id, not_before)
                VALUES (?, ?, ?, 'PENDING', ?, ?, ?, ?, ?)""")
                .params(jobId, trigger, scopeText, Timestamp.from(Instant.now()), policyId, attempt, parent,
                        notBefore == null ? null : Timestamp.from(notBefore)).update();
        for (String host : hosts) {
            UUID point = UUID.randomUUID();
            assignments.add(new HostAssignment(host, point));
            for (AgentKind agent : agents) {
                // Queued rows have no deadline yet: an agent's time starts when its command is sent.
                jdbc.sql("""
                        INSERT INTO job_agent (job_id, host_id, agent, restore_point_id, state, deadline, updated_at)
                        VALUES (?, ?, ?, ?, 'PENDING', 'infinity', now())""")
                        .params(jobId, host, agent.name(), point).update();
            }
        }
        registry.counter("ssis.orchestrator.jobs.started", "trigger", trigger).increment();
        return jobId;
    }

    /**
     * Sends the commands of queued hosts, oldest job first, while fewer than {@code max-concurrent-hosts} hosts of the
     * fleet and fewer than its policy's {@code concurrency} hosts of each policy are dispatched or running. One
     * dispatcher at a time (a transaction-scoped advisory lock), so the limits hold with several orchestrators too.
     */
    public void dispatchQueued() {
        tx.executeWithoutResult(status -> {
            jdbc.sql("SELECT pg_advisory_xact_lock(?)").param(DISPATCH_LOCK).query().listOfRows();
            long inFlight = jdbc.sql("SELECT count(*) FROM (SELECT DISTINCT job_id, host_id FROM job_agent"
                    + " WHERE state IN ('DISPATCHED','RUNNING')) busy").query(Long.class).single();
            int free = (int) Math.max(0, properties.maxConcurrentHosts() - inFlight);
            if (free == 0) {
                return;
            }
            Map<UUID, Long> busyByPolicy = new java.util.HashMap<>();
            jdbc.sql("""
                    SELECT j.policy_id, count(DISTINCT (a.job_id, a.host_id)) AS n FROM job_agent a JOIN backup_job j ON j.id = a.job_id
                    WHERE a.state IN ('DISPATCHED','RUNNING') AND j.policy_id IS NOT NULL GROUP BY j.policy_id""")
                    .query().listOfRows().forEach(r -> busyByPolicy.put((UUID) r.get("policy_id"), ((Number) r.get("n")).longValue()));
            List<Map<String, Object>> queued = jdbc.sql("""
                    SELECT a.job_id, a.host_id, min(a.restore_point_id::text) AS point, string_agg(a.agent, ',') AS agents,
                        j.scope, j.policy_id, p.concurrency, p.name AS policy_name, p.retention::text AS retention, p.time_zone
                    FROM job_agent a JOIN backup_job j ON j.id = a.job_id LEFT JOIN policy p ON p.id = j.policy_id
                    WHERE a.state = 'PENDING' AND (j.not_before IS NULL OR j.not_before <= now())
                    GROUP BY a.job_id, a.host_id, j.scope, j.policy_id, p.concurrency, p.name, p.retention::text, p.time_zone,
                        j.created_at
                    ORDER BY j.created_at, a.host_id LIMIT ?""").param(free + QUEUE_LOOKAHEAD).query().listOfRows();
            Set<UUID> touched = new java.util.LinkedHashSet<>();
            for (Map<String, Object> q : queued) {
                if (free == 0) {
                    break;
                }
                UUID policy = (UUID) q.get("policy_id");
                Integer limit = (Integer) q.get("concurrency");
                if (policy != null && limit != null && busyByPolicy.getOrDefault(policy, 0L) >= limit) {
                    continue;
                }
                dispatchHost((UUID) q.get("job_id"), (String) q.get("host_id"), UUID.fromString((String) q.get("point")),
                        (String) q.get("agents"), (String) q.get("scope"), policyRef(q));
                touched.add((UUID) q.get("job_id"));
                free--;
                if (policy != null) {
                    busyByPolicy.merge(policy, 1L, Long::sum);
                }
            }
            touched.forEach(this::refreshJobState); // once per job, not once per host
        });
    }

    /** The job's policy as it stands now (its retention travels with the backup to the catalog); null for ad-hoc jobs. */
    private static PolicyRef policyRef(Map<String, Object> q) {
        if (q.get("policy_id") == null || q.get("retention") == null) {
            return null; // ad hoc, or the policy was deleted after the job was queued
        }
        return new PolicyRef((UUID) q.get("policy_id"), (String) q.get("policy_name"), MessageCodec.decodeDocument(
                ((String) q.get("retention")).getBytes(java.nio.charset.StandardCharsets.UTF_8), RetentionRule.class),
                (String) q.get("time_zone"));
    }

    private void dispatchHost(UUID jobId, String host, UUID point, String agentsText, String scopeText, PolicyRef policy) {
        Set<AgentKind> agents = EnumSet.noneOf(AgentKind.class);
        for (String a : agentsText.split(",")) {
            agents.add(AgentKind.valueOf(a));
        }
        Set<BackupScope> scope = EnumSet.noneOf(BackupScope.class);
        for (String s : scopeText.split(",")) {
            scope.add(BackupScope.valueOf(s));
        }
        for (AgentKind agent : agents) {
            Timestamp deadline = Timestamp.from(Instant.now().plus(properties.timeoutFor(agent)));
            try {
                commands.accept(new BackupCommand(MessageMeta.create(jobId, host), agent, point, agents, scope, policy));
                jdbc.sql("UPDATE job_agent SET state = 'DISPATCHED', deadline = ?, updated_at = now()"
                        + " WHERE job_id = ? AND host_id = ? AND agent = ? AND state = 'PENDING'")
                        .params(deadline, jobId, host, agent.name()).update();
            } catch (RuntimeException e) {
                log.warn("job {}: cannot dispatch to {} {}: {}", jobId, host, agent, e.toString());
                transition(jobId, host, agent, JobState.FAILED, "state IN " + OPEN, null,
                        List.of(new AgentError("(dispatch)", "command could not be sent: " + e.getMessage())));
            }
        }
    }

    /**
     * Cancels a job: its queued hosts are never dispatched and every open agent part ends CANCELLED. Agents already
     * capturing finish their work (their restore point is recorded by the catalog); the job stays CANCELLED.
     * @return the job's state, or empty when there is no such job
     */
    public java.util.Optional<JobState> cancel(UUID jobId, String by) {
        if (jdbc.sql("SELECT count(*) FROM backup_job WHERE id = ?").param(jobId).query(Long.class).single() == 0) {
            return java.util.Optional.empty();
        }
        jdbc.sql("UPDATE job_agent SET state = 'CANCELLED', updated_at = now(), errors = CAST(? AS jsonb)"
                        + " WHERE job_id = ? AND state IN " + OPEN)
                .params(MessageCodec.encodeToString(List.of(new AgentError("(job)", "cancelled by " + by))), jobId).update();
        JobState state = refreshJobState(jobId);
        dispatchQueued();
        return java.util.Optional.of(state);
    }

    /** Applies an agent event; idempotent. */
    @Transactional
    public void on(AgentEvent event) {
        UUID jobId = event.meta().jobId();
        String host = event.meta().hostId();
        if (event instanceof JobAccepted accepted) {
            transition(jobId, host, accepted.agent(), JobState.RUNNING, "state IN ('PENDING','DISPATCHED')", null, List.of());
        } else if (event instanceof AgentJobFinished f) {
            transition(jobId, host, f.agent(), JobState.of(f.outcome()), "state IN " + OPEN, f, f.errors());
            refreshJobState(jobId);
            dispatchQueued(); // a host finished: its slot goes to the next queued one
            return;
        } else {
            return;
        }
        refreshJobState(jobId);
    }

    /** Agents past their deadline are TIMED_OUT: a host that never answers does not keep a job open forever. */
    @Scheduled(fixedDelayString = "${ssisbackup.orchestrator.timeout-sweep:10s}")
    public void timeOutOverdueAgents() {
        List<UUID> jobs = jdbc.sql("""
                UPDATE job_agent SET state = 'TIMED_OUT', updated_at = now(),
                    errors = CAST(? AS jsonb)
                WHERE state IN %s AND deadline < now() RETURNING job_id""".formatted(OPEN))
                .param(MessageCodec.encodeToString(List.of(new AgentError("(job)", "agent did not finish before its deadline"))))
                .query(UUID.class).list();
        jobs.stream().distinct().forEach(this::refreshJobState);
        dispatchQueued();
    }

    private void transition(UUID jobId, String host, AgentKind agent, JobState to, String guard, AgentJobFinished f,
                            List<AgentError> errors) {
        jdbc.sql("""
                UPDATE job_agent SET state = ?, updated_at = now(), errors = CAST(? AS jsonb),
                    artifact_count = coalesce(?, artifact_count), bytes_scanned = coalesce(?, bytes_scanned),
                    bytes_uploaded = coalesce(?, bytes_uploaded), warnings = coalesce(CAST(? AS jsonb), warnings)
                WHERE job_id = ? AND host_id = ? AND agent = ? AND %s""".formatted(guard))
                .params(to.name(), MessageCodec.encodeToString(errors),
                        f == null ? null : f.artifactCount(), f == null ? null : f.bytesScanned(),
                        f == null ? null : f.bytesUploaded(),
                        f == null ? null : MessageCodec.encodeToString(f.warnings()), jobId, host, agent.name())
                .update();
    }

    /**
     * A closed job of a policy with retries left: its hosts with a FAILED or TIMED_OUT agent are backed up again in a
     * follow-up job (trigger {@code retry}, the same scope, a new restore point) after {@code retry-delay}. Hosts that
     * ended PARTIALLY_FAILED are not retried: what failed there (an unreadable file) usually fails again.
     */
    private void retryFailedHosts(UUID jobId) {
        List<Map<String, Object>> jobRow = jdbc.sql("""
                SELECT j.scope, j.attempt, j.policy_id, p.max_retries FROM backup_job j JOIN policy p ON p.id = j.policy_id
                WHERE j.id = ? AND j.state <> 'CANCELLED'""").param(jobId).query().listOfRows();
        if (jobRow.isEmpty()) {
            return;
        }
        Map<String, Object> j = jobRow.get(0);
        int attempt = (Integer) j.get("attempt");
        if (attempt >= (Integer) j.get("max_retries")) {
            return;
        }
        List<String> failedHosts = jdbc.sql("SELECT DISTINCT host_id FROM job_agent WHERE job_id = ? AND state IN ('FAILED','TIMED_OUT')"
                + " ORDER BY host_id").param(jobId).query(String.class).list();
        if (failedHosts.isEmpty()) {
            return;
        }
        Set<BackupScope> scope = EnumSet.noneOf(BackupScope.class);
        for (String sc : ((String) j.get("scope")).split(",")) {
            scope.add(BackupScope.valueOf(sc));
        }
        UUID retry = create(failedHosts, scope, "retry", (UUID) j.get("policy_id"), attempt + 1, jobId,
                Instant.now().plus(properties.retryDelay()), new ArrayList<>());
        log.info("job {}: {} failed hosts retried in job {} (attempt {} of {})", jobId, failedHosts.size(), retry, attempt + 1,
                j.get("max_retries"));
    }

    /** Recomputes the job's state from its agents'; records the end once. */
    private JobState refreshJobState(UUID jobId) {
        // Only which states occur matters to combine(): the database reduces thousands of agent rows to a few.
        List<JobState> agents = jdbc.sql("SELECT DISTINCT state FROM job_agent WHERE job_id = ?").param(jobId)
                .query(String.class).list().stream().map(JobState::valueOf).toList();
        JobState state = JobState.combine(agents);
        if (state.isTerminal()) {
            List<Map<String, Object>> closed = jdbc.sql("""
                    UPDATE backup_job SET state = ?, finished_at = now() WHERE id = ? AND finished_at IS NULL
                    RETURNING trigger, created_at""").params(state.name(), jobId).query().listOfRows();
            for (Map<String, Object> row : closed) {
                Duration took = Duration.between(((Timestamp) row.get("created_at")).toInstant(), Instant.now());
                Timer.builder("ssis.orchestrator.job.duration").tags("trigger", (String) row.get("trigger"),
                        "outcome", state.name().toLowerCase()).publishPercentileHistogram().register(registry).record(took);
                registry.counter("ssis.orchestrator.jobs.finished", "trigger", (String) row.get("trigger"),
                        "outcome", state.name().toLowerCase()).increment();
                retryFailedHosts(jobId);
            }
        } else {
            jdbc.sql("UPDATE backup_job SET state = ? WHERE id = ? AND finished_at IS NULL").params(state.name(), jobId).update();
        }
        return state;
    }
}
