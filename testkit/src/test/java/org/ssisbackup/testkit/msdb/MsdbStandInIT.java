package org.ssisbackup.testkit.msdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The stand-in through the real mssql-jdbc driver: login, batches, sp_executesql, prepexec, procedures, LOBs. */
class MsdbStandInIT {
    private MsdbStandIn server;
    private final UUID etl = UUID.randomUUID();

    @BeforeEach
    void start() throws Exception {
        MsdbModel model = new MsdbModel();
        model.addFolder(MsdbModel.ROOT_FOLDER, "ETL", etl);
        server = new MsdbStandIn(model)
                .addAccount("backup", "S3cret!pw", "db_ssisadmin")
                .addAccount("reader", "R3ader!pw", "db_ssisoperator")
                .start(0);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private Connection connect(String user, String password) throws SQLException {
        return DriverManager.getConnection(server.jdbcUrl(), user, password);
    }

    @Test
    void aStalledStatementEndsInTheDriversQueryTimeoutAndTheConnectionStaysUsable() throws Exception {
        server.stallWhen(sql -> sql.contains("sysssispackages"));
        try (Connection c = connect("backup", "S3cret!pw");
                Statement st = c.createStatement()) {
            st.setQueryTimeout(1);
            assertThatThrownBy(() -> st.executeQuery("SELECT name FROM msdb.dbo.sysssispackages"))
                    .isInstanceOf(java.sql.SQLTimeoutException.class);
            server.clearFaults();
            try (ResultSet rs = st.executeQuery("SELECT DB_NAME() AS db")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("db")).isEqualTo("msdb");
            }
        }
    }

    @Test
    void logsInAndAnswersABatch() throws Exception {
        try (Connection c = connect("backup", "S3cret!pw");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT @@VERSION AS v, CAST(SERVERPROPERTY('ProductVersion') AS nvarchar(128)) AS pv, IS_ROLEMEMBER('db_ssisadmin') AS admin")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString("v")).contains("STAND-IN");
            assertThat(rs.getString("pv")).startsWith("16.");
            assertThat(rs.getInt("admin")).isEqualTo(1);
        }
    }

