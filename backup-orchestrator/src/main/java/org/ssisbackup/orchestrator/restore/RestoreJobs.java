package org.ssisbackup.orchestrator.restore;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.ssisbackup.contracts.AgentError;
import org.ssisbackup.contracts.AgentEvent;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.JobAccepted;
import org.ssisbackup.contracts.MessageMeta;
import org.ssisbackup.contracts.Outcome;
import org.ssisbackup.contracts.RestoreCommand;
import org.ssisbackup.contracts.RestoreFinished;
import org.ssisbackup.contracts.RestoreOptions;
import org.ssisbackup.orchestrator.OrchestratorProperties;
import org.ssisbackup.orchestrator.job.CommandSender;
import org.ssisbackup.orchestrator.job.JobState;

/** Restores, tracked like backups: rows per agent, moved forward only by events and the timeout sweep. */
@Service
public class RestoreJobs {
    private static final Logger log = LoggerFactory.getLogger(RestoreJobs.class);
    private static final Set<JobState> OPEN = EnumSet.of(JobState.PENDING, JobState.DISPATCHED, JobState.RUNNING);

    private final RestoreJobRepository repository;
    private final CommandSender commands;
    private final OrchestratorProperties properties;

    public RestoreJobs(RestoreJobRepository repository, CommandSender commands, OrchestratorProperties properties) {
        this.repository = repository;
        this.commands = commands;
        this.properties = properties;
    }

    /** What to restore: a checked restore point, where, through which agents, and how. */
    public record RestoreSpec(
            UUID restorePointId,
            String sourceHost,
            String targetHost,
            Set<AgentKind> agents,
            RestoreOptions options,
            java.util.Map<AgentKind, Integer> manifestFormats) {

        public RestoreSpec {
            manifestFormats = manifestFormats == null ? java.util.Map.of() : java.util.Map.copyOf(manifestFormats);
        }
    }

    public UUID start(RestoreSpec spec) {
        UUID id = UUID.randomUUID();
        repository.insert(id, spec, Instant.now().plus(properties.agentTimeout()));
        for (AgentKind agent : spec.agents()) {
            try {
                commands.send(new RestoreCommand(
                        MessageMeta.create(id, spec.targetHost()),
                        agent,
                        spec.sourceHost(),
                        spec.restorePointId(),
                        spec.options(),
                        spec.manifestFormats().getOrDefault(agent, 2)));
                repository.update(id, agent, JobState.DISPATCHED, EnumSet.of(JobState.PENDING), null);
            } catch (RuntimeException e) {
                log.warn("restore {}: cannot dispatch to {} {}: {}", id, spec.targetHost(), agent, e.toString());
                RestoreFinished notSent = new RestoreFinished(
                        MessageMeta.create(id, spec.targetHost()),
                        agent,
                        spec.restorePointId(),
                        Outcome.FAILED,
                        spec.options().isDryRun(),
                        List.of(),
                        List.of(),
                        List.of(),
                        List.of(new AgentError("(dispatch)", "command could not be sent: " + e.getMessage())));
                repository.update(id, agent, JobState.FAILED, OPEN, notSent);
            }
        }
        refresh(id);
        return id;
    }

    @Transactional
    public void on(AgentEvent event) {
        UUID id = event.meta().jobId();
        if (event instanceof JobAccepted a) {
            repository.update(id, a.agent(), JobState.RUNNING, EnumSet.of(JobState.PENDING, JobState.DISPATCHED), null);
        } else if (event instanceof RestoreFinished f) {
            repository.update(id, f.agent(), JobState.of(f.outcome()), OPEN, f);
        } else {
            return;
        }
        refresh(id);
    }

    /** A restore part the target host's agent stops listing in its heartbeats ends FAILED (see BackupJobs). */
    public void heartbeat(org.ssisbackup.contracts.AgentHeartbeat beat) {
        if (beat.jobs() == null) {
            return;
        }
        String failed = endedByOrchestrator(
                beat.agent(),
                "agent restarted without this restore (or never received its command): its heartbeats stopped"
                        + " listing it");
        repository
                .reconcile(
                        beat.meta().hostId(),
                        beat.agent(),
                        beat.jobs(),
                        beat.interval() == null ? java.time.Duration.ofSeconds(30) : beat.interval(),
                        failed)
                .forEach(this::refresh);
    }

    /** As for backups: a restore on a host whose agent went silent ends FAILED, not at the agent timeout. */
    @Scheduled(fixedDelayString = "${ssisbackup.orchestrator.timeout-sweep:10s}")
    public void failPartsOfUnreachableAgents() {
        for (AgentKind agent : AgentKind.values()) {
            failPartsOfUnreachable(agent);
        }
    }

    private void failPartsOfUnreachable(AgentKind agent) {
        String result = endedByOrchestrator(
                agent,
                "agent unreachable: no heartbeat for " + properties.missedBeats() + " intervals and "
                        + properties.unreachableGrace() + " more; its host may be down");
        repository
                .failPartsOfSilentAgents(agent, properties.missedBeats(), properties.unreachableGrace(), result)
                .forEach(this::refresh);
    }

    /** The report (as stored) of an agent's part that the orchestrator ended FAILED for {@code reason}. */
    private static String endedByOrchestrator(AgentKind agent, String reason) {
        return org.ssisbackup.contracts.MessageCodec.encodeToString(new RestoreFinished(
                MessageMeta.create(java.util.UUID.randomUUID(), "orchestrator"),
                agent,
                null,
                Outcome.FAILED,
                false,
                java.util.List.of(),
                java.util.List.of(),
                java.util.List.of(),
                java.util.List.of(new AgentError("(restore)", reason))));
    }

    @Scheduled(fixedDelayString = "${ssisbackup.orchestrator.timeout-sweep:10s}")
    public void timeOutOverdueAgents() {
        repository.timeOutOverdueParts().forEach(this::refresh);
    }

    private void refresh(UUID id) {
        repository.setState(id, JobState.combine(repository.partStates(id)));
    }
}
