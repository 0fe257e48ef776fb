package org.ssisbackup.orchestrator.web;

import java.util.List;
import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.server.ResponseStatusException;
import org.ssisbackup.orchestrator.fleet.FleetRegistry;
import org.ssisbackup.orchestrator.fleet.LabelSelector;
import org.ssisbackup.orchestrator.health.FleetHealth;

/**
 * The fleet status page ({@code /status}, static, no login of its own) and the one API call it makes:
 * {@code GET /api/v1/status?selector=&state=}, every host with its agents, last backups and health (viewer role).
 */
@Controller
class StatusController {
    private final FleetHealth health;

    StatusController(FleetHealth health) {
        this.health = health;
    }

    @GetMapping({"/status", "/status/"})
    String page() {
        return "forward:/status/index.html";
    }

    @GetMapping("/api/v1/status")
    @ResponseBody
    List<FleetHealth.HostStatus> status(
            @RequestParam(required = false) String selector, @RequestParam(required = false) String state) {
        try {
            return health.status(
                    LabelSelector.parse(selector),
                    state == null || state.isBlank()
                            ? null
                            : FleetRegistry.HostState.valueOf(state.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            throw new ResponseStatusException(
                    HttpStatus.BAD_REQUEST,
                    e.getMessage().startsWith("No enum")
                            ? "unknown state '" + state + "'; known: " + List.of(FleetRegistry.HostState.values())
                            : e.getMessage());
        }
    }
}
