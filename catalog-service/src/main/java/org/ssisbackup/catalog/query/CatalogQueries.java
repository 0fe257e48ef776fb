package org.ssisbackup.catalog.query;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.ssisbackup.contracts.MessageCodec;

/**
 * The catalog's read side: restore points per host and time range (keyset paging, so page 1,000 costs what page 1
 * does), one point with its artifacts, every stored version of one package across the fleet, the difference between
 * two points, and the fleet's newest point per host.
 */
@Repository
public class CatalogQueries {
    private final JdbcClient jdbc;

    public CatalogQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public record ArtifactView(
            String agent,
            String logicalPath,
            String kind,
            long size,
            String sha256,
            String objectKey,
            Map<String, String> metadata) {}

    /**
     * One restore point without its artifacts.
     *
     * @param policy  the policy it was taken under (null: ad hoc)
     * @param damaged verification found one of its blobs missing or corrupt (the reason says which)
     */
    public record RestorePointSummary(
            UUID id,
            UUID jobId,
            String hostId,
            String status,
            long artifactCount,
            long totalBytes,
            List<String> reasons,
            Instant createdAt,
            Instant recordedAt,
            String policy,
            boolean damaged) {}

    public record RestorePointView(
            UUID id,
            UUID jobId,
            String hostId,
            String status,
            long artifactCount,
            long totalBytes,
            List<String> reasons,
            Instant createdAt,
            Instant recordedAt,
            String policy,
            boolean damaged,
            List<ManifestView> manifests,
            List<ArtifactView> artifacts,
            Proven proven,
            DrillFailure drillFailure) {}

    /** The point's latest restore drill proved it restorable: when, and which drill (issue 17). */
    public record Proven(Instant at, UUID drillId) {}

    /** The point's latest restore drill found problems: which, and the reasons. */
    public record DrillFailure(Instant at, UUID drillId, List<String> reasons) {}

    /** Each host's newest proven point's age (null: no point of the host was ever proven). */
    public record HostProven(String hostId, Long provenAgeSeconds) {}

    /**
     * What drills proved of a host: its newest proven point (null: none ever), and the failure of its latest drill
     * verdict when that verdict is a failure (null otherwise).
     */
    public record HostProof(
            String hostId, UUID provenPointId, Proven proven, UUID failedPointId, DrillFailure failure) {}

    /** Every host with a drill verdict on any of its points, by host id. */
    public List<HostProof> fleetProofs() {
        Map<String, HostProof> out = new LinkedHashMap<>();
        jdbc.sql("""
                        SELECT DISTINCT ON (rp.host_id) rp.host_id, pp.restore_point_id, pp.drill_id, pp.decided_at
                        FROM restore_point_proof pp JOIN restore_point rp ON rp.id = pp.restore_point_id
                        WHERE pp.proven ORDER BY rp.host_id, pp.decided_at DESC""")
                .query((rs, n) -> new HostProof(
                        rs.getString(1),
                        rs.getObject(2, UUID.class),
                        new Proven(rs.getTimestamp(4).toInstant(), rs.getObject(3, UUID.class)),
                        null,
                        null))
                .list()
                .forEach(p -> out.put(p.hostId(), p));
        jdbc.sql("""
                        SELECT * FROM (
                            SELECT DISTINCT ON (rp.host_id) rp.host_id, pp.restore_point_id, pp.drill_id, pp.decided_at,
                                pp.proven, pp.reasons::text AS reasons
                            FROM restore_point_proof pp JOIN restore_point rp ON rp.id = pp.restore_point_id
                            ORDER BY rp.host_id, pp.decided_at DESC) latest
                        WHERE NOT latest.proven""")
                .query((rs, n) -> new HostProof(
                        rs.getString(1),
                        null,
                        null,
                        rs.getObject(2, UUID.class),
                        new DrillFailure(
                                rs.getTimestamp(4).toInstant(),
                                rs.getObject(3, UUID.class),
                                MessageCodec.decodeStrings(rs.getString(6)))))
                .list()
                .forEach(f -> out.merge(
                        f.hostId(),
                        f,
                        (proven, failed) -> new HostProof(
                                proven.hostId(),
                                proven.provenPointId(),
                                proven.proven(),
                                failed.failedPointId(),
                                failed.failure())));
        return out.values().stream()
                .sorted(java.util.Comparator.comparing(HostProof::hostId))
                .toList();
    }

