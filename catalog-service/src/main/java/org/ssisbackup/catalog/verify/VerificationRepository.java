package org.ssisbackup.catalog.verify;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Verification's reads and marks: which blobs to check next ({@code blob_check}), and damaged restore points. */
@Repository
class VerificationRepository {
    private final JdbcClient jdbc;

    VerificationRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    long storedBlobs() {
        return jdbc.sql("SELECT count(*) FROM blob").query(Long.class).single();
    }

    /** The {@code n} blobs checked longest ago (never checked first). */
    List<String> leastRecentlyChecked(long n) {
        return jdbc.sql("""
                SELECT b.sha256 FROM blob b LEFT JOIN blob_check c ON c.sha256 = b.sha256
                ORDER BY c.checked_at NULLS FIRST, b.sha256 LIMIT ?""").param(n).query(String.class).list().stream()
                .map(String::trim)
                .toList();
    }

    void recordCheck(String sha, Instant at, BlobVerification.Result result, String detail) {
        jdbc.sql("""
                INSERT INTO blob_check (sha256, checked_at, result, detail) VALUES (?, ?, ?, ?)
                ON CONFLICT (sha256) DO UPDATE SET checked_at = excluded.checked_at, result = excluded.result, detail = excluded.detail""").params(sha, Timestamp.from(at), result.name(), detail).update();
    }

    /** An artifact that needs a blob. */
    record Use(UUID restorePointId, String agent, String logicalPath) {}

    List<Use> usesOf(String sha) {
        return jdbc.sql("SELECT DISTINCT restore_point_id, agent, logical_path FROM artifact WHERE sha256 = ?")
                .param(sha)
                .query((rs, n) -> new Use(
                        rs.getObject("restore_point_id", UUID.class),
                        rs.getString("agent"),
                        rs.getString("logical_path")))
                .list();
    }

    /** Marks a point damaged with the reason, once per blob ({@code alreadySaid} matches an earlier reason about it). */
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
