package org.ssisbackup.agent.restore;

import java.util.List;
import java.util.Set;
import org.ssisbackup.contracts.Artifact;
import org.ssisbackup.contracts.ArtifactKind;

/**
 * Restores the artifacts of some kinds (the SPI of the restore side). The runner hands each handler the selected
 * items of its kinds (in the restore's scope, matching its globs); the handler writes them and reports every one into
 * the {@link RestoreContext}, which also makes the overwrite decision. One item's problem is reported, not thrown;
 * throwing stops the handler (a lost connection) and is reported with what was done before.
 */
public interface RestoreHandler {

    /** The artifact kinds this handler restores. */
    Set<ArtifactKind> kinds();

    void restore(List<Artifact> items, RestoreContext context) throws Exception;

    /**
     * A restore of this agent was interrupted (the agent stopped while it ran): remove what it may have left half
     * done. Called once, at the agent's next start; never throws (what cannot be cleaned is logged).
     */
    default void interrupted(org.ssisbackup.contracts.RestoreCommand command) {}

    /**
     * A restore drill of these items: restore them into the scratch places the context's options name (a folder under
     * the agent's temporary folder as {@code targetPath}, an msdb folder as {@code targetFolder}), check them there,
     * report what was checked into {@code checks} and every problem as a failed item, then remove from the scratch
     * places what was written (the runner deletes the scratch folder itself). A handler that cannot drill its kinds
     * reports its items as skipped, and the drill does not prove the point.
     */
    default void drill(List<Artifact> items, RestoreContext context, DrillChecks checks) throws Exception {
        for (Artifact a : items) {
            context.skipped(a.logicalPath(), "this agent cannot drill " + a.kind() + " items yet");
        }
    }
}
