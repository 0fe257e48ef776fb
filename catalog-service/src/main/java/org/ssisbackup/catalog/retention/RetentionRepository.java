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
 * as retention groups them, the unreferenced-blob marks, tombstones of deleted blobs and the audit.
 */
@Repository
public class RetentionRepository {
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

    /** What the deletion of a batch of points left: their manifests to delete and how many blobs it marked. */
    record ExpiredBatch(List<String> manifestKeys, long blobsMarked) {}

    /**
     * In one transaction: audits, then deletes the points with their artifacts and agent results, and marks the blobs
     * no point references any more.
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
            List<String> shas = jdbc.sql(
                            "SELECT DISTINCT sha256 FROM artifact WHERE restore_point_id = ANY(CAST(? AS uuid[]))")
                    .param(ids)
                    .query(String.class)
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
            jdbc.sql("DELETE FROM agent_result WHERE restore_point_id = ANY(CAST(? AS uuid[]))")
                    .param(ids)
                    .update();
            jdbc.sql("DELETE FROM restore_point WHERE id = ANY(CAST(? AS uuid[]))")
                    .param(ids)
                    .update();
            long marked = jdbc.sql("INSERT INTO unreferenced_blob (sha256, unreferenced_since) SELECT s, ? FROM ("
                            + UNREFERENCED + ") o ON CONFLICT DO NOTHING")
                    .params(at, shas.toArray(String[]::new))
                    .update();
            return new ExpiredBatch(manifests, marked);
        });
    }

    /** How many blobs the deletion of these points would leave unreferenced (a dry run). */
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
            // A whole rule change can expire most of the fleet's points: one pass over the artifacts (a hash anti-join)
            // beats a probe per blob here, unlike a nightly batch.
            return jdbc.sql("""
                    SELECT count(DISTINCT a.sha256) FROM artifact a JOIN expiring e ON e.id = a.restore_point_id
                    WHERE NOT EXISTS (SELECT 1 FROM artifact b WHERE b.sha256 = a.sha256
                                      AND NOT EXISTS (SELECT 1 FROM expiring x WHERE x.id = b.restore_point_id))""").query(Long.class).single();
        });
        return n == null ? 0 : n;
    }

    /** Of these blobs in the bucket, those no point names and that are not marked yet: marked (or counted in a dry run). */
    long markOrphans(List<String> shas, Instant now, boolean dryRun) {
        String unmarked = "SELECT s FROM (" + UNREFERENCED + ") o"
                + " WHERE NOT EXISTS (SELECT 1 FROM unreferenced_blob b WHERE b.sha256 = o.s)";
        String[] chunk = shas.toArray(String[]::new);
        return dryRun
                ? jdbc.sql(unmarked).param(chunk).query(String.class).list().size()
                : jdbc.sql("INSERT INTO unreferenced_blob (sha256, unreferenced_since) SELECT s, ? FROM (" + unmarked
                                + ") o ON CONFLICT DO NOTHING")
                        .params(Timestamp.from(now), chunk)
                        .update();
    }

    /** A marked blob that waits: within its grace period, or locked. */
    record WaitingBlob(String sha256, Instant unreferencedSince, Instant lockedUntil) {}

    List<WaitingBlob> waiting(Instant cutoff, Instant now, int limit) {
        return jdbc.sql("""
                SELECT sha256, unreferenced_since, locked_until FROM unreferenced_blob
                WHERE unreferenced_since > ? OR locked_until > ? ORDER BY unreferenced_since LIMIT ?""")
                .params(Timestamp.from(cutoff), Timestamp.from(now), limit)
                .query((rs, n) -> {
                    Timestamp locked = rs.getTimestamp("locked_until");
                    return new WaitingBlob(
                            rs.getString("sha256"),
                            rs.getTimestamp("unreferenced_since").toInstant(),
                            locked == null ? null : locked.toInstant());
                })
                .list();
    }

    long countWaiting(Instant cutoff, Instant now) {
        return jdbc.sql("SELECT count(*) FROM unreferenced_blob WHERE unreferenced_since > ? OR locked_until > ?")
                .params(Timestamp.from(cutoff), Timestamp.from(now))
                .query(Long.class)
                .single();
    }

    /** Marked blobs past the grace period and not locked, after {@code afterSha} in hash order (a page). */
    List<String> due(Instant cutoff, Instant now, String afterSha, int limit) {
        return jdbc.sql("""
                SELECT sha256 FROM unreferenced_blob WHERE unreferenced_since <= ? AND (locked_until IS NULL OR locked_until <= ?)
                AND sha256 > ? ORDER BY sha256 LIMIT ?""")
                .params(Timestamp.from(cutoff), Timestamp.from(now), afterSha, limit)
                .query(String.class)
                .list();
    }

    boolean isReferenced(String sha) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM artifact WHERE sha256 = ?)")
                .param(sha)
                .query(Boolean.class)
                .single();
    }

    void unmark(String sha) {
        jdbc.sql("DELETE FROM unreferenced_blob WHERE sha256 = ?").param(sha).update();
    }

    /** Written again at {@code at}: its grace period starts again from then. */
    void markedAgainAt(String sha, Instant at) {
        jdbc.sql("UPDATE unreferenced_blob SET unreferenced_since = ? WHERE sha256 = ?")
                .params(Timestamp.from(at), sha)
                .update();
    }

    /** A locked blob (or one the bucket refused to delete) is not tried again before {@code until}. */
    void holdUntil(String sha, Instant until) {
        jdbc.sql("UPDATE unreferenced_blob SET locked_until = ? WHERE sha256 = ?")
                .params(Timestamp.from(until), sha)
                .update();
    }

    /** A deleted blob: its marks and its row go, a tombstone and the audit stay. */
    void forget(UUID passId, Instant now, String sha, String key, long size, String detail) {
        tx.executeWithoutResult(status -> {
            jdbc.sql("DELETE FROM unreferenced_blob WHERE sha256 = ?")
                    .param(sha)
                    .update();
            jdbc.sql("DELETE FROM blob WHERE sha256 = ?").param(sha).update();
            jdbc.sql(
                            "INSERT INTO deleted_blob (sha256, deleted_at) VALUES (?, ?) ON CONFLICT (sha256) DO UPDATE SET deleted_at = excluded.deleted_at")
                    .params(sha, Timestamp.from(now))
                    .update();
            jdbc.sql("""
                    INSERT INTO retention_audit (pass_id, at, action, object_key, bytes, detail)
                    VALUES (?, ?, 'DELETE_BLOB', ?, ?, ?)""").params(passId, Timestamp.from(now), key, size, detail).update();
        });
    }

    void forgetTombstonesBefore(Instant before) {
        jdbc.sql("DELETE FROM deleted_blob WHERE deleted_at < ?")
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
