package org.ssisbackup.contracts;

import java.util.List;
import java.util.UUID;

public record RestorePointRecorded(
        MessageMeta meta, UUID restorePointId, RestorePointStatus status, long artifactCount, List<String> reasons)
        implements CatalogEvent {

    public RestorePointRecorded {
        reasons = reasons == null ? List.of() : List.copyOf(reasons);
    }
}
