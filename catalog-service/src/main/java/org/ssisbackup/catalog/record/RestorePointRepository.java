package org.ssisbackup.catalog.record;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.ssisbackup.contracts.AgentError;
import org.ssisbackup.contracts.AgentJobFinished;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.Artifact;
import org.ssisbackup.contracts.MessageCodec;
import org.ssisbackup.contracts.ObjectKeys;
import org.ssisbackup.contracts.Outcome;
import org.ssisbackup.contracts.PolicyRef;
import org.ssisbackup.contracts.RestorePointStatus;
import org.ssisbackup.contracts.StoredObject;

/**
 * What recording writes: artifacts, the objects they need, each agent's result, restore points and the retention rules policies
 * carried. Every insert is idempotent ({@code ON CONFLICT DO NOTHING}), so a redelivered event changes nothing.
 */
@Repository
public class RestorePointRepository {
    private final JdbcClient jdbc;

    public RestorePointRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** One agent's part of a point as recorded. */
    record AgentResult(
            AgentKind agent, Outcome outcome, long artifactCount, List<AgentError> errors, Instant finishedAt) {}

    /**
     * A batch of artifacts, the objects their bytes are in (format 1 blobs, format 2 packs) as needed by the point, and
     * the end of any retention mark on those objects (they are referenced again).
     */
    void insertArtifacts(UUID restorePointId, AgentKind agent, List<Artifact> artifacts) {
        Map<String, StoredObjectRow> objects = new LinkedHashMap<>();
        int n = artifacts.size();
        String[] paths = new String[n];
        String[] kinds = new String[n];
        Long[] sizes = new Long[n];
        String[] shas = new String[n];
        String[] keys = new String[n];
        String[] metadata = new String[n];
        String[] packs = new String[n];
        for (int i = 0; i < n; i++) {
            Artifact a = artifacts.get(i);
            paths[i] = a.logicalPath();
            kinds[i] = a.kind().name();
            sizes[i] = a.size();
            shas[i] = a.sha256();
            keys[i] = a.objectKey();
            metadata[i] = MessageCodec.encodeToString(a.metadata());
            // Object keys never hold a line break (ObjectKeys makes them): one text per artifact, split in SQL.
            packs[i] = a.objects() == null ? null : String.join("\n", a.objects());
            if (a.objects() == null) { // format 1: the item whole under its SHA-256
                objects.putIfAbsent(a.sha256(), new StoredObjectRow(ObjectKeys.blob(a.sha256()), a.size()));
            } else {
                for (String key : a.objects()) {
                    objects.putIfAbsent(ObjectKeys.objectIdOf(key), new StoredObjectRow(key, null));
                }
            }
        }
        // One statement per batch: an agent's batch of hundreds of items is one round trip, not hundreds.
        jdbc.sql("""
                INSERT INTO artifact (restore_point_id, agent, logical_path, kind, size, sha256, object_key, metadata, objects)
                SELECT ?, ?, u.path, u.kind, u.size, u.sha, u.key, CAST(u.meta AS jsonb), string_to_array(u.packs, E'\\n')
                FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS bigint[]), CAST(? AS char(64)[]),
                            CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[])) AS u(path, kind, size, sha, key, meta, packs)
                ON CONFLICT DO NOTHING""")
                .params(restorePointId, agent.name(), paths, kinds, sizes, shas, keys, metadata, packs)
                .update();
        if (objects.isEmpty()) {
            return;
        }
        String[] ids = objects.keySet().toArray(String[]::new);
        jdbc.sql("""
                INSERT INTO stored_object (object_id, object_key, size)
                SELECT * FROM unnest(CAST(? AS char(64)[]), CAST(? AS text[]), CAST(? AS bigint[])) ON CONFLICT DO NOTHING""")
                .params(
                        ids,
                        objects.values().stream().map(StoredObjectRow::key).toArray(String[]::new),
                        objects.values().stream().map(StoredObjectRow::size).toArray(Long[]::new))
                .update();
        jdbc.sql("""
                INSERT INTO point_object (restore_point_id, object_id) SELECT ?, unnest(CAST(? AS char(64)[]))
                ON CONFLICT DO NOTHING""").params(restorePointId, ids).update();
        // An object named again is referenced: retention must not delete it (it waits out its grace period marked).
        jdbc.sql("DELETE FROM unreferenced_object WHERE object_id = ANY(CAST(? AS char(64)[]))")
                .param(ids)
                .update();
    }

