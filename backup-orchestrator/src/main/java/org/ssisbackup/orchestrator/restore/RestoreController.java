package org.ssisbackup.orchestrator.restore;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.BackupScope;
import org.ssisbackup.contracts.MessageCodec;
import org.ssisbackup.contracts.ObjectKeys;
import org.ssisbackup.contracts.OverwritePolicy;
import org.ssisbackup.contracts.RestoreFinished;

/** Restore a restore point (or part of it) onto its host or another one, and follow it. */
@RestController
@RequestMapping("/api/v1/restores")
class RestoreController {
    private final RestoreJobs restores;
    private final CatalogClient catalog;
    private final JdbcClient jdbc;

    RestoreController(RestoreJobs restores, CatalogClient catalog, JdbcClient jdbc) {
        this.restores = restores;
        this.catalog = catalog;
        this.jdbc = jdbc;
    }

    record RestoreRequest(UUID restorePointId, String targetHost, List<String> include, String targetPath,
                          String overwrite, Boolean dryRun, List<String> scope, String targetFolder,
                          Boolean restoreRoles) {
    }

    record AgentView(String agent, String state, RestoreFinished result, Instant updatedAt) {
    }

    record RestoreView(UUID restoreId, String state, UUID restorePointId, String sourceHost, String targetHost,
                       Instant createdAt, Instant finishedAt, List<AgentView> agents) {
    }

    @PostMapping
    ResponseEntity<Map<String, Object>> start(@RequestBody RestoreRequest r) {
        if (r == null || r.restorePointId() == null) {
            throw bad("'restorePointId' is required");
        }
        Optional<CatalogClient.RestorePointSummary> known;
        try {
            known = catalog.restorePoint(r.restorePointId());
        } catch (IllegalStateException e) { // the catalog is down or refuses the key: nothing is dispatched
            throw new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
        }
        CatalogClient.RestorePointSummary point = known
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "the catalog has no restore point " + r.restorePointId()));
        String target = r.targetHost() == null ? point.hostId() : r.targetHost();
        if (!ObjectKeys.isValidHostId(target)) {
            throw bad("invalid target host: " + target);
        }
        OverwritePolicy overwrite = switch (r.overwrite() == null ? "never" : r.overwrite().toLowerCase()) {
            case "never" -> OverwritePolicy.NEVER;
            case "ifchanged", "if_changed" -> OverwritePolicy.IF_CHANGED;
            case "always" -> OverwritePolicy.ALWAYS;
            default -> throw bad("overwrite must be never, ifChanged or always");
        };
        Set<AgentKind> agents = EnumSet.noneOf(AgentKind.class);
        point.artifacts().forEach(a -> agents.add(AgentKind.valueOf(a.agent())));
        if (r.scope() != null && !r.scope().isEmpty()) {
            Set<AgentKind> asked = EnumSet.noneOf(AgentKind.class);
            for (String s : r.scope()) {
                try {
                    asked.add(BackupScope.parse(s).agent());
                } catch (IllegalArgumentException e) {
                    throw bad(e.getMessage());
                }
            }
            agents.retainAll(asked);
        }
        if (agents.isEmpty()) {
            throw bad("the restore point holds nothing in that scope");
        }
        UUID id = restores.start(new RestoreJobs.RestoreSpec(point.id(), point.hostId(), target, agents,
                r.include() == null ? List.of() : r.include(), r.targetPath(), overwrite, Boolean.TRUE.equals(r.dryRun()),
                r.targetFolder(), Boolean.TRUE.equals(r.restoreRoles())));
        return ResponseEntity.accepted().body(Map.of("restoreId", id, "sourceHost", point.hostId(), "targetHost", target,
                "agents", agents));
    }

    @GetMapping("/{id}")
    RestoreView one(@PathVariable UUID id) {
        Map<String, Object> j = jdbc.sql("SELECT * FROM restore_job WHERE id = ?").param(id).query().listOfRows().stream()
                .findFirst().orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no restore " + id));
        List<AgentView> agents = jdbc.sql("SELECT * FROM restore_agent WHERE job_id = ? ORDER BY agent").param(id).query()
                .listOfRows().stream().map(a -> new AgentView((String) a.get("agent"), (String) a.get("state"),
                        a.get("result") == null ? null : (RestoreFinished) MessageCodec.decodeEvent(
                                a.get("result").toString().getBytes(StandardCharsets.UTF_8)),
                        ((Timestamp) a.get("updated_at")).toInstant()))
                .toList();
        Timestamp finished = (Timestamp) j.get("finished_at");
        return new RestoreView(id, (String) j.get("state"), (UUID) j.get("restore_point_id"), (String) j.get("source_host"),
                (String) j.get("target_host"), ((Timestamp) j.get("created_at")).toInstant(),
                finished == null ? null : finished.toInstant(), agents);
    }

    private static ResponseStatusException bad(String reason) {
        return new ResponseStatusException(HttpStatus.BAD_REQUEST, reason);
    }
}
