package org.ssisbackup.catalog.retention;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;
import org.ssisbackup.contracts.MessageCodec;
import org.ssisbackup.contracts.RestorePointStatus;
import org.ssisbackup.contracts.RetentionRule;

/**
 * Retention's tables and its reads of the catalog: the rules policies carried ({@code retention_policy}), restore points
 * as retention groups them, the unreferenced-object marks, tombstones of deleted objects and the audit.
 */
@Repository
public class RetentionRepository {
    /**
     * The given objects (ids and keys: two arrays) that no restore point needs. One index probe each, stopping at the
     * first point: as NOT EXISTS the planner may pick an anti-join that reads every point's objects. The id array is
     * char(64)[] like the column: compared as text, the index could not be used at all.
     */
    static final String UNREFERENCED = """
            SELECT u.id, u.object_key FROM unnest(CAST(? AS char(64)[]), CAST(? AS text[])) AS u(id, object_key)
            LEFT JOIN LATERAL (SELECT 1 AS used FROM point_object p WHERE p.object_id = u.id LIMIT 1) r ON true
            WHERE r.used IS NULL""";

    /** An object of the bucket that restore points reference: its id and key. */
    record ObjectRef(String id, String key) {}

    private final JdbcClient jdbc;
    private final JdbcTemplate streaming;
    private final TransactionTemplate tx;

    public RetentionRepository(JdbcClient jdbc, DataSource dataSource, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.streaming = new JdbcTemplate(dataSource);
        this.streaming.setFetchSize(
                10_000); // PostgreSQL streams in a transaction instead of loading every point at once
        this.tx = tx;
    }

    /** A policy's rule as the newest backup under it carried it. */
    record PolicyRule(UUID policyId, String name, RetentionRule rule, ZoneId zone) {}

    /** One restore point as retention sees it. */
    record StoredPoint(
            UUID id, String hostId, UUID policyId, String policyName, Instant createdAt, RestorePointStatus status) {}

    Map<UUID, PolicyRule> policyRules() {
        Map<UUID, PolicyRule> rules = new HashMap<>();
        jdbc.sql("SELECT policy_id, name, retention::text AS retention, time_zone FROM retention_policy")
                .query((rs, n) -> {
                    UUID id = rs.getObject("policy_id", UUID.class);
                    return rules.put(
                            id,
                            new PolicyRule(
                                    id,
                                    rs.getString("name"),
                                    MessageCodec.decodeDocument(
                                            rs.getString("retention").getBytes(StandardCharsets.UTF_8),
                                            RetentionRule.class),
                                    zone(rs.getString("time_zone"))));
                })
                .list();
        return rules;
    }

    /** Every restore point, streamed by host, then policy (ad hoc first), then newest first. */
    void streamPointsByGroup(Consumer<StoredPoint> each) {
        tx.executeWithoutResult(status -> streaming.query("""
                SELECT id, host_id, policy_id, policy_name, status, created_at FROM restore_point
                ORDER BY host_id, policy_id NULLS FIRST, created_at DESC""", rs -> {
            each.accept(new StoredPoint(
                    rs.getObject("id", UUID.class),
                    rs.getString("host_id"),
                    rs.getObject("policy_id", UUID.class),
                    rs.getString("policy_name"),
                    rs.getTimestamp("created_at").toInstant(),
                    RestorePointStatus.valueOf(rs.getString("status"))));
        }));
    }

    /** What the deletion of a batch of points left: their manifests to delete and how many objects it marked. */
    record ExpiredBatch(List<String> manifestKeys, long objectsMarked) {}

    /**
     * In one transaction: audits, then deletes the points with their artifacts, objects and agent results, and marks
     * the objects no point needs any more.
     */
    ExpiredBatch expire(UUID passId, Instant now, List<ExpiryPlan.ExpiredPoint> batch) {
        String[] ids = batch.stream().map(p -> p.restorePointId().toString()).toArray(String[]::new);
        return tx.execute(status -> {
            List<String> manifests = jdbc.sql(
                            "SELECT manifest_key FROM agent_result WHERE restore_point_id = ANY(CAST(? AS uuid[]))"
                                    + " AND manifest_key IS NOT NULL")
                    .param(ids)
                    .query(String.class)
                    .list();
            Map<UUID, Long> bytes = new HashMap<>();
            jdbc.sql("SELECT id, total_bytes FROM restore_point WHERE id = ANY(CAST(? AS uuid[]))")
                    .param(ids)
                    .query((rs, n) -> bytes.put(rs.getObject("id", UUID.class), rs.getLong("total_bytes")))
                    .list();
            List<ObjectRef> objects = jdbc.sql("""
                            SELECT DISTINCT o.object_id, o.object_key FROM point_object p JOIN stored_object o ON o.object_id = p.object_id
                            WHERE p.restore_point_id = ANY(CAST(? AS uuid[]))""")
                    .param(ids)
                    .query((rs, n) -> new ObjectRef(rs.getString("object_id"), rs.getString("object_key")))
                    .list();
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
            jdbc.sql("DELETE FROM artifact WHERE restore_point_id = ANY(CAST(? AS uuid[]))")
                    .param(ids)
                    .update();
            jdbc.sql("DELETE FROM point_object WHERE restore_point_id = ANY(CAST(? AS uuid[]))")
                    .param(ids)
                    .update();
            jdbc.sql("DELETE FROM agent_result WHERE restore_point_id = ANY(CAST(? AS uuid[]))")
                    .param(ids)
                    .update();
            jdbc.sql("DELETE FROM restore_point WHERE id = ANY(CAST(? AS uuid[]))")
                    .param(ids)
                    .update();
            long marked = jdbc.sql(
                            "INSERT INTO unreferenced_object (object_id, object_key, unreferenced_since) SELECT id, object_key, ? FROM ("
                                    + UNREFERENCED + ") o ON CONFLICT DO NOTHING")
                    .params(at, idsOf(objects), keysOf(objects))
                    .update();
            return new ExpiredBatch(manifests, marked);
        });
    }

