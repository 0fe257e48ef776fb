package org.ssisbackup.orchestrator.drill;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.ssisbackup.orchestrator.restore.CatalogClient;

/**
 * Drills that policies ask for ({@code drillEvery}): a backup job under such a policy leaves its hosts' new points in
 * {@code drill_due}; once the catalog has recorded a point COMPLETE, its drill starts. A point the catalog does not
 * know after an hour, or did not record COMPLETE, is dropped with a warning (there is nothing to prove).
 */
@Component
class PolicyDrills {
    private static final Logger log = LoggerFactory.getLogger(PolicyDrills.class);
    private static final Duration WAIT_FOR_CATALOG = Duration.ofHours(1);

    private record Due(UUID restorePointId, String hostId, Instant dueAt) {}

    private final JdbcClient jdbc;
    private final CatalogClient catalog;
    private final Drills drills;

    PolicyDrills(JdbcClient jdbc, CatalogClient catalog, Drills drills) {
        this.jdbc = jdbc;
        this.catalog = catalog;
        this.drills = drills;
    }

    @Scheduled(fixedDelayString = "${ssisbackup.orchestrator.drill-tick:30s}", initialDelay = 5_000)
    public void startDueDrills() {
        List<Due> due = jdbc.sql("SELECT restore_point_id, host_id, due_at FROM drill_due ORDER BY due_at LIMIT 100")
                .query((rs, n) -> new Due(
                        rs.getObject(1, UUID.class),
                        rs.getString(2),
                        rs.getTimestamp(3).toInstant()))
                .list();
        for (Due d : due) {
            try {
                var point = catalog.restorePoint(d.restorePointId());
                if (point.isEmpty()) {
                    if (d.dueAt().isBefore(Instant.now().minus(WAIT_FOR_CATALOG))) {
                        log.warn(
                                "policy drill of point {} ({}) dropped: the catalog has not recorded it within {}",
                                d.restorePointId(),
                                d.hostId(),
                                WAIT_FOR_CATALOG);
                        done(d);
                    }
                    continue; // not recorded yet
                }
                if (!"COMPLETE".equals(point.get().status())) {
                    log.warn(
                            "policy drill of point {} ({}) dropped: the point is {}, not COMPLETE",
                            d.restorePointId(),
                            d.hostId(),
                            point.get().status());
                } else {
                    UUID id = drills.start(List.of(point.get()), "policy");
                    log.info("policy drill {} of point {} ({}) started", id, d.restorePointId(), d.hostId());
                }
                done(d);
            } catch (IllegalStateException e) {
                log.warn("policy drills wait: {}", e.getMessage()); // the catalog is away: the next tick tries again
                return;
            }
        }
    }

    private void done(Due d) {
        jdbc.sql("DELETE FROM drill_due WHERE restore_point_id = ?")
                .param(d.restorePointId())
                .update();
    }
}
