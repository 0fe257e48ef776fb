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
import org.ssisbackup.storage.BlobStore;
import org.ssisbackup.storage.Sha256;
import org.ssisbackup.storage.StoreException;

/**
 * Re-reads stored blobs and checks their SHA-256, least recently checked first, so a share of the bucket per run covers
 * all of it over 1/share runs. A blob that is gone or whose bytes no longer hash to its name marks every restore point
 * that needs it as damaged (a COMPLETE one becomes PARTIAL, with the reason); a blob that cannot be read right now (S3
 * unreachable) marks nothing and is reported.
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

    public record Problem(String sha256, Result result, String detail, long restorePointsMarked) {}

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
    private final CatalogProperties.Verification settings;
    private final Clock clock;
    private final Map<Result, Counter> counters = new EnumMap<>(Result.class);
    private final AtomicLong damaged = new AtomicLong();
    private final AtomicLong lastRun = new AtomicLong();
    private final MaintenanceLock lock;

    BlobVerification(
            VerificationRepository repository,
            BlobStore store,
            CatalogProperties properties,
            Clock clock,
            MeterRegistry registry,
            MaintenanceLock lock) {
        this.lock = lock;
        this.repository = repository;
        this.store = store;
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
        long stored = repository.storedBlobs();
        List<String> picked = repository.leastRecentlyChecked((long) Math.ceil(share * stored));
        Map<Result, Long> results = new EnumMap<>(Result.class);
        List<Problem> problems = new ArrayList<>();
        long bytesRead = 0;
        long marked = 0;
        int unreadableInARow = 0;
        for (String sha : picked) {
            Result result;
            String detail = null;
            try (InputStream in = store.openBlob(sha)) {
                Sha256.Digest digest = Sha256.copy(in, OutputStream.nullOutputStream());
                bytesRead += digest.size();
                result = digest.hex().equals(sha) ? Result.OK : Result.CORRUPT;
                if (result == Result.CORRUPT) {
                    detail = "its bytes hash to " + digest.hex();
                }
            } catch (StoreException e) {
                boolean gone;
                try {
                    gone = store.stat(org.ssisbackup.contracts.ObjectKeys.blob(sha))
                            .isEmpty();
                } catch (StoreException again) {
                    gone = false; // the bucket does not answer: nothing can be said about the blob
                }
                result = gone ? Result.MISSING : Result.UNREADABLE;
                detail = gone ? "not in the bucket" : e.getMessage();
            } catch (IOException | RuntimeException e) {
                result = Result.UNREADABLE;
                detail = e.getMessage();
            }
            results.merge(result, 1L, Long::sum);
            counters.get(result).increment();
            repository.recordCheck(sha, now, result, detail);
            if (result == Result.MISSING || result == Result.CORRUPT) {
                long m = markDamaged(sha, result, detail, now);
                marked += m;
                problems.add(new Problem(sha, result, detail, m));
                log.warn("verification: blob {} is {} ({}); {} restore points marked damaged", sha, result, detail, m);
            } else if (result == Result.UNREADABLE) {
                problems.add(new Problem(sha, result, detail, 0));
            }
            unreadableInARow = result == Result.UNREADABLE ? unreadableInARow + 1 : 0;
            if (unreadableInARow == GIVE_UP_AFTER) {
                log.warn("verification stopped: {} blobs in a row could not be read ({})", GIVE_UP_AFTER, detail);
                break; // the bucket is down: the rest would only wait for the same timeouts
            }
        }
        lastRun.set(now.getEpochSecond());
        refreshDamaged();
        log.info("verification: {} of {} blobs checked ({} bytes read): {}", picked.size(), stored, bytesRead, results);
        return new Report(
                now,
                stored,
                results.values().stream().mapToLong(Long::longValue).sum(),
                bytesRead,
                results,
                problems,
                marked);
    }

    private long markDamaged(String sha, Result result, String detail, Instant now) {
        long marked = 0;
        for (VerificationRepository.Use use : repository.usesOf(sha)) {
            String reason = use.agent() + ": " + use.logicalPath() + ": blob " + sha + " is "
                    + result.name().toLowerCase(Locale.ROOT) + " (" + detail + "), found by verification at " + now;
            marked += repository.markDamaged(use.restorePointId(), reason, "%blob " + sha + " is %");
        }
        return marked;
    }
}
