package org.ssisbackup.msdbagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ssisbackup.agent.capture.BackupReport;
import org.ssisbackup.agent.command.CommandIntake;
import org.ssisbackup.contracts.AgentJobFinished;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.Artifact;
import org.ssisbackup.contracts.ArtifactKind;
import org.ssisbackup.contracts.BackupCommand;
import org.ssisbackup.contracts.BackupScope;
import org.ssisbackup.contracts.Manifest;
import org.ssisbackup.contracts.MessageCodec;
import org.ssisbackup.contracts.MessageMeta;
import org.ssisbackup.contracts.Outcome;
import org.ssisbackup.contracts.OverwritePolicy;
import org.ssisbackup.contracts.RestoreCommand;
import org.ssisbackup.contracts.RestoreFinished;
import org.ssisbackup.contracts.VersionedMessage;
import org.ssisbackup.msdbagent.capture.MsdbCapture;
import org.ssisbackup.msdbagent.capture.MsdbPackageExporter;
import org.ssisbackup.msdbagent.capture.NativeMsdbBackup;
import org.ssisbackup.msdbagent.capture.SqlAgentJobExporter;
import org.ssisbackup.msdbagent.capture.SsisdbProjectExporter;
import org.ssisbackup.msdbagent.msdb.MsdbAgentProperties;
import org.ssisbackup.msdbagent.msdb.MsdbConnector;
import org.ssisbackup.msdbagent.msdb.MsdbMetrics;
import org.ssisbackup.storage.BlobStore;
import org.ssisbackup.testkit.infra.EmbeddedS3;
import org.ssisbackup.testkit.msdb.SsisdbCatalog;

/**
 * SSISDB capture (scope SSISDB) through mssql-jdbc against the stand-in's catalog and a real S3 server: each
 * project's .ispac byte for byte, parameter values and environment references, environments with their variables,
 * sensitive values never kept, one unreadable project not stopping the others, an instance without SSISDB.
 * SSISDB cannot be created in docker-compose's SQL Server for Linux, so these run on the stand-in only.
 */
class SsisdbCaptureIT {
    static final String SENSITIVE = "Env-Secret-Value-77";
    static EmbeddedS3 s3;
    TestMsdb msdb;
    BlobStore store;
    final List<VersionedMessage> events = new CopyOnWriteArrayList<>();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @BeforeAll
    static void startS3() throws Exception {
        s3 = EmbeddedS3.startInMemory("ssisdb-access", "ssisdb-secret-key");
    }

    @AfterAll
    static void stopS3() throws Exception {
        s3.close();
    }

    @BeforeEach
    void standIn() throws Exception {
        msdb = TestMsdb.start(false);
        assumeTrue(msdb.isStandIn(), "SSISDB is modelled by the stand-in only");
        store = BlobStore.connect(s3.endpoint(), s3.accessKey(), s3.secretKey(), "ssisdb-" + UUID.randomUUID());
        store.ensureBucket();
    }

    @AfterEach
    void stopMsdb() throws Exception {
        msdb.close();
    }

