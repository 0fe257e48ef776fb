package org.ssisbackup.catalog.drill;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.ssisbackup.contracts.MessageCodec;
import org.ssisbackup.contracts.Outcome;
import org.ssisbackup.contracts.RestoreFinished;

/**
 * Records what each agent of a restore drill found (issue 17) and decides the point's verdict: proven once every agent
 * that holds items of the point has reported its drill SUCCEEDED with nothing failed, refused or left unchecked;
 * not proven, with the reasons, as soon as one agent reports a problem. Idempotent: a redelivered report changes
 * nothing.
 */
@Component
public class DrillRecorder {
    private static final Logger log = LoggerFactory.getLogger(DrillRecorder.class);

    private final JdbcClient jdbc;
    private final MeterRegistry registry;

    DrillRecorder(JdbcClient jdbc, MeterRegistry registry) {
        this.jdbc = jdbc;
        this.registry = registry;
    }

    @Transactional
    public void on(RestoreFinished f) {
        if (f.drill() == null || f.restorePointId() == null) {
            return;
        }
        UUID drill =
                f.drill().drillId() != null ? f.drill().drillId() : f.meta().jobId();
        List<String> problems = new ArrayList<>();
        f.failed().forEach(e -> problems.add(f.agent() + ": " + e.path() + ": " + e.reason()));
        f.refused().forEach(e -> problems.add(f.agent() + ": " + e.path() + ": refused: " + e.reason()));
        f.skipped().forEach(e -> problems.add(f.agent() + ": " + e.path() + ": not checked: " + e.reason()));
        if (!f.drill().cleanedUp()) {
            problems.add(f.agent() + ": the drill's scratch place " + f.drill().scratch() + " was not cleaned up");
        }
        int added = jdbc.sql("""
                        INSERT INTO drill_result (drill_id, agent, restore_point_id, outcome, problems, items_checked,
                            documents_parsed, references_checked, cleaned_up, finished_at)
                        VALUES (?, ?, ?, ?, CAST(? AS jsonb), ?, ?, ?, ?, ?)
                        ON CONFLICT (drill_id, restore_point_id, agent) DO NOTHING""")
                .params(
                        drill,
                        f.agent().name(),
                        f.restorePointId(),
                        f.outcome().name(),
                        MessageCodec.encodeToString(problems),
                        f.drill().itemsChecked(),
                        f.drill().documentsParsed(),
                        f.drill().referencesChecked(),
                        f.drill().cleanedUp(),
                        java.sql.Timestamp.from(f.meta().occurredAt()))
                .update();
        if (added == 0) {
            return; // redelivered
        }
        String host = jdbc.sql("SELECT host_id FROM restore_point WHERE id = ?")
                .param(f.restorePointId())
                .query(String.class)
                .optional()
                .orElse(f.meta().hostId());
        boolean good = f.outcome() == Outcome.SUCCEEDED && problems.isEmpty();
        if (!good) {
            if (problems.isEmpty()) {
                problems.add(f.agent() + ": the drill ended " + f.outcome());
            }
            decide(f.restorePointId(), drill, false, problems);
            registry.counter("ssis.catalog.drill.failures", "host", host).increment();
            log.warn("drill {} of restore point {} ({}): not proven: {}", drill, f.restorePointId(), host, problems);
            return;
        }
        // Proven when every agent holding items of the point has reported this drill clean.
        Set<String> holders = Set.copyOf(jdbc.sql("SELECT DISTINCT agent FROM artifact WHERE restore_point_id = ?")
                .param(f.restorePointId())
                .query(String.class)
                .list());
        List<String> clean = jdbc.sql("""
                        SELECT agent FROM drill_result WHERE drill_id = ? AND restore_point_id = ?
                          AND outcome = 'SUCCEEDED' AND problems = '[]'::jsonb""")
                .params(drill, f.restorePointId())
                .query(String.class)
                .list();
        boolean anyBad = jdbc.sql("SELECT EXISTS (SELECT 1 FROM drill_result WHERE drill_id = ? AND"
                        + " restore_point_id = ? AND"
                        + " (outcome <> 'SUCCEEDED' OR problems <> '[]'::jsonb))")
                .params(drill, f.restorePointId())
                .query(Boolean.class)
                .single();
        if (!anyBad && clean.containsAll(holders)) {
            decide(f.restorePointId(), drill, true, List.of());
            log.info("drill {}: restore point {} of {} proven", drill, f.restorePointId(), host);
        }
    }

    private void decide(UUID point, UUID drill, boolean proven, List<String> reasons) {
        // The latest drill decides; a late report of an older drill does not overturn a newer verdict.
        jdbc.sql("""
                INSERT INTO restore_point_proof (restore_point_id, drill_id, proven, decided_at, reasons)
                VALUES (?, ?, ?, now(), CAST(? AS jsonb))
                ON CONFLICT (restore_point_id) DO UPDATE SET drill_id = excluded.drill_id, proven = excluded.proven,
                    decided_at = excluded.decided_at, reasons = excluded.reasons
                WHERE restore_point_proof.drill_id = excluded.drill_id OR restore_point_proof.decided_at
                    <= excluded.decided_at""")
                .params(point, drill, proven, MessageCodec.encodeToString(reasons))
                .update();
    }
}
