package org.ssisbackup.catalog.verify;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.ssisbackup.catalog.CatalogProperties;
import org.ssisbackup.catalog.maintenance.MaintenanceLock;
import org.ssisbackup.contracts.ObjectKeys;
import org.ssisbackup.storage.BlobStore;
import org.ssisbackup.storage.CorruptBlobException;
import org.ssisbackup.storage.ObjectInfo;
import org.ssisbackup.storage.Sha256;
import org.ssisbackup.storage.StoreException;
import org.ssisbackup.storage.crypto.MissingKeyException;
import org.ssisbackup.storage.crypto.TamperedObjectException;
import org.ssisbackup.storage.repository.RepositoryReader;

/**
 * Re-reads stored objects, least recently checked first, so a share of the bucket per run covers all of it over
 * 1/share runs: a format 1 blob must hash to its name; every blob of a format 2 pack must authenticate under its
 * scope's keys and hash (keyed) to its id, and the pack's own index must too. An object that is gone, or fails the
 * check, marks every restore point that needs it as damaged (a COMPLETE one becomes PARTIAL, with the reason); one
 * that cannot be read right now (S3 unreachable, a scope the escrow key does not open) marks nothing and is reported.
 */
@Service
public class BlobVerification {
    private static final Logger log = LoggerFactory.getLogger(BlobVerification.class);
    /** Consecutive unreadable blobs after which a run stops (the bucket is not answering). */
    static final int GIVE_UP_AFTER = 10;

    public enum Result {
        OK,
        MISSING,
        CORRUPT,
        UNREADABLE
    }

    public record Problem(String objectKey, Result result, String detail, long restorePointsMarked) {}

    public record Report(
            Instant at,
            long blobsStored,
            long blobsChecked,
            long bytesRead,
            Map<Result, Long> results,
            List<Problem> problems,
            long restorePointsMarked) {}

    private final VerificationRepository repository;
    private final BlobStore store;
    private final RepositoryReader reader;
    private final CatalogProperties.Verification settings;
    private final Clock clock;
    private final Map<Result, Counter> counters = new EnumMap<>(Result.class);
    private final AtomicLong damaged = new AtomicLong();
    private final AtomicLong lastRun = new AtomicLong();
    private final MaintenanceLock lock;

    BlobVerification(
            VerificationRepository repository,
            BlobStore store,
            RepositoryReader reader,
            CatalogProperties properties,
            Clock clock,
            MeterRegistry registry,
            MaintenanceLock lock) {
        this.lock = lock;
        this.repository = repository;
        this.store = store;
        this.reader = reader;
        this.settings = properties.verification();
        this.clock = clock;
        for (Result r : Result.values()) {
            counters.put(
                    r,
                    Counter.builder("ssis.catalog.verification.blobs")
                            .tag("result", r.name().toLowerCase(Locale.ROOT))
                            .description("blobs verification re-read, by result")
                            .register(registry));
        }
        Gauge.builder("ssis.catalog.damaged.restore.points", damaged, AtomicLong::get)
                .description("restore points with a blob verification found missing or corrupt")
                .register(registry);
        Gauge.builder("ssis.catalog.verification.last.run", lastRun, AtomicLong::get)
                .baseUnit("seconds")
                .description("when verification last ran (Unix time; 0: never since start)")
                .register(registry);
    }

    @Scheduled(cron = "${ssisbackup.catalog.verification.schedule:0 45 4 * * *}", zone = "UTC")
    void scheduled() {
        try {
            run(settings.share());
        } catch (MaintenanceLock.Busy e) {
            log.info("scheduled verification skipped: {}", e.getMessage());
        } catch (RuntimeException e) {
            log.error("verification failed: {}", e.toString());
        }
    }

    @Scheduled(fixedDelayString = "${ssisbackup.catalog.metrics-interval:30s}", initialDelay = 1000)
    void refreshDamaged() {
        damaged.set(repository.damagedPoints());
    }

    /** Checks {@code share} (0..1] of the distinct blobs the catalog references. */
    public Report run(double share) {
        if (!(share > 0 && share <= 1)) {
            throw new IllegalArgumentException("share must be in (0, 1], e.g. 0.05 for one blob in twenty");
        }
        return lock.holding(MaintenanceLock.Kind.VERIFICATION, () -> check(share));
    }

