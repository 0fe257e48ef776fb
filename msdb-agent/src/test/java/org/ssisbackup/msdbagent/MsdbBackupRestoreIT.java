package org.ssisbackup.msdbagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ssisbackup.agent.capture.BackupReport;
import org.ssisbackup.agent.command.CommandIntake;
import org.ssisbackup.contracts.AgentError;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.Artifact;
import org.ssisbackup.contracts.ArtifactKind;
import org.ssisbackup.contracts.BackupCommand;
import org.ssisbackup.contracts.BackupScope;
import org.ssisbackup.contracts.ConfigReferencesFound;
import org.ssisbackup.contracts.Manifest;
import org.ssisbackup.contracts.MessageMeta;
import org.ssisbackup.contracts.Outcome;
import org.ssisbackup.contracts.OverwritePolicy;
import org.ssisbackup.contracts.RestoreCommand;
import org.ssisbackup.contracts.RestoreFinished;
import org.ssisbackup.contracts.RestoreOptions;
import org.ssisbackup.contracts.VersionedMessage;
import org.ssisbackup.msdbagent.capture.MsdbPackageExporter;
import org.ssisbackup.msdbagent.msdb.MsdbAgentProperties;
import org.ssisbackup.msdbagent.msdb.MsdbConnector;
import org.ssisbackup.msdbagent.msdb.MsdbMetrics;
import org.ssisbackup.storage.BlobStore;
import org.ssisbackup.testkit.infra.EmbeddedS3;

/**
 * msdb backup and restore through the real mssql-jdbc driver, against the TDS stand-in (or a real SQL Server with
 * the {@code mssql-it} profile) and a real S3 server: the folder tree, every column, a package of several MB,
 * restore with and without overwrite, dry run, a target folder, roles, and each failure the issue names.
 */
class MsdbBackupRestoreIT {
    static EmbeddedS3 s3;
    TestMsdb msdb;
    BlobStore store;
    String top;
    UUID topId;
    final List<VersionedMessage> events = new CopyOnWriteArrayList<>();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @BeforeAll
    static void startS3() throws Exception {
        s3 = EmbeddedS3.startInMemory("msdb-access", "msdb-secret-key");
    }

    @AfterAll
    static void stopS3() throws Exception {
        s3.close();
    }

    @BeforeEach
    void msdbWithATestFolder() throws Exception {
        msdb = TestMsdb.start(false);
        store = BlobStore.connect(s3.endpoint(), s3.accessKey(), s3.secretKey(), "msdb-" + UUID.randomUUID());
        store.ensureBucket();
        top = "it-" + UUID.randomUUID().toString().substring(0, 8);
        topId = msdb.addFolder(new UUID(0, 0), top);
    }

    @AfterEach
    void stopMsdb() throws Exception {
        msdb.close();
    }

