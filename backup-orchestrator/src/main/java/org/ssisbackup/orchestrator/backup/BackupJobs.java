package org.ssisbackup.orchestrator.backup;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
import org.ssisbackup.contracts.MessageMeta;
import org.ssisbackup.orchestrator.OrchestratorProperties;
import org.ssisbackup.orchestrator.job.CommandSender;
import org.ssisbackup.orchestrator.job.JobState;

/**
 * Backup jobs: created by a trigger, dispatched as one BackupCommand per host and agent kind within the concurrency
 * limits, then moved forward only by agent events and the timeout sweep (Velero's model: the spec is written once,
 * the status moves forward and a terminal state never changes).
 */
@Service
public class BackupJobs {
    private static final Logger log = LoggerFactory.getLogger(BackupJobs.class);
    /** Queued hosts looked at beyond the free slots, so a policy at its limit does not block other policies' hosts. */
    private static final int QUEUE_LOOKAHEAD = 500;

    private static final Set<JobState> OPEN = EnumSet.of(JobState.PENDING, JobState.DISPATCHED, JobState.RUNNING);

    private final BackupJobRepository repository;
    private final CommandSender commands;
    private final OrchestratorProperties properties;
    private final MeterRegistry registry;
    private final TransactionTemplate tx;

    public BackupJobs(
            BackupJobRepository repository,
            CommandSender commands,
            OrchestratorProperties properties,
            MeterRegistry registry,
            PlatformTransactionManager transactions) {
        this.repository = repository;
        this.tx = new TransactionTemplate(transactions);
        this.commands = commands;
        this.properties = properties;
        this.registry = registry;
        registry.gauge("ssis.orchestrator.jobs.in.flight", repository, BackupJobRepository::openJobs);
    }

    /** One host's part of a new job: its restore point id, assigned here so both agents write under it. */
    public record HostAssignment(String hostId, UUID restorePointId) {}

    public record NewJob(UUID jobId, JobState state, List<HostAssignment> hosts) {}

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

