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
}