    private record StoredObjectRow(String key, Long size) {}

    /** The sizes of the packs a job wrote (known only once they are sealed). */
    void recordObjectSizes(List<StoredObject> written) {
        for (StoredObject o : written) {
            jdbc.sql("""
                    INSERT INTO stored_object (object_id, object_key, size) VALUES (?, ?, ?)
                    ON CONFLICT (object_id) DO UPDATE SET size = excluded.size WHERE stored_object.object_key = excluded.object_key""")
                    .params(ObjectKeys.objectIdOf(o.key()), o.key(), o.size())
                    .update();
        }
    }

    /** The size of an object found in the bucket (a rebuild), where the catalog did not know it. */
    public void objectSizeIfUnknown(String key, long size) {
        jdbc.sql("UPDATE stored_object SET size = ? WHERE object_key = ? AND size IS NULL")
                .params(size, key)
                .update();
    }

    void insertAgentResult(AgentJobFinished f) {
        String jobAgents = f.jobAgents().stream().map(Enum::name).sorted().collect(Collectors.joining(","));
        jdbc.sql("""
                INSERT INTO agent_result (restore_point_id, agent, job_id, host_id, job_agents, outcome, artifact_count,
                    bytes_scanned, bytes_uploaded, manifest_key, errors, finished_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb), ?) ON CONFLICT DO NOTHING""")
                .params(
                        f.restorePointId(),
                        f.agent().name(),
                        f.meta().jobId(),
                        f.meta().hostId(),
                        jobAgents,
                        f.outcome().name(),
                        f.artifactCount(),
                        f.bytesScanned(),
                        f.bytesUploaded(),
                        f.manifestKey(),
                        MessageCodec.encodeToString(f.errors()),
                        Timestamp.from(f.meta().occurredAt()))
                .update();
    }

    List<AgentResult> agentResults(UUID restorePointId) {
        return jdbc.sql("SELECT * FROM agent_result WHERE restore_point_id = ?")
                .param(restorePointId)
                .query((rs, n) -> new AgentResult(
                        AgentKind.valueOf(rs.getString("agent")),
                        Outcome.valueOf(rs.getString("outcome")),
                        rs.getLong("artifact_count"),
                        MessageCodec.decodeErrors(rs.getString("errors")),
                        rs.getTimestamp("finished_at").toInstant()))
                .list();
    }

    /** Whether events of a point's job have been recorded (an artifact or an agent's result) though the point is not. */
    public boolean inFlight(UUID restorePointId) {
        return jdbc.sql("""
                        SELECT EXISTS (SELECT 1 FROM agent_result WHERE restore_point_id = ?)
                            OR EXISTS (SELECT 1 FROM artifact WHERE restore_point_id = ?)""")
                .params(restorePointId, restorePointId)
                .query(Boolean.class)
                .single();
    }

    public boolean hasAgentResult(UUID restorePointId, AgentKind agent) {
        return jdbc.sql("SELECT count(*) FROM agent_result WHERE restore_point_id = ? AND agent = ?")
                        .params(restorePointId, agent.name())
                        .query(Long.class)
                        .single()
                > 0;
    }

    long countArtifacts(UUID restorePointId, AgentKind agent) {
        return jdbc.sql("SELECT count(*) FROM artifact WHERE restore_point_id = ? AND agent = ?")
                .params(restorePointId, agent.name())
                .query(Long.class)
                .single();
    }

    /** Artifacts of a point, and their bytes. */
    record Totals(long artifacts, long bytes) {}

    Totals totals(UUID restorePointId) {
        return jdbc.sql(
                        "SELECT count(*) AS n, coalesce(sum(size), 0) AS bytes FROM artifact WHERE restore_point_id = ?")
                .param(restorePointId)
                .query((rs, n) -> new Totals(rs.getLong("n"), rs.getLong("bytes")))
                .single();
    }

