package org.ssisbackup.catalog.web;

import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.ssisbackup.catalog.query.CatalogQueries;
import org.ssisbackup.contracts.ObjectKeys;

/** Across the fleet: each host's newest restore point and its age, what drills proved, every version of one package. */
@RestController
@RequestMapping("/api/v1")
class FleetController {
    private final CatalogQueries queries;

    FleetController(CatalogQueries queries) {
        this.queries = queries;
    }

    /** Per host: the newest restore point (any status) and the newest COMPLETE one, with their ages in seconds. */
    @GetMapping("/fleet/newest")
    List<CatalogQueries.HostNewest> newest() {
        return queries.fleetNewest();
    }

    /**
     * Per host with any drill verdict: its newest proven point (when and by which drill), and its latest drill's
     * failure with the reasons when that drill found problems.
     */
    @GetMapping("/fleet/proofs")
    List<CatalogQueries.HostProof> proofs() {
        return queries.fleetProofs();
    }

    /**
     * Every stored version of one package ({@code \Folder\Package} in msdb, or a file path), across the fleet or on one
     * host: consecutive restore points holding the same bytes are one version; a change starts a new one.
     */
    @GetMapping("/packages/history")
    List<CatalogQueries.PackageVersion> history(
            @RequestParam String path, @RequestParam(required = false) String host) {
        if (path.isBlank()) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "'path' names the package");
        }
        if (host != null && !ObjectKeys.isValidHostId(host)) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "invalid host id: " + host);
        }
        return queries.packageHistory(path, host);
    }
}
