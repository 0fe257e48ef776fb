package org.ssisbackup.orchestrator.enrolment;

import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.ssisbackup.contracts.AgentKind;

/** Agents' keys in PostgreSQL: {@code agent_key}. */
@Repository
class AgentKeyRepository {
    private final JdbcClient jdbc;

    AgentKeyRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    private static final String COLUMNS = "host_id, agent, fingerprint, public_key, state, first_seen, last_seen,"
            + " decided_at, decided_by, published";

    Optional<AgentKey> enrolled(String hostId, AgentKind agent) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM agent_key WHERE host_id = ? AND agent = ? AND state = 'ENROLLED'")
                .params(hostId, agent.name())
                .query(AgentKey.class)
                .optional();
    }

    Optional<AgentKey> find(String hostId, AgentKind agent, String fingerprint) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM agent_key WHERE host_id = ? AND agent = ? AND fingerprint = ?")
                .params(hostId, agent.name(), fingerprint)
                .query(AgentKey.class)
                .optional();
    }

    /** Hosts other than {@code hostId} this key is enrolled for (one key, one host). */
    List<String> otherHostsOf(String fingerprint, String hostId) {
        return jdbc.sql("SELECT DISTINCT host_id FROM agent_key WHERE fingerprint = ? AND state = 'ENROLLED'"
                        + " AND host_id <> ? ORDER BY host_id")
                .params(fingerprint, hostId)
                .query(String.class)
                .list();
    }

    /**
     * Enrols the key as the first of its host and agent; false when another got there first, or the agent had an
     * enrolled key before (a revoked agent is never enrolled again by first use: an admin decides).
     */
    boolean enrolFirst(String hostId, AgentKind agent, String fingerprint, String publicKey) {
        return jdbc.sql("""
                        INSERT INTO agent_key (host_id, agent, fingerprint, public_key, state, first_seen, last_seen,
                            decided_at, decided_by)
                        SELECT ?, ?, ?, ?, 'ENROLLED', now(), now(), now(), 'first use'
                        WHERE NOT EXISTS (SELECT 1 FROM agent_key WHERE host_id = ? AND agent = ?
                            AND state IN ('ENROLLED', 'REVOKED'))
                        ON CONFLICT DO NOTHING""")
                        .params(hostId, agent.name(), fingerprint, publicKey, hostId, agent.name())
                        .update()
                == 1;
    }

    /** Records a key that waits for an operator; an existing row only has its last_seen moved. */
    void notePending(String hostId, AgentKind agent, String fingerprint, String publicKey) {
        jdbc.sql("""
                INSERT INTO agent_key (host_id, agent, fingerprint, public_key, state, first_seen, last_seen)
                VALUES (?, ?, ?, ?, 'PENDING', now(), now())
                ON CONFLICT (host_id, agent, fingerprint) DO UPDATE SET last_seen = now()""").params(hostId, agent.name(), fingerprint, publicKey).update();
    }

    int pendingCount() {
        return jdbc.sql("SELECT count(*) FROM agent_key WHERE state = 'PENDING'")
                .query(Integer.class)
                .single();
    }

    /**
     * Makes the key the one enrolled for its host and agent; the one enrolled before is revoked (its revocation needs
     * no message of its own: the new enrolment replaces it under the same record key).
     */
    void enrol(String hostId, AgentKind agent, String fingerprint, String decidedBy) {
        jdbc.sql("""
                UPDATE agent_key SET state = 'REVOKED', decided_at = now(), decided_by = ?, published = true
                WHERE host_id = ? AND agent = ? AND state = 'ENROLLED' AND fingerprint <> ?""").params(decidedBy, hostId, agent.name(), fingerprint).update();
        jdbc.sql("""
                UPDATE agent_key SET state = 'ENROLLED', decided_at = now(), decided_by = ?, published = false
                WHERE host_id = ? AND agent = ? AND fingerprint = ? AND state <> 'ENROLLED'""").params(decidedBy, hostId, agent.name(), fingerprint).update();
    }

    /** Revokes the enrolled key of the host's agent; false when none was. */
    boolean revoke(String hostId, AgentKind agent, String decidedBy) {
        return jdbc.sql("""
                        UPDATE agent_key SET state = 'REVOKED', decided_at = now(), decided_by = ?, published = false
                        WHERE host_id = ? AND agent = ? AND state = 'ENROLLED'""").params(decidedBy, hostId, agent.name()).update() > 0;
    }

    /** Decisions not yet on the enrolments topic: the last per host and agent, at most {@code limit}. */
    List<AgentKey> unpublished(int limit) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM agent_key WHERE NOT published AND state <> 'PENDING'"
                        + " ORDER BY decided_at LIMIT ?")
                .param(limit)
                .query(AgentKey.class)
                .list();
    }

    void markPublished(AgentKey row) {
        jdbc.sql("UPDATE agent_key SET published = true WHERE host_id = ? AND agent = ? AND fingerprint = ?"
                        + " AND state = ?")
                .params(row.hostId(), row.agent(), row.fingerprint(), row.state())
                .update();
    }

    /** Keys, newest first, filtered by state and host when given, paged. */
    List<AgentKey> list(String state, String hostId, int offset, int limit) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM agent_key WHERE (CAST(? AS text) IS NULL OR state = ?)"
                        + " AND (CAST(? AS text) IS NULL OR host_id = ?) ORDER BY host_id, agent, last_seen DESC"
                        + " OFFSET ? LIMIT ?")
                .params(state, state, hostId, hostId, offset, limit)
                .query(AgentKey.class)
                .list();
    }
}
