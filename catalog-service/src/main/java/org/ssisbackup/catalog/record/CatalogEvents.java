package org.ssisbackup.catalog.record;

import org.ssisbackup.contracts.RestorePointRecorded;

/** Where the catalog tells others what it recorded (ssis.catalog.events). */
@FunctionalInterface
public interface CatalogEvents {
    void recorded(RestorePointRecorded event);
}
