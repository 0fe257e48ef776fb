package org.ssisbackup.orchestrator.fleet;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.ssisbackup.contracts.AgentHeartbeat;
import org.ssisbackup.contracts.MessageCodec;
import org.ssisbackup.contracts.metrics.TaggedGauge;
import org.ssisbackup.orchestrator.OrchestratorProperties;

/**
 * The fleet as the agents announce it: every host with its labels and agents, and when each agent was last heard.
 * An agent is reachable while its last heartbeat is younger than {@code missed-beats} of its own interval; a host is
 * REACHABLE when all its agents are, DEGRADED when some are, UNREACHABLE when none is, UNKNOWN when none was ever
 * heard (labelled before its agents were installed).
 */
@Service
public class FleetRegistry {
    public enum HostState { REACHABLE, DEGRADED, UNREACHABLE, UNKNOWN }

    public record AgentView(String agent, String version, Set<String> capabilities, Instant startedAt, Instant lastSeen,
                            boolean reachable) {
    }

    public record LastBackup(UUID jobId, String state, Instant finishedAt) {
    }

    public record HostView(String hostId, HostState state, Map<String, String> labels, Instant firstSeen, List<AgentView> agents,
                           LastBackup lastBackup, Instant lastSuccessfulBackup) {
    }

    private final JdbcClient jdbc;
    private final OrchestratorProperties properties;
    private final TaggedGauge hostsByState;
    private final TaggedGauge lastSuccessAge;

