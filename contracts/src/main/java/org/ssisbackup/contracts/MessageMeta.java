package org.ssisbackup.contracts;

import java.time.Instant;
import java.util.UUID;

/**
 * The envelope fields every message carries: schema version, a unique message id (consumers de-duplicate
 * on it), the job and the host the message is about, and when it was produced.
 */
public record MessageMeta(int schemaVersion, UUID messageId, UUID jobId, String hostId, Instant occurredAt) {

    /**
     * The schema version this code writes. Readers accept every version up to it. 2: a RestoreCommand carries its
     * options as one {@link RestoreOptions} (with a scope), JobAccepted says which kind of job it accepted.
     */
    public static final int CURRENT_SCHEMA_VERSION = 2;

    public static MessageMeta create(UUID jobId, String hostId) {
        return new MessageMeta(CURRENT_SCHEMA_VERSION, UUID.randomUUID(), jobId, hostId, Instant.now());
    }
}