    /** How many objects the deletion of these points would leave unreferenced (a dry run). */
    long wouldBeUnreferenced(List<UUID> points) {
        if (points.isEmpty()) {
            return 0;
        }
        String[] ids = points.stream().map(UUID::toString).toArray(String[]::new);
        Long n = tx.execute(status -> {
            jdbc.sql("CREATE TEMP TABLE expiring (id UUID PRIMARY KEY) ON COMMIT DROP")
                    .update();
            jdbc.sql("INSERT INTO expiring SELECT unnest(CAST(? AS uuid[]))")
                    .param(ids)
                    .update();
            jdbc.sql("ANALYZE expiring").update();
            // A whole rule change can expire most of the fleet's points: one pass over the points' objects (a hash
            // anti-join) beats a probe per object here, unlike a nightly batch.
            return jdbc.sql("""
                    SELECT count(DISTINCT a.object_id) FROM point_object a JOIN expiring e ON e.id = a.restore_point_id
                    WHERE NOT EXISTS (SELECT 1 FROM point_object b WHERE b.object_id = a.object_id
                                      AND NOT EXISTS (SELECT 1 FROM expiring x WHERE x.id = b.restore_point_id))""").query(Long.class).single();
        });
        return n == null ? 0 : n;
    }

    /**
     * Of these objects in the bucket, those no point needs and that are not marked yet: marked (or counted in a dry
     * run).
     */
    long markOrphans(List<ObjectRef> objects, Instant now, boolean dryRun) {
        String unmarked = "SELECT id, object_key FROM (" + UNREFERENCED + ") o"
                + " WHERE NOT EXISTS (SELECT 1 FROM unreferenced_object b WHERE b.object_id = o.id)";
        return dryRun
                ? jdbc.sql(unmarked)
                        .params(idsOf(objects), keysOf(objects))
                        .query((rs, n) -> 1)
                        .list()
                        .size()
                : jdbc.sql("INSERT INTO unreferenced_object (object_id, object_key, unreferenced_since)"
                                + " SELECT id, object_key, ? FROM (" + unmarked + ") o ON CONFLICT DO NOTHING")
                        .params(Timestamp.from(now), idsOf(objects), keysOf(objects))
                        .update();
    }

    private static String[] idsOf(List<ObjectRef> objects) {
        return objects.stream().map(ObjectRef::id).toArray(String[]::new);
    }

    private static String[] keysOf(List<ObjectRef> objects) {
        return objects.stream().map(ObjectRef::key).toArray(String[]::new);
    }

    /** A marked object that waits: within its grace period, or locked. */
    record WaitingObject(String key, Instant unreferencedSince, Instant lockedUntil) {}

    List<WaitingObject> waiting(Instant cutoff, Instant now, int limit) {
        return jdbc.sql("""
                SELECT object_key, unreferenced_since, locked_until FROM unreferenced_object
                WHERE unreferenced_since > ? OR locked_until > ? ORDER BY unreferenced_since LIMIT ?""")
                .params(Timestamp.from(cutoff), Timestamp.from(now), limit)
                .query((rs, n) -> {
                    Timestamp locked = rs.getTimestamp("locked_until");
                    return new WaitingObject(
                            rs.getString("object_key"),
                            rs.getTimestamp("unreferenced_since").toInstant(),
                            locked == null ? null : locked.toInstant());
                })
                .list();
    }

    long countWaiting(Instant cutoff, Instant now) {
        return jdbc.sql("SELECT count(*) FROM unreferenced_object WHERE unreferenced_since > ? OR locked_until > ?")
                .params(Timestamp.from(cutoff), Timestamp.from(now))
                .query(Long.class)
                .single();
    }

