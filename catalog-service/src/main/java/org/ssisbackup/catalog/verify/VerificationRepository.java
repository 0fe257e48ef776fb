package org.ssisbackup.catalog.verify;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Verification's reads and marks: which stored objects to check next ({@code object_check}), and damaged restore
 * points.
 */
@Repository
class VerificationRepository {
    private final JdbcClient jdbc;

    VerificationRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    long storedObjects() {
        return jdbc.sql("SELECT count(*) FROM stored_object").query(Long.class).single();
    }

    /** A stored object: its id and key. */
    record StoredObject(String id, String key) {}

    /** The {@code n} objects checked longest ago (never checked first). */
    List<StoredObject> leastRecentlyChecked(long n) {
        return jdbc.sql("""
                SELECT o.object_id, o.object_key FROM stored_object o LEFT JOIN object_check c ON c.object_id = o.object_id
                ORDER BY c.checked_at NULLS FIRST, o.object_id LIMIT ?""")
                .param(n)
                .query((rs, i) -> new StoredObject(rs.getString("object_id"), rs.getString("object_key")))
                .list();
    }

    void recordCheck(String objectId, Instant at, BlobVerification.Result result, String detail) {
        jdbc.sql("""
                INSERT INTO object_check (object_id, checked_at, result, detail) VALUES (?, ?, ?, ?)
                ON CONFLICT (object_id) DO UPDATE SET checked_at = excluded.checked_at, result = excluded.result, detail = excluded.detail""")
                .params(objectId, Timestamp.from(at), result.name(), detail)
                .update();
    }

    /** An artifact whose bytes are (partly) in an object. */
    record Use(UUID restorePointId, String agent, String logicalPath) {}

    List<Use> usesOf(StoredObject object) {
        return jdbc.sql("""
                SELECT DISTINCT a.restore_point_id, a.agent, a.logical_path
                FROM point_object p JOIN artifact a ON a.restore_point_id = p.restore_point_id
                WHERE p.object_id = ? AND (a.objects IS NULL AND a.sha256 = ? OR ? = ANY(a.objects))""")
                .params(object.id(), object.id(), object.key())
                .query((rs, n) -> new Use(
                        rs.getObject("restore_point_id", UUID.class),
                        rs.getString("agent"),
                        rs.getString("logical_path")))
                .list();
    }

    /** Marks a point damaged with the reason, once per object ({@code alreadySaid} matches an earlier reason about it). */
    int markDamaged(UUID restorePointId, String reason, String alreadySaid) {
        return jdbc.sql("""
                UPDATE restore_point SET damaged = true, status = CASE WHEN status = 'COMPLETE' THEN 'PARTIAL' ELSE status END,
                    reasons = reasons || jsonb_build_array(CAST(? AS text))
                WHERE id = ? AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements_text(reasons) r WHERE r LIKE ?)""").params(reason, restorePointId, alreadySaid).update();
    }

    long damagedPoints() {
        return jdbc.sql("SELECT count(*) FROM restore_point WHERE damaged")
                .query(Long.class)
                .single();
    }
}