    static byte[] dtsx(String name, String inner) {
        return ("<?xml version=\"1.0\"?>\n<DTS:Executable xmlns:DTS=\"www.microsoft.com/SqlServer/Dts\" DTS:ExecutableType=\"Microsoft.Package\" "
                        + "DTS:ObjectName=\"" + name + "\" DTS:ProtectionLevel=\"0\">" + inner + "</DTS:Executable>\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    static byte[] large(String name, int bytes) {
        StringBuilder sb = new StringBuilder("<!-- ");
        java.util.Random r = new java.util.Random(7);
        while (sb.length() < bytes) {
            sb.append((char) ('a' + r.nextInt(26)));
        }
        return dtsx(name, sb.append(" -->").toString());
    }

    private MsdbAgentProperties properties(String user, String password, TestMsdb target) {
        return new MsdbAgentProperties(
                target.url(), user, password, Duration.ofSeconds(3), Duration.ofSeconds(5), null);
    }

    private CommandIntake runner(String user, String password, TestMsdb target) {
        MsdbConnector connector = new MsdbConnector(properties(user, password, target));
        MsdbMetrics metrics = new MsdbMetrics(registry, "msdb-it");
        return MsdbTestAgent.of(
                store, events::add, registry, new MsdbPackageExporter(connector, metrics), connector, metrics);
    }

    private CommandIntake admin() {
        return runner(TestMsdb.ADMIN, TestMsdb.ADMIN_PASSWORD, msdb);
    }

    private static BackupCommand backupCommand(UUID point) {
        UUID job = UUID.randomUUID();
        return new BackupCommand(
                MessageMeta.create(job, "msdb-it"),
                AgentKind.MSDB,
                point,
                Set.of(AgentKind.MSDB),
                Set.of(BackupScope.MSDB));
    }

    private UUID backup(CommandIntake runner) {
        UUID point = UUID.randomUUID();
        BackupReport report = runner.runBackup(backupCommand(point));
        assertThat(report.outcome()).as("errors %s", report.errors()).isEqualTo(Outcome.SUCCEEDED);
        return point;
    }

    private Manifest manifest(UUID point) {
        return MsdbTestAgent.manifest(store, point);
    }

    private static RestoreCommand restoreCommand(
            UUID point,
            List<String> include,
            String targetFolder,
            OverwritePolicy overwrite,
            boolean dryRun,
            boolean roles) {
        return new RestoreCommand(
                MessageMeta.create(UUID.randomUUID(), "msdb-it"),
                AgentKind.MSDB,
                "msdb-it",
                point,
                new RestoreOptions(null, include, null, overwrite, dryRun, targetFolder, roles));
    }

    @Test
    void backsUpTheFolderTreeAndEveryColumnAndRestoresDeletedPackagesExactly() throws Exception {
        UUID sub = msdb.addFolder(topId, "Staging");
        UUID emptyFolder = msdb.addFolder(topId, "Empty");
        UUID id = UUID.randomUUID();
        UUID verid = UUID.randomUUID();
        byte[] big = large("Big", 3 * 1024 * 1024 + 17);
        msdb.putPackage("Big", sub, big, id, verid, 42);
        msdb.putPackage("Small", topId, dtsx("Small", ""), UUID.randomUUID(), UUID.randomUUID(), 1);
        Map<String, Object> original = msdb.row("Big", sub).orElseThrow();

        UUID point = backup(admin());
        Manifest m = manifest(point);
        assertThat(m.artifacts())
                .extracting(Artifact::logicalPath)
                .contains(
                        "\\" + top,
                        "\\" + top + "\\Staging",
                        "\\" + top + "\\Empty",
                        "\\" + top + "\\Staging\\Big",
                        "\\" + top + "\\Small");
        Artifact bigArtifact = m.artifacts().stream()
                .filter(a -> a.logicalPath().endsWith("\\Staging\\Big"))
                .findFirst()
                .orElseThrow();
        assertThat(bigArtifact.size()).isEqualTo(big.length);
        assertThat(bigArtifact.metadata())
                .containsEntry("id", id.toString())
                .containsEntry("verid", verid.toString())
                .containsEntry("verbuild", "42")
                .containsEntry("vermajor", "1")
                .containsEntry("verminor", "2")
                .containsEntry("vercomments", "build 42")
                .containsEntry("packageformat", "3")
                .containsEntry("packagetype", "5")
                .containsEntry("description", "test package Big")
                .containsEntry("createdate", "2021-03-04T05:06:07")
                .containsEntry("folderid", sub.toString())
                .containsKeys("ownersid", "isencrypted", "readrolesid", "writerolesid");
        assertThat(MsdbTestAgent.bytes(store, bigArtifact)).isEqualTo(big);

        msdb.deletePackage("Big", sub);
        // A dry run says what it would write and writes nothing.
        RestoreFinished dry = admin().runRestore(
                        restoreCommand(point, List.of("/" + top + "/**"), null, OverwritePolicy.NEVER, true, false))
                .finished();
        assertThat(dry.outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(dry.written()).containsExactly("\\" + top + "\\Staging\\Big");
        assertThat(dry.skipped()).extracting(AgentError::path).containsExactly("\\" + top + "\\Small");
        assertThat(msdb.row("Big", sub)).isEmpty();
        // Issue 12, item 5: a restore of another scope of the point (SSISDB, the native backup) writes no msdb package.
        for (BackupScope other : List.of(BackupScope.SSISDB, BackupScope.MSDB_NATIVE)) {
            RestoreFinished scoped = admin().runRestore(new RestoreCommand(
                            MessageMeta.create(UUID.randomUUID(), "msdb-it"),
                            AgentKind.MSDB,
                            "msdb-it",
                            point,
                            new RestoreOptions(Set.of(other), null, null, OverwritePolicy.ALWAYS, false, null, false)))
                    .finished();
            assertThat(scoped.written()).as(other.name()).isEmpty();
            assertThat(msdb.row("Big", sub)).as(other.name()).isEmpty();
        }

        RestoreFinished done = admin().runRestore(
                        restoreCommand(point, List.of("\\" + top + "\\**"), null, OverwritePolicy.NEVER, false, false))
                .finished();
        assertThat(done.outcome()).as("%s", done).isEqualTo(Outcome.SUCCEEDED);
        assertThat(done.written()).containsExactly("\\" + top + "\\Staging\\Big");
        assertThat(done.skipped())
                .singleElement()
                .satisfies(e -> assertThat(e.reason()).contains("overwrite is NEVER"));
        Map<String, Object> restored = msdb.row("Big", sub).orElseThrow();
        assertThat((byte[]) restored.get("packagedata")).isEqualTo(big);
        for (String column : List.of(
                "id",
                "verid",
                "vermajor",
                "verminor",
                "verbuild",
                "vercomments",
                "description",
                "createdate",
                "packageformat",
                "packagetype",
                "folderid")) {
            assertThat(restored.get(column)).as(column).isEqualTo(original.get(column));
        }
        assertThat(msdb.folder(topId, "Empty")).contains(emptyFolder);
        assertThat(registry.get("ssis.msdb.packages.restored").counter().count())
                .isEqualTo(1);
    }

    @Test
    void overwritePoliciesTargetFolderAndIncludeGlobs() throws Exception {
        UUID etl = msdb.addFolder(topId, "ETL");
        msdb.putPackage("A", etl, dtsx("A", ""), UUID.randomUUID(), UUID.randomUUID(), 1);
        msdb.putPackage("B", etl, dtsx("B", ""), UUID.randomUUID(), UUID.randomUUID(), 1);
        msdb.putPackage("Other", topId, dtsx("Other", ""), UUID.randomUUID(), UUID.randomUUID(), 1);
        UUID point = backup(admin());

        msdb.putPackage("A", etl, dtsx("A", "<!-- changed -->"), UUID.randomUUID(), UUID.randomUUID(), 2);
        RestoreFinished ifChanged = admin().runRestore(restoreCommand(
                        point, List.of("\\" + top + "\\ETL\\*"), null, OverwritePolicy.IF_CHANGED, false, false))
                .finished();
        assertThat(ifChanged.written()).containsExactly("\\" + top + "\\ETL\\A");
        assertThat(ifChanged.skipped())
                .singleElement()
                .satisfies(e -> assertThat(e.reason()).isEqualTo("unchanged"));
        assertThat((byte[]) msdb.row("A", etl).orElseThrow().get("packagedata")).isEqualTo(dtsx("A", ""));
        assertThat(msdb.row("A", etl).orElseThrow().get("verbuild")).isEqualTo(1);

        RestoreFinished always = admin().runRestore(restoreCommand(
                        point, List.of("\\" + top + "\\ETL\\*"), null, OverwritePolicy.ALWAYS, false, false))
                .finished();
        assertThat(always.written()).hasSize(2);

        RestoreFinished elsewhere = admin().runRestore(restoreCommand(
                        point,
                        List.of("\\" + top + "\\ETL\\**"),
                        "\\Restored-" + top,
                        OverwritePolicy.NEVER,
                        false,
                        false))
                .finished();
        assertThat(elsewhere.outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(elsewhere.written())
                .contains("\\Restored-" + top + "\\" + top + "\\ETL\\A", "\\Restored-" + top + "\\" + top + "\\ETL\\B")
                .noneMatch(p -> p.contains("Other"));
        UUID newRoot = msdb.folder(new UUID(0, 0), "Restored-" + top).orElseThrow();
        UUID newEtl =
                msdb.folder(msdb.folder(newRoot, top).orElseThrow(), "ETL").orElseThrow();
        assertThat(newEtl).isNotEqualTo(etl);
        assertThat((byte[]) msdb.row("B", newEtl).orElseThrow().get("packagedata"))
                .isEqualTo(dtsx("B", ""));
    }

    @Test
    void rolesAreRestoredByNameWhenAsked() throws Exception {
        msdb.createRole("etl_readers_it");
        msdb.putPackage("Secured", topId, dtsx("Secured", ""), UUID.randomUUID(), UUID.randomUUID(), 1);
        msdb.setRoles("Secured", topId, "etl_readers_it", "db_ssisadmin");
        byte[] readSid = (byte[]) msdb.row("Secured", topId).orElseThrow().get("readrolesid");
        UUID point = backup(admin());
        assertThat(manifest(point).artifacts())
                .filteredOn(a -> a.logicalPath().endsWith("\\Secured"))
                .singleElement()
                .satisfies(a -> assertThat(a.metadata())
                        .containsEntry("readrole", "etl_readers_it")
                        .containsEntry("readrolesid", HexFormat.of().formatHex(readSid)));

        msdb.deletePackage("Secured", topId);
        RestoreFinished r = admin().runRestore(restoreCommand(
                        point, List.of("\\" + top + "\\Secured"), null, OverwritePolicy.NEVER, false, true))
                .finished();
        assertThat(r.outcome()).as("%s", r).isEqualTo(Outcome.SUCCEEDED);
        assertThat((byte[]) msdb.row("Secured", topId).orElseThrow().get("readrolesid"))
                .isEqualTo(readSid);
    }

    @Test
    void aCorruptBlobIsNeverWritten() throws Exception {
        msdb.putPackage("Fragile", topId, dtsx("Fragile", ""), UUID.randomUUID(), UUID.randomUUID(), 1);
        UUID point = backup(admin());
        Artifact a = manifest(point).artifacts().stream()
                .filter(x -> x.logicalPath().endsWith("\\Fragile"))
                .findFirst()
                .orElseThrow();
        io.minio.MinioClient raw = io.minio.MinioClient.builder()
                .endpoint(s3.endpoint())
                .credentials(s3.accessKey(), s3.secretKey())
                .build();
        byte[] evil;
        try (java.io.InputStream in = store.objects().get(a.objectKey())) {
            evil = in.readAllBytes();
        }
        evil[(int) a.chunks().get(0).offset() + 60] ^= 1; // one flipped bit in the package's chunk
        raw.putObject(io.minio.PutObjectArgs.builder().bucket(store.bucket()).object(a.objectKey()).stream(
                        new java.io.ByteArrayInputStream(evil), (long) evil.length, -1L)
                .build());
        msdb.deletePackage("Fragile", topId);

        RestoreFinished r = admin().runRestore(restoreCommand(
                        point, List.of("\\" + top + "\\Fragile"), null, OverwritePolicy.ALWAYS, false, false))
                .finished();
        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.failed())
                .singleElement()
                .satisfies(e -> assertThat(e.reason()).contains("does not authenticate"));
        assertThat(msdb.row("Fragile", topId)).isEmpty();
    }

    @Test
    void aLoginWithoutDbSsisadminCannotRestoreAndSaysWhy() throws Exception {
        msdb.putPackage("Guarded", topId, dtsx("Guarded", ""), UUID.randomUUID(), UUID.randomUUID(), 1);
        UUID point = backup(admin());
        msdb.deletePackage("Guarded", topId);
        msdb.createLogin("ssis_reader_it", "Reader-it-pw-1", "db_ssisoperator");

        RestoreFinished r = runner("ssis_reader_it", "Reader-it-pw-1", msdb)
                .runRestore(restoreCommand(
                        point, List.of("\\" + top + "\\Guarded"), null, OverwritePolicy.NEVER, false, false))
                .finished();
        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.failed())
                .singleElement()
                .satisfies(e ->
                        assertThat(e.reason()).contains("permission denied").contains("db_ssisadmin"));
        assertThat(msdb.row("Guarded", topId)).isEmpty();
        assertThat(registry.get("ssis.msdb.failures")
                        .tag("reason", "permission_denied")
                        .counter()
                        .count())
                .isPositive();
    }

    @Test
    void aFailedLoginFailsTheJobWithTheReasonAndNoPassword() {
        BackupReport report =
                runner(TestMsdb.ADMIN, "Wrong-password-9", msdb).runBackup(backupCommand(UUID.randomUUID()));
        assertThat(report.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(report.errors().toString()).contains("login failed").doesNotContain("Wrong-password-9");
        assertThat(registry.get("ssis.msdb.failures")
                        .tag("reason", "login_failed")
                        .counter()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void aQueryThatNeverEndsTimesOut() throws Exception {
        assumeTrue(msdb.isStandIn(), "a stalled statement is injected by the stand-in");
        msdb.putPackage("P", topId, dtsx("P", ""), UUID.randomUUID(), UUID.randomUUID(), 1);
        msdb.standIn().stallWhen(sql -> sql.contains("packagedata"));
        BackupReport report = admin().runBackup(backupCommand(UUID.randomUUID()));
        assertThat(report.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(report.errors().toString()).contains("timeout").contains("query-timeout");
        assertThat(registry.get("ssis.msdb.failures")
                        .tag("reason", "timeout")
                        .counter()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void aServerThatNeverAnswersTimesOut() throws Exception {
        // A hung server: the TCP connection opens, no TDS answer ever comes; the login timeout ends the wait.
        try (java.net.ServerSocket hung = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread accept = new Thread(() -> {
                try {
                    while (true) {
                        hung.accept();
                    }
                } catch (java.io.IOException e) {
                    // closed by the test
                }
            });
            accept.setDaemon(true);
            accept.start();
            MsdbConnector connector = new MsdbConnector(new MsdbAgentProperties(
                    "jdbc:sqlserver://127.0.0.1:" + hung.getLocalPort() + ";encrypt=false",
                    TestMsdb.ADMIN,
                    TestMsdb.ADMIN_PASSWORD,
                    Duration.ofSeconds(2),
                    Duration.ofSeconds(2),
                    null));
            MsdbMetrics metrics = new MsdbMetrics(registry, "msdb-it");
            CommandIntake runner = MsdbTestAgent.of(
                    store, events::add, registry, new MsdbPackageExporter(connector, metrics), connector, metrics);
            BackupReport report = runner.runBackup(backupCommand(UUID.randomUUID()));
            assertThat(report.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(report.errors().toString()).contains("timeout").doesNotContain(TestMsdb.ADMIN_PASSWORD);
            assertThat(registry.get("ssis.msdb.failures")
                            .tag("reason", "timeout")
                            .counter()
                            .count())
                    .isEqualTo(1);
        }
    }

    @Test
    void aDroppedConnectionDuringARestoreIsReported() throws Exception {
        assumeTrue(msdb.isStandIn(), "fault injection needs the stand-in");
        msdb.putPackage("P", topId, dtsx("P", ""), UUID.randomUUID(), UUID.randomUUID(), 1);
        UUID point = backup(admin());
        msdb.deletePackage("P", topId);
        msdb.standIn().dropConnectionWhen(sql -> sql.contains("putpackage"));
        RestoreFinished r = admin().runRestore(
                        restoreCommand(point, List.of(), null, OverwritePolicy.NEVER, false, false))
                .finished();
        assertThat(r.outcome()).isNotEqualTo(Outcome.SUCCEEDED);
        assertThat(r.failed().toString()).contains("connection");
        assertThat(registry.get("ssis.msdb.failures")
                        .tag("reason", "connection_lost")
                        .counter()
                        .count())
                .isPositive();
    }

    @Test
    void onePackageWithoutDataDoesNotStopTheOthers() throws Exception {
        assumeTrue(msdb.isStandIn(), "a NULL packagedata cannot be written through the procedures");
        msdb.putPackage("Good", topId, dtsx("Good", ""), UUID.randomUUID(), UUID.randomUUID(), 1);
        msdb.putPackage("Broken", topId, dtsx("Broken", ""), UUID.randomUUID(), UUID.randomUUID(), 1);
        msdb.standIn().model().findPackage("Broken", topId).put("packagedata", null);
        BackupReport report = admin().runBackup(backupCommand(UUID.randomUUID()));
        assertThat(report.outcome()).isEqualTo(Outcome.PARTIALLY_FAILED);
        assertThat(report.errors()).singleElement().satisfies(e -> {
            assertThat(e.path()).isEqualTo("\\" + top + "\\Broken");
            assertThat(e.reason()).isEqualTo("package has no data");
        });
    }

    @Test
    void configurationTablesOnThisInstanceAreExportedAsCsvAndOthersWarned() throws Exception {
        msdb.createConfigurationTable("SSISConfigIt", new String[][] {
            {
                "Sales",
                "Data Source=dw;Initial Catalog=Sales",
                "\\Package.Connections[Sales].Properties[ConnectionString]",
                "String"
            },
            {"Other", "x", "\\Package.Variables[User::X].Properties[Value]", "Int32"}
        });
        String managers = """
                <DTS:ConnectionManagers>
                <DTS:ConnectionManager DTS:ObjectName="Cfg"><DTS:ObjectData><DTS:ConnectionManager
                 DTS:ConnectionString="Data Source=.;Initial Catalog=SSISConfigIt;Integrated Security=SSPI;"/></DTS:ObjectData></DTS:ConnectionManager>
                <DTS:ConnectionManager DTS:ObjectName="Remote"><DTS:ObjectData><DTS:ConnectionManager
                 DTS:ConnectionString="Data Source=far-away;Initial Catalog=Cfg;User ID=u;Password=Pw-never-logged;"/></DTS:ObjectData></DTS:ConnectionManager>
                </DTS:ConnectionManagers>
                <DTS:Configurations>
                <DTS:Configuration DTS:ConfigurationType="7" DTS:ConfigurationString="&quot;Cfg&quot;;&quot;[dbo].[SSIS Configurations]&quot;;&quot;Sales&quot;;"/>
                <DTS:Configuration DTS:ConfigurationType="7" DTS:ConfigurationString="&quot;Remote&quot;;&quot;[dbo].[SSIS Configurations]&quot;;&quot;Sales&quot;;"/>
                </DTS:Configurations>""";
        msdb.putPackage("Configured", topId, dtsx("Configured", managers), UUID.randomUUID(), UUID.randomUUID(), 1);
        UUID point = backup(admin());
        Manifest m = manifest(point);
        assertThat(m.artifacts()).as("warnings %s", m.warnings()).anyMatch(a -> a.kind() == ArtifactKind.CONFIG_TABLE);
        Artifact table = m.artifacts().stream()
                .filter(a -> a.kind() == ArtifactKind.CONFIG_TABLE)
                .findFirst()
                .orElseThrow();
        assertThat(table.metadata())
                .containsEntry("database", "SSISConfigIt")
                .containsEntry("filter", "Sales")
                .containsEntry("rows", "1")
                .containsEntry("referencedBy", "\\" + top + "\\Configured");
        {
            assertThat(new String(MsdbTestAgent.bytes(store, table), StandardCharsets.UTF_8))
                    .isEqualTo("""
                            ConfigurationFilter,ConfiguredValue,PackagePath,ConfiguredValueType\r
                            Sales,Data Source=dw;Initial Catalog=Sales,\\Package.Connections[Sales].Properties[ConnectionString],String\r
                            """); // CSV lines end in CRLF
        }
        assertThat(m.warnings())
                .anySatisfy(w -> assertThat(w.reason()).contains("far-away").contains("not exported"));
        assertThat(m.warnings().toString()).doesNotContain("Pw-never-logged");
        assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOf(ConfigReferencesFound.class));
    }

    @Test
    void sqlServer2005PackageStoresAreDetectedBackedUpAndRestored() throws Exception {
        try (TestMsdb old = TestMsdb.start(true)) {
            UUID folder = old.addFolder(new UUID(0, 0), "Legacy");
            byte[] pkg = dtsx("Old", "");
            old.putPackage("Old", folder, pkg, UUID.randomUUID(), UUID.randomUUID(), 3);
            CommandIntake runner = runner(TestMsdb.ADMIN, TestMsdb.ADMIN_PASSWORD, old);
            UUID point = UUID.randomUUID();
            BackupReport report = runner.runBackup(backupCommand(point));
            assertThat(report.outcome()).as("%s", report.errors()).isEqualTo(Outcome.SUCCEEDED);
            Manifest m = manifest(point);
            assertThat(m.artifacts())
                    .filteredOn(a -> a.logicalPath().equals("\\Legacy\\Old"))
                    .singleElement()
                    .satisfies(a -> assertThat(a.metadata()).containsEntry("store", "sysdtspackages90"));
            assertThat(m.warnings()).anySatisfy(w -> assertThat(w.reason()).contains("SQL Server 2005"));

            old.deletePackage("Old", folder);
            RestoreFinished r = runner.runRestore(
                            restoreCommand(point, List.of(), null, OverwritePolicy.NEVER, false, false))
                    .finished();
            assertThat(r.outcome()).as("%s", r).isEqualTo(Outcome.SUCCEEDED);
            assertThat((byte[]) old.row("Old", folder).orElseThrow().get("packagedata"))
                    .isEqualTo(pkg);
        }
    }
}
