package org.ssisbackup.orchestrator.web;

import java.security.Principal;
import java.util.LinkedHashSet;
import java.util.List;
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
import org.ssisbackup.contracts.ObjectKeys;
import org.ssisbackup.orchestrator.OrchestratorProperties;
import org.ssisbackup.orchestrator.drill.Drills;
import org.ssisbackup.orchestrator.fleet.FleetRegistry;
import org.ssisbackup.orchestrator.restore.CatalogClient;

/**
 * Restore drills (issue 17): {@code POST /api/v1/drills {"hosts": [...]}} drills each host's newest COMPLETE point,
 * {@code {"restorePointId": ...}} one chosen point; {@code 202 {"drillId": ...}}. {@code GET /api/v1/drills/{id}}: its
 * state and, per host and agent, what was checked and what failed; {@code GET /api/v1/drills?requestedBy=&limit=} the
 * newest drills first.
 */
@RestController
@RequestMapping("/api/v1/drills")
class DrillController {
    private final Drills drills;
    private final CatalogClient catalog;
    private final FleetRegistry fleet;
    private final OrchestratorProperties properties;

    DrillController(Drills drills, CatalogClient catalog, FleetRegistry fleet, OrchestratorProperties properties) {
        this.drills = drills;
        this.catalog = catalog;
        this.fleet = fleet;
        this.properties = properties;
    }

    record DrillRequest(List<String> hosts, UUID restorePointId) {}

    record DrillAccepted(UUID drillId, List<String> hosts) {}

    @PostMapping
    ResponseEntity<DrillAccepted> start(@RequestBody(required = false) DrillRequest r, Principal who) {
        boolean byHosts = r != null && r.hosts() != null && !r.hosts().isEmpty();
        boolean byPoint = r != null && r.restorePointId() != null;
        if (byHosts == byPoint) {
            throw new IllegalArgumentException(
                    "give either \"hosts\": [...] (each host's newest COMPLETE point) or \"restorePointId\"");
        }
        List<CatalogClient.RestorePointSummary> points;
        try {
            if (byPoint) {
                points = List.of(catalog.restorePoint(r.restorePointId())
                        .orElseThrow(() -> new ResponseStatusException(
                                HttpStatus.NOT_FOUND, "the catalog has no restore point " + r.restorePointId())));
            } else {
                List<String> hosts = List.copyOf(new LinkedHashSet<>(r.hosts()));
                if (hosts.size() > properties.maxHostsPerJob()) {
                    throw new IllegalArgumentException(
                            "at most " + properties.maxHostsPerJob() + " hosts per drill, not " + hosts.size());
                }
                for (String h : hosts) {
                    if (!ObjectKeys.isValidHostId(h)) {
                        throw new IllegalArgumentException("invalid host id: " + BackupController.printable(h));
                    }
                }
                List<String> unknown = fleet.unknownHosts(hosts);
                if (!unknown.isEmpty()) {
                    throw new ResponseStatusException(
                            HttpStatus.UNPROCESSABLE_CONTENT, BackupController.unknownHosts(unknown));
                }
                points = drills.newestPoints(hosts);
            }
        } catch (Drills.NothingToDrillException e) {
            throw new ResponseStatusException(HttpStatus.UNPROCESSABLE_CONTENT, e.getMessage());
        } catch (IllegalStateException e) { // the catalog is down or refuses the key: nothing is dispatched
            throw new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
        }
        if (points.stream().anyMatch(p -> p.artifacts().isEmpty())) {
            throw new ResponseStatusException(
                    HttpStatus.UNPROCESSABLE_CONTENT, "a restore point holds nothing to drill");
        }
        UUID id = drills.start(points, who == null ? "api" : who.getName());
        return ResponseEntity.accepted()
                .body(new DrillAccepted(
                        id,
                        points.stream()
                                .map(CatalogClient.RestorePointSummary::hostId)
                                .toList()));
    }

    /** The newest drills first; {@code requestedBy} such as {@code policy:nightly} or an API key's role name. */
    @GetMapping
    List<Drills.DrillView> list(
            @RequestParam(required = false) String requestedBy, @RequestParam(defaultValue = "20") int limit) {
        if (limit < 1 || limit > 200) {
            throw new IllegalArgumentException("limit: 1 to 200");
        }
        if (requestedBy != null && requestedBy.length() > 200) {
            throw new IllegalArgumentException("requestedBy: at most 200 characters");
        }
        return drills.recent(requestedBy, limit);
    }

    @GetMapping("/{id}")
    Drills.DrillView one(@PathVariable UUID id) {
        return drills.find(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no drill " + id));
    }
}
