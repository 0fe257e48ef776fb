package org.ssisbackup.orchestrator.fleet;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.ssisbackup.contracts.AgentHeartbeat;
import org.ssisbackup.orchestrator.OrchestratorProperties;
import org.ssisbackup.platform.metrics.TaggedGauge;

/**
 * The fleet as the agents announce it: every host with its labels and agents, and when each agent was last heard.
 * An agent is reachable while its last heartbeat is younger than {@code missed-beats} of its own interval; a host is
 * REACHABLE when all its agents are, DEGRADED when some are, UNREACHABLE when none is, UNKNOWN when none was ever
 * heard (labelled before its agents were installed).
 */
@Service
public class FleetRegistry {
    public enum HostState {
        REACHABLE,
        DEGRADED,
        UNREACHABLE,
        UNKNOWN
    }

    public record AgentView(
            String agent,
            String version,
            Set<String> capabilities,
            Instant startedAt,
            Instant lastSeen,
            boolean reachable) {}

    public record LastBackup(UUID jobId, String state, Instant finishedAt) {}

    public record HostView(
            String hostId,
            HostState state,
            Map<String, String> labels,
            Instant firstSeen,
            List<AgentView> agents,
            LastBackup lastBackup,
            Instant lastSuccessfulBackup) {}

    private final FleetRepository repository;
    private final OrchestratorProperties properties;
    private final TaggedGauge hostsByState;
    private final TaggedGauge lastSuccessAge;

    public FleetRegistry(FleetRepository repository, OrchestratorProperties properties, MeterRegistry registry) {
        this.repository = repository;
        this.properties = properties;
        this.hostsByState =
                new TaggedGauge(registry, "ssis.orchestrator.hosts", "hosts", "hosts of the fleet by state");
        this.lastSuccessAge = new TaggedGauge(
                registry,
                "ssis.orchestrator.last.success.age",
                "seconds",
                "seconds since each host's last successful backup (+Inf: never)");
    }

    /** Records a heartbeat; the host is created on its first one. Idempotent: a redelivered beat only refreshes. */
    public void on(AgentHeartbeat beat) {
        repository.recordHeartbeat(beat);
    }

    /** Replaces a host's labels; a host not heard yet is created, so hosts can be labelled before their agents run. */
    public HostView setLabels(String hostId, Map<String, String> labels) {
        LabelSelector.requireValidLabels(labels);
        repository.setLabels(hostId, labels);
        return host(hostId).orElseThrow();
    }

    public Optional<HostView> host(String hostId) {
        return hosts(LabelSelector.ALL, null).stream()
                .filter(h -> h.hostId().equals(hostId))
                .findFirst();
    }

    /**
     * Of these ids, those the fleet does not know: no agent of theirs has sent a heartbeat and no admin has labelled
     * them (labelling a host registers it before its agents are installed).
     */
    public List<String> unknownHosts(java.util.Collection<String> hostIds) {
        return repository.unknown(hostIds);
    }

    /** The ids of the hosts a selector picks (any state): what a policy or a request by label backs up. */
    public List<String> hostIds(LabelSelector selector) {
        return hosts(selector, null).stream().map(HostView::hostId).toList();
    }

    /** Every host a selector picks, optionally only those in one state, by host id. */
    public List<HostView> hosts(LabelSelector selector, HostState state) {
        Instant now = Instant.now();
        Map<String, List<FleetRepository.AgentRow>> agents = repository.agentsByHost();
        Map<String, LastBackup> last = repository.lastBackups();
        Map<String, Instant> lastSuccess = repository.lastSuccesses();
        List<HostView> out = new ArrayList<>();
        for (FleetRepository.HostRow r : repository.hosts()) {
            if (!selector.matches(r.labels())) {
                continue;
            }
            List<AgentView> a = agents.getOrDefault(r.hostId(), List.of()).stream()
                    .map(row -> new AgentView(
                            row.agent(),
                            row.version(),
                            row.capabilities(),
                            row.startedAt(),
                            row.lastSeen(),
                            row.lastSeen()
                                    .plus(row.interval().multipliedBy(properties.missedBeats()))
                                    .isAfter(now)))
                    .toList();
            HostView view = new HostView(
                    r.hostId(),
                    stateOf(a),
                    r.labels(),
                    r.firstSeen(),
                    a,
                    last.get(r.hostId()),
                    lastSuccess.get(r.hostId()));
            if (state == null || view.state() == state) {
                out.add(view);
            }
        }
        return out;
    }

    static HostState stateOf(List<AgentView> agents) {
        if (agents.isEmpty()) {
            return HostState.UNKNOWN;
        }
        long reachable = agents.stream().filter(AgentView::reachable).count();
        return reachable == agents.size()
                ? HostState.REACHABLE
                : reachable == 0 ? HostState.UNREACHABLE : HostState.DEGRADED;
    }

    /**
     * Hosts by state and each host's time since its last successful backup, for dashboards and alerts; {@code all} is
     * every host (the fleet's health reads them once per refresh for its own gauges too).
     */
    public void publishMetrics(List<HostView> all) {
        Map<Tags, Integer> counts = new LinkedHashMap<>();
        for (HostState s : HostState.values()) {
            counts.put(Tags.of("state", s.name()), 0);
        }
        all.forEach(h -> counts.merge(Tags.of("state", h.state().name()), 1, Integer::sum));
        hostsByState.set(counts);
        Instant now = Instant.now();
        Map<Tags, Double> ages = new LinkedHashMap<>();
        all.forEach(h -> ages.put(
                Tags.of("host", h.hostId()),
                h.lastSuccessfulBackup() == null
                        ? Double.POSITIVE_INFINITY
                        : Duration.between(h.lastSuccessfulBackup(), now).toMillis() / 1000.0));
        lastSuccessAge.set(ages);
    }
}
