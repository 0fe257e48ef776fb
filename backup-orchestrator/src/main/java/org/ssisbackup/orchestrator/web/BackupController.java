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
import org.ssisbackup.orchestrator.OrchestratorProperties;
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
    private final int maxHosts;

    BackupController(
            BackupJobs jobs,
            BackupJobRepository repository,
            FleetRegistry fleet,
            PolicyRepository policies,
            OrchestratorProperties properties) {
        this.jobs = jobs;
        this.repository = repository;
        this.fleet = fleet;
        this.policies = policies;
        this.maxHosts = properties.maxHostsPerJob();
    }

    /** At most this many parts of a job in one answer (a part is one agent of one host). */
    static final int MAX_AGENTS_PER_PAGE = 5_000;

    /**
     * Hosts by id, or by a label selector over the fleet ({@code env=prod,team=bi}), or both; with a {@code policy}, its
     * scope, limits and retention (and its selector when no hosts are named): "run this policy now". Hosts named by id
     * must be known to the fleet (a heartbeat, or labels an admin set) unless {@code allowUnknownHosts} says otherwise.
     */
    record BackupRequest(
            List<String> hosts, String selector, List<String> scope, String policy, Boolean allowUnknownHosts) {}

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

    /**
     * A job; {@code agentCount} and {@code agentStates} cover every part, {@code agents} is one page of them (from
     * {@code agentOffset}, by host and agent).
     */
    record JobView(
            UUID jobId,
            JobState state,
            String trigger,
            Set<BackupScope> scope,
            Instant createdAt,
            Instant finishedAt,
            long agentCount,
            Map<JobState, Long> agentStates,
            int agentOffset,
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
        Set<BackupScope> scope = EnumSet.noneOf(BackupScope.class);
        if (request.scope() == null || request.scope().isEmpty()) {
            scope.addAll(policy != null ? policy.scopes() : BackupScope.DEFAULT);
        }
        for (String s : request.scope() == null ? List.<String>of() : request.scope()) {
            scope.add(BackupScope.parse(s));
        }
        boolean byId = request.hosts() != null && !request.hosts().isEmpty();
        if (byId && request.hosts().size() > maxHosts) {
            throw new ResponseStatusException(
                    HttpStatus.BAD_REQUEST,
                    "at most " + maxHosts + " hosts in one backup, not "
                            + request.hosts().size() + " (ssisbackup.orchestrator.max-hosts-per-job)");
        }
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
        List<String> named = new ArrayList<>();
        for (String h : byId ? request.hosts() : List.<String>of()) {
            if (h == null || !ObjectKeys.isValidHostId(h)) {
                throw new ResponseStatusException(
                        HttpStatus.BAD_REQUEST, "invalid host id: " + (h == null ? "null" : printable(h)));
            }
            named.add(h);
        }
        if (!named.isEmpty() && !Boolean.TRUE.equals(request.allowUnknownHosts())) {
            List<String> unknown = fleet.unknownHosts(new LinkedHashSet<>(named));
            if (!unknown.isEmpty()) {
                throw new ResponseStatusException(HttpStatus.UNPROCESSABLE_CONTENT, unknownHosts(unknown));
            }
        }
        hosts.addAll(named);
        if (hosts.size() > maxHosts) {
            throw new ResponseStatusException(
                    HttpStatus.UNPROCESSABLE_CONTENT,
                    "the request picks " + hosts.size() + " hosts; at most " + maxHosts + " in one backup");
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

    /** The list of unknown hosts in a refusal: the first 20 by name, and how many. */
    static String unknownHosts(List<String> unknown) {
        String shown = String.join(", ", unknown.subList(0, Math.min(20, unknown.size())));
        return unknown.size() + " host(s) the fleet does not know: " + shown + (unknown.size() > 20 ? ", ..." : "")
                + ". A host is known once its agents have sent a heartbeat or an admin has set its labels; to back"
                + " up hosts not seen yet, send \"allowUnknownHosts\": true";
    }

    static String printable(String s) {
        String cut = s.length() > 64 ? s.substring(0, 64) + "..." : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    @GetMapping("/{jobId}")
    JobView one(
            @PathVariable UUID jobId,
            @RequestParam(defaultValue = "0") int agentOffset,
            @RequestParam(defaultValue = "1000") int agentLimit) {
        return repository
                .find(jobId)
                .map(j -> views(List.of(j), agentOffset, agentLimit).get(0))
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no job " + jobId));
    }

    JobView one(UUID jobId) {
        return one(jobId, 0, 1000);
    }

    @GetMapping
    List<JobView> list(
            @RequestParam(required = false) String host,
            @RequestParam(required = false) String state,
            @RequestParam(defaultValue = "50") int limit,
            @RequestParam(defaultValue = "100") int agentLimit) {
        if (limit < 1 || limit > 500) {
            throw new IllegalArgumentException("limit must be 1-500, not " + limit);
        }
        if (host != null && !ObjectKeys.isValidHostId(host)) {
            throw new IllegalArgumentException("invalid host id: " + printable(host));
        }
        JobState wanted = state == null || state.isBlank() ? null : Enums.parse(JobState.class, "state", state);
        return views(repository.list(host, wanted, limit), 0, Math.min(agentLimit, 1000));
    }

    private List<JobView> views(List<BackupJobRepository.JobRecord> jobs, int offset, int limit) {
        if (offset < 0 || limit < 0 || limit > MAX_AGENTS_PER_PAGE) {
            throw new IllegalArgumentException("agentOffset must be 0 or more and agentLimit 0-" + MAX_AGENTS_PER_PAGE);
        }
        List<UUID> ids = jobs.stream().map(BackupJobRepository.JobRecord::id).toList();
        Map<UUID, List<BackupJobRepository.AgentRecord>> parts = repository.parts(ids, offset, limit);
        Map<UUID, Map<JobState, Long>> counts = repository.stateCounts(ids);
        return jobs.stream()
                .map(j -> new JobView(
                        j.id(),
                        j.state(),
                        j.trigger(),
                        j.scope(),
                        j.createdAt(),
                        j.finishedAt(),
                        counts.get(j.id()).values().stream()
                                .mapToLong(Long::longValue)
                                .sum(),
                        counts.get(j.id()),
                        offset,
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
