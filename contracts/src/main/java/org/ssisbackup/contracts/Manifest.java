package org.ssisbackup.contracts;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What one agent stored for one restore point; written to
 * {@link ObjectKeys#manifest(String, UUID, AgentKind)}. The catalog can be rebuilt from these alone.
 *
 * @param jobAgents every agent kind of the job, so a rebuild knows whether the point is whole (absent in manifests
 *                  written before it existed: such points are rebuilt as PARTIAL)
 * @param policy    the policy the backup ran under (absent for ad-hoc backups), so a rebuilt catalog keeps its retention
 * @param scope     the key scope its items were written in (format 2; absent in format 1)
 */
public record Manifest(
        int schemaVersion,
        String hostId,
        UUID jobId,
        UUID restorePointId,
        AgentKind agent,
        Outcome outcome,
        Instant createdAt,
        List<Artifact> artifacts,
        List<AgentError> errors,
        @OptionalField List<AgentError> warnings,
        @OptionalField java.util.Set<AgentKind> jobAgents,
        @OptionalField PolicyRef policy,
        @OptionalField String scope) {

    public Manifest {
        artifacts = List.copyOf(artifacts);
        errors = errors == null ? List.of() : List.copyOf(errors);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
        jobAgents = jobAgents == null ? null : java.util.Set.copyOf(jobAgents);
        if (scope != null) {
            ObjectKeys.requireValidHostId(scope);
        }
    }

    /** A manifest of format 1 (items kept whole, no key scope). */
    public Manifest(
            int schemaVersion,
            String hostId,
            UUID jobId,
            UUID restorePointId,
            AgentKind agent,
            Outcome outcome,
            Instant createdAt,
            List<Artifact> artifacts,
            List<AgentError> errors,
            List<AgentError> warnings,
            java.util.Set<AgentKind> jobAgents,
            PolicyRef policy) {
        this(
                schemaVersion,
                hostId,
                jobId,
                restorePointId,
                agent,
                outcome,
                createdAt,
                artifacts,
                errors,
                warnings,
                jobAgents,
                policy,
                null);
    }
}
