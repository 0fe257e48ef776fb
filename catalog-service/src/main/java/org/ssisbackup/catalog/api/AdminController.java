package org.ssisbackup.catalog.api;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.ssisbackup.catalog.rebuild.CatalogRebuild;

/** Maintenance: rebuild the catalog from the bucket's manifests. */
@RestController
@RequestMapping("/api/v1/admin")
class AdminController {
    private final CatalogRebuild rebuild;

    AdminController(CatalogRebuild rebuild) {
        this.rebuild = rebuild;
    }

    /** Replays every manifest in the bucket; reports what the catalog did not know (and what it could not read). */
    @PostMapping("/rebuild")
    CatalogRebuild.Report rebuild() {
        return rebuild.rebuild();
    }
}
