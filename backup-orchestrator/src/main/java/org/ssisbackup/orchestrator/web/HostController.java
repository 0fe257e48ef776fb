package org.ssisbackup.orchestrator.web;

import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.ssisbackup.contracts.ObjectKeys;
import org.ssisbackup.orchestrator.fleet.FleetRegistry;
import org.ssisbackup.orchestrator.fleet.LabelSelector;

/** The fleet: {@code GET /api/v1/hosts?selector=env=prod&state=UNREACHABLE}, one host, and its labels. */
@RestController
@RequestMapping("/api/v1/hosts")
class HostController {
    private final FleetRegistry fleet;

    HostController(FleetRegistry fleet) {
        this.fleet = fleet;
    }

    @GetMapping
    List<FleetRegistry.HostView> hosts(
            @RequestParam(required = false) String selector, @RequestParam(required = false) String state) {
        try {
            return fleet.hosts(
                    LabelSelector.parse(selector),
                    state == null || state.isBlank()
                            ? null
                            : FleetRegistry.HostState.valueOf(state.trim().toUpperCase(java.util.Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            throw new ResponseStatusException(
                    HttpStatus.BAD_REQUEST,
                    e.getMessage().startsWith("No enum")
                            ? "unknown state '" + state + "'; known: " + List.of(FleetRegistry.HostState.values())
                            : e.getMessage());
        }
    }

    @GetMapping("/{hostId}")
    FleetRegistry.HostView host(@PathVariable String hostId) {
        return fleet.host(hostId)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no host " + hostId));
    }

    record Labels(Map<String, String> labels) {}

    /** Replaces the host's labels (environment, region, team, ...). */
    @PutMapping("/{hostId}/labels")
    FleetRegistry.HostView labels(@PathVariable String hostId, @RequestBody Labels body) {
        if (!ObjectKeys.isValidHostId(hostId)) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "invalid host id: " + hostId);
        }
        if (body == null || body.labels() == null) {
            throw new ResponseStatusException(
                    HttpStatus.BAD_REQUEST, "body must be {\"labels\": {\"key\": \"value\", ...}}");
        }
        try {
            return fleet.setLabels(hostId, body.labels());
        } catch (IllegalArgumentException e) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, e.getMessage());
        }
    }
}
