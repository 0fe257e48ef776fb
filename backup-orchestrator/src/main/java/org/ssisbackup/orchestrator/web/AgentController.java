package org.ssisbackup.orchestrator.web;

import java.security.Principal;
import java.time.Instant;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.ObjectKeys;
import org.ssisbackup.orchestrator.enrolment.AgentEnrolments;
import org.ssisbackup.orchestrator.enrolment.AgentKey;

/**
 * Agents' signing keys (ADR 0007): {@code GET /api/v1/agents?state=PENDING} lists the keys seen (viewer); an admin
 * approves one ({@code POST /api/v1/admin/agents/{hostId}/{agent}/approve {"fingerprint": "SHA256:..."}}) or revokes a
 * host's agent ({@code POST .../revoke}).
 */
@RestController
class AgentController {
    private final AgentEnrolments enrolments;

    AgentController(AgentEnrolments enrolments) {
        this.enrolments = enrolments;
    }

    /** One key as the API shows it (never more than the public key). */
    record AgentKeyView(
            String hostId,
            String agent,
            String fingerprint,
            String publicKey,
            String state,
            Instant firstSeen,
            Instant lastSeen,
            Instant decidedAt,
            String decidedBy) {
        static AgentKeyView of(AgentKey k) {
            return new AgentKeyView(
                    k.hostId(),
                    k.agent(),
                    k.fingerprint(),
                    k.publicKey(),
                    k.state(),
                    k.firstSeen(),
                    k.lastSeen(),
                    k.decidedAt(),
                    k.decidedBy());
        }
    }

    record Approval(String fingerprint) {}

    @GetMapping("/api/v1/agents")
    List<AgentKeyView> agents(
            @RequestParam(required = false) String state,
            @RequestParam(required = false) String hostId,
            @RequestParam(defaultValue = "0") int offset,
            @RequestParam(defaultValue = "100") int limit) {
        String s = null;
        if (state != null && !state.isBlank()) {
            s = state.trim().toUpperCase(java.util.Locale.ROOT);
            if (!List.of("ENROLLED", "PENDING", "REVOKED").contains(s)) {
                throw new ResponseStatusException(
                        HttpStatus.BAD_REQUEST, "unknown state '" + state + "'; known: ENROLLED, PENDING, REVOKED");
            }
        }
        if (hostId != null && !hostId.isBlank() && !ObjectKeys.isValidHostId(hostId)) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "invalid host id");
        }
        if (offset < 0 || limit < 1 || limit > 1000) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "offset >= 0 and limit 1..1000");
        }
        return enrolments.list(s, hostId == null || hostId.isBlank() ? null : hostId, offset, limit).stream()
                .map(AgentKeyView::of)
                .toList();
    }

    @PostMapping("/api/v1/admin/agents/{hostId}/{agent}/approve")
    AgentKeyView approve(
            @PathVariable String hostId,
            @PathVariable String agent,
            @RequestBody(required = false) Approval body,
            Principal who) {
        AgentKind kind = kindOf(hostId, agent);
        if (body == null || body.fingerprint() == null || body.fingerprint().isBlank()) {
            throw new ResponseStatusException(
                    HttpStatus.BAD_REQUEST,
                    "body must be {\"fingerprint\": \"SHA256:...\"}: the key's fingerprint, as the agent logs it at"
                            + " start and GET /api/v1/agents lists it");
        }
        try {
            var r = enrolments.approve(hostId, kind, body.fingerprint().trim(), who == null ? "admin" : who.getName());
            return AgentKeyView.of(r);
        } catch (IllegalArgumentException e) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, e.getMessage());
        } catch (IllegalStateException e) {
            throw new ResponseStatusException(HttpStatus.CONFLICT, e.getMessage());
        }
    }

    @PostMapping("/api/v1/admin/agents/{hostId}/{agent}/revoke")
    void revoke(@PathVariable String hostId, @PathVariable String agent, Principal who) {
        if (!enrolments.revoke(hostId, kindOf(hostId, agent), who == null ? "admin" : who.getName())) {
            throw new ResponseStatusException(
                    HttpStatus.NOT_FOUND, "host " + hostId + "'s " + agent + " agent has no enrolled key");
        }
    }

    private static AgentKind kindOf(String hostId, String agent) {
        if (!ObjectKeys.isValidHostId(hostId)) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "invalid host id");
        }
        try {
            return Enums.parse(AgentKind.class, "agent", agent);
        } catch (IllegalArgumentException e) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, e.getMessage());
        }
    }
}