    private UUID create(
            List<String> hosts,
            Set<BackupScope> scope,
            String trigger,
            UUID policyId,
            int attempt,
            UUID parent,
            Instant notBefore,
            List<HostAssignment> assignments) {
        UUID jobId = UUID.randomUUID();
        Set<AgentKind> agents = EnumSet.noneOf(AgentKind.class);
        scope.forEach(s -> agents.add(s.agent()));
        repository.insertJob(jobId, trigger, scope, policyId, attempt, parent, notBefore);
        for (String host : hosts) {
            UUID point = UUID.randomUUID();
            assignments.add(new HostAssignment(host, point));
            repository.insertQueuedHost(jobId, host, point, agents);
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
            repository.lockDispatching();
            int free = (int) Math.max(0, properties.maxConcurrentHosts() - repository.hostsInFlight());
            if (free == 0) {
                return;
            }
            Map<UUID, Long> busyByPolicy = repository.hostsInFlightByPolicy();
            Set<UUID> touched = new LinkedHashSet<>();
            for (BackupJobRepository.QueuedHost q : repository.queuedHosts(free + QUEUE_LOOKAHEAD)) {
                if (free == 0) {
                    break;
                }
                if (q.policyId() != null
                        && q.policyConcurrency() != null
                        && busyByPolicy.getOrDefault(q.policyId(), 0L) >= q.policyConcurrency()) {
                    continue;
                }
                dispatchHost(q);
                touched.add(q.jobId());
                free--;
                if (q.policyId() != null) {
                    busyByPolicy.merge(q.policyId(), 1L, Long::sum);
                }
            }
            touched.forEach(this::refreshJobState); // once per job, not once per host
        });
    }

    private void dispatchHost(BackupJobRepository.QueuedHost q) {
        for (AgentKind agent : q.agents()) {
            Instant deadline = Instant.now().plus(properties.timeoutFor(agent));
            try {
                commands.send(new BackupCommand(
                        MessageMeta.create(q.jobId(), q.hostId()),
                        agent,
                        q.restorePointId(),
                        q.agents(),
                        q.scope(),
                        q.policy()));
                repository.markDispatched(q.jobId(), q.hostId(), agent, deadline);
            } catch (RuntimeException e) {
                log.warn("job {}: cannot dispatch to {} {}: {}", q.jobId(), q.hostId(), agent, e.toString());
                repository.transition(
                        q.jobId(),
                        q.hostId(),
                        agent,
                        JobState.FAILED,
                        OPEN,
                        null,
                        List.of(new AgentError("(dispatch)", "command could not be sent: " + e.getMessage())));
            }
        }
    }

    /**
     * Cancels a job: its queued hosts are never dispatched and every open agent part ends CANCELLED. Agents already
     * capturing finish their work (their restore point is recorded by the catalog); the job stays CANCELLED.
     * @return the job's state, or empty when there is no such job
     */
    public Optional<JobState> cancel(UUID jobId, String by) {
        if (!repository.exists(jobId)) {
            return Optional.empty();
        }
        repository.cancelOpenParts(jobId, List.of(new AgentError("(job)", "cancelled by " + by)));
        JobState state = refreshJobState(jobId);
        dispatchQueued();
        return Optional.of(state);
    }

    /** Applies an agent event; idempotent. */
    @Transactional
    public void on(AgentEvent event) {
        UUID jobId = event.meta().jobId();
        String host = event.meta().hostId();
        if (event instanceof JobAccepted accepted) {
            repository.transition(
                    jobId,
                    host,
                    accepted.agent(),
                    JobState.RUNNING,
                    EnumSet.of(JobState.PENDING, JobState.DISPATCHED),
                    null,
                    List.of());
            refreshJobState(jobId);
        } else if (event instanceof AgentJobFinished f) {
            repository.transition(jobId, host, f.agent(), JobState.of(f.outcome()), OPEN, f, f.errors());
            refreshJobState(jobId);
            dispatchQueued(); // a host finished: its slot goes to the next queued one
        }
    }

    /**
     * An agent's heartbeat says which jobs it holds: a part it was sent and leaves out of two heartbeats in a row
     * (a heartbeat interval apart) ends FAILED now, not at its deadline hours later: the agent restarted without it
     * (its state folder lost) or never received the command.
     */
    public void heartbeat(org.ssisbackup.contracts.AgentHeartbeat beat) {
        if (beat.jobs() == null) {
            return; // an agent too old to say
        }
        java.time.Duration grace = beat.interval() == null ? java.time.Duration.ofSeconds(30) : beat.interval();
        repository
                .reconcile(
                        beat.meta().hostId(),
                        beat.agent(),
                        beat.jobs(),
                        grace,
                        List.of(new AgentError(
                                "(job)",
                                "agent restarted without this job (or never received its command): its heartbeats"
                                        + " stopped listing it")))
                .forEach(this::refreshJobState);
        dispatchQueued();
    }

    /**
     * Parts of agents gone silent (a host lost for good, powered off, cut off) end FAILED once the agent has missed its
     * heartbeats for {@code unreachable-grace} more, not at the agent timeout (hours).
     */
    @Scheduled(fixedDelayString = "${ssisbackup.orchestrator.timeout-sweep:10s}")
    public void failPartsOfUnreachableAgents() {
        repository
                .failPartsOfSilentAgents(
                        properties.missedBeats(),
                        properties.unreachableGrace(),
                        List.of(new AgentError(
                                "(job)",
                                "agent unreachable: no heartbeat for " + properties.missedBeats()
                                        + " intervals and " + properties.unreachableGrace()
                                        + " more; its host may be down")))
                .forEach(this::refreshJobState);
        dispatchQueued();
    }

    /** Agents past their deadline are TIMED_OUT: a host that never answers does not keep a job open forever. */
    @Scheduled(fixedDelayString = "${ssisbackup.orchestrator.timeout-sweep:10s}")
    public void timeOutOverdueAgents() {
        repository
                .timeOutOverdueParts(List.of(new AgentError("(job)", "agent did not finish before its deadline")))
                .forEach(this::refreshJobState);
        dispatchQueued();
    }

    /**
     * A closed job of a policy with retries left: its hosts with a FAILED or TIMED_OUT agent are backed up again in a
     * follow-up job (trigger {@code retry}, the same scope, a new restore point) after {@code retry-delay}. Hosts that
     * ended PARTIALLY_FAILED are not retried: what failed there (an unreadable file) usually fails again.
     */
    private void retryFailedHosts(UUID jobId) {
        repository.retryBudget(jobId).filter(b -> b.attempt() < b.maxRetries()).ifPresent(b -> {
            List<String> failedHosts = repository.hostsThatFailed(jobId);
            if (failedHosts.isEmpty()) {
                return;
            }
            UUID retry = create(
                    failedHosts,
                    b.scope(),
                    "retry",
                    b.policyId(),
                    b.attempt() + 1,
                    jobId,
                    Instant.now().plus(properties.retryDelay()),
                    new ArrayList<>());
            log.info(
                    "job {}: {} failed hosts retried in job {} (attempt {} of {})",
                    jobId,
                    failedHosts.size(),
                    retry,
                    b.attempt() + 1,
                    b.maxRetries());
        });
    }

    /** Recomputes the job's state from its agents'; records the end once. */
    private JobState refreshJobState(UUID jobId) {
        JobState state = JobState.combine(repository.partStates(jobId));
        if (state.isTerminal()) {
            repository.close(jobId, state).ifPresent(closed -> {
                Duration took = Duration.between(closed.createdAt(), Instant.now());
                String outcome = state.name().toLowerCase(Locale.ROOT);
                Timer.builder("ssis.orchestrator.job.duration")
                        .tags("trigger", closed.trigger(), "outcome", outcome)
                        .publishPercentileHistogram()
                        .register(registry)
                        .record(took);
                registry.counter("ssis.orchestrator.jobs.finished", "trigger", closed.trigger(), "outcome", outcome)
                        .increment();
                retryFailedHosts(jobId);
                repository.scheduleDrills(jobId);
            });
        } else {
            repository.setState(jobId, state);
        }
        return state;
    }
}
