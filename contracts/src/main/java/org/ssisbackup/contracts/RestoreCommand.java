package org.ssisbackup.contracts;

import java.util.UUID;

/**
 * Restore (part of) a restore point onto {@code meta.hostId} (the target host), reading the manifest that
 * {@code sourceHostId}'s agent of the same kind wrote, as {@code options} say. {@code manifestFormat} is the format the
 * catalog recorded for that manifest: only 1 lets the agent read an unencrypted (format 1) manifest, so nobody who can
 * write to the bucket can put a forged plaintext manifest in place of an encrypted one (absent: 2).
 */
public record RestoreCommand(
        MessageMeta meta,
        AgentKind agent,
        String sourceHostId,
        UUID restorePointId,
        RestoreOptions options,
        @OptionalField Integer manifestFormat)
        implements AgentCommand {

    public RestoreCommand {
        ObjectKeys.requireValidHostId(sourceHostId);
        manifestFormat = manifestFormat == null ? 2 : manifestFormat;
        if (manifestFormat != 1 && manifestFormat != 2) {
            throw new IllegalArgumentException("manifest format must be 1 or 2: " + manifestFormat);
        }
    }

    /** A restore of a point whose manifest is of format 2 (everything written since the repository format 2). */
    public RestoreCommand(
            MessageMeta meta, AgentKind agent, String sourceHostId, UUID restorePointId, RestoreOptions options) {
        this(meta, agent, sourceHostId, restorePointId, options, 2);
    }
}
