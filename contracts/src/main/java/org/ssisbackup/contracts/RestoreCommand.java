package org.ssisbackup.contracts;

import java.util.List;
import java.util.UUID;

/**
 * Restore (part of) a restore point onto {@code meta.hostId} (the target host), reading the manifest that
 * {@code sourceHostId}'s agent of the same kind wrote. {@code include} holds globs over logical paths (empty:
 * everything); {@code targetPath}, when set, is a root under which items land instead of their original paths.
 */
public record RestoreCommand(MessageMeta meta, AgentKind agent, String sourceHostId, UUID restorePointId,
                             List<String> include, @OptionalField String targetPath, OverwritePolicy overwrite,
                             boolean dryRun) implements AgentCommand {

    public RestoreCommand {
        include = include == null ? List.of() : List.copyOf(include);
        ObjectKeys.requireValidHostId(sourceHostId);
    }
}
