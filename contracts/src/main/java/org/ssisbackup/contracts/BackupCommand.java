package org.ssisbackup.contracts;

import java.util.Set;
import java.util.UUID;

/**
 * Capture this host now. Sent once per agent kind of the host; {@code agents} lists every agent kind taking
 * part in the job so each of them (and the catalog) knows when the host's restore point is whole.
 * The orchestrator assigns {@code restorePointId} up front so both agents write under the same id.
 */
public record BackupCommand(MessageMeta meta, AgentKind agent, UUID restorePointId, Set<AgentKind> agents,
                            Set<BackupScope> scope) implements AgentCommand {

    public BackupCommand {
        agents = Set.copyOf(agents);
        scope = Set.copyOf(scope);
    }
}