    /** Every artifact of the catalog (a rebuild reports what it added). */
    public long countAllArtifacts() {
        return jdbc.sql("SELECT count(*) FROM artifact").query(Long.class).single();
    }

    /** Whether the point was inserted now (false: it was recorded before, and stays as it was). */
    boolean insertPoint(
            UUID id,
            UUID jobId,
            String hostId,
            RestorePointStatus status,
            Totals totals,
            List<String> reasons,
            Instant createdAt,
            PolicyRef policy) {
        return jdbc.sql("""
                INSERT INTO restore_point (id, job_id, host_id, status, artifact_count, total_bytes, reasons, created_at, recorded_at,
                    policy_id, policy_name)
                VALUES (?, ?, ?, ?, ?, ?, CAST(? AS jsonb), ?, now(), ?, ?) ON CONFLICT DO NOTHING""")
                        .params(
                                id,
                                jobId,
                                hostId,
                                status.name(),
                                totals.artifacts(),
                                totals.bytes(),
                                MessageCodec.encodeToString(reasons),
                                Timestamp.from(createdAt),
                                policy == null ? null : policy.id(),
                                policy == null ? null : policy.name())
                        .update()
                == 1;
    }

    /** The policy's retention as a backup carried it; an older backup's copy never overwrites a newer one. */
    void rememberRetention(PolicyRef policy, Instant asOf) {
        jdbc.sql("""
                INSERT INTO retention_policy (policy_id, name, retention, time_zone, as_of) VALUES (?, ?, CAST(? AS jsonb), ?, ?)
                ON CONFLICT (policy_id) DO UPDATE SET name = excluded.name, retention = excluded.retention,
                    time_zone = excluded.time_zone, as_of = excluded.as_of WHERE retention_policy.as_of < excluded.as_of""")
                .params(
                        policy.id(),
                        policy.name(),
                        MessageCodec.encodeToString(policy.retention()),
                        policy.timeZone() == null ? "UTC" : policy.timeZone(),
                        Timestamp.from(asOf))
                .update();
    }

    /** An object the point needs that retention deleted recently. */
    record Suspect(String objectId, String objectKey) {}

    List<Suspect> objectsRecentlyDeleted(UUID restorePointId) {
        return jdbc.sql("""
                SELECT d.object_id, d.object_key FROM point_object p JOIN deleted_object d ON d.object_id = p.object_id
                WHERE p.restore_point_id = ?""")
                .param(restorePointId)
                .query((rs, n) -> new Suspect(rs.getString("object_id"), rs.getString("object_key")))
                .list();
    }

    void forgetTombstone(String objectId) {
        jdbc.sql("DELETE FROM deleted_object WHERE object_id = ?")
                .param(objectId)
                .update();
    }

    public boolean pointExists(UUID id) {
        return jdbc.sql("SELECT count(*) FROM restore_point WHERE id = ?")
                        .param(id)
                        .query(Long.class)
                        .single()
                > 0;
    }

    /** A point as a rebuild reports it. */
    public record PointSummary(UUID id, String hostId, String status, List<String> reasons) {}

    /** Adds reasons to a recorded point; a COMPLETE point becomes PARTIAL when {@code downgrade}. */
    public PointSummary addReasons(UUID id, List<String> reasons, boolean downgrade) {
        jdbc.sql("UPDATE restore_point SET reasons = reasons || CAST(? AS jsonb),"
                        + " status = CASE WHEN ? AND status = 'COMPLETE' THEN 'PARTIAL' ELSE status END WHERE id = ?")
                .params(MessageCodec.encodeToString(reasons), downgrade, id)
                .update();
        return jdbc.sql("SELECT host_id, status, reasons::text AS reasons FROM restore_point WHERE id = ?")
                .param(id)
                .query((rs, n) -> new PointSummary(
                        id,
                        rs.getString("host_id"),
                        rs.getString("status"),
                        MessageCodec.decodeStrings(rs.getString("reasons"))))
                .single();
    }
}
