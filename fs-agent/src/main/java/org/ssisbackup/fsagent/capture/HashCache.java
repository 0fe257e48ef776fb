package org.ssisbackup.fsagent.capture;

import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.ssisbackup.storage.repository.Repository;

/**
 * Where files this agent stored went, valid while a file's size, modification time and file key (inode) are
 * unchanged — the trust rclone and restic place in the same attributes. An unchanged file then costs a stat (and a HEAD
 * of its packs once their trust time is over). Kept in memory: after a restart the first backup reads files again
 * (and finds their chunks stored).
 */
public final class HashCache {
    private record Entry(long size, long modifiedNanos, Object fileKey, Repository.StoredContent known) {}

    private final ConcurrentHashMap<Path, Entry> entries = new ConcurrentHashMap<>();

    public Optional<Repository.StoredContent> lookup(Path file, BasicFileAttributes attrs) {
        Entry e = entries.get(file);
        if (e != null
                && e.size() == attrs.size()
                && e.modifiedNanos() == nanos(attrs)
                && Objects.equals(e.fileKey(), attrs.fileKey())) {
            return Optional.of(e.known());
        }
        return Optional.empty();
    }

    /** Remembers where a file went against the attributes read before it was read (a change then makes a miss). */
    public void remember(Path file, BasicFileAttributes attrs, Repository.StoredContent content) {
        entries.put(file, new Entry(attrs.size(), nanos(attrs), attrs.fileKey(), content));
    }

    private static long nanos(BasicFileAttributes attrs) {
        return attrs.lastModifiedTime().to(TimeUnit.NANOSECONDS);
    }
}