    /** Marked objects past the grace period and not locked, after {@code afterId} in id order (a page). */
    List<ObjectRef> due(Instant cutoff, Instant now, String afterId, int limit) {
        return jdbc.sql("""
                SELECT object_id, object_key FROM unreferenced_object
                WHERE unreferenced_since <= ? AND (locked_until IS NULL OR locked_until <= ?) AND object_id > ?
                ORDER BY object_id LIMIT ?""")
                .params(Timestamp.from(cutoff), Timestamp.from(now), afterId, limit)
                .query((rs, n) -> new ObjectRef(rs.getString("object_id"), rs.getString("object_key")))
                .list();
    }

    boolean isReferenced(String objectId) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM point_object WHERE object_id = ?)")
                .param(objectId)
                .query(Boolean.class)
                .single();
    }

    void unmark(String objectId) {
        jdbc.sql("DELETE FROM unreferenced_object WHERE object_id = ?")
                .param(objectId)
                .update();
    }

    /** Written again at {@code at}: its grace period starts again from then. */
    void markedAgainAt(String objectId, Instant at) {
        jdbc.sql("UPDATE unreferenced_object SET unreferenced_since = ? WHERE object_id = ?")
                .params(Timestamp.from(at), objectId)
                .update();
    }

    /** A locked object (or one the bucket refused to delete) is not tried again before {@code until}. */
    void holdUntil(String objectId, Instant until) {
        jdbc.sql("UPDATE unreferenced_object SET locked_until = ? WHERE object_id = ?")
                .params(Timestamp.from(until), objectId)
                .update();
    }

    /** A deleted object: its marks and its row go, a tombstone and the audit stay. */
    void forget(UUID passId, Instant now, ObjectRef object, long size, String detail) {
        tx.executeWithoutResult(status -> {
            jdbc.sql("DELETE FROM unreferenced_object WHERE object_id = ?")
                    .param(object.id())
                    .update();
            jdbc.sql("DELETE FROM stored_object WHERE object_id = ?")
                    .param(object.id())
                    .update();
            jdbc.sql("""
                    INSERT INTO deleted_object (object_id, object_key, deleted_at) VALUES (?, ?, ?)
                    ON CONFLICT (object_id) DO UPDATE SET deleted_at = excluded.deleted_at""").params(object.id(), object.key(), Timestamp.from(now)).update();
            jdbc.sql("""
                    INSERT INTO retention_audit (pass_id, at, action, object_key, bytes, detail)
                    VALUES (?, ?, 'DELETE_OBJECT', ?, ?, ?)""")
                    .params(passId, Timestamp.from(now), object.key(), size, detail)
                    .update();
        });
    }

    void forgetTombstonesBefore(Instant before) {
        jdbc.sql("DELETE FROM deleted_object WHERE deleted_at < ?")
                .param(Timestamp.from(before))
                .update();
    }

    /** Whether retention expired this point (a rebuild must not bring it back from a manifest left behind). */
    public boolean wasExpired(UUID restorePointId) {
        return jdbc.sql("SELECT count(*) FROM retention_audit WHERE restore_point_id = ? AND action = 'EXPIRE_POINT'")
                        .param(restorePointId)
                        .query(Long.class)
                        .single()
                > 0;
    }

    public record AuditEntry(
            long id,
            UUID passId,
            Instant at,
            String action,
            String hostId,
            UUID restorePointId,
            String policy,
            String objectKey,
            Long bytes,
            String detail) {}

    /** Retention's audit, newest first; {@code before} (an entry id) pages back, {@code host} filters. */
    public List<AuditEntry> audit(Long before, String host, int limit) {
        return jdbc.sql("""
                SELECT * FROM retention_audit WHERE (CAST(? AS bigint) IS NULL OR id < ?) AND (CAST(? AS text) IS NULL OR host_id = ?)
                ORDER BY id DESC LIMIT ?""")
                .params(before, before, host, host, limit)
                .query((rs, n) -> new AuditEntry(
                        rs.getLong("id"),
                        rs.getObject("pass_id", UUID.class),
                        rs.getTimestamp("at").toInstant(),
                        rs.getString("action"),
                        rs.getString("host_id"),
                        rs.getObject("restore_point_id", UUID.class),
                        rs.getString("policy_name"),
                        rs.getString("object_key"),
                        (Long) rs.getObject("bytes"),
                        rs.getString("detail")))
                .list();
    }

    static ZoneId zone(String id) {
        try {
            return ZoneId.of(id);
        } catch (RuntimeException e) {
            return ZoneId.of("UTC");
        }
    }

    static <T> List<List<T>> batches(List<T> all, int size) {
        List<List<T>> out = new ArrayList<>();
        for (int from = 0; from < all.size(); from += size) {
            out.add(all.subList(from, Math.min(all.size(), from + size)));
        }
        return out;
    }
}
