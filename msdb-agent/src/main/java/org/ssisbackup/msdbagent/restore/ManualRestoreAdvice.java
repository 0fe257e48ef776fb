package org.ssisbackup.msdbagent.restore;

import java.util.List;
import java.util.Set;
import org.ssisbackup.agent.restore.RestoreContext;
import org.ssisbackup.agent.restore.RestoreHandler;
import org.ssisbackup.contracts.Artifact;
import org.ssisbackup.contracts.ArtifactKind;

/**
 * What a restore never writes by itself, reported as skipped with how an admin applies it: SSISDB parameter values and
 * environments (they reference sensitive values the backup never had) and [SSIS Configurations] rows (kept as CSV).
 * The native msdb backup has a handler of its own ({@link NativeBackupRestoreHandler}).
 */
public final class ManualRestoreAdvice implements RestoreHandler {

    @Override
    public Set<ArtifactKind> kinds() {
        return Set.of(ArtifactKind.SSISDB_PARAMETERS, ArtifactKind.SSISDB_ENVIRONMENT, ArtifactKind.CONFIG_TABLE);
    }

    /**
     * A drill fetches each item into the scratch folder (chunks authenticated, SHA-256 checked) and reads it as what it
     * is: JSON documents parsed; CSV rows checked by their hash.
     */
    @Override
    public void drill(List<Artifact> items, RestoreContext ctx, org.ssisbackup.agent.restore.DrillChecks checks) {
        for (Artifact a : items) {
            try {
                java.nio.file.Path file = org.ssisbackup.agent.restore.DrillFiles.fetch(a, ctx);
                checks.itemChecked();
                if (a.kind() == ArtifactKind.SSISDB_PARAMETERS || a.kind() == ArtifactKind.SSISDB_ENVIRONMENT) {
                    org.ssisbackup.contracts.MessageCodec.decodeMap(java.nio.file.Files.readString(file));
                    checks.documentParsed();
                }
            } catch (java.io.IOException | RuntimeException e) {
                ctx.failed(a.logicalPath(), "not readable as what it is: " + e.getMessage());
            }
        }
    }

    @Override
    public void restore(List<Artifact> items, RestoreContext ctx) {
        for (Artifact a : items) {
            ctx.skipped(
                    a.logicalPath(),
                    switch (a.kind()) {
                        case CONFIG_TABLE ->
                            "not applied: the table's rows are kept as CSV in the restore point; load them with"
                                    + " BULK INSERT or SSMS's import";
                        default ->
                            "not applied: kept as JSON in the restore point (sensitive values were never captured); re-apply"
                                    + " with catalog.set_object_parameter_value / catalog.create_environment";
                    });
        }
    }
}
