package org.ssisbackup.catalog.record;

import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.ssisbackup.contracts.AgentError;
import org.ssisbackup.contracts.AgentEvent;
import org.ssisbackup.contracts.AgentJobFinished;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.Artifact;
import org.ssisbackup.contracts.ArtifactsStored;
import org.ssisbackup.contracts.MessageCodec;
import org.ssisbackup.contracts.MessageMeta;
import org.ssisbackup.contracts.Outcome;
import org.ssisbackup.contracts.RestorePointRecorded;
import org.ssisbackup.contracts.RestorePointStatus;
import org.ssisbackup.contracts.VersionedMessage;
import org.ssisbackup.contracts.store.BlobStore;

/**
 * Turns agent events into restore points. Every write is idempotent (a redelivered event changes nothing),
 * and a point is COMPLETE only when every agent of its job succeeded and every artifact an agent announced
 * is recorded; otherwise PARTIAL (or FAILED when nothing was captured), with the reasons.
 */
@Component
public class RestorePointRecorder {
    private static final Logger log = LoggerFactory.getLogger(RestorePointRecorder.class);

    private final JdbcClient jdbc;
    private final Consumer<VersionedMessage> publisher;
    private final MeterRegistry registry;
    private final BlobStore store;

    public RestorePointRecorder(JdbcClient jdbc, CatalogEventPublisher publisher, MeterRegistry registry, BlobStore store) {
        this.jdbc = jdbc;
        this.publisher = publisher;
        this.registry = registry;
        this.store = store;
    }

    @Transactional
    public void on(AgentEvent event) {
        if (event instanceof ArtifactsStored stored) {
            for (Artifact a : stored.artifacts()) {
                jdbc.sql("""
                        INSERT INTO artifact (restore_point_id, agent, logical_path, kind, size, sha256, object_key, metadata)
                        VALUES (?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb)) ON CONFLICT DO NOTHING""")
                        .params(stored.restorePointId(), stored.agent().name(), a.logicalPath(), a.kind().name(), a.size(),
                                a.sha256(), a.objectKey(), MessageCodec.encodeToString(a.metadata()))
                        .update();
            }
            Map<String, Long> sizeOf = new java.util.LinkedHashMap<>();
            stored.artifacts().forEach(a -> sizeOf.putIfAbsent(a.sha256(), a.size()));
            String[] shas = sizeOf.keySet().toArray(String[]::new);
            jdbc.sql("INSERT INTO blob (sha256, size) SELECT * FROM unnest(CAST(? AS char(64)[]), CAST(? AS bigint[])) ON CONFLICT DO NOTHING")
                    .params(shas, sizeOf.values().toArray(Long[]::new)).update();
            // A blob named again is referenced: retention must not delete it (it waits out its grace period marked).
            jdbc.sql("DELETE FROM unreferenced_blob WHERE sha256 = ANY(CAST(? AS char(64)[]))").param(shas).update();
        } else if (event instanceof AgentJobFinished finished) {
            recordFinished(finished);
        }
    }

