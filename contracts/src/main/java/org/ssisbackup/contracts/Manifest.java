package org.ssisbackup.contracts;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What one agent stored for one restore point; written to
 * {@link ObjectKeys#manifest(String, UUID, AgentKind)}. The catalog can be rebuilt from these alone.
 */
public record Manifest(int schemaVersion, String hostId, UUID jobId, UUID restorePointId, AgentKind agent,
                       Outcome outcome, Instant createdAt, List<Artifact> artifacts, List<AgentError> errors,
                       @OptionalField List<AgentError> warnings) {

    public Manifest {
        artifacts = List.copyOf(artifacts);
        errors = errors == null ? List.of() : List.copyOf(errors);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }
}
