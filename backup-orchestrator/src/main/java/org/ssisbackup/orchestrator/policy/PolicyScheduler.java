package org.ssisbackup.orchestrator.policy;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.ssisbackup.orchestrator.fleet.FleetRegistry;
import org.ssisbackup.orchestrator.fleet.LabelSelector;
import org.ssisbackup.orchestrator.job.BackupJobs;

/**
 * Runs policies whose scheduled time has come. Each run is claimed by moving the policy's {@code next_run_at} forward
 * with a compare-and-set, so one orchestrator (of several) runs it once; runs missed while the orchestrator was down
 * are made up by a single run, not one per missed time.
 */
@Component
class PolicyScheduler {
    private static final Logger log = LoggerFactory.getLogger(PolicyScheduler.class);

    private final JdbcClient jdbc;
    private final BackupJobs jobs;
    private final FleetRegistry fleet;

    PolicyScheduler(JdbcClient jdbc, BackupJobs jobs, FleetRegistry fleet) {
        this.jdbc = jdbc;
        this.jobs = jobs;
        this.fleet = fleet;
    }

    @Scheduled(fixedDelayString = "${ssisbackup.orchestrator.schedule-tick:10s}")
    public void runDuePolicies() {
        Instant now = Instant.now();
        List<Policy> due = jdbc.sql("SELECT * FROM policy WHERE enabled AND next_run_at <= ? ORDER BY next_run_at")
                .param(Timestamp.from(now)).query().listOfRows().stream().map(Policies::policy).toList();
        for (Policy p : due) {
            Instant next = p.nextRunAfter(now);
            int claimed = jdbc.sql("UPDATE policy SET next_run_at = ? WHERE id = ? AND next_run_at = ?")
                    .params(next == null ? null : Timestamp.from(next), p.id(), Timestamp.from(p.nextRunAt())).update();
            if (claimed == 0) {
                continue; // another orchestrator took this run
            }
            List<String> hosts = fleet.hostIds(LabelSelector.parse(p.selector()));
            if (hosts.isEmpty()) {
                log.warn("policy {}: its selector '{}' matches no host; nothing to back up", p.name(), p.selector());
                continue;
            }
            BackupJobs.NewJob job = jobs.start(hosts, p.scopes(), "schedule", p.id());
            log.info("policy {}: scheduled job {} for {} hosts; next run {}", p.name(), job.jobId(), hosts.size(), next);
        }
    }
}
