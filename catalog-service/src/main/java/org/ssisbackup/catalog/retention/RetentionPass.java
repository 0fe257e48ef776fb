package org.ssisbackup.catalog.retention;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.ssisbackup.catalog.CatalogProperties;
import org.ssisbackup.catalog.maintenance.MaintenanceLock;
import org.ssisbackup.storage.BlobStore;
import org.ssisbackup.storage.StoreException;

/**
 * One retention pass: the rules decide which points go ({@link ExpiryPlan}); they are deleted with their artifacts and
 * manifests, and a blob their expiry leaves unreferenced is only marked; orphans are marked too; then the
 * {@link BlobSweep} deletes what has waited out the grace period. Every expiry and deletion goes to the audit table and
 * the log. A dry run decides and reports the same without changing anything.
 */
@Service
public class RetentionPass {
    private static final Logger log = LoggerFactory.getLogger(RetentionPass.class);
    /** Reports list this many items of each kind; the counts are always whole. */
    static final int LISTED = 1000;

    private static final int BATCH = 500;

    private final RetentionRepository repository;
    private final BlobStore store;
    private final CatalogProperties.Retention settings;
    private final Clock clock;
    private final MaintenanceLock lock;
    private final BlobSweep sweep;
    private final Timer passTimer;
    private final Counter expiredPoints;

    public RetentionPass(
            RetentionRepository repository,
            BlobStore store,
            CatalogProperties properties,
            Clock clock,
            MeterRegistry registry,
            MaintenanceLock lock) {
        this.repository = repository;
        this.store = store;
        this.settings = properties.retention();
        this.clock = clock;
        this.lock = lock;
        this.passTimer = Timer.builder("ssis.catalog.retention.pass")
                .description("duration of retention passes")
                .register(registry);
        this.expiredPoints = Counter.builder("ssis.catalog.retention.expired.points")
                .description("restore points retention expired")
                .register(registry);
        this.sweep = new BlobSweep(
                repository,
                store,
                settings.blobGrace(),
                LISTED,
                Counter.builder("ssis.catalog.retention.deleted.blobs")
                        .description("blobs retention deleted")
                        .register(registry),
                Counter.builder("ssis.catalog.retention.deleted")
                        .baseUnit("bytes")
                        .description("bytes of the blobs retention deleted")
                        .register(registry));
    }

    /**
     * What one pass decided and did.
     *
     * @param pointsExpired        points the rules let go (listed up to {@value #LISTED} in {@code expired})
     * @param blobsNowUnreferenced blobs that no point references after this pass's expiries: deleted by a later pass once
     *                             the grace period is over
     * @param deleted              blobs deleted (or that a real pass would delete)
     * @param held                 unreferenced blobs kept: within the grace period, written again, or locked
     */
    public record Report(
            UUID passId,
            boolean dryRun,
            Instant at,
            long pointsExamined,
            long pointsExpired,
            List<ExpiryPlan.ExpiredPoint> expired,
            long blobsNowUnreferenced,
            long blobsDeleted,
            long bytesDeleted,
            List<BlobSweep.Blob> deleted,
            long blobsHeld,
            List<BlobSweep.Blob> held,
            List<String> errors) {}

    @Scheduled(cron = "${ssisbackup.catalog.retention.schedule:0 15 3 * * *}", zone = "UTC")
    void scheduled() {
        try {
            run(false);
        } catch (MaintenanceLock.Busy e) {
            log.info("scheduled retention pass skipped: {}", e.getMessage());
        } catch (RuntimeException e) {
            log.error("retention pass failed: {}", e.toString());
        }
    }

    /**
     * One pass; a real one holds the lock that keeps retention and rebuild to one at a time across catalog instances
     * ({@link MaintenanceLock.Busy} when taken). A dry run changes nothing and takes no lock.
     */
    public Report run(boolean dryRun) {
        return dryRun
                ? passTimer.record(() -> pass(true))
                : lock.holding(MaintenanceLock.Kind.BUCKET_CHANGES, () -> passTimer.record(() -> pass(false)));
    }

    private Report pass(boolean dryRun) {
        UUID passId = UUID.randomUUID();
        Instant now = clock.instant();
        List<String> errors = new ArrayList<>();
        ExpiryPlan.Result plan = ExpiryPlan.decide(
                repository, settings.defaultRule(), RetentionRepository.zone(settings.defaultTimeZone()));
        long nowUnreferenced = dryRun
                ? repository.wouldBeUnreferenced(plan.expiring().stream()
                        .map(ExpiryPlan.ExpiredPoint::restorePointId)
                        .toList())
                : expire(passId, now, plan.expiring(), errors);
        if (settings.orphanScan()) {
            nowUnreferenced += sweep.markOrphans(now, dryRun, errors);
        }
        BlobSweep.Result swept = sweep.sweep(passId, now, dryRun, errors);
        if (!dryRun) {
            repository.forgetTombstonesBefore(now.minus(settings.tombstoneTtl()));
        }
        List<ExpiryPlan.ExpiredPoint> expiring = plan.expiring();
        Report report = new Report(
                passId,
                dryRun,
                now,
                plan.examined(),
                expiring.size(),
                List.copyOf(expiring.subList(0, Math.min(LISTED, expiring.size()))),
                nowUnreferenced,
                swept.deleted(),
                swept.bytesDeleted(),
                swept.deletedList(),
                swept.held(),
                swept.heldList(),
                errors);
        log.info(
                "retention pass {}{}: {} points examined, {} expired, {} blobs now unreferenced, {} blobs deleted ({} bytes), {} held, {} errors",
                passId,
                dryRun ? " (dry run)" : "",
                plan.examined(),
                expiring.size(),
                nowUnreferenced,
                swept.deleted(),
                swept.bytesDeleted(),
                swept.held(),
                errors.size());
        return report;
    }

    /** Deletes the points in batches (one transaction each), marks the blobs they leave unreferenced, then their manifests. */
    private long expire(UUID passId, Instant now, List<ExpiryPlan.ExpiredPoint> expiring, List<String> errors) {
        long marked = 0;
        for (List<ExpiryPlan.ExpiredPoint> batch : RetentionRepository.batches(expiring, BATCH)) {
            RetentionRepository.ExpiredBatch done = repository.expire(passId, now, batch);
            marked += done.objectsMarked();
            for (ExpiryPlan.ExpiredPoint p : batch) {
                log.info(
                        "retention: expired restore point {} of host {} ({}, {}): {}",
                        p.restorePointId(),
                        p.hostId(),
                        p.policy(),
                        p.createdAt(),
                        p.reason());
            }
            expiredPoints.increment(batch.size());
            // Manifests go too, or a rebuild would bring the points back (a rebuild also skips audited expiries).
            for (String key : done.manifestKeys()) {
                try {
                    store.remove(key);
                } catch (StoreException e) {
                    errors.add("manifest " + key + " not deleted: " + e.getMessage());
                }
            }
        }
        return marked;
    }
}
