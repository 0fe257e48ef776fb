package org.ssisbackup.msdbagent.msdb;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The names msdb's package store has on this instance: SQL Server 2008 and later use {@code sysssispackages},
 * {@code sysssispackagefolders} and {@code sp_ssis_*}; SQL Server 2005 used {@code sysdtspackages90},
 * {@code sysdtspackagefolders90} and {@code sp_dts_*}, with the same columns and parameters.
 */
public record MsdbDialect(boolean sqlServer2005, String packagesTable, String foldersTable, String procedurePrefix) {
    public static final MsdbDialect SSIS =
            new MsdbDialect(false, "msdb.dbo.sysssispackages", "msdb.dbo.sysssispackagefolders", "msdb.dbo.sp_ssis_");
    public static final MsdbDialect SQL_SERVER_2005 =
            new MsdbDialect(true, "msdb.dbo.sysdtspackages90", "msdb.dbo.sysdtspackagefolders90", "msdb.dbo.sp_dts_");

    /** Asks the instance which tables it has. */
    public static MsdbDialect detect(Connection c, int timeoutSeconds) throws MsdbException {
        try (Statement s = c.createStatement()) {
            s.setQueryTimeout(timeoutSeconds);
            try (ResultSet rs = s.executeQuery("SELECT OBJECT_ID('msdb.dbo.sysssispackages') AS ssis, "
                    + "OBJECT_ID('msdb.dbo.sysdtspackages90') AS dts90")) {
                rs.next();
                if (rs.getObject("ssis") != null) return SSIS;
                if (rs.getObject("dts90") != null) return SQL_SERVER_2005;
            }
        } catch (SQLException e) {
            throw MsdbException.of("cannot read msdb's package store", e);
        }
        throw MsdbException.notFound(
                "msdb has neither sysssispackages nor sysdtspackages90: not an SSIS package store");
    }

    public String procedure(String name) {
        return procedurePrefix + name;
    }

    public String describe() {
        return sqlServer2005 ? "SQL Server 2005 (sysdtspackages90)" : "SQL Server 2008 or later (sysssispackages)";
    }
}
