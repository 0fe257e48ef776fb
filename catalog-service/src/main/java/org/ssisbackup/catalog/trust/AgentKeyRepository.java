package org.ssisbackup.catalog.trust;

import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.ssisbackup.contracts.AgentKind;

/** Enrolled agent keys ({@code agent_key}) and the events held for keys not yet enrolled ({@code held_agent_event}). */
@Repository
class AgentKeyRepository {
    private final JdbcClient jdbc;

    AgentKeyRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** An event held for its key's enrolment. */
    static final class Held {
        private final long id;
        private final byte[] body;

        Held(long id, byte[] body) {
            this.id = id;
            this.body = body;
        }

        long id() {
            return id;
        }

        byte[] body() {
            return body;
        }
    }

    Optional<String> enrolledFingerprint(String hostId, AgentKind agent) {
        return jdbc.sql("SELECT fingerprint FROM agent_key WHERE host_id = ? AND agent = ?")
                .params(hostId, agent.name())
                .query(String.class)
                .optional();
    }

    void enrol(String hostId, AgentKind agent, String fingerprint, String publicKey) {
        jdbc.sql("""
                INSERT INTO agent_key (host_id, agent, fingerprint, public_key, enrolled_at) VALUES (?, ?, ?, ?, now())
                ON CONFLICT (host_id, agent) DO UPDATE SET fingerprint = excluded.fingerprint,
                    public_key = excluded.public_key, enrolled_at = now()""").params(hostId, agent.name(), fingerprint, publicKey).update();
    }

    void revoke(String hostId, AgentKind agent, String fingerprint) {
        jdbc.sql("DELETE FROM agent_key WHERE host_id = ? AND agent = ? AND fingerprint = ?")
                .params(hostId, agent.name(), fingerprint)
                .update();
    }

    void hold(String hostId, AgentKind agent, String fingerprint, byte[] body) {
        jdbc.sql("INSERT INTO held_agent_event (host_id, agent, fingerprint, body) VALUES (?, ?, ?, ?)")
                .params(hostId, agent.name(), fingerprint, body)
                .update();
    }

    boolean anyHeld(String hostId, AgentKind agent, String fingerprint) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM held_agent_event WHERE host_id = ? AND agent = ?"
                        + " AND fingerprint = ?)")
                .params(hostId, agent.name(), fingerprint)
                .query(Boolean.class)
                .single();
    }

    /** The oldest held events of that key, in arrival order. */
    List<Held> held(String hostId, AgentKind agent, String fingerprint, int limit) {
        return jdbc.sql("SELECT id, body FROM held_agent_event WHERE host_id = ? AND agent = ? AND fingerprint = ?"
                        + " ORDER BY id LIMIT ?")
                .params(hostId, agent.name(), fingerprint, limit)
                .query((rs, n) -> new Held(rs.getLong(1), rs.getBytes(2)))
                .list();
    }

    void release(long id) {
        jdbc.sql("DELETE FROM held_agent_event WHERE id = ?").param(id).update();
    }

    /** Keys (host, agent, fingerprint) with held events that are enrolled now. */
    List<String[]> heldOfEnrolledKeys(int limit) {
        return jdbc.sql("""
                        SELECT DISTINCT h.host_id, h.agent, h.fingerprint FROM held_agent_event h
                        JOIN agent_key k ON k.host_id = h.host_id AND k.agent = h.agent AND k.fingerprint = h.fingerprint
                        LIMIT ?""")
                .param(limit)
                .query((rs, n) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)})
                .list();
    }

    int heldCount() {
        return jdbc.sql("SELECT count(*) FROM held_agent_event")
                .query(Integer.class)
                .single();
    }

    int dropHeldOlderThan(java.time.Duration age) {
        return jdbc.sql("DELETE FROM held_agent_event WHERE received_at < now() - CAST(? AS interval)")
                .param(age.toSeconds() + " seconds")
                .update();
    }
}
