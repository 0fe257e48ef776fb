package org.ssisbackup.orchestrator.health;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Each host's recent backups, read from the backup jobs' tables. */
@Repository
class BackupHistoryRepository {
    private final JdbcClient jdbc;

    BackupHistoryRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Up to {@code perHost} backups of every host, newest first; an outcome combines the host's agents. */
    Map<String, List<FleetHealth.HostBackup>> recentBackups(int perHost) {
        Map<String, List<FleetHealth.HostBackup>> out = new LinkedHashMap<>();
        jdbc.sql("""
                SELECT host_id, job_id, trigger, outcome, started_at, ended_at FROM (
                    SELECT a.host_id, a.job_id, j.trigger, j.created_at AS started_at,
                        CASE WHEN bool_or(a.state IN ('PENDING','DISPATCHED','RUNNING')) THEN 'RUNNING'
                             WHEN bool_and(a.state = 'SUCCEEDED') THEN 'SUCCEEDED'
                             WHEN bool_and(a.state = 'CANCELLED') THEN 'CANCELLED'
                             WHEN bool_and(a.state IN ('FAILED','TIMED_OUT','CANCELLED')) THEN 'FAILED'
                             ELSE 'PARTIALLY_FAILED' END AS outcome,
                        CASE WHEN bool_or(a.state IN ('PENDING','DISPATCHED','RUNNING')) THEN NULL ELSE max(a.updated_at) END AS ended_at,
                        row_number() OVER (PARTITION BY a.host_id ORDER BY j.created_at DESC, a.job_id) AS n
                    FROM job_agent a JOIN backup_job j ON j.id = a.job_id
                    GROUP BY a.host_id, a.job_id, j.trigger, j.created_at) h
                WHERE n <= ? ORDER BY host_id, n""")
                .param(perHost)
                .query((rs, n) -> {
                    Timestamp ended = rs.getTimestamp("ended_at");
                    out.computeIfAbsent(rs.getString("host_id"), k -> new ArrayList<>())
                            .add(new FleetHealth.HostBackup(
                                    rs.getObject("job_id", UUID.class),
                                    rs.getString("trigger"),
                                    rs.getString("outcome"),
                                    rs.getTimestamp("started_at").toInstant(),
                                    ended == null ? null : ended.toInstant()));
                    return null;
                })
                .list();
        return out;
    }
}