    @Test
    void wrongPasswordIsLoginFailure18456() {
        assertThatThrownBy(() -> connect("backup", "wrong"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("Login failed for user 'backup'")
                .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(18456));
    }

    @Test
    void putsAndReadsBackALargePackageThroughProceduresAndPreparedStatements() throws Exception {
        byte[] data = new byte[5 * 1024 * 1024 + 17];
        new Random(7).nextBytes(data);
        UUID id = UUID.randomUUID();
        UUID verid = UUID.randomUUID();
        try (Connection c = connect("backup", "S3cret!pw")) {
            try (CallableStatement put = c.prepareCall("{call dbo.sp_ssis_putpackage(?,?,?,?,?,?,?,?,?,?,?,?,?)}")) {
                put.setString(1, "Big");
                put.setString(2, id.toString());
                put.setString(3, "a big one");
                put.setTimestamp(4, Timestamp.valueOf(LocalDateTime.of(2024, 2, 29, 13, 14, 15)));
                put.setString(5, etl.toString());
                put.setBytes(6, data);
                put.setInt(7, 3);
                put.setInt(8, 5);
                put.setInt(9, 2);
                put.setInt(10, 1);
                put.setInt(11, 42);
                put.setString(12, "comments");
                put.setString(13, verid.toString());
                put.execute();
            }
            String sql = "SELECT name, id, folderid, createdate, vermajor, verbuild, isencrypted, ownersid, "
                    + "DATALENGTH(packagedata) AS size, CAST(packagedata AS varbinary(max)) AS packagedata "
                    + "FROM msdb.dbo.sysssispackages WHERE folderid = ? ORDER BY name";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int run = 0; run < 3; run++) { // 1st: sp_executesql, then sp_prepexec / sp_execute
                    ps.setString(1, etl.toString());
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getString("name")).isEqualTo("Big");
                        assertThat(UUID.fromString(rs.getString("id"))).isEqualTo(id);
                        assertThat(UUID.fromString(rs.getString("folderid"))).isEqualTo(etl);
                        assertThat(rs.getTimestamp("createdate").toLocalDateTime())
                                .isEqualTo(LocalDateTime.of(2024, 2, 29, 13, 14, 15));
                        assertThat(rs.getInt("vermajor")).isEqualTo(2);
                        assertThat(rs.getInt("verbuild")).isEqualTo(42);
                        assertThat(rs.getBoolean("isencrypted")).isFalse();
                        assertThat(rs.getBytes("ownersid")).isEqualTo(MsdbStandIn.sidOf("backup"));
                        assertThat(rs.getLong("size")).isEqualTo(data.length);
                        try (InputStream in = rs.getBinaryStream("packagedata")) {
                            MessageDigest md = MessageDigest.getInstance("SHA-256");
                            byte[] buf = new byte[8192];
                            int n;
                            while ((n = in.read(buf)) > 0) {
                                md.update(buf, 0, n);
                            }
                            assertThat(md.digest())
                                    .isEqualTo(
                                            MessageDigest.getInstance("SHA-256").digest(data));
                        }
                        assertThat(rs.next()).isFalse();
                    }
                }
            }
        }
    }

    @Test
    void operatorWithoutSsisAdminCannotWrite() throws Exception {
        try (Connection c = connect("reader", "R3ader!pw");
                CallableStatement add = c.prepareCall("{call sp_ssis_addfolder(?,?,?)}")) {
            add.setString(1, MsdbModel.ROOT_FOLDER.toString());
            add.setString(2, "Nope");
            add.setString(3, UUID.randomUUID().toString());
            assertThatThrownBy(add::execute)
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("EXECUTE permission was denied")
                    .satisfies(
                            e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(229));
        }
    }

    @Test
    void unknownSqlIsASyntaxErrorNotASilentSuccess() throws Exception {
        try (Connection c = connect("backup", "S3cret!pw");
                Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.executeQuery("SELECT name FROM msdb.dbo.nosuchtable"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("Invalid object name");
            assertThatThrownBy(() -> s.executeUpdate("DROP TABLE sysssispackages"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("Incorrect syntax");
            // the session is still usable after errors
            try (ResultSet rs = s.executeQuery("SELECT 1")) {
                assertThat(rs.next()).isTrue();
            }
        }
    }

    @Test
    void seedsFromADtsxFolder(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path sub = java.nio.file.Files.createDirectories(dir.resolve("Finance"));
        java.nio.file.Files.writeString(sub.resolve("MonthEnd.dtsx"), """
                <?xml version="1.0"?>
                <DTS:Executable xmlns:DTS="www.microsoft.com/SqlServer/Dts" DTS:ExecutableType="Microsoft.Package"
                  DTS:ObjectName="MonthEnd" DTS:DTSID="{11111111-2222-3333-4444-555555555555}"
                  DTS:VersionMajor="3" DTS:VersionBuild="12" DTS:VersionGUID="{AAAAAAAA-2222-3333-4444-555555555555}"
                  DTS:ProtectionLevel="3"></DTS:Executable>
                """, StandardCharsets.UTF_8);
        MsdbModel model = new MsdbModel();
        assertThat(DtsxSeed.load(dir, model)).isEqualTo(1);
        Map<String, Object> row = model.select("sysssispackages", r -> true).get(0);
        assertThat(row.get("id")).isEqualTo(UUID.fromString("11111111-2222-3333-4444-555555555555"));
        assertThat(row.get("vermajor")).isEqualTo(3);
        assertThat(row.get("verbuild")).isEqualTo(12);
        assertThat(row.get("isencrypted")).isEqualTo(true);
        assertThat(new HashMap<>(row)).containsEntry("name", "MonthEnd");
    }
}
