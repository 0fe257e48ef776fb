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
 * Deletes marked objects (format 1 blobs, format 2 packs) the safe way: an object goes once it has been unreferenced for
 * longer than the grace period, is still unreferenced, was not written again within the grace period, and is not under
 * object lock (a retain-until date or a legal hold, read from its HEAD). Retention never asks to delete a locked object
 * early; a deletion the bucket refuses is taken as a lock and tried again a day later. Also marks orphans: blobs and
 * packs in the bucket no point ever named (a failed job's). A pack goes whole: it is deleted once no point needs any of
 * its chunks (packs are never rewritten).
 */
public final class BlobSweep {
    private static final Logger log = LoggerFactory.getLogger(BlobSweep.class);
    /** When a legal hold (no end date) or a refused deletion is looked at again. */
    static final Duration LOOK_AGAIN = Duration.ofDays(1);

    private static final int PAGE = 1000;
    private static final int ORPHAN_CHUNK = 5000;

    /** One object in a report; {@code bytes} is its size when the sweep looked at it. */
    public record Blob(String objectKey, Long bytes, String detail) {}

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

    /** Marks objects in the bucket that no point names (left by failed jobs): they wait out the same grace period. */
    long markOrphans(Instant now, boolean dryRun, List<String> errors) {
        List<RetentionRepository.ObjectRef> objects = new ArrayList<>();
        for (String prefix : List.of("blobs/", "packs/")) {
            try {
                for (String key : store.list(prefix)) {
                    String id = ObjectKeys.objectIdOf(key);
                    if (id != null) {
                        objects.add(new RetentionRepository.ObjectRef(id, key));
                    }
                }
            } catch (StoreException e) {
                errors.add("orphan scan of " + prefix + " skipped: " + e.getMessage());
                return 0;
            }
        }
        long marked = 0;
        for (List<RetentionRepository.ObjectRef> chunk : RetentionRepository.batches(objects, ORPHAN_CHUNK)) {
            marked += repository.markOrphans(chunk, now, dryRun);
        }
        return marked;
    }

    Result sweep(UUID passId, Instant now, boolean dryRun, List<String> errors) {
        Instant cutoff = now.minus(grace);
        List<Blob> deleted = new ArrayList<>();
        List<Blob> held = new ArrayList<>();
        long heldCount = repository.countWaiting(cutoff, now);
        long deletedCount = 0;
        long bytes = 0;
        for (RetentionRepository.WaitingObject w : repository.waiting(cutoff, now, listed)) {
            add(
                    held,
                    new Blob(
                            w.key(),
                            null,
                            w.lockedUntil() != null && w.lockedUntil().isAfter(now)
                                    ? "object lock until " + w.lockedUntil()
                                    : "grace period: may be deleted after "
                                            + w.unreferencedSince().plus(grace)));
        }
        String lastId = "";
        for (List<RetentionRepository.ObjectRef> due = repository.due(cutoff, now, lastId, PAGE);
                !due.isEmpty();
                due = repository.due(cutoff, now, lastId, PAGE)) {
            lastId = due.get(due.size() - 1).id();
            for (RetentionRepository.ObjectRef object : due) {
                String key = object.key();
                if (repository.isReferenced(object.id())) {
                    if (!dryRun) { // referenced again: a backup recorded it since it was marked
                        repository.unmark(object.id());
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
                        forget(passId, now, object, 0, "was no longer in the bucket");
                    }
                    continue;
                }
                ObjectInfo o = info.get();
                if (o.lastModified() != null && o.lastModified().isAfter(cutoff)) {
                    // Written again within the grace period (a backup in flight uploaded the same bytes): wait again.
                    heldCount++;
                    add(held, new Blob(key, o.size(), "written again at " + o.lastModified()));
                    if (!dryRun) {
                        repository.markedAgainAt(object.id(), o.lastModified());
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
                                    key,
                                    o.size(),
                                    o.legalHold() ? "legal hold" : "object lock until " + o.retainUntil()));
                    if (!dryRun) {
                        repository.holdUntil(
                                object.id(),
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
                            add(held, new Blob(key, o.size(), "the bucket refused the deletion: " + e.getMessage()));
                            repository.holdUntil(object.id(), now.plus(LOOK_AGAIN));
                        } else {
                            errors.add(key + ": not deleted: " + e.getMessage());
                        }
                        continue;
                    }
                    forget(passId, now, object, o.size(), "unreferenced since before " + cutoff);
                    deletedBlobs.increment();
                    deletedBytes.increment((double) o.size());
                }
                deletedCount++;
                bytes += o.size();
                add(deleted, new Blob(key, o.size(), dryRun ? "would be deleted" : "deleted"));
            }
        }
        return new Result(deletedCount, bytes, deleted, heldCount, held);
    }

    private void forget(UUID passId, Instant now, RetentionRepository.ObjectRef object, long size, String detail) {
        repository.forget(passId, now, object, size, detail);
        log.info("retention: deleted {} ({} bytes): {}", object.key(), size, detail);
    }

    private <T> void add(List<T> list, T item) {
        if (list.size() < listed) {
            list.add(item);
        }
    }
}
