package org.ssisbackup.contracts;

import java.util.List;
import java.util.UUID;

/**
 * Restore (part of) a restore point onto {@code meta.hostId} (the target host), reading the manifest that
 * {@code sourceHostId}'s agent of the same kind wrote. {@code include} holds globs over logical paths (empty:
 * everything; msdb paths like {@code \ETL\**}); {@code targetPath}, when set, is a file-system root under which
 * files land instead of their original paths; {@code targetFolder}, when set, is an msdb folder (such as
 * {@code \Restored}) under which msdb folders and packages land; {@code restoreRoles} asks the msdb agent to set
 * packages' read and write roles as they were.
 */
public record RestoreCommand(MessageMeta meta, AgentKind agent, String sourceHostId, UUID restorePointId,
                             List<String> include, @OptionalField String targetPath, OverwritePolicy overwrite,
                             boolean dryRun, @OptionalField String targetFolder, @OptionalField Boolean restoreRoles)
        implements AgentCommand {

    public RestoreCommand {
        include = include == null ? List.of() : List.copyOf(include);
        ObjectKeys.requireValidHostId(sourceHostId);
        restoreRoles = Boolean.TRUE.equals(restoreRoles);
    }

    /** A restore without msdb options (file-system restores). */
    public RestoreCommand(MessageMeta meta, AgentKind agent, String sourceHostId, UUID restorePointId, List<String> include,
                          String targetPath, OverwritePolicy overwrite, boolean dryRun) {
        this(meta, agent, sourceHostId, restorePointId, include, targetPath, overwrite, dryRun, null, false);
    }
}
