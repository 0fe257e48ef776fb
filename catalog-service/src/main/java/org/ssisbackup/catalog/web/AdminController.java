package org.ssisbackup.catalog.web;

import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.ssisbackup.catalog.CatalogProperties;
import org.ssisbackup.catalog.maintenance.MaintenanceLock;
import org.ssisbackup.catalog.rebuild.CatalogRebuild;
import org.ssisbackup.catalog.retention.RetentionPass;
import org.ssisbackup.catalog.retention.RetentionRepository;
import org.ssisbackup.catalog.verify.BlobVerification;

/** Maintenance: rebuild from the bucket's manifests, retention (and its audit), verification. */
@RestController
@RequestMapping("/api/v1/admin")
class AdminController {
    private final CatalogRebuild rebuild;
    private final RetentionPass retention;
    private final BlobVerification verification;
    private final CatalogProperties properties;
    private final RetentionRepository audit;

    AdminController(
            CatalogRebuild rebuild,
            RetentionPass retention,
            BlobVerification verification,
            CatalogProperties properties,
            RetentionRepository audit) {
        this.rebuild = rebuild;
        this.retention = retention;
        this.verification = verification;
        this.properties = properties;
        this.audit = audit;
    }

    /** A maintenance run of the same kind is going on (here or on another instance): 409 with the reason. */
    @ExceptionHandler(MaintenanceLock.Busy.class)
    ResponseEntity<ProblemDetail> busy(MaintenanceLock.Busy e) {
        return ResponseEntity.status(HttpStatus.CONFLICT)
                .body(ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage()));
    }

    /** Replays every manifest in the bucket; reports what the catalog did not know (and what it could not read). */
    @PostMapping("/rebuild")
    CatalogRebuild.Report rebuild() {
        return rebuild.rebuild();
    }

    /** One retention pass now; {@code dryRun=true} lists what would go and changes nothing. */
    @PostMapping("/retention")
    RetentionPass.Report retention(@RequestParam(defaultValue = "false") boolean dryRun) {
        return retention.run(dryRun);
    }

    /** What retention expired and deleted, newest first; {@code before} (an entry id) pages back. */
    @GetMapping("/retention/audit")
    List<RetentionRepository.AuditEntry> audit(
            @RequestParam(required = false) Long before,
            @RequestParam(defaultValue = "100") int limit,
            @RequestParam(required = false) String host) {
        if (limit < 1 || limit > 1000) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "limit: 1 to 1000");
        }
        return audit.audit(before, host, limit);
    }

    /** Re-reads a share of the stored blobs now (default: the configured share) and checks their SHA-256. */
    @PostMapping("/verification")
    BlobVerification.Report verify(@RequestParam(required = false) Double share) {
        try {
            return verification.run(share == null ? properties.verification().share() : share);
        } catch (IllegalArgumentException e) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, e.getMessage());
        }
    }
}