    private void recordFinished(AgentJobFinished f) {
        String jobAgents = f.jobAgents().stream().map(Enum::name).sorted().collect(Collectors.joining(","));
        jdbc.sql("""
                INSERT INTO agent_result (restore_point_id, agent, job_id, host_id, job_agents, outcome, artifact_count,
                    bytes_scanned, bytes_uploaded, manifest_key, errors, finished_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb), ?) ON CONFLICT DO NOTHING""")
                .params(f.restorePointId(), f.agent().name(), f.meta().jobId(), f.meta().hostId(), jobAgents,
                        f.outcome().name(), f.artifactCount(), f.bytesScanned(), f.bytesUploaded(), f.manifestKey(),
                        MessageCodec.encodeToString(f.errors()), Timestamp.from(f.meta().occurredAt()))
                .update();
        List<Map<String, Object>> results = jdbc.sql("SELECT * FROM agent_result WHERE restore_point_id = ?")
                .param(f.restorePointId()).query().listOfRows();
        Set<AgentKind> finishedAgents = EnumSet.noneOf(AgentKind.class);
        results.forEach(r -> finishedAgents.add(AgentKind.valueOf((String) r.get("agent"))));
        if (!finishedAgents.containsAll(f.jobAgents())) {
            return; // the host's other agent is still at work
        }
        List<String> reasons = new ArrayList<>();
        List<Outcome> outcomes = new ArrayList<>();
        boolean countsMatch = true;
        for (Map<String, Object> r : results) {
            String agent = (String) r.get("agent");
            Outcome outcome = Outcome.valueOf((String) r.get("outcome"));
            outcomes.add(outcome);
            long announced = ((Number) r.get("artifact_count")).longValue();
            long recorded = jdbc.sql("SELECT count(*) FROM artifact WHERE restore_point_id = ? AND agent = ?")
                    .params(f.restorePointId(), agent).query(Long.class).single();
            if (recorded != announced) {
                countsMatch = false;
                reasons.add(agent + " announced " + announced + " artifacts but the catalog holds " + recorded);
            }
            for (AgentError e : MessageCodec.decodeErrors(r.get("errors").toString())) {
                reasons.add(agent + ": " + e.path() + ": " + e.reason());
            }
        }
        countsMatch &= blobsRetentionDeletedAreBack(f, reasons);
        Outcome combined = Outcome.combine(outcomes);
        long artifactCount = jdbc.sql("SELECT count(*) FROM artifact WHERE restore_point_id = ?")
                .param(f.restorePointId()).query(Long.class).single();
        RestorePointStatus status = combined == Outcome.SUCCEEDED && countsMatch ? RestorePointStatus.COMPLETE
                : combined == Outcome.FAILED && artifactCount == 0 ? RestorePointStatus.FAILED : RestorePointStatus.PARTIAL;
        long totalBytes = jdbc.sql("SELECT coalesce(sum(size), 0) FROM artifact WHERE restore_point_id = ?")
                .param(f.restorePointId()).query(Long.class).single();
        Instant createdAt = results.stream().map(r -> ((Timestamp) r.get("finished_at")).toInstant())
                .min(Instant::compareTo).orElse(Instant.now());
        int inserted = jdbc.sql("""
                INSERT INTO restore_point (id, job_id, host_id, status, artifact_count, total_bytes, reasons, created_at, recorded_at,
                    policy_id, policy_name)
                VALUES (?, ?, ?, ?, ?, ?, CAST(? AS jsonb), ?, now(), ?, ?) ON CONFLICT DO NOTHING""")
                .params(f.restorePointId(), f.meta().jobId(), f.meta().hostId(), status.name(), artifactCount, totalBytes,
                        MessageCodec.encodeToString(reasons), Timestamp.from(createdAt),
                        f.policy() == null ? null : f.policy().id(), f.policy() == null ? null : f.policy().name())
                .update();
        if (f.policy() != null && f.policy().retention() != null) {
            // The policy's retention as this backup carried it; an older backup's copy never overwrites a newer one.
            jdbc.sql("""
                    INSERT INTO retention_policy (policy_id, name, retention, time_zone, as_of) VALUES (?, ?, CAST(? AS jsonb), ?, ?)
                    ON CONFLICT (policy_id) DO UPDATE SET name = excluded.name, retention = excluded.retention,
                        time_zone = excluded.time_zone, as_of = excluded.as_of WHERE retention_policy.as_of < excluded.as_of""")
                    .params(f.policy().id(), f.policy().name(), MessageCodec.encodeToString(f.policy().retention()),
                            f.policy().timeZone() == null ? "UTC" : f.policy().timeZone(), Timestamp.from(createdAt))
                    .update();
        }
        if (inserted == 1) {
            log.info("restore point {} of host {}: {} ({} artifacts)", f.restorePointId(), f.meta().hostId(), status, artifactCount);
            registry.counter("ssis.catalog.restore.points.recorded", "host", f.meta().hostId(), "status", status.name().toLowerCase())
                    .increment();
            publisher.accept(new RestorePointRecorded(MessageMeta.create(f.meta().jobId(), f.meta().hostId()),
                    f.restorePointId(), status, artifactCount, reasons));
        }
    }

    /**
     * A backup that was running while retention deleted a blob may have reused it (it saw the blob before the deletion).
     * Each artifact naming a recently deleted blob is checked in the bucket: uploaded again, fine; gone, the point
     * cannot be COMPLETE.
     */
    private boolean blobsRetentionDeletedAreBack(AgentJobFinished f, List<String> reasons) {
        List<Map<String, Object>> suspects = jdbc.sql("""
                SELECT DISTINCT a.agent, a.logical_path, a.sha256 FROM artifact a JOIN deleted_blob d ON d.sha256 = a.sha256
                WHERE a.restore_point_id = ?""").param(f.restorePointId()).query().listOfRows();
        boolean allBack = true;
        for (Map<String, Object> a : suspects) {
            String sha = (String) a.get("sha256");
            String what = a.get("agent") + ": " + a.get("logical_path") + ": blob " + sha;
            try {
                if (store.hasBlob(sha)) {
                    jdbc.sql("DELETE FROM deleted_blob WHERE sha256 = ?").param(sha).update();
                    continue;
                }
                reasons.add(what + " was deleted by retention while this backup ran");
            } catch (RuntimeException e) {
                reasons.add(what + " was deleted by retention recently and could not be checked: " + e.getMessage());
            }
            allBack = false;
        }
        return allBack;
    }
}
