package org.ssisbackup.msdbagent.msdb;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** What an instance says about itself: its version decides BACKUP TO URL, its edition COMPRESSION. */
public record SqlInstance(
        String version, int majorVersion, String edition, int engineEdition, String defaultBackupDirectory) {
    static final String SQL = "SELECT CAST(SERVERPROPERTY('ProductVersion') AS nvarchar(128)) AS version,"
            + " CAST(SERVERPROPERTY('Edition') AS nvarchar(128)) AS edition,"
            + " CAST(SERVERPROPERTY('EngineEdition') AS int) AS engineedition,"
            + " CAST(SERVERPROPERTY('InstanceDefaultBackupPath') AS nvarchar(4000)) AS backupdir";

    public static SqlInstance read(Connection c, int timeout) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SQL)) {
            ps.setQueryTimeout(timeout);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                String version = rs.getString("version");
                return new SqlInstance(
                        version,
                        Integer.parseInt(version.split("\\.", -1)[0]),
                        rs.getString("edition"),
                        rs.getInt("engineedition"),
                        rs.getString("backupdir"));
            }
        }
    }

    /** Express (4) has no backup compression; Web reports 2 like Standard and is caught by error 1844. */
    public boolean mayCompress() {
        return engineEdition != 4;
    }
}
