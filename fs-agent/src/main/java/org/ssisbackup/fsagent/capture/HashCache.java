package org.ssisbackup.fsagent.capture;

import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * SHA-256s of files this agent has hashed, valid while a file's size, modification time and file key (inode)
 * are unchanged — the trust rclone and restic place in the same attributes — and when this agent last saw the
 * blob in the bucket. An unchanged file then costs a stat, and a HEAD request only when that sighting is older
 * than the blob trust window. Kept in memory: after a restart the first backup re-hashes.
 */
public final class HashCache {
    /** A file's hash and when its blob was last known to be in the bucket. */
    public record Known(String sha256, Instant blobSeen) {
        public boolean seenWithin(Duration window, Instant now) {
            return blobSeen.plus(window).isAfter(now);
        }
    }

    private record Entry(long size, long modifiedNanos, Object fileKey, Known known) {}

    private final ConcurrentHashMap<Path, Entry> entries = new ConcurrentHashMap<>();

    public Optional<Known> lookup(Path file, BasicFileAttributes attrs) {
        Entry e = entries.get(file);
        if (e != null
                && e.size() == attrs.size()
                && e.modifiedNanos() == nanos(attrs)
                && Objects.equals(e.fileKey(), attrs.fileKey())) {
            return Optional.of(e.known());
        }
        return Optional.empty();
    }

    /**
     * Remembers a hash against the attributes read before hashing (a change during the read makes a later miss)
     * and the moment its blob was known to be stored.
     */
    public void remember(Path file, BasicFileAttributes attrs, String sha256, Instant blobSeen) {
        entries.put(file, new Entry(attrs.size(), nanos(attrs), attrs.fileKey(), new Known(sha256, blobSeen)));
    }

    private static long nanos(BasicFileAttributes attrs) {
        return attrs.lastModifiedTime().to(TimeUnit.NANOSECONDS);
    }
}
