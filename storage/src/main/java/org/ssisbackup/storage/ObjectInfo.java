package org.ssisbackup.storage;

import java.time.Instant;

/**
 * What a HEAD of an object tells: its size, last change and ETag, and its object lock (retain-until date and legal
 * hold, as S3 reports them on buckets with object lock; absent elsewhere).
 */
public record ObjectInfo(long size, Instant lastModified, String etag, Instant retainUntil, boolean legalHold) {

    /** Whether the bucket would refuse to delete it at {@code t}. */
    public boolean lockedAt(Instant t) {
        return legalHold || (retainUntil != null && retainUntil.isAfter(t));
    }
}
