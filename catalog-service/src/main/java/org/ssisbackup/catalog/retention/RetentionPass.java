package org.ssisbackup.catalog.retention;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.ssisbackup.catalog.CatalogProperties;
import org.ssisbackup.catalog.maintenance.MaintenanceLock;
import org.ssisbackup.contracts.MessageCodec;
import org.ssisbackup.contracts.ObjectKeys;
import org.ssisbackup.contracts.RestorePointStatus;
import org.ssisbackup.contracts.RetentionRule;
import org.ssisbackup.contracts.store.BlobStore;
import org.ssisbackup.contracts.store.StoreException;

/**
 * One retention pass. First the rules: each host's points under each policy are decided by {@link RetentionRules} with
 * the policy's rule (ad-hoc points by the default rule; points of a policy the catalog has no rule for are kept), and
 * the points that go are deleted with their artifacts and manifests. A blob their expiry leaves unreferenced is only
 * marked. Then the sweep: a marked blob is deleted once it has been unreferenced for longer than the grace period, is
 * still unreferenced, was not written again within the grace period, and is not under object lock. Every expiry and
 * deletion goes to the audit table and the log. A dry run decides and reports the same without changing anything.
 */
@Service
public class RetentionPass {
    private static final Logger log = LoggerFactory.getLogger(RetentionPass.class);
    /** Reports list this many items of each kind; the counts are always whole. */
    static final int LISTED = 1000;
    private static final int BATCH = 500;
    /** When a legal hold (no end date) or a refused deletion is looked at again. */
    private static final java.time.Duration LOOK_AGAIN = java.time.Duration.ofDays(1);
    /**
     * The given SHA-256s ({@code ?}, a text array) that no artifact names. One index probe each, stopping at the first
     * artifact: as NOT EXISTS the planner may pick an anti-join that reads every artifact of the fleet. The array is
     * char(64)[] like the column: compared as text, the sha256 index could not be used at all.
     */
    static final String UNREFERENCED = """
            SELECT u.s FROM unnest(CAST(? AS char(64)[])) AS u(s)
            LEFT JOIN LATERAL (SELECT 1 AS used FROM artifact a WHERE a.sha256 = u.s LIMIT 1) r ON true WHERE r.used IS NULL""";

    private final JdbcClient jdbc;
    private final JdbcTemplate streaming;
    private final TransactionTemplate tx;
    private final BlobStore store;
    private final CatalogProperties.Retention settings;
    private final Clock clock;
    private final Timer passTimer;
    private final Counter expiredPoints;
    private final Counter deletedBlobs;
    private final Counter deletedBytes;
    private final MaintenanceLock lock;

    public RetentionPass(JdbcClient jdbc, DataSource dataSource, TransactionTemplate tx, BlobStore store,
                         CatalogProperties properties, Clock clock, MeterRegistry registry, MaintenanceLock lock) {
        this.jdbc = jdbc;
        this.lock = lock;
        this.streaming = new JdbcTemplate(dataSource);
        this.streaming.setFetchSize(10_000); // PostgreSQL streams in a transaction instead of loading every point at once
        this.tx = tx;
        this.store = store;
        this.settings = properties.retention();
        this.clock = clock;
        this.passTimer = Timer.builder("ssis.catalog.retention.pass").description("duration of retention passes").register(registry);
        this.expiredPoints = Counter.builder("ssis.catalog.retention.expired.points")
                .description("restore points retention expired").register(registry);
        this.deletedBlobs = Counter.builder("ssis.catalog.retention.deleted.blobs")
                .description("blobs retention deleted").register(registry);
        this.deletedBytes = Counter.builder("ssis.catalog.retention.deleted").baseUnit("bytes")
                .description("bytes of the blobs retention deleted").register(registry);
    }

    public record ExpiredPoint(UUID restorePointId, String hostId, String policy, Instant createdAt, String status, String reason) {
    }

    /** @param bytes its size, when this pass looked at the object */
    public record Blob(String sha256, Long bytes, String detail) {
    }

