package org.ssisbackup.orchestrator.web;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
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
import org.ssisbackup.contracts.Outcome;
import org.ssisbackup.contracts.RestoreFinished;
import org.ssisbackup.contracts.RestoreOptions;
import org.ssisbackup.orchestrator.job.JobState;
import org.ssisbackup.orchestrator.restore.CatalogClient;
import org.ssisbackup.orchestrator.restore.RestoreJobRepository;
import org.ssisbackup.orchestrator.restore.RestoreJobs;

/** Restore a restore point (or part of it) onto its host or another one, and follow it. */
@RestController
@RequestMapping("/api/v1/restores")
class RestoreController {
    private final RestoreJobs restores;
    private final RestoreJobRepository repository;
    private final CatalogClient catalog;
    private final org.ssisbackup.orchestrator.fleet.FleetRegistry fleet;

    RestoreController(
            RestoreJobs restores,
            RestoreJobRepository repository,
            CatalogClient catalog,
            org.ssisbackup.orchestrator.fleet.FleetRegistry fleet) {
        this.restores = restores;
        this.repository = repository;
        this.catalog = catalog;
        this.fleet = fleet;
    }

    /**
     * Which point, onto which host (default: its own; another must be known to the fleet unless
     * {@code allowUnknownHosts}), and the options, flat in the same JSON object.
     */
    record RestoreRequest(
            UUID restorePointId,
            String targetHost,
            Boolean allowUnknownHosts,
            @JsonUnwrapped RestoreOptions options) {}

    record RestoreAccepted(UUID restoreId, String sourceHost, String targetHost, Set<AgentKind> agents) {}

    /** What one agent did, item by item: written (or in a dry run would be), skipped, refused, failed. */
    record AgentResult(
            Outcome outcome,
            boolean dryRun,
            List<String> written,
            List<AgentError> skipped,
            List<AgentError> refused,
            List<AgentError> failed) {
        static AgentResult of(RestoreFinished f) {
            return f == null
                    ? null
                    : new AgentResult(f.outcome(), f.dryRun(), f.written(), f.skipped(), f.refused(), f.failed());
        }
    }

    record AgentView(AgentKind agent, JobState state, AgentResult result, Instant updatedAt) {}

    record RestoreView(
            UUID restoreId,
            JobState state,
            UUID restorePointId,
            String sourceHost,
            String targetHost,
            Instant createdAt,
            Instant finishedAt,
            List<AgentView> agents) {}

    @PostMapping
    ResponseEntity<RestoreAccepted> start(@RequestBody RestoreRequest r) {
        if (r == null || r.restorePointId() == null) {
            throw new IllegalArgumentException("'restorePointId' is required");
        }
        RestoreOptions options = r.options() == null ? RestoreOptions.defaults() : r.options();
        if (options.drilling()) {
            throw new IllegalArgumentException("a drill is asked for with POST /api/v1/drills");
        }
        if (r.targetHost() != null && !ObjectKeys.isValidHostId(r.targetHost())) {
            throw new IllegalArgumentException("invalid target host: " + BackupController.printable(r.targetHost()));
        }
        if (r.targetHost() != null
                && !Boolean.TRUE.equals(r.allowUnknownHosts())
                && !fleet.unknownHosts(List.of(r.targetHost())).isEmpty()) {
            throw new ResponseStatusException(
                    HttpStatus.UNPROCESSABLE_CONTENT,
                    "target host: " + BackupController.unknownHosts(List.of(r.targetHost())));
        }
        CatalogClient.RestorePointSummary point;
        try {
            point = catalog.restorePoint(r.restorePointId())
                    .orElseThrow(() -> new ResponseStatusException(
                            HttpStatus.NOT_FOUND, "the catalog has no restore point " + r.restorePointId()));
        } catch (IllegalStateException e) { // the catalog is down or refuses the key: nothing is dispatched
            throw new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
        }
        String target = r.targetHost() == null ? point.hostId() : r.targetHost();
        Set<AgentKind> agents = EnumSet.noneOf(AgentKind.class);
        point.artifacts().forEach(a -> agents.add(AgentKind.valueOf(a.agent())));
        java.util.Optional<RestoreOptions.CopyTarget> copy = options.copyTarget();
        if (copy.isPresent()) {
            // A cross-store copy: the target's agent of the other store reads this store's manifest and writes.
            RestoreOptions.CopyTarget c = copy.get();
            if (!agents.contains(c.source())) {
                throw new IllegalArgumentException("the restore point holds no " + c.copies() + " items to copy");
            }
            UUID id = restores.start(new RestoreJobs.RestoreSpec(
                    point.id(),
                    point.hostId(),
                    target,
                    EnumSet.of(c.writer()),
                    options,
                    java.util.Map.of(c.writer(), point.manifestFormat(c.source().name()))));
            return ResponseEntity.accepted()
                    .body(new RestoreAccepted(id, point.hostId(), target, EnumSet.of(c.writer())));
        }
        if (!options.scope().isEmpty()) {
            Set<AgentKind> asked = EnumSet.noneOf(AgentKind.class);
            options.scope().stream().map(BackupScope::agent).forEach(asked::add);
            agents.retainAll(asked);
        }
        if (agents.isEmpty()) {
            throw new IllegalArgumentException("the restore point holds nothing in that scope");
        }
        java.util.Map<AgentKind, Integer> formats = new java.util.EnumMap<>(AgentKind.class);
        agents.forEach(a -> formats.put(a, point.manifestFormat(a.name())));
        UUID id = restores.start(
                new RestoreJobs.RestoreSpec(point.id(), point.hostId(), target, agents, options, formats));
        return ResponseEntity.accepted().body(new RestoreAccepted(id, point.hostId(), target, agents));
    }

    /** Restores (drills are under /api/v1/drills) newest first; each agent's state, its item lists left out. */
    @GetMapping
    List<RestoreView> list(@RequestParam(required = false) String host, @RequestParam(defaultValue = "20") int limit) {
        if (limit < 1 || limit > 500) {
            throw new IllegalArgumentException("limit must be 1-500, not " + limit);
        }
        if (host != null && !ObjectKeys.isValidHostId(host)) {
            throw new IllegalArgumentException("invalid host id: " + BackupController.printable(host));
        }
        return repository.recent(host, limit).stream()
                .map(this::one)
                .map(r -> new RestoreView(
                        r.restoreId(),
                        r.state(),
                        r.restorePointId(),
                        r.sourceHost(),
                        r.targetHost(),
                        r.createdAt(),
                        r.finishedAt(),
                        r.agents().stream()
                                .map(a -> new AgentView(a.agent(), a.state(), null, a.updatedAt()))
                                .toList()))
                .toList();
    }

    @GetMapping("/{id}")
    RestoreView one(@PathVariable UUID id) {
        RestoreJobRepository.RestoreRecord j = repository
                .find(id)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no restore " + id));
        List<AgentView> agents = repository.parts(id).stream()
                .map(p -> new AgentView(p.agent(), p.state(), AgentResult.of(p.result()), p.updatedAt()))
                .toList();
        return new RestoreView(
                id,
                j.state(),
                j.restorePointId(),
                j.sourceHost(),
                j.targetHost(),
                j.createdAt(),
                j.finishedAt(),
                agents);
    }
}
