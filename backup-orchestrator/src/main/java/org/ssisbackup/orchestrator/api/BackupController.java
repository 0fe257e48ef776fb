package org.ssisbackup.orchestrator.api;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.ssisbackup.contracts.AgentError;
import org.ssisbackup.contracts.BackupScope;
import org.ssisbackup.contracts.MessageCodec;
import org.ssisbackup.contracts.ObjectKeys;
import org.ssisbackup.orchestrator.fleet.FleetRegistry;
import org.ssisbackup.orchestrator.fleet.LabelSelector;
import org.ssisbackup.orchestrator.job.BackupJobs;
import org.ssisbackup.orchestrator.policy.Policies;
import org.ssisbackup.orchestrator.policy.Policy;

/** Start a backup now, and follow it. */
@RestController
@RequestMapping("/api/v1/backups")
class BackupController {
    private final BackupJobs jobs;
    private final JdbcClient jdbc;
    private final FleetRegistry fleet;
    private final Policies policies;

    BackupController(BackupJobs jobs, JdbcClient jdbc, FleetRegistry fleet, Policies policies) {
        this.jobs = jobs;
        this.jdbc = jdbc;
        this.fleet = fleet;
        this.policies = policies;
    }

    /**
     * Hosts by id, or by a label selector over the fleet ({@code env=prod,team=bi}), or both; with a {@code policy}, its
     * scope, limits and retention (and its selector when no hosts are named): "run this policy now".
     */
    record BackupRequest(List<String> hosts, String selector, List<String> scope, String policy) {
    }

    record AgentView(String hostId, String agent, String state, UUID restorePointId, Long artifactCount,
                     Long bytesScanned, Long bytesUploaded, List<AgentError> errors, List<AgentError> warnings,
                     Instant updatedAt) {
    }

    record JobView(UUID jobId, String state, String trigger, List<String> scope, Instant createdAt, Instant finishedAt,
                   List<AgentView> agents) {
    }

    @PostMapping
    ResponseEntity<BackupJobs.NewJob> start(@RequestBody BackupRequest request) {
        if (request == null) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "body must be a backup request");
        }
        Policy policy = null;
        if (request.policy() != null && !request.policy().isBlank()) {
            policy = policies.find(request.policy()).orElseThrow(() -> new ResponseStatusException(HttpStatus.UNPROCESSABLE_CONTENT,
                    "no policy " + request.policy()));
        }
        boolean byId = request.hosts() != null && !request.hosts().isEmpty();
        String selector = request.selector() != null && !request.selector().isBlank() ? request.selector()
                : !byId && policy != null ? policy.selector() : null;
        if (!byId && selector == null) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "name hosts in 'hosts', select them with 'selector', or name a 'policy'");
        }
        Set<String> hosts = new LinkedHashSet<>();
        if (selector != null) {
            try {
                hosts.addAll(fleet.hostIds(LabelSelector.parse(selector)));
            } catch (IllegalArgumentException e) {
                throw new ResponseStatusException(HttpStatus.BAD_REQUEST, e.getMessage());
            }
            if (hosts.isEmpty() && !byId) {
                throw new ResponseStatusException(HttpStatus.UNPROCESSABLE_CONTENT, "selector '" + selector + "' matches no host of the fleet");
            }
        }
        for (String h : byId ? request.hosts() : List.<String>of()) {
            if (!ObjectKeys.isValidHostId(h)) {
                throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "invalid host id: " + h);
            }
            hosts.add(h);
        }
        Set<BackupScope> scope = EnumSet.noneOf(BackupScope.class);
        if (request.scope() == null || request.scope().isEmpty()) {
            scope.addAll(policy != null ? policy.scopes() : BackupScope.DEFAULT);
        }
        for (String s : request.scope() == null ? List.<String>of() : request.scope()) {
            try {
                scope.add(BackupScope.parse(s));
            } catch (IllegalArgumentException e) {
                throw new ResponseStatusException(HttpStatus.BAD_REQUEST, e.getMessage());
            }
        }
        return ResponseEntity.accepted().body(jobs.start(new ArrayList<>(hosts), scope, "rest", policy == null ? null : policy.id()));
    }

    /** Cancels a job: queued hosts are dropped and open agent parts end CANCELLED. */
    @PostMapping("/{jobId}/cancel")
    JobView cancel(@PathVariable UUID jobId, java.security.Principal principal) {
        jobs.cancel(jobId, principal == null ? "api" : principal.getName())
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no backup job " + jobId));
        return one(jobId);
    }

    @GetMapping("/{jobId}")
    JobView one(@PathVariable UUID jobId) {
        return jdbc.sql("SELECT * FROM backup_job WHERE id = ?").param(jobId).query().listOfRows().stream()
                .findFirst().map(this::view)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no job " + jobId));
    }

    @GetMapping
    List<JobView> list(@RequestParam(required = false) String host, @RequestParam(required = false) String state,
                       @RequestParam(defaultValue = "50") int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM backup_job j WHERE true");
        List<Object> params = new ArrayList<>();
        if (host != null) {
            sql.append(" AND EXISTS (SELECT 1 FROM job_agent a WHERE a.job_id = j.id AND a.host_id = ?)");
            params.add(host);
        }
        if (state != null) {
            sql.append(" AND j.state = ?");
            params.add(state.toUpperCase());
        }
        sql.append(" ORDER BY created_at DESC LIMIT ?");
        params.add(Math.max(1, Math.min(limit, 500)));
        return jdbc.sql(sql.toString()).params(params).query().listOfRows().stream().map(this::view).toList();
    }

    private JobView view(Map<String, Object> j) {
        UUID id = (UUID) j.get("id");
        List<AgentView> agents = jdbc.sql("SELECT * FROM job_agent WHERE job_id = ? ORDER BY host_id, agent").param(id)
                .query().listOfRows().stream()
                .map(a -> new AgentView((String) a.get("host_id"), (String) a.get("agent"), (String) a.get("state"),
                        (UUID) a.get("restore_point_id"), asLong(a.get("artifact_count")), asLong(a.get("bytes_scanned")),
                        asLong(a.get("bytes_uploaded")), MessageCodec.decodeErrors(a.get("errors").toString()),
                        MessageCodec.decodeErrors(a.get("warnings").toString()),
                        ((Timestamp) a.get("updated_at")).toInstant()))
                .toList();
        Timestamp finished = (Timestamp) j.get("finished_at");
        return new JobView(id, (String) j.get("state"), (String) j.get("trigger"), List.of(((String) j.get("scope")).split(",")),
                ((Timestamp) j.get("created_at")).toInstant(), finished == null ? null : finished.toInstant(), agents);
    }

    private static Long asLong(Object o) {
        return o == null ? null : ((Number) o).longValue();
    }
}
