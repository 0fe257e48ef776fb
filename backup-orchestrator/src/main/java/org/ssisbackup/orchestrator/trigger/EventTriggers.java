package org.ssisbackup.orchestrator.trigger;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.ssisbackup.orchestrator.backup.BackupJobs;
import org.ssisbackup.orchestrator.fleet.FleetRegistry;
import org.ssisbackup.orchestrator.fleet.LabelSelector;
import org.ssisbackup.orchestrator.policy.Policy;
import org.ssisbackup.orchestrator.policy.PolicyRepository;

/**
 * Backups triggered by other systems' CloudEvents. An event's type picks a policy (configuration), its subject the
 * host; an unknown type, policy or host is rejected to the dead-letter topic with the reason. Accepted events wait
 * out the coalescing window in {@code trigger_pending} (one row per policy and host, however many events), then the
 * due hosts of each policy start as one job under the policy's limits. Redelivered events (same source and id) are
 * ignored.
 */
@Service
public class EventTriggers {
    private static final Logger log = LoggerFactory.getLogger(EventTriggers.class);

    private final TriggerRepository repository;
    private final TriggerProperties properties;
    private final PolicyRepository policies;
    private final FleetRegistry fleet;
    private final BackupJobs jobs;
    private final MeterRegistry registry;

    public EventTriggers(
            TriggerRepository repository,
            TriggerProperties properties,
            PolicyRepository policies,
            FleetRegistry fleet,
            BackupJobs jobs,
            MeterRegistry registry) {
        this.repository = repository;
        this.properties = properties;
        this.policies = policies;
        this.fleet = fleet;
        this.jobs = jobs;
        this.registry = registry;
    }

    /** What became of an event. */
    public enum Result {
        QUEUED,
        COALESCED,
        DUPLICATE
    }

    @Transactional
    public Result on(CloudEvent e) {
        TriggerProperties.EventMapping mapping = properties.events().get(e.type());
        if (mapping == null) {
            throw reject(
                    e,
                    "no trigger is configured for event type '" + e.type()
                            + "' (ssisbackup.orchestrator.triggers.events)");
        }
        Policy policy = policies.find(mapping.policy())
                .orElseThrow(() -> reject(
                        e,
                        "event type '" + e.type() + "' maps to policy '" + mapping.policy()
                                + "', which does not exist"));
        List<String> hosts;
        if (mapping.hostFromSubject()) {
            if (e.subject() == null) {
                throw reject(e, "event has no subject; for type '" + e.type() + "' the subject names the host");
            }
            if (!fleet.unknownHosts(List.of(e.subject())).isEmpty()) { // one lookup, not the whole fleet per event
                throw reject(
                        e, "unknown host '" + e.subject() + "': no agent of it was ever heard and it has no labels");
            }
            hosts = List.of(e.subject());
        } else {
            hosts = fleet.hostIds(LabelSelector.parse(mapping.hosts()));
            if (hosts.isEmpty()) {
                throw reject(e, "selector '" + mapping.hosts() + "' of event type '" + e.type() + "' matches no host");
            }
        }
        if (!repository.remember(e)) {
            count(e, "duplicate");
            return Result.DUPLICATE;
        }
        Instant fireAt = Instant.now().plus(properties.coalesceWindow());
        boolean coalesced = false;
        for (String host : hosts) {
            coalesced |= repository.queue(policy.id(), host, fireAt) > 1;
        }
        count(e, coalesced ? "coalesced" : "queued");
        return coalesced ? Result.COALESCED : Result.QUEUED;
    }

    /** Starts the triggered backups whose window has closed: one job per policy with all its due hosts. */
    @Scheduled(fixedDelayString = "${ssisbackup.orchestrator.triggers.tick:2s}")
    public void startDue() {
        repository
                .takeDue()
                .forEach((policyId, hosts) -> policies.find(policyId.toString()).ifPresent(p -> {
                    BackupJobs.NewJob job = jobs.start(hosts.stream().sorted().toList(), p.scopes(), "event", p.id());
                    log.info("policy {}: event-triggered job {} for {} hosts", p.name(), job.jobId(), hosts.size());
                }));
        repository.forgetEventsBefore(Instant.now().minus(Duration.ofDays(7)));
    }

    private RejectedTriggerException reject(CloudEvent e, String reason) {
        count(e, "rejected");
        log.warn("trigger {} from {} rejected: {}", e.id(), e.source(), reason);
        return new RejectedTriggerException(reason);
    }

    private void count(CloudEvent e, String outcome) {
        registry.counter("ssis.orchestrator.triggers", "type", e.type(), "outcome", outcome)
                .increment();
    }
}
