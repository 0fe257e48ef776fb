package org.ssisbackup.orchestrator.drill;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.ssisbackup.orchestrator.fleet.FleetRegistry;
import org.ssisbackup.orchestrator.fleet.LabelSelector;
import org.ssisbackup.orchestrator.policy.Policy;
import org.ssisbackup.orchestrator.policy.PolicyRepository;
import org.ssisbackup.orchestrator.restore.CatalogClient;

/**
 * Drills that policies ask for. {@code drillEvery}: a backup job under such a policy leaves its hosts' new points in
 * {@code drill_due}; once the catalog has recorded a point COMPLETE, its drill starts. A point the catalog does not
 * know after an hour, or did not record COMPLETE, is dropped with a warning (there is nothing to prove).
 * {@code drillSchedule}: when its time comes, one drill of the newest COMPLETE point of every host the policy selects
 * (hosts without one are named in a warning). The run is claimed like a scheduled backup (compare-and-set on
 * {@code next_drill_at}) only once the catalog has answered, so a catalog that is away delays the drill instead of
 * losing it.
 */
@Component
class PolicyDrills {
    private static final Logger log = LoggerFactory.getLogger(PolicyDrills.class);
    private static final Duration WAIT_FOR_CATALOG = Duration.ofHours(1);

    private record Due(UUID restorePointId, String hostId, Instant dueAt) {}

    private final JdbcClient jdbc;
    private final CatalogClient catalog;
    private final Drills drills;
    private final PolicyRepository policies;
    private final FleetRegistry fleet;

    PolicyDrills(
            JdbcClient jdbc, CatalogClient catalog, Drills drills, PolicyRepository policies, FleetRegistry fleet) {
        this.jdbc = jdbc;
        this.catalog = catalog;
        this.drills = drills;
        this.policies = policies;
        this.fleet = fleet;
    }

    @Scheduled(fixedDelayString = "${ssisbackup.orchestrator.drill-tick:30s}", initialDelay = 5_000)
    public void runScheduledDrills() {
        Instant now = Instant.now();
        for (Policy p : policies.drillsDue(now)) {
            List<CatalogClient.RestorePointSummary> points = new ArrayList<>();
            List<String> without = new ArrayList<>();
            try {
                for (String host : fleet.hostIds(LabelSelector.parse(p.selector()))) {
                    catalog.newestCompletePoint(host)
                            .filter(point -> !point.artifacts().isEmpty())
                            .ifPresentOrElse(points::add, () -> without.add(host));
                }
            } catch (IllegalStateException e) {
                log.warn("policy {}: scheduled drill waits: {}", p.name(), e.getMessage());
                return; // the catalog is away: the next tick tries again, the run is not claimed
            }
            if (!policies.claimDrill(p, p.nextDrillAfter(now))) {
                continue; // another orchestrator took this run
            }
            if (!without.isEmpty()) {
                log.warn(
                        "policy {}: no COMPLETE restore point to drill for {} host(s): {}",
                        p.name(),
                        without.size(),
                        String.join(", ", without.subList(0, Math.min(20, without.size()))));
            }
            if (points.isEmpty()) {
                continue;
            }
            UUID id = drills.start(points, "policy:" + p.name());
            log.info("policy {}: scheduled drill {} of {} host(s)", p.name(), id, points.size());
        }
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
