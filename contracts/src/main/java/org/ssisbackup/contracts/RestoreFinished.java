package org.ssisbackup.contracts;

import java.util.List;
import java.util.UUID;

/**
 * What a restore did, item by item: written (or, in a dry run, would write), skipped (exists and the overwrite
 * policy keeps it), refused (a path that would leave the target root), failed (with the reason).
 */
public record RestoreFinished(
        MessageMeta meta,
        AgentKind agent,
        UUID restorePointId,
        Outcome outcome,
        boolean dryRun,
        List<String> written,
        List<AgentError> skipped,
        List<AgentError> refused,
        List<AgentError> failed,
        @OptionalField DrillReport drill)
        implements AgentEvent {

    /** The end of a restore (not a drill). */
    public RestoreFinished(
            MessageMeta meta,
            AgentKind agent,
            UUID restorePointId,
            Outcome outcome,
            boolean dryRun,
            List<String> written,
            List<AgentError> skipped,
            List<AgentError> refused,
            List<AgentError> failed) {
        this(meta, agent, restorePointId, outcome, dryRun, written, skipped, refused, failed, null);
    }

    public RestoreFinished {
        written = List.copyOf(written);
        skipped = List.copyOf(skipped);
        refused = List.copyOf(refused);
        failed = List.copyOf(failed);
    }
}
