package org.ssisbackup.fsagent.capture;

import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SHA-256s of files this agent has hashed, valid while a file's size, modification time and file key (inode)
 * are unchanged — the trust rclone and restic place in the same attributes. An unchanged file then costs a
 * stat and a HEAD request instead of a full read. Kept in memory: after a restart the first backup re-hashes.
 */
public final class HashCache {
    private record Entry(long size, long modifiedNanos, Object fileKey, String sha256) {
    }

    private final ConcurrentHashMap<Path, Entry> entries = new ConcurrentHashMap<>();

    public Optional<String> lookup(Path file, BasicFileAttributes attrs) {
        Entry e = entries.get(file);
        if (e != null && e.size() == attrs.size() && e.modifiedNanos() == nanos(attrs)
                && Objects.equals(e.fileKey(), attrs.fileKey())) {
            return Optional.of(e.sha256());
        }
        return Optional.empty();
    }

    /** Remembers a hash against the attributes read before hashing: a change during the read makes a later miss. */
    public void remember(Path file, BasicFileAttributes attrs, String sha256) {
        entries.put(file, new Entry(attrs.size(), nanos(attrs), attrs.fileKey(), sha256));
    }

    private static long nanos(BasicFileAttributes attrs) {
        return attrs.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS);
    }
}
