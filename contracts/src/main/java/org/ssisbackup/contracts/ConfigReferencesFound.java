package org.ssisbackup.contracts;

import java.util.List;
import java.util.UUID;

/**
 * The configurations that a host's msdb packages refer to, and the files its SQL Server Agent jobs run or load, so the
 * host's fs-agent can capture them in the same job.
 *
 * @param jobFiles absent from agents older than job capture: none
 */
public record ConfigReferencesFound(
        MessageMeta meta,
        AgentKind agent,
        UUID restorePointId,
        List<ConfigReference> references,
        @OptionalField List<JobFileReference> jobFiles)
        implements AgentEvent {

    /** At most this many references of each sort in one message. */
    public static final int MAX_REFERENCES = 100_000;

    public ConfigReferencesFound {
        references = List.copyOf(references);
        jobFiles = jobFiles == null ? List.of() : List.copyOf(jobFiles);
        if (references.size() > MAX_REFERENCES || jobFiles.size() > MAX_REFERENCES) {
            throw new IllegalArgumentException("at most " + MAX_REFERENCES + " references of each sort");
        }
    }

    /** Configuration references alone (a capture that found no jobs). */
    public ConfigReferencesFound(
            MessageMeta meta, AgentKind agent, UUID restorePointId, List<ConfigReference> references) {
        this(meta, agent, restorePointId, references, List.of());
    }
}