    public FleetRegistry(JdbcClient jdbc, OrchestratorProperties properties, MeterRegistry registry) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.hostsByState = new TaggedGauge(registry, "ssis.orchestrator.hosts", "hosts", "hosts of the fleet by state");
        this.lastSuccessAge = new TaggedGauge(registry, "ssis.orchestrator.last.success.age", "seconds",
                "seconds since each host's last successful backup (+Inf: never)");
    }

    /** Records a heartbeat; the host is created on its first one. Idempotent: a redelivered beat only refreshes. */
    public void on(AgentHeartbeat beat) {
        String host = beat.meta().hostId();
        jdbc.sql("INSERT INTO host (host_id, first_seen) VALUES (?, now()) ON CONFLICT (host_id) DO NOTHING").param(host).update();
        jdbc.sql("""
                INSERT INTO host_agent (host_id, agent, version, capabilities, run_id, interval_ms, started_at, last_seen)
                VALUES (?, ?, ?, CAST(? AS jsonb), ?, ?, now(), now())
                ON CONFLICT (host_id, agent) DO UPDATE SET version = excluded.version, capabilities = excluded.capabilities,
                    interval_ms = excluded.interval_ms, last_seen = now(),
                    started_at = CASE WHEN host_agent.run_id = excluded.run_id THEN host_agent.started_at ELSE now() END,
                    run_id = excluded.run_id""")
                .params(host, beat.agent().name(), beat.version(), MessageCodec.encodeToString(new TreeSet<>(beat.capabilities())),
                        beat.meta().jobId(), Math.max(1, beat.interval().toMillis()))
                .update();
    }

    /** Replaces a host's labels; a host not heard yet is created, so hosts can be labelled before their agents run. */
    public HostView setLabels(String hostId, Map<String, String> labels) {
        LabelSelector.requireValidLabels(labels);
        jdbc.sql("""
                INSERT INTO host (host_id, labels, first_seen) VALUES (?, CAST(? AS jsonb), now())
                ON CONFLICT (host_id) DO UPDATE SET labels = excluded.labels""")
                .params(hostId, MessageCodec.encodeToString(new java.util.TreeMap<>(labels))).update();
        return host(hostId).orElseThrow();
    }

    public Optional<HostView> host(String hostId) {
        return hosts(LabelSelector.ALL, null).stream().filter(h -> h.hostId().equals(hostId)).findFirst();
    }

    /** The ids of the hosts a selector picks (any state): what a policy or a request by label backs up. */
    public List<String> hostIds(LabelSelector selector) {
        return hosts(selector, null).stream().map(HostView::hostId).toList();
    }

    /** Every host a selector picks, optionally only those in one state, by host id. */
    public List<HostView> hosts(LabelSelector selector, HostState state) {
        Map<String, List<AgentView>> agents = new LinkedHashMap<>();
        Instant now = Instant.now();
        jdbc.sql("SELECT * FROM host_agent ORDER BY host_id, agent").query().listOfRows().forEach(r -> {
            Instant lastSeen = ((Timestamp) r.get("last_seen")).toInstant();
            Duration allowed = Duration.ofMillis((Long) r.get("interval_ms")).multipliedBy(properties.missedBeats());
            agents.computeIfAbsent((String) r.get("host_id"), k -> new ArrayList<>()).add(new AgentView((String) r.get("agent"),
                    (String) r.get("version"), new TreeSet<>(MessageCodec.decodeStrings(r.get("capabilities").toString())),
                    ((Timestamp) r.get("started_at")).toInstant(), lastSeen, lastSeen.plus(allowed).isAfter(now)));
        });
        Map<String, LastBackup> last = new LinkedHashMap<>();
        jdbc.sql("""
                SELECT DISTINCT ON (a.host_id) a.host_id, a.job_id, j.state, j.finished_at
                FROM job_agent a JOIN backup_job j ON j.id = a.job_id
                ORDER BY a.host_id, j.created_at DESC""").query().listOfRows().forEach(r -> last.put((String) r.get("host_id"),
                new LastBackup((UUID) r.get("job_id"), (String) r.get("state"),
                        r.get("finished_at") == null ? null : ((Timestamp) r.get("finished_at")).toInstant())));
        Map<String, Instant> lastSuccess = lastSuccesses();
        List<HostView> out = new ArrayList<>();
        for (Map<String, Object> r : jdbc.sql("SELECT * FROM host ORDER BY host_id").query().listOfRows()) {
            String id = (String) r.get("host_id");
            Map<String, String> labels = MessageCodec.decodeMap(r.get("labels").toString());
            if (!selector.matches(labels)) {
                continue;
            }
            List<AgentView> a = agents.getOrDefault(id, List.of());
            HostView view = new HostView(id, stateOf(a), labels, ((Timestamp) r.get("first_seen")).toInstant(), a, last.get(id),
                    lastSuccess.get(id));
            if (state == null || view.state() == state) {
                out.add(view);
            }
        }
        return out;
    }

    /** When each host's last backup whose every agent succeeded ended. */
    private Map<String, Instant> lastSuccesses() {
        Map<String, Instant> out = new LinkedHashMap<>();
        jdbc.sql("""
                SELECT host_id, max(done) AS at FROM (
                    SELECT host_id, job_id, max(updated_at) AS done FROM job_agent GROUP BY host_id, job_id
                    HAVING bool_and(state = 'SUCCEEDED')) ok
                GROUP BY host_id""").query().listOfRows()
                .forEach(r -> out.put((String) r.get("host_id"), ((Timestamp) r.get("at")).toInstant()));
        return out;
    }

    static HostState stateOf(List<AgentView> agents) {
        if (agents.isEmpty()) {
            return HostState.UNKNOWN;
        }
        long reachable = agents.stream().filter(AgentView::reachable).count();
        return reachable == agents.size() ? HostState.REACHABLE : reachable == 0 ? HostState.UNREACHABLE : HostState.DEGRADED;
    }

    /**
     * Hosts by state and each host's time since its last successful backup, for dashboards and alerts; {@code all} is
     * every host ({@link FleetHealth} reads them once per refresh for its own gauges too).
     */
    void publishMetrics(List<HostView> all) {
        Map<Tags, Integer> counts = new LinkedHashMap<>();
        for (HostState s : HostState.values()) {
            counts.put(Tags.of("state", s.name()), 0);
        }
        all.forEach(h -> counts.merge(Tags.of("state", h.state().name()), 1, Integer::sum));
        hostsByState.set(counts);
        Instant now = Instant.now();
        Map<Tags, Double> ages = new LinkedHashMap<>();
        all.forEach(h -> ages.put(Tags.of("host", h.hostId()), h.lastSuccessfulBackup() == null ? Double.POSITIVE_INFINITY
                : Duration.between(h.lastSuccessfulBackup(), now).toMillis() / 1000.0));
        lastSuccessAge.set(ages);
    }
}
