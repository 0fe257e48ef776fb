package org.ssisbackup.orchestrator.fleet;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.ssisbackup.contracts.AgentHeartbeat;
import org.ssisbackup.contracts.MessageCodec;

/** The fleet in PostgreSQL: {@code host} (labels), {@code host_agent} (each agent's last heartbeat). */
@Repository
class FleetRepository {
    private final JdbcClient jdbc;

    FleetRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** An agent as its last heartbeat left it. */
    record AgentRow(
            String hostId,
            String agent,
            String version,
            TreeSet<String> capabilities,
            Instant startedAt,
            Instant lastSeen,
            Duration interval) {}

    record HostRow(String hostId, Map<String, String> labels, Instant firstSeen) {}

    /** The host is created on its first beat; a new run id of the agent restarts its {@code started_at}. */
    void recordHeartbeat(AgentHeartbeat beat) {
        String host = beat.meta().hostId();
        jdbc.sql("INSERT INTO host (host_id, first_seen) VALUES (?, now()) ON CONFLICT (host_id) DO NOTHING")
                .param(host)
                .update();
        jdbc.sql("""
                INSERT INTO host_agent (host_id, agent, version, capabilities, run_id, interval_ms, started_at, last_seen)
                VALUES (?, ?, ?, CAST(? AS jsonb), ?, ?, now(), now())
                ON CONFLICT (host_id, agent) DO UPDATE SET version = excluded.version, capabilities = excluded.capabilities,
                    interval_ms = excluded.interval_ms, last_seen = now(),
                    started_at = CASE WHEN host_agent.run_id = excluded.run_id THEN host_agent.started_at ELSE now() END,
                    run_id = excluded.run_id""")
                .params(
                        host,
                        beat.agent().name(),
                        beat.version(),
                        MessageCodec.encodeToString(new TreeSet<>(beat.capabilities())),
                        beat.meta().jobId(),
                        Math.max(1, beat.interval().toMillis()))
                .update();
    }

    void setLabels(String hostId, Map<String, String> labels) {
        jdbc.sql("""
                INSERT INTO host (host_id, labels, first_seen) VALUES (?, CAST(? AS jsonb), now())
                ON CONFLICT (host_id) DO UPDATE SET labels = excluded.labels""")
                .params(hostId, MessageCodec.encodeToString(new TreeMap<>(labels)))
                .update();
    }

    /** Of these ids, the ones the fleet has no host for, in the order given. */
    List<String> unknown(java.util.Collection<String> hostIds) {
        if (hostIds.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("""
                SELECT x.id FROM unnest(CAST(? AS text[])) WITH ORDINALITY AS x(id, n)
                WHERE NOT EXISTS (SELECT 1 FROM host h WHERE h.host_id = x.id) ORDER BY x.n""")
                .param(hostIds.toArray(String[]::new))
                .query(String.class)
                .list();
    }

    List<HostRow> hosts() {
        return jdbc.sql("SELECT * FROM host ORDER BY host_id")
                .query((rs, n) -> new HostRow(
                        rs.getString("host_id"),
                        MessageCodec.decodeMap(rs.getString("labels")),
                        rs.getTimestamp("first_seen").toInstant()))
                .list();
    }

    Map<String, List<AgentRow>> agentsByHost() {
        Map<String, List<AgentRow>> out = new LinkedHashMap<>();
        jdbc.sql("SELECT * FROM host_agent ORDER BY host_id, agent")
                .query((rs, n) -> new AgentRow(
                        rs.getString("host_id"),
                        rs.getString("agent"),
                        rs.getString("version"),
                        new TreeSet<>(MessageCodec.decodeStrings(rs.getString("capabilities"))),
                        rs.getTimestamp("started_at").toInstant(),
                        rs.getTimestamp("last_seen").toInstant(),
                        Duration.ofMillis(rs.getLong("interval_ms"))))
                .list()
                .forEach(a ->
                        out.computeIfAbsent(a.hostId(), k -> new ArrayList<>()).add(a));
        return out;
    }

    Map<String, FleetRegistry.LastBackup> lastBackups() {
        Map<String, FleetRegistry.LastBackup> out = new LinkedHashMap<>();
        jdbc.sql("""
                SELECT DISTINCT ON (a.host_id) a.host_id, a.job_id, j.state, j.finished_at
                FROM job_agent a JOIN backup_job j ON j.id = a.job_id
                ORDER BY a.host_id, j.created_at DESC""")
                .query((rs, n) -> {
                    java.sql.Timestamp finished = rs.getTimestamp("finished_at");
                    out.put(
                            rs.getString("host_id"),
                            new FleetRegistry.LastBackup(
                                    rs.getObject("job_id", UUID.class),
                                    rs.getString("state"),
                                    finished == null ? null : finished.toInstant()));
                    return null;
                })
                .list();
        return out;
    }

    /** When each host's last backup whose every agent succeeded ended. */
    Map<String, Instant> lastSuccesses() {
        Map<String, Instant> out = new LinkedHashMap<>();
        jdbc.sql("""
                SELECT host_id, max(done) AS at FROM (
                    SELECT host_id, job_id, max(updated_at) AS done FROM job_agent GROUP BY host_id, job_id
                    HAVING bool_and(state = 'SUCCEEDED')) ok
                GROUP BY host_id""")
                .query((rs, n) ->
                        out.put(rs.getString("host_id"), rs.getTimestamp("at").toInstant()))
                .list();
        return out;
    }
}
