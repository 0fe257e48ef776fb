package org.ssisbackup.contracts;

import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * An agent's part of a job is over. {@code artifactCount} is the number of items in its manifest and in its
 * ArtifactsStored batches, so the catalog can tell that it has seen every one before calling a point COMPLETE.
 * {@code warnings} are things an admin should know that did not stop a capture (an encrypted package stored
 * unread, a configuration reference that could not be resolved). {@code policy} is the command's, handed on.
 * {@code objectsWritten} lists the packs the job wrote and their sizes (format 2), so the catalog counts bytes stored
 * without asking the bucket.
 */
public record AgentJobFinished(
        MessageMeta meta,
        AgentKind agent,
        UUID restorePointId,
        Set<AgentKind> jobAgents,
        Outcome outcome,
        long artifactCount,
        long bytesScanned,
        long bytesUploaded,
        @OptionalField String manifestKey,
        List<AgentError> errors,
        @OptionalField List<AgentError> warnings,
        @OptionalField PolicyRef policy,
        @OptionalField List<StoredObject> objectsWritten)
        implements AgentEvent {

    public AgentJobFinished {
        jobAgents = Set.copyOf(jobAgents);
        errors = errors == null ? List.of() : List.copyOf(errors);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
        objectsWritten = objectsWritten == null ? List.of() : List.copyOf(objectsWritten);
    }

    /** Without objects written (format 1, or nothing new). */
    public AgentJobFinished(
            MessageMeta meta,
            AgentKind agent,
            UUID restorePointId,
            Set<AgentKind> jobAgents,
            Outcome outcome,
            long artifactCount,
            long bytesScanned,
            long bytesUploaded,
            String manifestKey,
            List<AgentError> errors,
            List<AgentError> warnings,
            PolicyRef policy) {
        this(
                meta,
                agent,
                restorePointId,
                jobAgents,
                outcome,
                artifactCount,
                bytesScanned,
                bytesUploaded,
                manifestKey,
                errors,
                warnings,
                policy,
                null);
    }

    /** Without a policy (an ad-hoc backup). */
    public AgentJobFinished(
            MessageMeta meta,
            AgentKind agent,
            UUID restorePointId,
            Set<AgentKind> jobAgents,
            Outcome outcome,
            long artifactCount,
            long bytesScanned,
            long bytesUploaded,
            String manifestKey,
            List<AgentError> errors,
            List<AgentError> warnings) {
        this(
                meta,
                agent,
                restorePointId,
                jobAgents,
                outcome,
                artifactCount,
                bytesScanned,
                bytesUploaded,
                manifestKey,
                errors,
                warnings,
                null);
    }

    /** Without warnings (schema 1 readers see an empty list). */
    public AgentJobFinished(
            MessageMeta meta,
            AgentKind agent,
            UUID restorePointId,
            Set<AgentKind> jobAgents,
            Outcome outcome,
            long artifactCount,
            long bytesScanned,
            long bytesUploaded,
            String manifestKey,
            List<AgentError> errors) {
        this(
                meta,
                agent,
                restorePointId,
                jobAgents,
                outcome,
                artifactCount,
                bytesScanned,
                bytesUploaded,
                manifestKey,
                errors,
                List.of(),
                null);
    }
}
