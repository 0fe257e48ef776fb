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

    Optional<Instant> createdAt(UUID id) {
        return jdbc.sql("SELECT created_at FROM drill WHERE id = ?")
                .param(id)
                .query(java.sql.Timestamp.class)
                .optional()
                .map(java.sql.Timestamp::toInstant);
    }

    List<UUID> restores(UUID drillId) {
        return jdbc.sql("SELECT id FROM restore_job WHERE drill_id = ? ORDER BY target_host")
                .param(drillId)
                .query(UUID.class)
                .list();
    }
}