    public List<HostProven> fleetProven() {
        return jdbc.sql("""
                        SELECT rp.host_id, EXTRACT(EPOCH FROM now() - max(pp.decided_at))::bigint AS age
                        FROM restore_point rp
                        LEFT JOIN restore_point_proof pp ON pp.restore_point_id = rp.id AND pp.proven
                        GROUP BY rp.host_id ORDER BY rp.host_id""")
                .query((rs, n) -> new HostProven(rs.getString(1), (Long) rs.getObject(2, Long.class)))
                .list();
    }

    private java.util.Map.Entry<Proven, DrillFailure> proof(UUID point) {
        return jdbc.sql("SELECT drill_id, proven, decided_at, reasons::text FROM restore_point_proof"
                        + " WHERE restore_point_id = ?")
                .param(point)
                .query((rs, n) -> {
                    UUID drill = rs.getObject(1, UUID.class);
                    Instant at = rs.getTimestamp(3).toInstant();
                    return rs.getBoolean(2)
                            ? new java.util.AbstractMap.SimpleImmutableEntry<Proven, DrillFailure>(
                                    new Proven(at, drill), null)
                            : new java.util.AbstractMap.SimpleImmutableEntry<Proven, DrillFailure>(
                                    null, new DrillFailure(at, drill, MessageCodec.decodeStrings(rs.getString(4))));
                })
                .optional()
                .orElse(new java.util.AbstractMap.SimpleImmutableEntry<>(null, null));
    }

    /** An agent's manifest of a point: its key and format (1: plain JSON, written before format 2; 2: encrypted). */
    public record ManifestView(String agent, String key, int format) {}

    /** One page; {@code nextCursor} is null on the last one. */
    public record Page<T>(List<T> items, String nextCursor) {}

    /** Restore points of a host, newest first, optionally within [from, to) and of one status. */
    public Page<RestorePointSummary> restorePoints(
            String host, Instant from, Instant to, String status, int limit, String cursor) {
        StringBuilder sql = new StringBuilder("SELECT * FROM restore_point WHERE host_id = ?");
        List<Object> params = new ArrayList<>(List.of(host));
        if (from != null) {
            sql.append(" AND created_at >= ?");
            params.add(Timestamp.from(from));
        }
        if (to != null) {
            sql.append(" AND created_at < ?");
            params.add(Timestamp.from(to));
        }
        if (status != null) {
            sql.append(" AND status = ?");
            params.add(status);
        }
        if (cursor != null) {
            Cursor c = Cursor.decode(cursor);
            sql.append(" AND (created_at, id) < (?, ?)");
            params.add(Timestamp.from(c.createdAt()));
            params.add(c.id());
        }
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT ?");
        params.add(limit + 1);
        List<RestorePointSummary> rows = jdbc.sql(sql.toString()).params(params).query().listOfRows().stream()
                .map(CatalogQueries::summary)
                .toList();
        if (rows.size() <= limit) {
            return new Page<>(rows, null);
        }
        List<RestorePointSummary> page = rows.subList(0, limit);
        RestorePointSummary last = page.get(limit - 1);
        return new Page<>(List.copyOf(page), new Cursor(last.createdAt(), last.id()).encode());
    }

    public Optional<RestorePointView> restorePoint(UUID id) {
        return jdbc.sql("SELECT * FROM restore_point WHERE id = ?").param(id).query().listOfRows().stream()
                .findFirst()
                .map(r -> {
                    RestorePointSummary s = summary(r);
                    java.util.Map.Entry<Proven, DrillFailure> proof = proof(id);
                    return new RestorePointView(
                            s.id(),
                            s.jobId(),
                            s.hostId(),
                            s.status(),
                            s.artifactCount(),
                            s.totalBytes(),
                            s.reasons(),
                            s.createdAt(),
                            s.recordedAt(),
                            s.policy(),
                            s.damaged(),
                            manifests(id),
                            artifacts(id),
                            proof.getKey(),
                            proof.getValue());
                });
    }

    public List<ManifestView> manifests(UUID restorePoint) {
        return jdbc.sql("""
                SELECT agent, manifest_key FROM agent_result WHERE restore_point_id = ? AND manifest_key IS NOT NULL
                ORDER BY agent""")
                .param(restorePoint)
                .query((rs, n) -> {
                    String key = rs.getString("manifest_key");
                    return new ManifestView(rs.getString("agent"), key, key.endsWith(".m2") ? 2 : 1);
                })
                .list();
    }

