package org.ssisbackup.orchestrator.web;

import java.security.Principal;
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
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.ssisbackup.contracts.AgentError;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.BackupScope;
import org.ssisbackup.contracts.ObjectKeys;
import org.ssisbackup.orchestrator.backup.BackupJobRepository;
import org.ssisbackup.orchestrator.backup.BackupJobs;
import org.ssisbackup.orchestrator.fleet.FleetRegistry;
import org.ssisbackup.orchestrator.fleet.LabelSelector;
import org.ssisbackup.orchestrator.job.JobState;
import org.ssisbackup.orchestrator.policy.Policy;
import org.ssisbackup.orchestrator.policy.PolicyRepository;

/** Start a backup now, and follow it. */
@RestController
@RequestMapping("/api/v1/backups")
class BackupController {
    private final BackupJobs jobs;
    private final BackupJobRepository repository;
    private final FleetRegistry fleet;
    private final PolicyRepository policies;

    BackupController(BackupJobs jobs, BackupJobRepository repository, FleetRegistry fleet, PolicyRepository policies) {
        this.jobs = jobs;
        this.repository = repository;
        this.fleet = fleet;
        this.policies = policies;
    }

    /**
     * Hosts by id, or by a label selector over the fleet ({@code env=prod,team=bi}), or both; with a {@code policy}, its
     * scope, limits and retention (and its selector when no hosts are named): "run this policy now".
     */
    record BackupRequest(List<String> hosts, String selector, List<String> scope, String policy) {}

    /** One agent's part of a job. */
    record AgentView(
            String hostId,
            AgentKind agent,
            JobState state,
            UUID restorePointId,
            Long artifactCount,
            Long bytesScanned,
            Long bytesUploaded,
            List<AgentError> errors,
            List<AgentError> warnings,
            Instant updatedAt) {}

    record JobView(
            UUID jobId,
            JobState state,
            String trigger,
            Set<BackupScope> scope,
            Instant createdAt,
            Instant finishedAt,
            List<AgentView> agents) {}

    @PostMapping
    ResponseEntity<BackupJobs.NewJob> start(@RequestBody BackupRequest request) {
        if (request == null) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "body must be a backup request");
        }
        Policy policy = null;
        if (request.policy() != null && !request.policy().isBlank()) {
            policy = policies.find(request.policy())
                    .orElseThrow(() -> new ResponseStatusException(
                            HttpStatus.UNPROCESSABLE_CONTENT, "no policy " + request.policy()));
        }
        boolean byId = request.hosts() != null && !request.hosts().isEmpty();
        String selector = request.selector() != null && !request.selector().isBlank()
                ? request.selector()
                : !byId && policy != null ? policy.selector() : null;
        if (!byId && selector == null) {
            throw new ResponseStatusException(
                    HttpStatus.BAD_REQUEST, "name hosts in 'hosts', select them with 'selector', or name a 'policy'");
        }
        Set<String> hosts = new LinkedHashSet<>();
        if (selector != null) {
            hosts.addAll(fleet.hostIds(LabelSelector.parse(selector)));
            if (hosts.isEmpty() && !byId) {
                throw new ResponseStatusException(
                        HttpStatus.UNPROCESSABLE_CONTENT, "selector '" + selector + "' matches no host of the fleet");
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
            scope.add(BackupScope.parse(s));
        }
        return ResponseEntity.accepted()
                .body(jobs.start(new ArrayList<>(hosts), scope, "rest", policy == null ? null : policy.id()));
    }

    /** Cancels a job: queued hosts are dropped and open agent parts end CANCELLED. */
    @PostMapping("/{jobId}/cancel")
    JobView cancel(@PathVariable UUID jobId, Principal principal) {
        if (jobs.cancel(jobId, principal == null ? "api" : principal.getName()).isEmpty()) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no backup job " + jobId);
        }
        return one(jobId);
    }

    @GetMapping("/{jobId}")
    JobView one(@PathVariable UUID jobId) {
        return repository
                .find(jobId)
                .map(j -> views(List.of(j)).get(0))
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no job " + jobId));
    }

    @GetMapping
    List<JobView> list(
            @RequestParam(required = false) String host,
            @RequestParam(required = false) String state,
            @RequestParam(defaultValue = "50") int limit) {
        JobState wanted = state == null || state.isBlank() ? null : Enums.parse(JobState.class, "state", state);
        return views(repository.list(host, wanted, Math.max(1, Math.min(limit, 500))));
    }

    private List<JobView> views(List<BackupJobRepository.JobRecord> jobs) {
        Map<UUID, List<BackupJobRepository.AgentRecord>> parts = repository.parts(
                jobs.stream().map(BackupJobRepository.JobRecord::id).toList());
        return jobs.stream()
                .map(j -> new JobView(
                        j.id(),
                        j.state(),
                        j.trigger(),
                        j.scope(),
                        j.createdAt(),
                        j.finishedAt(),
                        parts.get(j.id()).stream()
                                .map(a -> new AgentView(
                                        a.hostId(),
                                        a.agent(),
                                        a.state(),
                                        a.restorePointId(),
                                        a.artifactCount(),
                                        a.bytesScanned(),
                                        a.bytesUploaded(),
                                        a.errors(),
                                        a.warnings(),
                                        a.updatedAt()))
                                .toList()))
                .toList();
    }
}
