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
 */
public record AgentHeartbeat(
        MessageMeta meta,
        AgentKind agent,
        String version,
        Set<String> capabilities,
        Duration interval,
        @OptionalField UUID lastJobId,
        @OptionalField Outcome lastOutcome)
        implements VersionedMessage {
    public AgentHeartbeat {
        capabilities = capabilities == null ? null : Set.copyOf(capabilities);
    }
}