    /** An .ispac is a zip: a manifest, packages, parameters. */
    static byte[] ispac(String project, int packageBytes) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("@Project.manifest"));
            zip.write(("<SSIS:Project xmlns:SSIS=\"www.microsoft.com/SqlServer/SSIS\"><SSIS:Name>" + project
                            + "</SSIS:Name></SSIS:Project>")
                    .getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry("Load.dtsx"));
            byte[] body = new byte[packageBytes];
            new Random(packageBytes).nextBytes(body);
            zip.write(body);
        }
        return out.toByteArray();
    }

    private CommandIntake runner() {
        return runner(msdb);
    }

    private CommandIntake runner(TestMsdb server) {
        MsdbAgentProperties properties = new MsdbAgentProperties(
                server.url(),
                TestMsdb.ADMIN,
                TestMsdb.ADMIN_PASSWORD,
                Duration.ofSeconds(10),
                Duration.ofSeconds(5),
                null);
        MsdbConnector connector = new MsdbConnector(properties);
        MsdbMetrics metrics = new MsdbMetrics(registry, "msdb-it");
        return MsdbTestAgent.of(
                store,
                events::add,
                registry,
                new MsdbCapture(
                        new MsdbPackageExporter(connector, metrics),
                        new SqlAgentJobExporter(connector, metrics),
                        new SsisdbProjectExporter(connector, metrics),
                        new NativeMsdbBackup("msdb-it", connector, store, metrics, properties.nativeBackup())),
                connector,
                metrics);
    }

    private RestoreFinished restore(TestMsdb server, UUID point, OverwritePolicy overwrite, boolean dryRun) {
        return runner(server)
                .runRestore(new RestoreCommand(
                        MessageMeta.create(UUID.randomUUID(), "msdb-it"),
                        AgentKind.MSDB,
                        "msdb-it",
                        point,
                        new org.ssisbackup.contracts.RestoreOptions(
                                null, List.of(), null, overwrite, dryRun, null, false)))
                .finished();
    }

    private BackupReport backup() {
        return runner().runBackup(new BackupCommand(
                MessageMeta.create(UUID.randomUUID(), "msdb-it"),
                AgentKind.MSDB,
                UUID.randomUUID(),
                Set.of(AgentKind.MSDB),
                Set.of(BackupScope.SSISDB)));
    }

    private AgentJobFinished finished(BackupReport report) {
        return events.stream()
                .filter(e -> e instanceof AgentJobFinished f && f.meta().jobId().equals(report.jobId()))
                .map(AgentJobFinished.class::cast)
                .findFirst()
                .orElseThrow();
    }

    private Map<String, Artifact> artifacts(BackupReport report) {
        Manifest m = MsdbTestAgent.manifest(store, finished(report).restorePointId());
        return m.artifacts().stream().collect(Collectors.toMap(Artifact::logicalPath, a -> a));
    }

    private byte[] bytes(Artifact a) throws Exception {
        return MsdbTestAgent.bytes(store, a);
    }

    @Test
    void projectsParametersAndEnvironmentsAreCapturedWithoutSensitiveValues() throws Exception {
        SsisdbCatalog catalog = msdb.standIn().model().enableSsisdb();
        catalog.createFolder("Finance", "month end");
        byte[] loads = ispac("Loads", 3 * 1024 * 1024);
        long loadsId = catalog.deployProject("Finance", "Loads", loads);
        catalog.deployProject("Finance", "Reports", ispac("Reports", 1000));
        long prod = catalog.createEnvironment("Finance", "Prod", "production values");
        catalog.createEnvironmentVariable(prod, "ServerName", "String", false, "dw-prod-01", "warehouse");
        catalog.createEnvironmentVariable(prod, "DwPassword", "String", true, SENSITIVE, "");
        catalog.setObjectParameterValue(loadsId, 20, "Loads", "BatchSize", "Int32", false, "5000", null);
        catalog.setObjectParameterValue(loadsId, 30, "Load.dtsx", "Server", "String", false, null, "ServerName");
        catalog.setObjectParameterValue(loadsId, 20, "Loads", "ApiKey", "String", true, "Param-Secret-88", null);
        catalog.createEnvironmentReference(loadsId, "R", null, "Prod");

        BackupReport report = backup();
        assertThat(report.outcome()).as("%s", report.errors()).isEqualTo(Outcome.SUCCEEDED);
        Map<String, Artifact> artifacts = artifacts(report);
        assertThat(artifacts.keySet())
                .containsExactlyInAnyOrder(
                        "SSISDB\\Finance\\Loads",
                        "SSISDB\\Finance\\Loads:parameters",
                        "SSISDB\\Finance\\Reports",
                        "SSISDB\\Finance\\Reports:parameters",
                        "SSISDB\\Finance\\environment:Prod");

        Artifact project = artifacts.get("SSISDB\\Finance\\Loads");
        assertThat(project.kind()).isEqualTo(ArtifactKind.SSISDB_PROJECT);
        assertThat(bytes(project)).isEqualTo(loads);
        assertThat(project.metadata())
                .containsEntry("folder", "Finance")
                .containsEntry("project", "Loads")
                .containsEntry("projectId", String.valueOf(loadsId))
                .containsKey("objectVersionLsn")
                .containsKey("lastDeployed");

        SsisdbProjectExporter.ProjectSettings settings = MessageCodec.decodeDocument(
                bytes(artifacts.get("SSISDB\\Finance\\Loads:parameters")), SsisdbProjectExporter.ProjectSettings.class);
        assertThat(settings.parameters())
                .extracting(SsisdbProjectExporter.ParameterValue::parameterName)
                .containsExactly("Server", "ApiKey", "BatchSize"); // by object name, then parameter name
        assertThat(settings.parameters())
                .filteredOn(p -> p.parameterName().equals("BatchSize"))
                .singleElement()
                .satisfies(p -> assertThat(p.value()).isEqualTo("5000"));
        assertThat(settings.parameters())
                .filteredOn(p -> p.parameterName().equals("Server"))
                .singleElement()
                .satisfies(p -> {
                    assertThat(p.valueType()).isEqualTo("R");
                    assertThat(p.referencedVariable()).isEqualTo("ServerName");
                });
        assertThat(settings.parameters())
                .filteredOn(SsisdbProjectExporter.ParameterValue::sensitive)
                .singleElement()
                .satisfies(p -> assertThat(p.value()).isNull());
        assertThat(settings.environmentReferences())
                .singleElement()
                .satisfies(r -> assertThat(r.environmentName()).isEqualTo("Prod"));

        SsisdbProjectExporter.Environment env = MessageCodec.decodeDocument(
                bytes(artifacts.get("SSISDB\\Finance\\environment:Prod")), SsisdbProjectExporter.Environment.class);
        assertThat(env.variables())
                .extracting(SsisdbProjectExporter.Variable::name)
                .containsExactly("DwPassword", "ServerName");
        assertThat(env.variables())
                .filteredOn(SsisdbProjectExporter.Variable::sensitive)
                .singleElement()
                .satisfies(v -> assertThat(v.value()).isNull());
        assertThat(finished(report).warnings().toString()).contains("1 sensitive variable value(s) not captured");

        String everything = events.toString()
                + new String(bytes(artifacts.get("SSISDB\\Finance\\environment:Prod")), StandardCharsets.UTF_8)
                + new String(bytes(artifacts.get("SSISDB\\Finance\\Loads:parameters")), StandardCharsets.UTF_8);
        assertThat(everything).doesNotContain(SENSITIVE).doesNotContain("Param-Secret-88");
        assertThat(registry.get("ssis.ssisdb.projects.captured").counter().count())
                .isEqualTo(2);

        // Unchanged: nothing is uploaded again.
        BackupReport again = backup();
        assertThat(again.outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(again.bytesUploaded()).isZero();
        assertThat(registry.get("ssis.ssisdb.projects.deduplicated").counter().count())
                .isEqualTo(2);
    }

    @Test
    void projectsRestoreToAnotherInstanceWithDeployProjectAndOverwriteRules() throws Exception {
        SsisdbCatalog catalog = msdb.standIn().model().enableSsisdb();
        catalog.createFolder("Finance", "");
        byte[] loads = ispac("Loads", 200_000);
        long loadsId = catalog.deployProject("Finance", "Loads", loads);
        catalog.setObjectParameterValue(loadsId, 20, "Loads", "BatchSize", "Int32", false, "5000", null);
        BackupReport report = backup();
        assertThat(report.outcome()).isEqualTo(Outcome.SUCCEEDED);
        UUID point = finished(report).restorePointId();

        try (TestMsdb other = TestMsdb.start(false)) {
            other.createLogin(
                    TestMsdb.ADMIN,
                    TestMsdb.ADMIN_PASSWORD,
                    "db_ssisadmin",
                    "ssis_admin"); // deploy_project needs ssis_admin
            RestoreFinished noCatalog = restore(other, point, OverwritePolicy.NEVER, false);
            assertThat(noCatalog.refused())
                    .singleElement()
                    .satisfies(e -> assertThat(e.reason()).contains("no SSISDB catalog"));

            SsisdbCatalog target = other.standIn().model().enableSsisdb();
            RestoreFinished dry = restore(other, point, OverwritePolicy.NEVER, true);
            assertThat(dry.written()).containsExactly("SSISDB\\Finance\\Loads");
            assertThat(target.folderId("Finance")).isNull(); // a dry run writes nothing

            RestoreFinished done = restore(other, point, OverwritePolicy.NEVER, false);
            assertThat(done.outcome()).as("%s", done.failed()).isEqualTo(Outcome.SUCCEEDED);
            assertThat(done.written()).containsExactly("SSISDB\\Finance\\Loads");
            assertThat(target.getProject("Finance", "Loads")).isEqualTo(loads);
            assertThat(done.skipped()).singleElement().satisfies(e -> {
                assertThat(e.path()).isEqualTo("SSISDB\\Finance\\Loads:parameters");
                assertThat(e.reason()).contains("not applied");
            });

            assertThat(restore(other, point, OverwritePolicy.NEVER, false).skipped())
                    .anySatisfy(e -> assertThat(e.reason()).isEqualTo("exists; overwrite is NEVER"));
            assertThat(restore(other, point, OverwritePolicy.IF_CHANGED, false).skipped())
                    .anySatisfy(e -> assertThat(e.reason()).isEqualTo("unchanged"));
        }
    }

    @Test
    void oneUnreadableProjectDoesNotStopTheOthers() throws Exception {
        SsisdbCatalog catalog = msdb.standIn().model().enableSsisdb();
        catalog.createFolder("Ops", "");
        catalog.deployProject("Ops", "Locked", ispac("Locked", 100));
        catalog.deployProject("Ops", "Open", ispac("Open", 100));
        catalog.makeUnreadable("Ops", "Locked");
        BackupReport report = backup();
        assertThat(report.outcome()).isEqualTo(Outcome.PARTIALLY_FAILED);
        assertThat(report.errors()).singleElement().satisfies(e -> {
            assertThat(e.path()).isEqualTo("SSISDB\\Ops\\Locked");
            assertThat(e.reason()).contains("Cannot access the project");
        });
        assertThat(artifacts(report)).containsKey("SSISDB\\Ops\\Open");
    }

    @Test
    void anInstanceWithoutSsisdbSaysSo() {
        BackupReport report = backup();
        assertThat(report.outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(report.artifacts()).isZero();
        assertThat(finished(report).warnings().toString()).contains("no SSISDB catalog");
    }
}
