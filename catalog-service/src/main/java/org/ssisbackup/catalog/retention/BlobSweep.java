package org.ssisbackup.catalog.retention;

import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ssisbackup.contracts.ObjectKeys;
import org.ssisbackup.storage.BlobStore;
import org.ssisbackup.storage.ObjectInfo;
import org.ssisbackup.storage.StoreException;

/**
 * Deletes marked blobs the safe way: a blob goes once it has been unreferenced for longer than the grace period, is
 * still unreferenced, was not written again within the grace period, and is not under object lock (a retain-until date
 * or a legal hold, read from its HEAD). Retention never asks to delete a locked object early; a deletion the bucket
 * refuses is taken as a lock and tried again a day later. Also marks orphans: blobs in the bucket no point ever named.
 */
public final class BlobSweep {
    private static final Logger log = LoggerFactory.getLogger(BlobSweep.class);
    /** When a legal hold (no end date) or a refused deletion is looked at again. */
    static final Duration LOOK_AGAIN = Duration.ofDays(1);

    private static final int PAGE = 1000;
    private static final int ORPHAN_CHUNK = 5000;

    /** One blob in a report; {@code bytes} is its size when the sweep looked at the object. */
    public record Blob(String sha256, Long bytes, String detail) {}

    /** What a sweep deleted and kept; the lists hold at most {@code listed} items, the counts are whole. */
    record Result(long deleted, long bytesDeleted, List<Blob> deletedList, long held, List<Blob> heldList) {}

    private final RetentionRepository repository;
    private final BlobStore store;
    private final Duration grace;
    private final int listed;
    private final Counter deletedBlobs;
    private final Counter deletedBytes;

    BlobSweep(
            RetentionRepository repository,
            BlobStore store,
            Duration grace,
            int listed,
            Counter deletedBlobs,
            Counter deletedBytes) {
        this.repository = repository;
        this.store = store;
        this.grace = grace;
        this.listed = listed;
        this.deletedBlobs = deletedBlobs;
        this.deletedBytes = deletedBytes;
    }

    /** Marks blobs in the bucket that no point names (left by failed jobs): they wait out the same grace period. */
    long markOrphans(Instant now, boolean dryRun, List<String> errors) {
        List<String> shas;
        try {
            shas = store.list("blobs/").stream()
                    .map(BlobSweep::shaOf)
                    .filter(java.util.Objects::nonNull)
                    .toList();
        } catch (StoreException e) {
            errors.add("orphan scan skipped: " + e.getMessage());
            return 0;
        }
        long marked = 0;
        for (List<String> chunk : RetentionRepository.batches(shas, ORPHAN_CHUNK)) {
            marked += repository.markOrphans(chunk, now, dryRun);
        }
        return marked;
    }

    static String shaOf(String key) {
        String name = key.substring(key.lastIndexOf('/') + 1);
        return name.matches("[0-9a-f]{64}") && key.equals(ObjectKeys.blob(name)) ? name : null;
    }

    Result sweep(UUID passId, Instant now, boolean dryRun, List<String> errors) {
        Instant cutoff = now.minus(grace);
        List<Blob> deleted = new ArrayList<>();
        List<Blob> held = new ArrayList<>();
        long heldCount = repository.countWaiting(cutoff, now);
        long deletedCount = 0;
        long bytes = 0;
        for (RetentionRepository.WaitingBlob w : repository.waiting(cutoff, now, listed)) {
            add(
                    held,
                    new Blob(
                            w.sha256(),
                            null,
                            w.lockedUntil() != null && w.lockedUntil().isAfter(now)
                                    ? "object lock until " + w.lockedUntil()
                                    : "grace period: may be deleted after "
                                            + w.unreferencedSince().plus(grace)));
        }
        String lastSha = "";
        for (List<String> due = repository.due(cutoff, now, lastSha, PAGE);
                !due.isEmpty();
                due = repository.due(cutoff, now, lastSha, PAGE)) {
            lastSha = due.get(due.size() - 1);
            for (String sha : due) {
                String key = ObjectKeys.blob(sha);
                if (repository.isReferenced(sha)) {
                    if (!dryRun) { // referenced again: a backup recorded it since it was marked
                        repository.unmark(sha);
                    }
                    continue;
                }
                Optional<ObjectInfo> info;
                try {
                    info = store.stat(key);
                } catch (StoreException e) {
                    errors.add(key + ": not checked: " + e.getMessage());
                    heldCount++;
                    continue;
                }
                if (info.isEmpty()) {
                    if (!dryRun) {
                        forget(passId, now, sha, key, 0, "was no longer in the bucket");
                    }
                    continue;
                }
                ObjectInfo o = info.get();
                if (o.lastModified() != null && o.lastModified().isAfter(cutoff)) {
                    // Written again within the grace period (a backup in flight uploaded the same bytes): wait again.
                    heldCount++;
                    add(held, new Blob(sha, o.size(), "written again at " + o.lastModified()));
                    if (!dryRun) {
                        repository.markedAgainAt(sha, o.lastModified());
                    }
                    continue;
                }
                if (o.lockedAt(now)) {
                    // Object lock: never try to delete before the lock ends (a legal hold has no end: look again in a
                    // day).
                    heldCount++;
                    add(
                            held,
                            new Blob(
                                    sha,
                                    o.size(),
                                    o.legalHold() ? "legal hold" : "object lock until " + o.retainUntil()));
                    if (!dryRun) {
                        repository.holdUntil(
                                sha,
                                o.retainUntil() != null && o.retainUntil().isAfter(now)
                                        ? o.retainUntil()
                                        : now.plus(LOOK_AGAIN));
                    }
                    continue;
                }
                if (!dryRun) {
                    try {
                        store.remove(key);
                    } catch (StoreException e) {
                        heldCount++;
                        if (e.refusal()) {
                            add(held, new Blob(sha, o.size(), "the bucket refused the deletion: " + e.getMessage()));
                            repository.holdUntil(sha, now.plus(LOOK_AGAIN));
                        } else {
                            errors.add(key + ": not deleted: " + e.getMessage());
                        }
                        continue;
                    }
                    forget(passId, now, sha, key, o.size(), "unreferenced since before " + cutoff);
                    deletedBlobs.increment();
                    deletedBytes.increment((double) o.size());
                }
                deletedCount++;
                bytes += o.size();
                add(deleted, new Blob(sha, o.size(), dryRun ? "would be deleted" : "deleted"));
            }
        }
        return new Result(deletedCount, bytes, deleted, heldCount, held);
    }

    private void forget(UUID passId, Instant now, String sha, String key, long size, String detail) {
        repository.forget(passId, now, sha, key, size, detail);
        log.info("retention: deleted blob {} ({} bytes): {}", key, size, detail);
    }

    private <T> void add(List<T> list, T item) {
        if (list.size() < listed) {
            list.add(item);
        }
    }
}
