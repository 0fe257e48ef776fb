package org.ssisbackup.msdbagent;

import java.io.ByteArrayInputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.ssisbackup.testkit.msdb.MsdbModel;
import org.ssisbackup.testkit.msdb.MsdbStandIn;
import org.ssisbackup.testkit.msdb.SqlType;

/**
 * The msdb the msdb agent's integration tests run against: the TDS stand-in by default, or a real SQL Server when
 * {@code -Dmssql.url} is set (the {@code mssql-it} Maven profile against docker-compose's SQL Server). Tests seed and
 * inspect msdb through the same procedures and queries on both, over mssql-jdbc; only fault injection and the
 * SQL Server 2005 tables need the stand-in.
 */
final class TestMsdb implements AutoCloseable {
    static final String ADMIN = "ssis_admin_it";
    static final String ADMIN_PASSWORD = "Admin-it-pw-1";

    private final MsdbStandIn standIn;
    private final String url;
    private final String rootUser;
    private final String rootPassword;

    private TestMsdb(MsdbStandIn standIn, String url, String rootUser, String rootPassword) {
        this.standIn = standIn;
        this.url = url;
        this.rootUser = rootUser;
        this.rootPassword = rootPassword;
    }

    static TestMsdb start(boolean sqlServer2005) throws Exception {
        String real = System.getProperty("mssql.url", "");
        if (!real.isEmpty() && !sqlServer2005) {
            TestMsdb t = new TestMsdb(
                    null, real, System.getProperty("mssql.user", "sa"), System.getProperty("mssql.password", ""));
            t.createLogin(ADMIN, ADMIN_PASSWORD, "db_ssisadmin", "SQLAgentOperatorRole");
            return t;
        }
        MsdbStandIn s = new MsdbStandIn(new MsdbModel(sqlServer2005))
                .addAccount(ADMIN, ADMIN_PASSWORD, "db_ssisadmin", "SQLAgentOperatorRole")
                .start(0);
        return new TestMsdb(s, s.jdbcUrl(), ADMIN, ADMIN_PASSWORD);
    }

    boolean isStandIn() {
        return standIn != null;
    }

    MsdbStandIn standIn() {
        return standIn;
    }

    String url() {
        return url;
    }

    boolean sqlServer2005() {
        return standIn != null && standIn.model().isSqlServer2005();
    }

    private String table() {
        return sqlServer2005() ? "msdb.dbo.sysdtspackages90" : "msdb.dbo.sysssispackages";
    }

    private String proc(String name) {
        return (sqlServer2005() ? "msdb.dbo.sp_dts_" : "msdb.dbo.sp_ssis_") + name;
    }

    Connection admin() throws SQLException {
        return DriverManager.getConnection(url, rootUser, rootPassword);
    }

    /** A SQL login with a user in msdb in these roles. */
    void createLogin(String user, String password, String... roles) throws SQLException {
        if (standIn != null) {
            standIn.addAccount(user, password, roles);
            return;
        }
        try (Connection c = admin();
                Statement s = c.createStatement()) {
            s.execute("IF SUSER_ID('" + user + "') IS NULL CREATE LOGIN [" + user + "] WITH PASSWORD = '" + password
                    + "', CHECK_POLICY = OFF");
            s.execute(
                    "USE msdb; IF USER_ID('" + user + "') IS NULL CREATE USER [" + user + "] FOR LOGIN [" + user + "]");
            for (String role : roles) {
                s.execute("USE msdb; ALTER ROLE [" + role + "] ADD MEMBER [" + user + "]");
            }
        }
    }

    void createRole(String role) throws SQLException {
        if (standIn != null) {
            standIn.model().addRole(role);
            return;
        }
        try (Connection c = admin();
                Statement s = c.createStatement()) {
            s.execute("USE msdb; IF DATABASE_PRINCIPAL_ID('" + role + "') IS NULL CREATE ROLE [" + role + "]");
        }
    }