    public List<ArtifactView> artifacts(UUID restorePoint) {
        return jdbc
                .sql("SELECT * FROM artifact WHERE restore_point_id = ? ORDER BY agent, logical_path")
                .param(restorePoint)
                .query()
                .listOfRows()
                .stream()
                .map(CatalogQueries::artifact)
                .toList();
    }

    /** One version of a package: the same bytes from when they first appeared on a host until they last did. */
    public record PackageVersion(
            String hostId,
            String logicalPath,
            String kind,
            String sha256,
            long size,
            Instant firstSeen,
            Instant lastSeen,
            UUID firstRestorePoint,
            UUID lastRestorePoint,
            int restorePoints) {}

    /**
     * Every stored version of the package at {@code path} (an msdb path or a file path, any case) across the fleet or on
     * one host: per host, consecutive restore points with the same bytes make one version, so a change shows as a new
     * version with the time it was first seen.
     */
    public List<PackageVersion> packageHistory(String path, String host) {
        // One host: start from its points and look the path up in each (a package every host has would otherwise be
        // read
        // for the whole fleet first). The fleet: every artifact with the path, by the path index.
        String sql = host != null ? """
                WITH points AS MATERIALIZED (SELECT id, host_id, created_at FROM restore_point WHERE host_id = ?)
                SELECT rp.host_id, a.logical_path, a.kind, a.sha256, a.size, rp.created_at, rp.id
                FROM points rp JOIN artifact a ON a.restore_point_id = rp.id
                WHERE lower(a.logical_path) = lower(?) ORDER BY rp.host_id, rp.created_at, rp.id""" : """
                SELECT rp.host_id, a.logical_path, a.kind, a.sha256, a.size, rp.created_at, rp.id
                FROM artifact a JOIN restore_point rp ON rp.id = a.restore_point_id
                WHERE lower(a.logical_path) = lower(?) ORDER BY rp.host_id, rp.created_at, rp.id""";
        List<Object> params = host == null ? List.of(path) : List.of(host, path);
        List<PackageVersion> versions = new ArrayList<>();
        // Rows are folded into versions as they stream in: a package on every host of a large fleet is a million rows.
        jdbc.sql(sql).params(params).query(rs -> {
            String h = rs.getString("host_id");
            String sha = rs.getString("sha256").trim();
            Instant at = rs.getTimestamp("created_at").toInstant();
            UUID point = rs.getObject("id", UUID.class);
            PackageVersion current = versions.isEmpty() ? null : versions.get(versions.size() - 1);
            if (current != null
                    && current.hostId().equals(h)
                    && current.sha256().equals(sha)) {
                versions.set(
                        versions.size() - 1,
                        new PackageVersion(
                                h,
                                current.logicalPath(),
                                current.kind(),
                                sha,
                                current.size(),
                                current.firstSeen(),
                                at,
                                current.firstRestorePoint(),
                                point,
                                current.restorePoints() + 1));
            } else {
                versions.add(new PackageVersion(
                        h,
                        rs.getString("logical_path"),
                        rs.getString("kind"),
                        sha,
                        rs.getLong("size"),
                        at,
                        at,
                        point,
                        point,
                        1));
            }
        });
        return versions;
    }

    public record Change(
            String agent,
            String logicalPath,
            String kind,
            String fromSha256,
            String toSha256,
            long fromSize,
            long toSize) {}

    public record Diff(
            UUID from,
            UUID to,
            List<ArtifactView> added,
            List<ArtifactView> removed,
            List<Change> changed,
            int unchanged) {}

    /** What changed from one restore point to another (usually older to newer), item by item. */
    public Optional<Diff> diff(UUID from, UUID to) {
        if (restorePoint(from).isEmpty() || restorePoint(to).isEmpty()) {
            return Optional.empty();
        }
        Map<String, ArtifactView> a = byKey(artifacts(from));
        Map<String, ArtifactView> b = byKey(artifacts(to));
        List<ArtifactView> added = new ArrayList<>();
        List<ArtifactView> removed = new ArrayList<>();
        List<Change> changed = new ArrayList<>();
        int unchanged = 0;
        for (Map.Entry<String, ArtifactView> e : b.entrySet()) {
            ArtifactView old = a.get(e.getKey());
            ArtifactView now = e.getValue();
            if (old == null) {
                added.add(now);
            } else if (!old.sha256().equals(now.sha256())) {
                changed.add(new Change(
                        now.agent(),
                        now.logicalPath(),
                        now.kind(),
                        old.sha256(),
                        now.sha256(),
                        old.size(),
                        now.size()));
            } else {
                unchanged++;
            }
        }
        a.forEach((k, v) -> {
            if (!b.containsKey(k)) {
                removed.add(v);
            }
        });
        return Optional.of(new Diff(from, to, added, removed, changed, unchanged));
    }

