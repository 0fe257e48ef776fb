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
import org.springframework.transaction.annotation.Transactional;
import org.ssisbackup.contracts.AgentError;
import org.ssisbackup.contracts.AgentEvent;
import org.ssisbackup.contracts.AgentJobFinished;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.BackupCommand;
import org.ssisbackup.contracts.BackupScope;
import org.ssisbackup.contracts.JobAccepted;
import org.ssisbackup.contracts.MessageCodec;
import org.ssisbackup.contracts.MessageMeta;
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

    private final JdbcClient jdbc;
    private final Consumer<VersionedMessage> commands;
    private final OrchestratorProperties properties;
    private final MeterRegistry registry;

    public BackupJobs(JdbcClient jdbc, CommandPublisher commands, OrchestratorProperties properties, MeterRegistry registry) {
        this.jdbc = jdbc;
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
        UUID jobId = UUID.randomUUID();
        Set<AgentKind> agents = EnumSet.noneOf(AgentKind.class);
        scope.forEach(s -> agents.add(s.agent()));
        String scopeText = scope.stream().map(Enum::name).sorted().collect(Collectors.joining(","));
        Instant now = Instant.now();
        Timestamp deadline = Timestamp.from(now.plus(properties.agentTimeout()));
        List<HostAssignment> assignments = new ArrayList<>();
        jdbc.sql("INSERT INTO backup_job (id, trigger, scope, state, created_at) VALUES (?, ?, ?, 'PENDING', ?)")
                .params(jobId, trigger, scopeText, Timestamp.from(now)).update();
        for (String host : hosts) {
            UUID point = UUID.randomUUID();
            assignments.add(new HostAssignment(host, point));
            for (AgentKind agent : agents) {
                jdbc.sql("""
                        INSERT INTO job_agent (job_id, host_id, agent, restore_point_id, state, deadline, updated_at)
                        VALUES (?, ?, ?, ?, 'PENDING', ?, now())""")
                        .params(jobId, host, agent.name(), point, deadline).update();
            }
        }
        for (HostAssignment a : assignments) {
            for (AgentKind agent : agents) {
                try {
                    commands.accept(new BackupCommand(MessageMeta.create(jobId, a.hostId()), agent, a.restorePointId(),
                            agents, scope));
                    transition(jobId, a.hostId(), agent, JobState.DISPATCHED, "state = 'PENDING'", null, List.of());
                } catch (RuntimeException e) {
                    log.warn("job {}: cannot dispatch to {} {}: {}", jobId, a.hostId(), agent, e.toString());
                    transition(jobId, a.hostId(), agent, JobState.FAILED, "state IN " + OPEN, null,
                            List.of(new AgentError("(dispatch)", "command could not be sent: " + e.getMessage())));
                }
            }
        }
        registry.counter("ssis.orchestrator.jobs.started", "trigger", trigger).increment();
        return new NewJob(jobId, refreshJobState(jobId), assignments);
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

    /** Recomputes the job's state from its agents'; records the end once. */
    private JobState refreshJobState(UUID jobId) {
        List<JobState> agents = jdbc.sql("SELECT state FROM job_agent WHERE job_id = ?").param(jobId)
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
            }
        } else {
            jdbc.sql("UPDATE backup_job SET state = ? WHERE id = ? AND finished_at IS NULL").params(state.name(), jobId).update();
        }
        return state;
    }
}
