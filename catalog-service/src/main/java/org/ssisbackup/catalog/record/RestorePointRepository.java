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
import org.ssisbackup.contracts.Outcome;
import org.ssisbackup.contracts.PolicyRef;
import org.ssisbackup.contracts.RestorePointStatus;

/**
 * What recording writes: artifacts, blobs, each agent's result, restore points and the retention rules policies
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

    /** A batch of artifacts, their blobs, and the end of any retention mark on those blobs (they are referenced again). */
    void insertArtifacts(UUID restorePointId, AgentKind agent, List<Artifact> artifacts) {
        for (Artifact a : artifacts) {
            jdbc.sql("""
                    INSERT INTO artifact (restore_point_id, agent, logical_path, kind, size, sha256, object_key, metadata)
                    VALUES (?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb)) ON CONFLICT DO NOTHING""")
                    .params(
                            restorePointId,
                            agent.name(),
                            a.logicalPath(),
                            a.kind().name(),
                            a.size(),
                            a.sha256(),
                            a.objectKey(),
                            MessageCodec.encodeToString(a.metadata()))
                    .update();
        }
        Map<String, Long> sizeOf = new LinkedHashMap<>();
        artifacts.forEach(a -> sizeOf.putIfAbsent(a.sha256(), a.size()));
        String[] shas = sizeOf.keySet().toArray(String[]::new);
        jdbc.sql(
                        "INSERT INTO blob (sha256, size) SELECT * FROM unnest(CAST(? AS char(64)[]), CAST(? AS bigint[])) ON CONFLICT DO NOTHING")
                .params(shas, sizeOf.values().toArray(Long[]::new))
                .update();
        // A blob named again is referenced: retention must not delete it (it waits out its grace period marked).
        jdbc.sql("DELETE FROM unreferenced_blob WHERE sha256 = ANY(CAST(? AS char(64)[]))")
                .param(shas)
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

    /** An artifact of the point naming a blob retention deleted recently. */
    record Suspect(String agent, String logicalPath, String sha256) {}

    List<Suspect> artifactsOnDeletedBlobs(UUID restorePointId) {
        return jdbc.sql("""
                SELECT DISTINCT a.agent, a.logical_path, a.sha256 FROM artifact a JOIN deleted_blob d ON d.sha256 = a.sha256
                WHERE a.restore_point_id = ?""")
                .param(restorePointId)
                .query((rs, n) ->
                        new Suspect(rs.getString("agent"), rs.getString("logical_path"), rs.getString("sha256")))
                .list();
    }

    void forgetTombstone(String sha) {
        jdbc.sql("DELETE FROM deleted_blob WHERE sha256 = ?").param(sha).update();
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
