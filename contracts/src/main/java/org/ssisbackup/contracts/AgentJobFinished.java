package org.ssisbackup.contracts;

import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * An agent's part of a job is over. {@code artifactCount} is the number of items in its manifest and in its
 * ArtifactsStored batches, so the catalog can tell that it has seen every one before calling a point COMPLETE.
 */
public record AgentJobFinished(MessageMeta meta, AgentKind agent, UUID restorePointId, Set<AgentKind> jobAgents,
                               Outcome outcome, long artifactCount, long bytesScanned, long bytesUploaded,
                               @OptionalField String manifestKey, List<AgentError> errors) implements AgentEvent {

    public AgentJobFinished {
        jobAgents = Set.copyOf(jobAgents);
        errors = errors == null ? List.of() : List.copyOf(errors);
    }
}
