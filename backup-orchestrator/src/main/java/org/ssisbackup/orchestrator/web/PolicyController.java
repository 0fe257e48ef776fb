package org.ssisbackup.orchestrator.web;

import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.ssisbackup.orchestrator.policy.Policy;
import org.ssisbackup.orchestrator.policy.PolicyRepository;

/** Policies: {@code /api/v1/policies}, addressed by id or name. */
@RestController
@RequestMapping("/api/v1/policies")
class PolicyController {
    private final PolicyRepository policies;

    PolicyController(PolicyRepository policies) {
        this.policies = policies;
    }

    @GetMapping
    List<Policy> all() {
        return policies.all();
    }

    @GetMapping("/{idOrName}")
    Policy one(@PathVariable String idOrName) {
        return policies.find(idOrName).orElseThrow(() -> notFound(idOrName));
    }

    @PostMapping
    ResponseEntity<Policy> create(@RequestBody Policy policy) {
        return ResponseEntity.status(HttpStatus.CREATED).body(guarded(() -> policies.create(required(policy))));
    }

    @PutMapping("/{idOrName}")
    Policy update(@PathVariable String idOrName, @RequestBody Policy policy) {
        return guarded(() -> policies.update(idOrName, required(policy))).orElseThrow(() -> notFound(idOrName));
    }

    @DeleteMapping("/{idOrName}")
    ResponseEntity<Void> delete(@PathVariable String idOrName) {
        if (!policies.delete(idOrName)) {
            throw notFound(idOrName);
        }
        return ResponseEntity.noContent().build();
    }

    private static Policy required(Policy p) {
        if (p == null) {
            throw new IllegalArgumentException("body must be a policy");
        }
        return p;
    }

    private static <T> T guarded(java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (PolicyRepository.NameTakenException e) {
            throw new ResponseStatusException(HttpStatus.CONFLICT, e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, e.getMessage());
        }
    }

    private static ResponseStatusException notFound(String idOrName) {
        return new ResponseStatusException(HttpStatus.NOT_FOUND, "no policy " + idOrName);
    }
}