    /**
     * @param pointsExpired        points the rules let go (listed up to {@value #LISTED} in {@code expired})
     * @param blobsNowUnreferenced blobs that no point references after this pass's expiries: deleted by a later pass once
     *                             the grace period is over
     * @param deleted              blobs deleted (or that a real pass would delete)
     * @param held                 unreferenced blobs kept: within the grace period, written again, or locked
     */
    public record Report(UUID passId, boolean dryRun, Instant at, long pointsExamined, long pointsExpired,
                         List<ExpiredPoint> expired, long blobsNowUnreferenced, long blobsDeleted, long bytesDeleted,
                         List<Blob> deleted, long blobsHeld, List<Blob> held, List<String> errors) {
    }

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
        return dryRun ? passTimer.record(() -> pass(true))
                : lock.holding(MaintenanceLock.Kind.BUCKET_CHANGES, () -> passTimer.record(() -> pass(false)));
    }

    private record Group(String host, UUID policyId) {
    }

    private record Rule(RetentionRule rule, ZoneId zone, String name) {
    }

    private Report pass(boolean dryRun) {
        UUID passId = UUID.randomUUID();
        Instant now = clock.instant();
        List<String> errors = new ArrayList<>();
        Map<UUID, Rule> rules = new HashMap<>();
        jdbc.sql("SELECT policy_id, name, retention::text AS retention, time_zone FROM retention_policy").query().listOfRows()
                .forEach(r -> rules.put((UUID) r.get("policy_id"), new Rule(MessageCodec.decodeDocument(((String) r.get("retention"))
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8), RetentionRule.class), zone((String) r.get("time_zone")),
                        (String) r.get("name"))));
        Rule adHoc = new Rule(settings.defaultRule(), zone(settings.defaultTimeZone()), null);

        // 1. The rules, one (host, policy) group at a time, streamed in that order.
        List<ExpiredPoint> expiring = new ArrayList<>();
        long[] examined = {0};
        List<RetentionRules.Point> group = new ArrayList<>();
        Group[] current = {null};
        Map<UUID, String> policyNames = new HashMap<>();
        Runnable decideGroup = () -> {
            if (current[0] == null || group.isEmpty()) {
                return;
            }
            UUID policy = current[0].policyId();
            Rule rule = policy == null ? adHoc : rules.get(policy);
            if (rule != null) {
                for (RetentionRules.Decision d : RetentionRules.decide(group, rule.rule(), rule.zone())) {
                    if (!d.keep()) {
                        String name = policy == null ? "(ad hoc)" : Objects.requireNonNullElse(policyNames.get(policy), rule.name());
                        expiring.add(new ExpiredPoint(d.point().id(), current[0].host(), name, d.point().createdAt(),
                                d.point().status().name(), d.reason()));
                    }
                }
            } // a policy whose rule the catalog never saw: its points stay until it does
            group.clear();
        };
        tx.executeWithoutResult(status -> streaming.query("""
                SELECT id, host_id, policy_id, policy_name, status, created_at FROM restore_point
                ORDER BY host_id, policy_id NULLS FIRST, created_at DESC""", rs -> {
            Group g = new Group(rs.getString("host_id"), rs.getObject("policy_id", UUID.class));
            if (!g.equals(current[0])) {
                decideGroup.run();
                current[0] = g;
                if (g.policyId() != null) {
                    policyNames.putIfAbsent(g.policyId(), rs.getString("policy_name"));
                }
            }
            group.add(new RetentionRules.Point(rs.getObject("id", UUID.class), rs.getTimestamp("created_at").toInstant(),
                    RestorePointStatus.valueOf(rs.getString("status"))));
            examined[0]++;
        }));
        decideGroup.run();

        // 2. Expiry.
        long nowUnreferenced = dryRun ? wouldBeUnreferenced(expiring) : expire(passId, now, expiring, errors);

        // 3. Orphans (blobs no point ever named), then the sweep.
        if (settings.orphanScan()) {
            nowUnreferenced += markOrphans(now, dryRun, errors);
        }
        List<Blob> deleted = new ArrayList<>();
        List<Blob> held = new ArrayList<>();
        long[] deletedCount = {0, 0};
        long heldCount = sweep(passId, now, dryRun, deleted, deletedCount, held, errors);

        Report report = new Report(passId, dryRun, now, examined[0], expiring.size(), head(expiring), nowUnreferenced,
                deletedCount[0], deletedCount[1], deleted, heldCount, held, errors);
        log.info("retention pass {}{}: {} points examined, {} expired, {} blobs now unreferenced, {} blobs deleted ({} bytes), {} held, {} errors",
                passId, dryRun ? " (dry run)" : "", examined[0], expiring.size(), nowUnreferenced, deletedCount[0], deletedCount[1],
                heldCount, errors.size());
        return report;
    }

    /** Deletes the points in batches (one transaction each), marks the blobs they leave unreferenced, then their manifests. */
    private long expire(UUID passId, Instant now, List<ExpiredPoint> expiring, List<String> errors) {
        long marked = 0;
        for (int from = 0; from < expiring.size(); from += BATCH) {
            List<ExpiredPoint> batch = expiring.subList(from, Math.min(expiring.size(), from + BATCH));
            String[] ids = batch.stream().map(p -> p.restorePointId().toString()).toArray(String[]::new);
            List<String> manifests = new ArrayList<>();
            Long n = tx.execute(status -> {
                jdbc.sql("SELECT manifest_key FROM agent_result WHERE restore_point_id = ANY(CAST(? AS uuid[])) AND manifest_key IS NOT NULL")
                        .param(ids).query(String.class).list().forEach(manifests::add);
                Map<UUID, Long> bytes = new HashMap<>();
                jdbc.sql("SELECT id, total_bytes FROM restore_point WHERE id = ANY(CAST(? AS uuid[]))").param(ids).query()
                        .listOfRows().forEach(r -> bytes.put((UUID) r.get("id"), ((Number) r.get("total_bytes")).longValue()));
                List<String> shas = jdbc.sql("SELECT DISTINCT sha256 FROM artifact WHERE restore_point_id = ANY(CAST(? AS uuid[]))").param(ids)
                        .query(String.class).list();
                Timestamp at = Timestamp.from(now);
                streaming.batchUpdate("""
                        INSERT INTO retention_audit (pass_id, at, action, host_id, restore_point_id, policy_name, bytes, detail)
                        VALUES (?, ?, 'EXPIRE_POINT', ?, ?, ?, ?, ?)""", batch, batch.size(), (ps, p) -> {
                    ps.setObject(1, passId);
                    ps.setTimestamp(2, at);
                    ps.setString(3, p.hostId());
                    ps.setObject(4, p.restorePointId());
                    ps.setString(5, p.policy());
                    ps.setLong(6, bytes.getOrDefault(p.restorePointId(), 0L));
                    ps.setString(7, p.status() + " point of " + p.createdAt() + ": " + p.reason());
                });
                jdbc.sql("DELETE FROM artifact WHERE restore_point_id = ANY(CAST(? AS uuid[]))").param(ids).update();
                jdbc.sql("DELETE FROM agent_result WHERE restore_point_id = ANY(CAST(? AS uuid[]))").param(ids).update();
                jdbc.sql("DELETE FROM restore_point WHERE id = ANY(CAST(? AS uuid[]))").param(ids).update();
                return (long) jdbc.sql("INSERT INTO unreferenced_blob (sha256, unreferenced_since) SELECT s, ? FROM ("
                        + UNREFERENCED + ") o ON CONFLICT DO NOTHING").params(at, shas.toArray(String[]::new)).update();
            });
            marked += n == null ? 0 : n;
            for (ExpiredPoint p : batch) {
                log.info("retention: expired restore point {} of host {} ({}, {}): {}", p.restorePointId(), p.hostId(), p.policy(),
                        p.createdAt(), p.reason());
            }
            expiredPoints.increment(batch.size());
            // Manifests go too, or a rebuild would bring the points back (a rebuild also skips audited expiries).
            for (String key : manifests) {
                try {
                    store.remove(key);
                } catch (StoreException e) {
                    errors.add("manifest " + key + " not deleted: " + e.getMessage());
                }
            }
        }
        return marked;
    }

    /** Dry run: how many blobs the expiring points would leave unreferenced. */
    private long wouldBeUnreferenced(List<ExpiredPoint> expiring) {
        if (expiring.isEmpty()) {
            return 0;
        }
        String[] ids = expiring.stream().map(p -> p.restorePointId().toString()).toArray(String[]::new);
        Long n = tx.execute(status -> {
            jdbc.sql("CREATE TEMP TABLE expiring (id UUID PRIMARY KEY) ON COMMIT DROP").update();
            jdbc.sql("INSERT INTO expiring SELECT unnest(CAST(? AS uuid[]))").param(ids).update();
            jdbc.sql("ANALYZE expiring").update();
            // A whole rule change can expire most of the fleet's points: one pass over the artifacts (a hash anti-join)
            // beats a probe per blob here, unlike a nightly batch.
            return jdbc.sql("""
                    SELECT count(DISTINCT a.sha256) FROM artifact a JOIN expiring e ON e.id = a.restore_point_id
                    WHERE NOT EXISTS (SELECT 1 FROM artifact b WHERE b.sha256 = a.sha256
                                      AND NOT EXISTS (SELECT 1 FROM expiring x WHERE x.id = b.restore_point_id))""")
                    .query(Long.class).single();
        });
        return n == null ? 0 : n;
    }

    /** Blobs in the bucket that no point names and that are not marked yet: marked now (they wait out the grace period). */
    private long markOrphans(Instant now, boolean dryRun, List<String> errors) {
        List<String> shas;
        try {
            shas = store.list("blobs/").stream().map(RetentionPass::shaOf).filter(Objects::nonNull).toList();
        } catch (StoreException e) {
            errors.add("orphan scan skipped: " + e.getMessage());
            return 0;
        }
        long marked = 0;
        for (int from = 0; from < shas.size(); from += 5000) {
            String[] chunk = shas.subList(from, Math.min(shas.size(), from + 5000)).toArray(String[]::new);
            String unreferenced = "SELECT s FROM (" + UNREFERENCED + ") o"
                    + " WHERE NOT EXISTS (SELECT 1 FROM unreferenced_blob b WHERE b.sha256 = o.s)";
            marked += dryRun ? jdbc.sql(unreferenced).param(chunk).query(String.class).list().size()
                    : jdbc.sql("INSERT INTO unreferenced_blob (sha256, unreferenced_since) SELECT s, ? FROM (" + unreferenced
                            + ") o ON CONFLICT DO NOTHING").params(Timestamp.from(now), chunk).update();
        }
        return marked;
    }

    static String shaOf(String key) {
        String name = key.substring(key.lastIndexOf('/') + 1);
        return name.matches("[0-9a-f]{64}") && key.equals(ObjectKeys.blob(name)) ? name : null;
    }

    /** Deletes marked blobs past the grace period; returns how many unreferenced blobs stay. */
    private long sweep(UUID passId, Instant now, boolean dryRun, List<Blob> deleted, long[] deletedCount, List<Blob> held,
                       List<String> errors) {
        Instant cutoff = now.minus(settings.blobGrace());
        long heldCount = 0;
        List<Map<String, Object>> waiting = jdbc.sql("""
                SELECT sha256, unreferenced_since, locked_until FROM unreferenced_blob
                WHERE unreferenced_since > ? OR locked_until > ? ORDER BY unreferenced_since LIMIT ?""")
                .params(Timestamp.from(cutoff), Timestamp.from(now), LISTED).query().listOfRows();
        heldCount += jdbc.sql("SELECT count(*) FROM unreferenced_blob WHERE unreferenced_since > ? OR locked_until > ?")
                .params(Timestamp.from(cutoff), Timestamp.from(now)).query(Long.class).single();
        for (Map<String, Object> w : waiting) {
            Instant lockedUntil = w.get("locked_until") == null ? null : ((Timestamp) w.get("locked_until")).toInstant();
            Instant since = ((Timestamp) w.get("unreferenced_since")).toInstant();
            addListed(held, new Blob((String) w.get("sha256"), null, lockedUntil != null && lockedUntil.isAfter(now)
                    ? "object lock until " + lockedUntil : "grace period: may be deleted after " + since.plus(settings.blobGrace())));
        }
        String lastSha = "";
        while (true) {
            List<String> due = jdbc.sql("""
                    SELECT sha256 FROM unreferenced_blob WHERE unreferenced_since <= ? AND (locked_until IS NULL OR locked_until <= ?)
                    AND sha256 > ? ORDER BY sha256 LIMIT 1000""").params(Timestamp.from(cutoff), Timestamp.from(now), lastSha)
                    .query(String.class).list();
            if (due.isEmpty()) {
                break;
            }
            lastSha = due.get(due.size() - 1);
            for (String sha : due) {
                String key = ObjectKeys.blob(sha);
                if (jdbc.sql("SELECT EXISTS (SELECT 1 FROM artifact WHERE sha256 = ?)").param(sha).query(Boolean.class).single()) {
                    if (!dryRun) { // referenced again: a backup recorded it since it was marked
                        jdbc.sql("DELETE FROM unreferenced_blob WHERE sha256 = ?").param(sha).update();
                    }
                    continue;
                }
                Optional<BlobStore.ObjectInfo> info;
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
                BlobStore.ObjectInfo o = info.get();
                if (o.lastModified() != null && o.lastModified().isAfter(cutoff)) {
                    // Written again within the grace period (a backup in flight uploaded the same bytes): wait again.
                    heldCount++;
                    addListed(held, new Blob(sha, o.size(), "written again at " + o.lastModified()));
                    if (!dryRun) {
                        jdbc.sql("UPDATE unreferenced_blob SET unreferenced_since = ? WHERE sha256 = ?")
                                .params(Timestamp.from(o.lastModified()), sha).update();
                    }
                    continue;
                }
                if (o.lockedAt(now)) {
                    // Object lock: never try to delete before the lock ends (a legal hold has no end: look again in a day).
                    heldCount++;
                    addListed(held, new Blob(sha, o.size(), o.legalHold() ? "legal hold" : "object lock until " + o.retainUntil()));
                    if (!dryRun) {
                        holdUntil(sha, o.retainUntil() != null && o.retainUntil().isAfter(now) ? o.retainUntil() : now.plus(LOOK_AGAIN));
                    }
                    continue;
                }
                if (!dryRun) {
                    try {
                        store.remove(key);
                    } catch (StoreException e) {
                        heldCount++;
                        if (BlobStore.isRefusal(e)) {
                            addListed(held, new Blob(sha, o.size(), "the bucket refused the deletion: " + e.getMessage()));
                            holdUntil(sha, now.plus(LOOK_AGAIN));
                        } else {
                            errors.add(key + ": not deleted: " + e.getMessage());
                        }
                        continue;
                    }
                    forget(passId, now, sha, key, o.size(), "unreferenced since before " + cutoff);
                    deletedBlobs.increment();
                    deletedBytes.increment(o.size());
                }
                deletedCount[0]++;
                deletedCount[1] += o.size();
                addListed(deleted, new Blob(sha, o.size(), dryRun ? "would be deleted" : "deleted"));
            }
        }
        if (!dryRun) {
            jdbc.sql("DELETE FROM deleted_blob WHERE deleted_at < ?").param(Timestamp.from(now.minus(settings.tombstoneTtl()))).update();
        }
        return heldCount;
    }

    /** A locked blob (or one the bucket refused to delete) is not tried again before {@code until}. */
    private void holdUntil(String sha, Instant until) {
        jdbc.sql("UPDATE unreferenced_blob SET locked_until = ? WHERE sha256 = ?").params(Timestamp.from(until), sha).update();
    }

    private void forget(UUID passId, Instant now, String sha, String key, long size, String detail) {
        tx.executeWithoutResult(status -> {
            jdbc.sql("DELETE FROM unreferenced_blob WHERE sha256 = ?").param(sha).update();
            jdbc.sql("DELETE FROM blob WHERE sha256 = ?").param(sha).update();
            jdbc.sql("INSERT INTO deleted_blob (sha256, deleted_at) VALUES (?, ?) ON CONFLICT (sha256) DO UPDATE SET deleted_at = excluded.deleted_at")
                    .params(sha, Timestamp.from(now)).update();
            jdbc.sql("""
                    INSERT INTO retention_audit (pass_id, at, action, object_key, bytes, detail)
                    VALUES (?, ?, 'DELETE_BLOB', ?, ?, ?)""").params(passId, Timestamp.from(now), key, size, detail).update();
        });
        log.info("retention: deleted blob {} ({} bytes): {}", key, size, detail);
    }

    private static <T> void addListed(List<T> list, T item) {
        if (list.size() < LISTED) {
            list.add(item);
        }
    }

    private static <T> List<T> head(List<T> list) {
        return List.copyOf(list.subList(0, Math.min(LISTED, list.size())));
    }

    private static ZoneId zone(String id) {
        try {
            return ZoneId.of(id);
        } catch (RuntimeException e) {
            return ZoneId.of("UTC");
        }
    }

    /** Whether retention expired this point (a rebuild must not bring it back from a manifest left behind). */
    public boolean wasExpired(UUID restorePointId) {
        return jdbc.sql("SELECT count(*) FROM retention_audit WHERE restore_point_id = ? AND action = 'EXPIRE_POINT'")
                .param(restorePointId).query(Long.class).single() > 0;
    }
}
