package org.ssisbackup.orchestrator.drill;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Drills in PostgreSQL: {@code drill}, and the restores ({@code restore_job.drill_id}) each is made of. */
@Repository
class DrillRepository {
    private final JdbcClient jdbc;

    DrillRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(UUID id, String requestedBy) {
        jdbc.sql("INSERT INTO drill (id, created_at, requested_by) VALUES (?, now(), ?)")
                .params(id, requestedBy)
                .update();
    }

    void link(UUID restoreId, UUID drillId) {
        jdbc.sql("UPDATE restore_job SET drill_id = ? WHERE id = ?")
                .params(drillId, restoreId)
                .update();
    }

    record DrillRow(Instant createdAt, String requestedBy) {}

    Optional<DrillRow> find(UUID id) {
        return jdbc.sql("SELECT created_at, requested_by FROM drill WHERE id = ?")
                .param(id)
                .query((rs, n) -> new DrillRow(rs.getTimestamp(1).toInstant(), rs.getString(2)))
                .optional();
    }

    /** The newest drills first, all or those one requester asked for. */
    List<UUID> recent(String requestedBy, int limit) {
        return jdbc.sql("SELECT id FROM drill WHERE (CAST(? AS TEXT) IS NULL OR requested_by = ?)"
                        + " ORDER BY created_at DESC LIMIT ?")
                .params(requestedBy, requestedBy, limit)
                .query(UUID.class)
                .list();
    }

    List<UUID> restores(UUID drillId) {
        return jdbc.sql("SELECT id FROM restore_job WHERE drill_id = ? ORDER BY target_host")
                .param(drillId)
                .query(UUID.class)
                .list();
    }
}
