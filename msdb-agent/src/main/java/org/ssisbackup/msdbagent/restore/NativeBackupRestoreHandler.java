package org.ssisbackup.msdbagent.restore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import org.ssisbackup.agent.restore.DrillChecks;
import org.ssisbackup.agent.restore.DrillFiles;
import org.ssisbackup.agent.restore.RestoreContext;
import org.ssisbackup.agent.restore.RestoreHandler;
import org.ssisbackup.contracts.Artifact;
import org.ssisbackup.contracts.ArtifactKind;
import org.ssisbackup.msdbagent.msdb.BackupFile;
import org.ssisbackup.msdbagent.msdb.MsdbAgentProperties;
import org.ssisbackup.msdbagent.msdb.MsdbConnector;
import org.ssisbackup.msdbagent.msdb.MsdbException;
import org.ssisbackup.msdbagent.msdb.SqlInstance;

/**
 * The native msdb backup of a restore point. A restore never applies it (restoring msdb replaces every job and needs
 * SQL Server Agent stopped): it is reported as skipped with how an admin restores it. A drill proves it the way SQL
 * Server would read it: the stored copy fetched (chunks authenticated, SHA-256 checked), staged as a file in a folder
 * the instance reads (the drill instance's when one is configured), {@code RESTORE VERIFYONLY ... WITH CHECKSUM} run
 * on it, and the staged file deleted.
 */
public final class NativeBackupRestoreHandler implements RestoreHandler {
    private final MsdbConnector connector;
    private final MsdbAgentProperties.NativeBackup folders;

    /**
     * @param connector the instance drills verify on (the drill instance when one is configured)
     * @param folders   where that instance reads backup files from, as it and this agent see it
     */
    public NativeBackupRestoreHandler(MsdbConnector connector, MsdbAgentProperties.NativeBackup folders) {
        this.connector = connector;
        this.folders = folders;
    }

    @Override
    public Set<ArtifactKind> kinds() {
        return Set.of(ArtifactKind.MSDB_DATABASE_BACKUP);
    }

    @Override
    public void restore(List<Artifact> items, RestoreContext ctx) {
        for (Artifact a : items) {
            ctx.skipped(
                    a.logicalPath(),
                    "a whole-msdb backup is restored by an admin: RESTORE DATABASE msdb from object " + a.objectKey()
                            + " with SQL Server Agent stopped, on the same version and build ("
                            + a.metadata().getOrDefault("serverVersion", "?") + ")");
        }
    }

    @Override
    public void drill(List<Artifact> items, RestoreContext ctx, DrillChecks checks) {
        for (Artifact a : items) {
            Path fetched;
            try {
                fetched = DrillFiles.fetch(a, ctx);
            } catch (IOException | RuntimeException e) {
                ctx.failed(a.logicalPath(), "the stored backup is not readable: " + e.getMessage());
                continue;
            }
            checks.itemChecked();
            verify(a, fetched, ctx, checks);
        }
    }

    private void verify(Artifact a, Path fetched, RestoreContext ctx, DrillChecks checks) {
        int timeout = (int) Math.max(1, folders.timeout().toSeconds());
        BackupFile staged = null;
        try (Connection c = connector.connect()) {
            SqlInstance instance = SqlInstance.read(c, connector.queryTimeoutSeconds());
            staged = BackupFile.in(
                    folders, instance, "ssis-backup-drill-" + ctx.command().restorePointId() + ".bak");
            try {
                Files.move(fetched, staged.agentFile(), StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException moveAcross) { // another volume or a share: copy instead
                Files.copy(fetched, staged.agentFile(), StandardCopyOption.REPLACE_EXISTING);
            }
            BackupFile.verifyOnly(c, "DISK", staged.serverFile(), timeout);
            checks.documentParsed();
        } catch (SQLException e) {
            ctx.failed(
                    a.logicalPath(),
                    "RESTORE VERIFYONLY of the stored backup, staged as " + (staged == null ? "?" : staged.serverFile())
                            + ", failed: " + MsdbException.of("verify", e).getMessage());
        } catch (MsdbException | IOException | RuntimeException e) {
            ctx.failed(
                    a.logicalPath(),
                    "the stored backup could not be staged where SQL Server reads it"
                            + (staged == null ? "" : " (" + staged.agentFile() + ")") + ": " + e.getMessage()
                            + "; set the native-backup (or drill instance's) directory and agent directory");
        } finally {
            if (staged != null) {
                try {
                    Files.deleteIfExists(staged.agentFile());
                } catch (IOException e) {
                    checks.notCleaned("the staged backup " + staged.agentFile() + ": " + e.getMessage());
                }
            }
        }
    }
}
