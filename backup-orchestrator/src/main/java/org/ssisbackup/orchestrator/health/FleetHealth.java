package org.ssisbackup.orchestrator.health;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.ssisbackup.orchestrator.fleet.FleetRegistry;
import org.ssisbackup.orchestrator.fleet.LabelSelector;
import org.ssisbackup.orchestrator.policy.Policy;
import org.ssisbackup.orchestrator.policy.PolicyRepository;
import org.ssisbackup.orchestrator.restore.CatalogClient;
import org.ssisbackup.platform.metrics.TaggedGauge;

/**
 * The fleet's health, host by host: how old a host's last successful backup may be (twice the interval of the most
 * frequent enabled schedule that picks it: one missed run is tolerated), whether it is overdue, how many of its latest
 * backups failed in a row, and its recent backups. The status page shows it; gauges expose it for dashboards and alerts
 * (with the registry's own fleet gauges, from the same read of the fleet).
 */
@Service
public class FleetHealth {
    /** How many recent backups a host's history holds. */
    static final int HISTORY = 20;

    /** One backup of one host: {@code outcome} combines its agents (RUNNING while any is open). */
    public record HostBackup(UUID jobId, String trigger, String outcome, Instant startedAt, Instant endedAt) {}

    public record HostStatus(
            String hostId,
            FleetRegistry.HostState state,
            Map<String, String> labels,
            List<FleetRegistry.AgentView> agents,
            Instant lastSuccessfulBackup,
            Long lastSuccessAgeSeconds,
            Long allowedAgeSeconds,
            boolean overdue,
            int failureStreak,
            List<HostBackup> history,
            CatalogClient.HostProof proof) {}

    private final FleetRegistry fleet;
    private final PolicyRepository policies;
    private final BackupHistoryRepository backups;
    private final HostProofs proofs;
    private final TaggedGauge allowedAge;
    private final TaggedGauge failureStreak;
    private final TaggedGauge agentUp;
    private final TaggedGauge agentSilence;
    private final AtomicInteger overdue = new AtomicInteger();

    public FleetHealth(
            FleetRegistry fleet,
            PolicyRepository policies,
            BackupHistoryRepository backups,
            HostProofs proofs,
            MeterRegistry registry) {
        this.fleet = fleet;
        this.proofs = proofs;
        this.policies = policies;
        this.backups = backups;
        this.allowedAge = new TaggedGauge(
                registry,
                "ssis.orchestrator.backup.allowed.age",
                "seconds",
                "how old a host's last successful backup may be under its policies' schedules");
        this.failureStreak = new TaggedGauge(
                registry,
                "ssis.orchestrator.host.failure.streak",
                null,
                "backups of a host that failed in a row, most recent first");
        this.agentUp = new TaggedGauge(
                registry,
                "ssis.orchestrator.agent.up",
                null,
                "1 while an agent's heartbeats arrive, 0 once it missed too many");
        this.agentSilence = new TaggedGauge(
                registry,
                "ssis.orchestrator.agent.last.seen.age",
                "seconds",
                "seconds since an agent's last heartbeat");
        Gauge.builder("ssis.orchestrator.hosts.overdue", overdue, AtomicInteger::get)
                .description("hosts whose last successful backup is older than their policies allow")
                .register(registry);
    }

    /** Every host a selector picks (optionally in one state), with its health and recent backups. */
    public List<HostStatus> status(LabelSelector selector, FleetRegistry.HostState state) {
        return statusOf(fleet.hosts(selector, state));
    }

    private List<HostStatus> statusOf(List<FleetRegistry.HostView> hosts) {
        Instant now = Instant.now();
        Map<String, List<HostBackup>> history = backups.recentBackups(HISTORY);
        List<Policy> scheduled = policies.all().stream()
                .filter(p -> !Boolean.FALSE.equals(p.enabled()) && p.schedule() != null)
                .toList();
        List<HostStatus> out = new ArrayList<>();
        for (FleetRegistry.HostView h : hosts) {
            Duration allowed = null;
            for (Policy p : scheduled) {
                Duration interval = interval(p, now);
                if (interval != null
                        && LabelSelector.parse(p.selector()).matches(h.labels())
                        && (allowed == null || interval.multipliedBy(2).compareTo(allowed) < 0)) {
                    allowed = interval.multipliedBy(2);
                }
            }
            Long age = h.lastSuccessfulBackup() == null
                    ? null
                    : Duration.between(h.lastSuccessfulBackup(), now).toSeconds();
            boolean late = allowed != null
                    && (age == null
                            ? Duration.between(h.firstSeen(), now).compareTo(allowed) > 0
                            : age > allowed.toSeconds());
            List<HostBackup> backups = history.getOrDefault(h.hostId(), List.of());
            out.add(new HostStatus(
                    h.hostId(),
                    h.state(),
                    h.labels(),
                    h.agents(),
                    h.lastSuccessfulBackup(),
                    age,
                    allowed == null ? null : allowed.toSeconds(),
                    late,
                    streak(backups),
                    backups,
                    proofs.of(h.hostId())));
        }
        return out;
    }

    /** The time between a policy's next two runs (a schedule's period, as its zone's clock reads it now). */
    static Duration interval(Policy p, Instant now) {
        try {
            Instant next = p.nextRunAfter(now);
            Instant after = next == null ? null : p.nextRunAfter(next);
            return after == null ? null : Duration.between(next, after);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Closed backups that failed, newest first, until one that did not (running and cancelled ones are skipped). */
    static int streak(List<HostBackup> newestFirst) {
        int n = 0;
        for (HostBackup b : newestFirst) {
            switch (b.outcome()) {
                case "FAILED" -> n++;
                case "RUNNING", "CANCELLED" -> {}
                default -> {
                    return n;
                }
            }
        }
        return n;
    }

    @Scheduled(fixedDelayString = "${ssisbackup.orchestrator.fleet-metrics-interval:15s}", initialDelay = 2000)
    public void refreshMetrics() {
        List<FleetRegistry.HostView> hosts = fleet.hosts(LabelSelector.ALL, null);
        fleet.publishMetrics(hosts);
        List<HostStatus> all = statusOf(hosts);
        Instant now = Instant.now();
        Map<Tags, Long> allowed = new LinkedHashMap<>();
        Map<Tags, Integer> streaks = new LinkedHashMap<>();
        Map<Tags, Integer> up = new LinkedHashMap<>();
        Map<Tags, Double> silence = new LinkedHashMap<>();
        for (HostStatus h : all) {
            Tags host = Tags.of("host", h.hostId());
            if (h.allowedAgeSeconds() != null) {
                allowed.put(host, h.allowedAgeSeconds());
            }
            streaks.put(host, h.failureStreak());
            for (FleetRegistry.AgentView a : h.agents()) {
                Tags tags = host.and("agent", a.agent());
                up.put(tags, a.reachable() ? 1 : 0);
                silence.put(tags, Duration.between(a.lastSeen(), now).toMillis() / 1000.0);
            }
        }
        allowedAge.set(allowed);
        failureStreak.set(streaks);
        agentUp.set(up);
        agentSilence.set(silence);
        overdue.set((int) all.stream().filter(HostStatus::overdue).count());
    }
}
