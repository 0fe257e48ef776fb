package org.ssisbackup.contracts;

import java.util.Set;
import java.util.UUID;

/**
 * Capture this host now. Sent once per agent kind of the host; {@code agents} lists every agent kind taking
 * part in the job so each of them (and the catalog) knows when the host's restore point is whole.
 * The orchestrator assigns {@code restorePointId} up front so both agents write under the same id. {@code policy}
 * (absent for ad-hoc backups) is handed on to the catalog, which applies its retention.
 */
public record BackupCommand(
        MessageMeta meta,
        AgentKind agent,
        UUID restorePointId,
        Set<AgentKind> agents,
        Set<BackupScope> scope,
        @OptionalField PolicyRef policy)
        implements AgentCommand {

    public BackupCommand {
        agents = Set.copyOf(agents);
        scope = Set.copyOf(scope);
    }

    /** A backup outside any policy (an ad-hoc request): the catalog keeps it under its default retention. */
    public BackupCommand(
            MessageMeta meta, AgentKind agent, UUID restorePointId, Set<AgentKind> agents, Set<BackupScope> scope) {
        this(meta, agent, restorePointId, agents, scope, null);
    }
}
