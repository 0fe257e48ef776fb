package org.ssisbackup.contracts;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;

/**
 * An agent saying it is alive, on {@link Topics#HEARTBEATS} every {@code interval}. Heartbeats are about no job:
 * {@code meta.jobId} is the agent process's run id (new at every start), so a restart shows in the fleet registry.
 *
 * @param capabilities what the agent can do: the {@link BackupScope} names it serves, and {@code RESTORE}
 * @param lastJobId    the last backup job it finished, if any
 * @param lastOutcome  how that job ended
 * @param jobs         the jobs the agent holds now (queued or running, at most {@link #MAX_JOBS}); absent from agents
 *                     older than this field. A job the orchestrator sent that stays out of this list is not going to
 *                     be finished by the agent (it restarted without it, or never got the command).
 */
public record AgentHeartbeat(
        MessageMeta meta,
        AgentKind agent,
        String version,
        Set<String> capabilities,
        Duration interval,
        @OptionalField UUID lastJobId,
        @OptionalField Outcome lastOutcome,
        @OptionalField Set<UUID> jobs)
        implements VersionedMessage {
    public static final int MAX_JOBS = 1_000;

    public AgentHeartbeat {
        capabilities = capabilities == null ? null : Set.copyOf(capabilities);
        if (jobs != null && jobs.size() > MAX_JOBS) {
            throw new IllegalArgumentException("a heartbeat lists at most " + MAX_JOBS + " jobs, not " + jobs.size());
        }
        jobs = jobs == null ? null : Set.copyOf(jobs);
    }

    /** A heartbeat of an agent that does not say which jobs it holds. */
    public AgentHeartbeat(
            MessageMeta meta,
            AgentKind agent,
            String version,
            Set<String> capabilities,
            Duration interval,
            UUID lastJobId,
            Outcome lastOutcome) {
        this(meta, agent, version, capabilities, interval, lastJobId, lastOutcome, null);
    }
}
