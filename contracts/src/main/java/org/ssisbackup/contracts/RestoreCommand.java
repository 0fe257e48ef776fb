package org.ssisbackup.contracts;

import java.util.UUID;

/**
 * Restore (part of) a restore point onto {@code meta.hostId} (the target host), reading the manifest that
 * {@code sourceHostId}'s agent of the same kind wrote, as {@code options} say.
 */
public record RestoreCommand(
        MessageMeta meta, AgentKind agent, String sourceHostId, UUID restorePointId, RestoreOptions options)
        implements AgentCommand {

    public RestoreCommand {
        ObjectKeys.requireValidHostId(sourceHostId);
    }
}