    private static Map<String, ArtifactView> byKey(List<ArtifactView> artifacts) {
        Map<String, ArtifactView> m = new LinkedHashMap<>();
        artifacts.forEach(x -> m.put(x.agent() + "\u0000" + x.logicalPath(), x));
        return m;
    }

    /** A host's newest restore point and newest COMPLETE one, with their ages. */
    public record HostNewest(
            String hostId,
            RestorePointSummary newest,
            RestorePointSummary newestComplete,
            Long newestAgeSeconds,
            Long newestCompleteAgeSeconds) {}

    public List<HostNewest> fleetNewest() {
        Map<String, RestorePointSummary> newest = new LinkedHashMap<>();
        jdbc.sql("SELECT DISTINCT ON (host_id) * FROM restore_point ORDER BY host_id, created_at DESC, id DESC")
                .query()
                .listOfRows()
                .forEach(r -> newest.put((String) r.get("host_id"), summary(r)));
        Map<String, RestorePointSummary> complete = new LinkedHashMap<>();
        jdbc.sql(
                        "SELECT DISTINCT ON (host_id) * FROM restore_point WHERE status = 'COMPLETE' ORDER BY host_id, created_at DESC, id DESC")
                .query()
                .listOfRows()
                .forEach(r -> complete.put((String) r.get("host_id"), summary(r)));
        Instant now = Instant.now();
        List<HostNewest> out = new ArrayList<>();
        newest.forEach((host, n) -> {
            RestorePointSummary c = complete.get(host);
            out.add(new HostNewest(
                    host,
                    n,
                    c,
                    Duration.between(n.createdAt(), now).toSeconds(),
                    c == null ? null : Duration.between(c.createdAt(), now).toSeconds()));
        });
        return out;
    }

    static RestorePointSummary summary(Map<String, Object> r) {
        return new RestorePointSummary(
                (UUID) r.get("id"),
                (UUID) r.get("job_id"),
                (String) r.get("host_id"),
                (String) r.get("status"),
                ((Number) r.get("artifact_count")).longValue(),
                ((Number) r.get("total_bytes")).longValue(),
                MessageCodec.decodeStrings(r.get("reasons").toString()),
                ((Timestamp) r.get("created_at")).toInstant(),
                ((Timestamp) r.get("recorded_at")).toInstant(),
                (String) r.get("policy_name"),
                Boolean.TRUE.equals(r.get("damaged")));
    }

    static ArtifactView artifact(Map<String, Object> a) {
        return new ArtifactView(
                (String) a.get("agent"),
                (String) a.get("logical_path"),
                (String) a.get("kind"),
                ((Number) a.get("size")).longValue(),
                ((String) a.get("sha256")).trim(),
                (String) a.get("object_key"),
                MessageCodec.decodeMap(a.get("metadata").toString()));
    }

    /** Where a page ended: an opaque token to the client. */
    record Cursor(Instant createdAt, UUID id) {
        String encode() {
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString((createdAt + "|" + id).getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String token) {
            try {
                String[] parts =
                        new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\\|", -1);
                return new Cursor(Instant.parse(parts[0]), UUID.fromString(parts[1]));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("not a cursor from this API: " + token);
            }
        }
    }

    /** Restore points held, by host and status. */
    public record PointCount(String hostId, String status, long count) {}

    public List<PointCount> pointCounts() {
        return jdbc.sql("SELECT host_id, status, count(*) AS n FROM restore_point GROUP BY host_id, status")
                .query((rs, n) -> new PointCount(rs.getString("host_id"), rs.getString("status"), rs.getLong("n")))
                .list();
    }

    /**
     * Bytes the restore points reference (every artifact in every point) and bytes stored (each blob or pack once, as
     * written: compressed and encrypted), from the points' totals and the object table: scanning every artifact would cost
     * seconds per refresh at fleet scale.
     */
    public record Bytes(double referenced, double stored) {}

    public Bytes bytes() {
        return new Bytes(
                jdbc.sql("SELECT coalesce(sum(total_bytes), 0) FROM restore_point")
                        .query(Double.class)
                        .single(),
                jdbc.sql("SELECT coalesce(sum(size), 0) FROM stored_object")
                        .query(Double.class)
                        .single());
    }
}
