package org.ssisbackup.orchestrator.policy;

import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.ssisbackup.orchestrator.backup.BackupJobs;
import org.ssisbackup.orchestrator.fleet.FleetRegistry;
import org.ssisbackup.orchestrator.fleet.LabelSelector;

/**
 * Runs policies whose scheduled time has come. Each run is claimed by moving the policy's {@code next_run_at} forward
 * with a compare-and-set, so one orchestrator (of several) runs it once; runs missed while the orchestrator was down
 * are made up by a single run, not one per missed time.
 */
@Component
class PolicyScheduler {
    private static final Logger log = LoggerFactory.getLogger(PolicyScheduler.class);

    private final PolicyRepository policies;
    private final BackupJobs jobs;
    private final FleetRegistry fleet;

    PolicyScheduler(PolicyRepository policies, BackupJobs jobs, FleetRegistry fleet) {
        this.policies = policies;
        this.jobs = jobs;
        this.fleet = fleet;
    }

    @Scheduled(fixedDelayString = "${ssisbackup.orchestrator.schedule-tick:10s}")
    public void runDuePolicies() {
        Instant now = Instant.now();
        for (Policy p : policies.due(now)) {
            Instant next = p.nextRunAfter(now);
            if (!policies.claimRun(p, next)) {
                continue; // another orchestrator took this run
            }
            List<String> hosts = fleet.hostIds(LabelSelector.parse(p.selector()));
            if (hosts.isEmpty()) {
                log.warn("policy {}: its selector '{}' matches no host; nothing to back up", p.name(), p.selector());
                continue;
            }
            BackupJobs.NewJob job = jobs.start(hosts, p.scopes(), "schedule", p.id());
            log.info(
                    "policy {}: scheduled job {} for {} hosts; next run {}", p.name(), job.jobId(), hosts.size(), next);
        }
    }
}