    private Report check(double share) {
        Instant now = clock.instant();
        long stored = repository.storedObjects();
        List<VerificationRepository.StoredObject> picked =
                repository.leastRecentlyChecked((long) Math.ceil(share * stored));
        Map<Result, Long> results = new EnumMap<>(Result.class);
        List<Problem> problems = new ArrayList<>();
        long bytesRead = 0;
        long marked = 0;
        int unreadableInARow = 0;
        for (VerificationRepository.StoredObject object : picked) {
            Checked checked = checkOne(object);
            Result result = checked.result();
            String detail = checked.detail();
            bytesRead += checked.bytesRead();
            results.merge(result, 1L, Long::sum);
            counters.get(result).increment();
            repository.recordCheck(object.id(), now, result, detail);
            if (result == Result.MISSING || result == Result.CORRUPT) {
                long m = markDamaged(object, result, detail, now);
                marked += m;
                problems.add(new Problem(object.key(), result, detail, m));
                log.warn(
                        "verification: {} is {} ({}); {} restore points marked damaged",
                        object.key(),
                        result,
                        detail,
                        m);
            } else if (result == Result.UNREADABLE) {
                problems.add(new Problem(object.key(), result, detail, 0));
            }
            unreadableInARow = result == Result.UNREADABLE ? unreadableInARow + 1 : 0;
            if (unreadableInARow == GIVE_UP_AFTER) {
                log.warn("verification stopped: {} objects in a row could not be read ({})", GIVE_UP_AFTER, detail);
                break; // the bucket is down: the rest would only wait for the same timeouts
            }
        }
        lastRun.set(now.getEpochSecond());
        refreshDamaged();
        log.info(
                "verification: {} of {} objects checked ({} bytes read): {}",
                picked.size(),
                stored,
                bytesRead,
                results);
        return new Report(
                now,
                stored,
                results.values().stream().mapToLong(Long::longValue).sum(),
                bytesRead,
                results,
                problems,
                marked);
    }

    private record Checked(Result result, String detail, long bytesRead) {}

    private Checked checkOne(VerificationRepository.StoredObject object) {
        try {
            if (ObjectKeys.packIdOf(object.key()) != null) {
                long size = store.stat(object.key()).map(ObjectInfo::size).orElse(-1L);
                if (size < 0) {
                    return new Checked(Result.MISSING, "not in the bucket", 0);
                }
                String scope = object.key().split("/", -1)[1];
                try {
                    reader.scope(scope).verifyPack(object.key());
                } catch (MissingKeyException e) {
                    reader.reload(); // the scope's keys were rotated since it was opened: open it again, once
                    reader.scope(scope).verifyPack(object.key());
                }
                return new Checked(Result.OK, null, size);
            }
            try (InputStream in = store.open(object.key())) {
                Sha256.Digest digest = Sha256.copy(in, OutputStream.nullOutputStream());
                return digest.hex().equals(object.id())
                        ? new Checked(Result.OK, null, digest.size())
                        : new Checked(Result.CORRUPT, "its bytes hash to " + digest.hex(), digest.size());
            }
        } catch (TamperedObjectException | CorruptBlobException e) {
            return new Checked(Result.CORRUPT, e.getMessage(), 0);
        } catch (MissingKeyException e) {
            return new Checked(Result.UNREADABLE, "no key to check it: " + e.getMessage(), 0);
        } catch (StoreException e) {
            boolean gone;
            try {
                gone = store.stat(object.key()).isEmpty();
            } catch (StoreException again) {
                gone = false; // the bucket does not answer: nothing can be said about the object
            }
            return gone
                    ? new Checked(Result.MISSING, "not in the bucket", 0)
                    : new Checked(Result.UNREADABLE, e.getMessage(), 0);
        } catch (IOException | RuntimeException e) {
            return new Checked(Result.UNREADABLE, e.getMessage(), 0);
        }
    }

    private long markDamaged(VerificationRepository.StoredObject object, Result result, String detail, Instant now) {
        long marked = 0;
        for (VerificationRepository.Use use : repository.usesOf(object)) {
            String reason = use.agent() + ": " + use.logicalPath() + ": " + object.key() + " is "
                    + result.name().toLowerCase(Locale.ROOT) + " (" + detail + "), found by verification at " + now;
            marked += repository.markDamaged(use.restorePointId(), reason, "%" + object.key() + " is %");
        }
        return marked;
    }
}