    /** A user database table [SSIS Configurations] with one row per (filter, path, value). */
    void createConfigurationTable(String database, String[][] rows) throws SQLException {
        if (standIn != null) {
            Map<String, SqlType> columns = new LinkedHashMap<>();
            columns.put("configurationfilter", SqlType.nvarchar(255));
            columns.put("configuredvalue", SqlType.nvarchar(255));
            columns.put("packagepath", SqlType.nvarchar(255));
            columns.put("configuredvaluetype", SqlType.nvarchar(20));
            standIn.model().createTable("[" + database + "].[dbo].[SSIS Configurations]", columns);
            for (String[] r : rows) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("configurationfilter", r[0]);
                row.put("configuredvalue", r[1]);
                row.put("packagepath", r[2]);
                row.put("configuredvaluetype", r[3]);
                standIn.model().insertRow("[SSIS Configurations]", row);
            }
            return;
        }
        try (Connection c = admin();
                Statement s = c.createStatement()) {
            s.execute("IF DB_ID('" + database + "') IS NULL CREATE DATABASE [" + database + "]");
            s.execute("USE [" + database
                    + "]; IF OBJECT_ID('dbo.[SSIS Configurations]') IS NOT NULL DROP TABLE [SSIS Configurations];"
                    + " CREATE TABLE [SSIS Configurations] (ConfigurationFilter nvarchar(255) NOT NULL, ConfiguredValue nvarchar(255),"
                    + " PackagePath nvarchar(255) NOT NULL, ConfiguredValueType nvarchar(20) NOT NULL)");
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO [" + database + "].dbo.[SSIS Configurations] VALUES (?, ?, ?, ?)")) {
                for (String[] r : rows) {
                    for (int i = 0; i < 4; i++) {
                        ps.setString(i + 1, r[i]);
                    }
                    ps.executeUpdate();
                }
            }
        }
    }

    UUID addFolder(UUID parent, String name) throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection c = admin();
                PreparedStatement ps = c.prepareStatement(
                        "EXEC " + proc("addfolder") + " @parentfolderid = ?, @name = ?, @folderid = ?")) {
            ps.setString(1, parent.toString());
            ps.setString(2, name);
            ps.setString(3, id.toString());
            ps.execute();
        }
        return id;
    }

    void putPackage(String name, UUID folder, byte[] data, UUID id, UUID verid, int verbuild) throws SQLException {
        try (Connection c = admin();
                PreparedStatement ps = c.prepareStatement(
                        "EXEC " + proc("putpackage")
                                + " @name = ?, @id = ?, @description = ?, @createdate = ?, @folderid = ?, @packagedata = ?, @packageformat = 3,"
                                + " @packagetype = 5, @vermajor = 1, @verminor = 2, @verbuild = ?, @vercomments = ?, @verid = ?")) {
            ps.setString(1, name);
            ps.setString(2, id.toString());
            ps.setString(3, "test package " + name);
            ps.setTimestamp(4, Timestamp.valueOf(LocalDateTime.of(2021, 3, 4, 5, 6, 7)));
            ps.setString(5, folder.toString());
            ps.setBinaryStream(6, new ByteArrayInputStream(data), data.length);
            ps.setInt(7, verbuild);
            ps.setString(8, "build " + verbuild);
            ps.setString(9, verid.toString());
            ps.execute();
        }
    }

    void setRoles(String name, UUID folder, String read, String write) throws SQLException {
        try (Connection c = admin();
                PreparedStatement ps = c.prepareStatement("EXEC " + proc("setpackageroles")
                        + " @name = ?, @folderid = ?, @readrole = ?, @writerole = ?")) {
            ps.setString(1, name);
            ps.setString(2, folder.toString());
            ps.setString(3, read);
            ps.setString(4, write);
            ps.execute();
        }
    }

    void deletePackage(String name, UUID folder) throws SQLException {
        try (Connection c = admin();
                PreparedStatement ps =
                        c.prepareStatement("EXEC " + proc("deletepackage") + " @name = ?, @folderid = ?")) {
            ps.setString(1, name);
            ps.setString(2, folder.toString());
            ps.execute();
        }
    }

    /** A package's row, read over mssql-jdbc, or empty. */
    Optional<Map<String, Object>> row(String name, UUID folder) throws SQLException {
        try (Connection c = admin();
                PreparedStatement ps = c.prepareStatement("SELECT name, id, description, createdate, folderid,"
                        + " packageformat, packagetype, vermajor, verminor, verbuild, vercomments, verid, readrolesid, writerolesid,"
                        + " CAST(packagedata AS varbinary(max)) AS packagedata FROM " + table()
                        + " WHERE name = ? AND folderid = ?")) {
            ps.setString(1, name);
            ps.setString(2, folder.toString());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    Object v = rs.getObject(i);
                    row.put(
                            rs.getMetaData().getColumnLabel(i).toLowerCase(Locale.ROOT),
                            v instanceof String str ? str.toLowerCase(Locale.ROOT) : v);
                }
                row.put("name", rs.getString("name"));
                return Optional.of(row);
            }
        }
    }

    /** The id of a folder under a parent, or empty. */
    Optional<UUID> folder(UUID parent, String name) throws SQLException {
        try (Connection c = admin();
                PreparedStatement ps = c.prepareStatement("SELECT folderid FROM "
                        + (sqlServer2005() ? "msdb.dbo.sysdtspackagefolders90" : "msdb.dbo.sysssispackagefolders")
                        + " WHERE parentfolderid = ? AND foldername = ?")) {
            ps.setString(1, parent.toString());
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(UUID.fromString(rs.getString(1))) : Optional.empty();
            }
        }
    }

    static final String SYSADMIN = "ssis_sysadmin_it";
    static final String SYSADMIN_PASSWORD = "Sysadmin-it-pw-1";

    /**
     * A connection as a sysadmin (SQL Server Agent's procedures that assign owners or create proxies need one): on the
     * stand-in a login of its own, on a real server the root login.
     */
    Connection sysadmin() throws SQLException {
        if (standIn == null) {
            return admin();
        }
        standIn.addAccount(SYSADMIN, SYSADMIN_PASSWORD, "sysadmin", "SQLAgentOperatorRole", "db_ssisadmin");
        return DriverManager.getConnection(url, SYSADMIN, SYSADMIN_PASSWORD);
    }

    /** Runs a statement as a sysadmin, parameters bound in order. */
    void exec(String sql, Object... args) throws SQLException {
        try (Connection c = sysadmin();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.execute();
        }
    }

    /** The rows of a query run as a sysadmin, columns by lower-case name. */
    java.util.List<Map<String, Object>> rows(String sql, Object... args) throws SQLException {
        try (Connection c = sysadmin();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            java.util.List<Map<String, Object>> out = new java.util.ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        row.put(rs.getMetaData().getColumnLabel(i).toLowerCase(Locale.ROOT), rs.getObject(i));
                    }
                    out.add(row);
                }
            }
            return out;
        }
    }

    @Override
    public void close() throws Exception {
        if (standIn != null) {
            standIn.close();
        }
    }
}
