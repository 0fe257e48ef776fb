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
}
