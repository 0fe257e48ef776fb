package org.ssisbackup.msdbagent.msdb;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * A backup file in a folder both SQL Server and this agent reach: its path as the server sees it (in its statements)
 * and as the agent sees it (a share or mount of the same folder, or the same path when the agent runs on the server).
 *
 * @param serverFile the path SQL Server opens
 * @param agentFile  the same file as this agent opens it
 */
public record BackupFile(String serverFile, Path agentFile) {

    /**
     * File {@code name} in the configured folder, or the instance's default backup directory when none is configured.
     *
     * @throws IllegalStateException when neither names a folder
     */
    public static BackupFile in(MsdbAgentProperties.NativeBackup settings, SqlInstance instance, String name) {
        String directory = blankToNull(settings.directory());
        if (directory == null) {
            directory = blankToNull(instance.defaultBackupDirectory());
        }
        if (directory == null) {
            throw new IllegalStateException("no folder for the backup file: set ssisbackup.msdb.native-backup.directory"
                    + " (or the drill instance's backup-directory); the instance reports no default backup directory");
        }
        // The server's separator, whatever this agent's platform is: a Linux agent may serve a Windows server.
        String separator = directory.contains("\\") ? "\\" : "/";
        String serverFile = directory + (directory.endsWith(separator) ? "" : separator) + name;
        String agentDirectory = blankToNull(settings.agentDirectory());
        return new BackupFile(
                serverFile,
                Path.of(agentDirectory == null ? directory : agentDirectory).resolve(name));
    }

    /**
     * {@code RESTORE VERIFYONLY FROM <device> = ? WITH CHECKSUM}: the server reads the whole backup and checks its page
     * checksums. The source is a parameter, never spliced into the statement.
     */
    public static void verifyOnly(Connection c, String device, String source, int timeoutSeconds) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("RESTORE VERIFYONLY FROM " + device + " = ? WITH CHECKSUM")) {
            ps.setQueryTimeout(timeoutSeconds);
            ps.setString(1, source);
            ps.execute();
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
