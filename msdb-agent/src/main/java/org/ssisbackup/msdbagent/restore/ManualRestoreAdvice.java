package org.ssisbackup.msdbagent.restore;

import java.util.List;
import java.util.Set;
import org.ssisbackup.agent.restore.RestoreContext;
import org.ssisbackup.agent.restore.RestoreHandler;
import org.ssisbackup.contracts.Artifact;
import org.ssisbackup.contracts.ArtifactKind;

/**
 * What a restore never writes by itself, reported as skipped with how an admin applies it: SSISDB parameter values and
 * environments (they reference sensitive values the backup never had), the native msdb backup (restoring msdb replaces
 * every job and needs SQL Server Agent stopped) and [SSIS Configurations] rows (kept as CSV).
 */
public final class ManualRestoreAdvice implements RestoreHandler {

    @Override
    public Set<ArtifactKind> kinds() {
        return Set.of(
                ArtifactKind.SSISDB_PARAMETERS,
                ArtifactKind.SSISDB_ENVIRONMENT,
                ArtifactKind.MSDB_DATABASE_BACKUP,
                ArtifactKind.CONFIG_TABLE);
    }

    @Override
    public void restore(List<Artifact> items, RestoreContext ctx) {
        for (Artifact a : items) {
            ctx.skipped(
                    a.logicalPath(),
                    switch (a.kind()) {
                        case MSDB_DATABASE_BACKUP ->
                            "a whole-msdb backup is restored by an admin: RESTORE DATABASE msdb from object "
                                    + a.objectKey() + " with SQL Server Agent stopped, on the same version and build ("
                                    + a.metadata().getOrDefault("serverVersion", "?") + ")";
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
