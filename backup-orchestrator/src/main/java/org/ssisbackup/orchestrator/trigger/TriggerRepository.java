package org.ssisbackup.orchestrator.trigger;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Triggers in PostgreSQL: {@code trigger_event} remembers events by (source, id) so a redelivered one is ignored;
 * {@code trigger_pending} holds one row per policy and host waiting out the coalescing window.
 */
@Repository
class TriggerRepository {
    private final JdbcClient jdbc;

    TriggerRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Whether the event is new (false: it was seen before). */
    boolean remember(CloudEvent e) {
        return jdbc.sql("INSERT INTO trigger_event (source, id, type, subject, received_at) VALUES (?, ?, ?, ?, now())"
                                + " ON CONFLICT DO NOTHING")
                        .params(e.source(), e.id(), e.type(), e.subject())
                        .update()
                > 0;
    }

    /** Queues a host of a policy to fire at {@code fireAt}; returns how many events it now stands for. */
    int queue(UUID policyId, String host, Instant fireAt) {
        return jdbc.sql("""
                INSERT INTO trigger_pending (policy_id, host_id, first_at, fire_at, events) VALUES (?, ?, now(), ?, 1)
                ON CONFLICT (policy_id, host_id) DO UPDATE SET events = trigger_pending.events + 1
                RETURNING events""")
                .params(policyId, host, Timestamp.from(fireAt))
                .query(Integer.class)
                .single();
    }

    /** Takes every queued host whose window has closed, by policy. */
    Map<UUID, List<String>> takeDue() {
        Map<UUID, List<String>> byPolicy = new LinkedHashMap<>();
        jdbc.sql("DELETE FROM trigger_pending WHERE fire_at <= now() RETURNING policy_id, host_id")
                .query((rs, n) -> byPolicy.computeIfAbsent(
                                rs.getObject("policy_id", UUID.class), k -> new ArrayList<>())
                        .add(rs.getString("host_id")))
                .list();
        return byPolicy;
    }

    void forgetEventsBefore(Instant before) {
        jdbc.sql("DELETE FROM trigger_event WHERE received_at < ?")
                .param(Timestamp.from(before))
                .update();
    }
}
