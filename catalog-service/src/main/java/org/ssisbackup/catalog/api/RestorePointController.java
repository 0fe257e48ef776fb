package org.ssisbackup.catalog.api;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.ssisbackup.contracts.MessageCodec;
import org.ssisbackup.contracts.ObjectKeys;

/** What can I restore? Restore points per host, newest first, each with its artifacts. */
@RestController
@RequestMapping("/api/v1/restore-points")
class RestorePointController {
    private final JdbcClient jdbc;

    RestorePointController(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record ArtifactView(String agent, String logicalPath, String kind, long size, String sha256, String objectKey,
                        Map<String, String> metadata) {
    }

    record RestorePointView(UUID id, UUID jobId, String hostId, String status, long artifactCount, long totalBytes,
                            List<String> reasons, Instant createdAt, Instant recordedAt, List<ArtifactView> artifacts) {
    }

    @GetMapping
    List<RestorePointView> list(@RequestParam String host, @RequestParam(defaultValue = "50") int limit) {
        if (!ObjectKeys.isValidHostId(host)) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "invalid host id");
        }
        int capped = Math.max(1, Math.min(limit, 500));
        return jdbc.sql("SELECT * FROM restore_point WHERE host_id = ? ORDER BY created_at DESC LIMIT ?")
                .params(host, capped).query().listOfRows().stream().map(this::view).toList();
    }

    @GetMapping("/{id}")
    RestorePointView one(@PathVariable UUID id) {
        return jdbc.sql("SELECT * FROM restore_point WHERE id = ?").param(id).query().listOfRows().stream()
                .findFirst().map(this::view)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no restore point " + id));
    }

    @SuppressWarnings("unchecked")
    private RestorePointView view(Map<String, Object> r) {
        UUID id = (UUID) r.get("id");
        List<ArtifactView> artifacts = jdbc.sql("SELECT * FROM artifact WHERE restore_point_id = ? ORDER BY agent, logical_path")
                .param(id).query().listOfRows().stream()
                .map(a -> new ArtifactView((String) a.get("agent"), (String) a.get("logical_path"), (String) a.get("kind"),
                        ((Number) a.get("size")).longValue(), ((String) a.get("sha256")).trim(), (String) a.get("object_key"),
                        MessageCodec.decodeMap(a.get("metadata").toString())))
                .toList();
        return new RestorePointView(id, (UUID) r.get("job_id"), (String) r.get("host_id"), (String) r.get("status"),
                ((Number) r.get("artifact_count")).longValue(), ((Number) r.get("total_bytes")).longValue(),
                MessageCodec.decodeStrings(r.get("reasons").toString()),
                ((Timestamp) r.get("created_at")).toInstant(), ((Timestamp) r.get("recorded_at")).toInstant(), artifacts);
    }
}
