package org.ssisbackup.orchestrator.restore;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.ssisbackup.contracts.AgentError;
import org.ssisbackup.contracts.AgentEvent;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.JobAccepted;
import org.ssisbackup.contracts.MessageCodec;
import org.ssisbackup.contracts.MessageMeta;
import org.ssisbackup.contracts.Outcome;
import org.ssisbackup.contracts.OverwritePolicy;
import org.ssisbackup.contracts.RestoreCommand;
import org.ssisbackup.contracts.RestoreFinished;
import org.ssisbackup.contracts.VersionedMessage;
import org.ssisbackup.orchestrator.OrchestratorProperties;
import org.ssisbackup.orchestrator.job.CommandPublisher;
import org.ssisbackup.orchestrator.job.JobState;

/** Restores, tracked like backups: rows per agent, moved forward only by events and the timeout sweep. */
@Service
public class RestoreJobs {
    private static final Logger log = LoggerFactory.getLogger(RestoreJobs.class);
    private static final String OPEN = "('PENDING','DISPATCHED','RUNNING')";

    private final JdbcClient jdbc;
    private final Consumer<VersionedMessage> commands;
    private final OrchestratorProperties properties;

    public RestoreJobs(JdbcClient jdbc, CommandPublisher commands, OrchestratorProperties properties) {
        this.jdbc = jdbc;
        this.commands = commands;
        this.properties = properties;
    }

    /** What to restore, as the REST request gave it (already validated). */
    public record RestoreSpec(UUID restorePointId, String sourceHost, String targetHost, Set<AgentKind> agents,
                              List<String> include, String targetPath, OverwritePolicy overwrite, boolean dryRun,
                              String targetFolder, boolean restoreRoles) {
    }

    public UUID start(RestoreSpec spec) {
        UUID id = UUID.randomUUID();
        Timestamp deadline = Timestamp.from(Instant.now().plus(properties.agentTimeout()));
        jdbc.sql("""
                INSERT INTO restore_job (id, restore_point_id, source_host, target_host, request, state, created_at)
                VALUES (?, ?, ?, ?, CAST(? AS jsonb), 'PENDING', now())""")
                .params(id, spec.restorePointId(), spec.sourceHost(), spec.targetHost(), MessageCodec.encodeToString(spec)).update();
        for (AgentKind agent : spec.agents()) {
            jdbc.sql("INSERT INTO restore_agent (job_id, agent, state, deadline, updated_at) VALUES (?, ?, 'PENDING', ?, now())")
                    .params(id, agent.name(), deadline).update();
        }
        for (AgentKind agent : spec.agents()) {
            try {
                commands.accept(new RestoreCommand(MessageMeta.create(id, spec.targetHost()), agent, spec.sourceHost(),
                        spec.restorePointId(), spec.include(), spec.targetPath(), spec.overwrite(), spec.dryRun(),
                        spec.targetFolder(), spec.restoreRoles()));
                update(id, agent, JobState.DISPATCHED, "state = 'PENDING'", null);
            } catch (RuntimeException e) {
                log.warn("restore {}: cannot dispatch to {} {}: {}", id, spec.targetHost(), agent, e.toString());
                RestoreFinished notSent = new RestoreFinished(MessageMeta.create(id, spec.targetHost()), agent,
                        spec.restorePointId(), Outcome.FAILED, spec.dryRun(), List.of(), List.of(), List.of(),
                        List.of(new AgentError("(dispatch)", "command could not be sent: " + e.getMessage())));
                update(id, agent, JobState.FAILED, "state IN " + OPEN, MessageCodec.encodeToString(notSent));
            }
        }
        refresh(id);
        return id;
    }

    @Transactional
    public void on(AgentEvent event) {
        UUID id = event.meta().jobId();
        if (event instanceof JobAccepted a) {
            update(id, a.agent(), JobState.RUNNING, "state IN ('PENDING','DISPATCHED')", null);
        } else if (event instanceof RestoreFinished f) {
            update(id, f.agent(), JobState.of(f.outcome()), "state IN " + OPEN, MessageCodec.encodeToString(f));
        } else {
            return;
        }
        refresh(id);
    }

    @Scheduled(fixedDelayString = "${ssisbackup.orchestrator.timeout-sweep:10s}")
    public void timeOutOverdueAgents() {
        jdbc.sql("UPDATE restore_agent SET state = 'TIMED_OUT', updated_at = now() WHERE state IN " + OPEN
                        + " AND deadline < now() RETURNING job_id")
                .query(UUID.class).list().stream().distinct().forEach(this::refresh);
    }

    private void update(UUID id, AgentKind agent, JobState to, String guard, String result) {
        jdbc.sql("UPDATE restore_agent SET state = ?, updated_at = now(), result = coalesce(CAST(? AS jsonb), result) "
                        + "WHERE job_id = ? AND agent = ? AND " + guard)
                .params(to.name(), result, id, agent.name()).update();
    }

    private void refresh(UUID id) {
        List<JobState> agents = jdbc.sql("SELECT state FROM restore_agent WHERE job_id = ?").param(id)
                .query(String.class).list().stream().map(JobState::valueOf).toList();
        JobState state = JobState.combine(agents);
        jdbc.sql("UPDATE restore_job SET state = ?, finished_at = CASE WHEN ? THEN now() END WHERE id = ? AND finished_at IS NULL")
                .params(state.name(), state.isTerminal(), id).update();
    }
}
