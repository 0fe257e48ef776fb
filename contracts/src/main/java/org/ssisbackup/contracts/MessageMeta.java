package org.ssisbackup.contracts;

import java.time.Instant;
import java.util.UUID;

/**
 * The envelope fields every message carries: schema version, a unique message id (consumers de-duplicate
 * on it), the job and the host the message is about, and when it was produced.
 */
public record MessageMeta(int schemaVersion, UUID messageId, UUID jobId, String hostId, Instant occurredAt) {

    /** The schema version this code writes. Readers accept every version up to it. */
    public static final int CURRENT_SCHEMA_VERSION = 1;

    public static MessageMeta create(UUID jobId, String hostId) {
        return new MessageMeta(CURRENT_SCHEMA_VERSION, UUID.randomUUID(), jobId, hostId, Instant.now());
    }
}
