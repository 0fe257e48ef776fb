package org.ssisbackup.catalog.web;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.ssisbackup.catalog.query.CatalogQueries;
import org.ssisbackup.contracts.ObjectKeys;
import org.ssisbackup.contracts.RestorePointStatus;

/** What can I restore? Restore points per host and time range, one point with its artifacts, two points compared. */
@RestController
@RequestMapping("/api/v1/restore-points")
class RestorePointController {
    private final CatalogQueries queries;

    RestorePointController(CatalogQueries queries) {
        this.queries = queries;
    }

    /**
     * A host's restore points, newest first, without their artifacts. Page with {@code limit} (1-500, default 50) and
     * the {@code nextCursor} of the previous page; {@code from} / {@code to} (ISO-8601 instants) bound the time range.
     */
    @GetMapping
    CatalogQueries.Page<CatalogQueries.RestorePointSummary> list(
            @RequestParam String host,
            @RequestParam(required = false) String from,
            @RequestParam(required = false) String to,
            @RequestParam(required = false) String status,
            @RequestParam(defaultValue = "50") int limit,
            @RequestParam(required = false) String cursor) {
        if (!ObjectKeys.isValidHostId(host)) {
            throw bad("invalid host id: " + host);
        }
        String s = null;
        if (status != null && !status.isBlank()) {
            try {
                s = RestorePointStatus.valueOf(status.trim().toUpperCase(Locale.ROOT))
                        .name();
            } catch (IllegalArgumentException e) {
                throw bad("status must be one of " + List.of(RestorePointStatus.values()));
            }
        }
        try {
            return queries.restorePoints(
                    host,
                    instant("from", from),
                    instant("to", to),
                    s,
                    Math.max(1, Math.min(limit, 500)),
                    cursor == null || cursor.isBlank() ? null : cursor);
        } catch (IllegalArgumentException e) {
            throw bad(e.getMessage());
        }
    }

    @GetMapping("/{id}")
    CatalogQueries.RestorePointView one(@PathVariable UUID id) {
        return queries.restorePoint(id)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no restore point " + id));
    }

    /** What changed from restore point {@code from} to restore point {@code to}: added, removed, changed items. */
    @GetMapping("/diff")
    CatalogQueries.Diff diff(@RequestParam UUID from, @RequestParam UUID to) {
        return queries.diff(from, to)
                .orElseThrow(() ->
                        new ResponseStatusException(HttpStatus.NOT_FOUND, "no restore point " + from + " or " + to));
    }

    static Instant instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "'" + name + "' must be an ISO-8601 instant such as 2026-11-25T00:00:00Z");
        }
    }

    static ResponseStatusException bad(String message) {
        return new ResponseStatusException(HttpStatus.BAD_REQUEST, message);
    }
}
