package org.ssisbackup.msdbagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.ssisbackup.contracts.AgentEvent;
import org.ssisbackup.contracts.AgentJobFinished;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.Artifact;
import org.ssisbackup.contracts.ArtifactKind;
import org.ssisbackup.contracts.ArtifactsStored;
import org.ssisbackup.contracts.BackupCommand;
import org.ssisbackup.contracts.BackupScope;
import org.ssisbackup.contracts.ConfigReferencesFound;
import org.ssisbackup.contracts.MessageCodec;
import org.ssisbackup.contracts.MessageMeta;
import org.ssisbackup.contracts.Outcome;
import org.ssisbackup.contracts.Topics;
import org.ssisbackup.storage.BlobStore;
import org.ssisbackup.testkit.infra.EmbeddedS3;
import org.ssisbackup.testkit.infra.SampleHost;
import org.ssisbackup.testkit.infra.TestKeys;
import org.ssisbackup.testkit.kafka.TopicProbe;
import org.ssisbackup.testkit.msdb.DtsxSeed;
import org.ssisbackup.testkit.msdb.MsdbModel;
import org.ssisbackup.testkit.msdb.MsdbStandIn;

/** The msdb agent through the real mssql-jdbc driver against the msdb stand-in, on a real broker and S3. */
@SpringBootTest(
        properties = {
            "spring.cloud.stream.kafka.binder.brokers=${spring.embedded.kafka.brokers}",
            "ssisbackup.agent.host-id=sql01",
            "server.port=0",
            "ssisbackup.msdb.username=ssis_backup",
            "ssisbackup.msdb.query-timeout=5s",
            "ssisbackup.agent.repository.key=" + TestKeys.KEK,
            "ssisbackup.agent.repository.catalog-public-key=" + TestKeys.CATALOG_PUBLIC,
            "ssisbackup.agent.repository.self-test-rounds=1",
            "ssisbackup.agent.orchestrator-public-key=" + TestKeys.ORCHESTRATOR_SIGNING_PUBLIC
        })
@EmbeddedKafka(partitions = 1)
class MsdbAgentIT {
    static final MsdbStandIn MSDB;
    static final EmbeddedS3 S3;
    static final String PASSWORD = "Stand-in-only-pw1";

    static {
        try {
            MsdbModel model = new MsdbModel();
            DtsxSeed.load(SampleHost.copyMsdbSeedTo(Files.createTempDirectory("msdb-seed")), model);
            MSDB = new MsdbStandIn(model)
                    .addAccount("ssis_backup", PASSWORD, "db_ssisadmin", "db_backupoperator", "SQLAgentOperatorRole")
                    .start(0);
            S3 = EmbeddedS3.startInMemory("it-access", "it-secret-key");
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        // The agent's job journal, its own for this test run.
        r.add("ssisbackup.agent.state-dir", () -> org.ssisbackup.testkit.infra.TestDirs.temp("agent-state"));
        r.add("ssisbackup.msdb.jdbc-url", MSDB::jdbcUrl);
        r.add("ssisbackup.msdb.password", () -> PASSWORD);
        r.add("ssisbackup.agent.s3.endpoint", S3::endpoint);
        r.add("ssisbackup.agent.s3.access-key", S3::accessKey);
        r.add("ssisbackup.agent.s3.secret-key", S3::secretKey);
        r.add("ssisbackup.agent.s3.bucket", () -> "it-bucket");
    }

    @AfterAll
    static void stop() throws Exception {
        S3.close();
        MSDB.close();
    }

    @AfterEach
    void clearFaults() {
        MSDB.clearFaults();
    }

    @Autowired
    EmbeddedKafkaBroker broker;

    @Autowired
    BlobStore store;

    @Test
    void exportsEveryFolderAndPackageVerbatimWithMetadataAndReportsConfigReferences() throws Exception {
        try (TopicProbe probe = new TopicProbe(broker.getBrokersAsString(), Topics.EVENTS)) {
            UUID job = send(probe);
            await().atMost(Duration.ofSeconds(60)).until(() -> finished(probe, job) != null);
            AgentJobFinished done = finished(probe, job);
            assertThat(done.outcome()).as("errors %s", done.errors()).isEqualTo(Outcome.SUCCEEDED);
            List<Artifact> artifacts = artifacts(probe, job);
            org.ssisbackup.contracts.Manifest manifest =
                    MsdbTestAgent.reader(store).manifest(done.manifestKey());
            assertThat(artifacts)
                    .extracting(Artifact::logicalPath)
                    .contains(
                            "\\ETL",
                            "\\ETL\\Staging",
                            "\\Reports",
                            "\\Maintenance Plans",
                            "\\ETL\\NightlyLoad",
                            "\\ETL\\Staging\\StageOrders",
                            "\\Reports\\BuildCube",
                            "\\Cleanup");
            assertThat(artifacts)
                    .filteredOn(a -> a.kind() == ArtifactKind.MSDB_PACKAGE)
                    .hasSize(4);
            for (Map<String, Object> row : MSDB.model().select("sysssispackages", r -> true)) {
                Artifact a = artifacts.stream()
                        .filter(x -> x.kind() == ArtifactKind.MSDB_PACKAGE
                                && x.metadata().get("id").equals(row.get("id").toString()))
                        .findFirst()
                        .orElseThrow();
                Artifact stored = manifest.artifacts().stream()
                        .filter(x -> x.logicalPath().equals(a.logicalPath()))
                        .findFirst()
                        .orElseThrow();
                assertThat(MsdbTestAgent.reader(store).bytes("sql01", stored))
                        .isEqualTo((byte[]) row.get("packagedata"));
                assertThat(a.metadata())
                        .containsEntry("verid", row.get("verid").toString())
                        .containsEntry("vermajor", row.get("vermajor").toString())
                        .containsEntry("verbuild", row.get("verbuild").toString())
                        .containsEntry("folderid", row.get("folderid").toString())
                        .containsEntry("isencrypted", row.get("isencrypted").toString())
                        .containsEntry("ownersid", "01")
                        .containsKeys(
                                "createdate",
                                "packageformat",
                                "packagetype",
                                "description",
                                "readrolesid",
                                "writerolesid");
            }
            assertThat(artifacts)
                    .filteredOn(a -> a.logicalPath().equals("\\Reports\\BuildCube"))
                    .first()
                    .satisfies(a -> assertThat(a.metadata().get("warning")).contains("encrypted"));
            ConfigReferencesFound refs = events(probe).stream()
                    .filter(e -> e instanceof ConfigReferencesFound r
                            && r.meta().jobId().equals(job))
                    .map(ConfigReferencesFound.class::cast)
                    .findFirst()
                    .orElseThrow();
            assertThat(refs.references()).anySatisfy(r -> {
                assertThat(r.packagePath()).isEqualTo("\\ETL\\NightlyLoad");
                assertThat(r.configurationType()).isEqualTo(1);
                assertThat(r.target()).isEqualTo("C:\\ETL\\Config\\Warehouse.dtsConfig");
            });
        }
    }

    @Test
    void packagesSsisdbAndANativeBackupInOneJobThroughTheCommandsTopic() throws Exception {
        MSDB.model().nativeBackups().defaultDirectory(Files.createTempDirectory("msdb-native"));
        org.ssisbackup.testkit.msdb.SsisdbCatalog catalog = MSDB.model().enableSsisdb();
        if (catalog.folderId("Sales") == null) {
            catalog.createFolder("Sales", "");
            catalog.deployProject("Sales", "Orders", SsisdbCaptureIT.ispac("Orders", 10_000));
        }
        try (TopicProbe probe = new TopicProbe(broker.getBrokersAsString(), Topics.EVENTS)) {
            UUID job = UUID.randomUUID();
            probe.sendSignedCommand(
                    "sql01",
                    MessageCodec.encode(new BackupCommand(
                            MessageMeta.create(job, "sql01"),
                            AgentKind.MSDB,
                            UUID.randomUUID(),
                            Set.of(AgentKind.MSDB),
                            Set.of(BackupScope.MSDB, BackupScope.MSDB_NATIVE, BackupScope.SSISDB))),
                    Map.of());
            await().atMost(Duration.ofSeconds(60)).until(() -> finished(probe, job) != null);
            AgentJobFinished done = finished(probe, job);
            assertThat(done.outcome()).as("errors %s", done.errors()).isEqualTo(Outcome.SUCCEEDED);
            assertThat(artifacts(probe, job))
                    .extracting(Artifact::kind)
                    .contains(
                            ArtifactKind.MSDB_PACKAGE,
                            ArtifactKind.MSDB_DATABASE_BACKUP,
                            ArtifactKind.SSISDB_PROJECT,
                            ArtifactKind.SSISDB_PARAMETERS);
            Artifact nativeBackup = artifacts(probe, job).stream()
                    .filter(a -> a.kind() == ArtifactKind.MSDB_DATABASE_BACKUP)
                    .findFirst()
                    .orElseThrow();
            assertThat(nativeBackup.storedIn())
                    .allSatisfy(key -> assertThat(store.exists(key)).isTrue());
        }
    }

    @Test
    void restoresADeletedPackageThroughTheCommandsTopic() throws Exception {
        try (TopicProbe probe = new TopicProbe(broker.getBrokersAsString(), Topics.EVENTS)) {
            UUID point = UUID.randomUUID();
            UUID job = UUID.randomUUID();
            probe.sendSignedCommand(
                    "sql01",
                    MessageCodec.encode(new BackupCommand(
                            MessageMeta.create(job, "sql01"),
                            AgentKind.MSDB,
                            point,
                            Set.of(AgentKind.MSDB),
                            Set.of(BackupScope.MSDB))),
                    Map.of());
            await().atMost(Duration.ofSeconds(60)).until(() -> finished(probe, job) != null);
            Map<String, Object> cleanup = MSDB.model()
                    .select("sysssispackages", r -> "Cleanup".equals(r.get("name")))
                    .get(0);
            MSDB.model().deletePackage("Cleanup", (UUID) cleanup.get("folderid"));

            UUID restore = UUID.randomUUID();
            probe.sendSignedCommand(
                    "sql01",
                    MessageCodec.encode(new org.ssisbackup.contracts.RestoreCommand(
                            MessageMeta.create(restore, "sql01"),
                            AgentKind.MSDB,
                            "sql01",
                            point,
                            new org.ssisbackup.contracts.RestoreOptions(
                                    null,
                                    List.of("\\Cleanup"),
                                    null,
                                    org.ssisbackup.contracts.OverwritePolicy.NEVER,
                                    false,
                                    null,
                                    false))),
                    Map.of());
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> events(probe).stream()
                            .anyMatch(e -> e instanceof org.ssisbackup.contracts.RestoreFinished f
                                    && f.meta().jobId().equals(restore)));
            org.ssisbackup.contracts.RestoreFinished done = events(probe).stream()
                    .filter(e -> e instanceof org.ssisbackup.contracts.RestoreFinished f
                            && f.meta().jobId().equals(restore))
                    .map(org.ssisbackup.contracts.RestoreFinished.class::cast)
                    .findFirst()
                    .orElseThrow();
            assertThat(done.outcome()).as("%s", done).isEqualTo(Outcome.SUCCEEDED);
            assertThat(done.written()).containsExactly("\\Cleanup");
            assertThat((byte[]) MSDB.model()
                            .findPackage("Cleanup", (UUID) cleanup.get("folderid"))
                            .get("packagedata"))
                    .isEqualTo((byte[]) cleanup.get("packagedata"));
        }
    }

    @Test
    void aDroppedConnectionFailsTheJobWithAReason() throws Exception {
        MSDB.dropConnectionWhen(sql -> sql.contains("sysssispackages "));
        try (TopicProbe probe = new TopicProbe(broker.getBrokersAsString(), Topics.EVENTS)) {
            UUID job = send(probe);
            await().atMost(Duration.ofSeconds(60)).until(() -> finished(probe, job) != null);
            AgentJobFinished done = finished(probe, job);
            assertThat(done.outcome()).isNotEqualTo(Outcome.SUCCEEDED);
            assertThat(done.errors()).anySatisfy(e -> assertThat(e.reason()).containsIgnoringCase("connection"));
            assertThat(done.errors().toString()).doesNotContain(PASSWORD);
        }
    }

    private static UUID send(TopicProbe probe) throws Exception {
        UUID job = UUID.randomUUID();
        probe.sendSignedCommand(
                "sql01",
                MessageCodec.encode(new BackupCommand(
                        MessageMeta.create(job, "sql01"),
                        AgentKind.MSDB,
                        UUID.randomUUID(),
                        Set.of(AgentKind.MSDB),
                        Set.of(BackupScope.MSDB))),
                Map.of());
        return job;
    }

    private static List<AgentEvent> events(TopicProbe probe) {
        return probe.seen(Topics.EVENTS).stream()
                .map(s -> MessageCodec.decodeEvent(s.value()))
                .toList();
    }

    private static List<Artifact> artifacts(TopicProbe probe, UUID job) {
        return events(probe).stream()
                .filter(e -> e instanceof ArtifactsStored s && s.meta().jobId().equals(job))
                .flatMap(e -> ((ArtifactsStored) e).artifacts().stream())
                .toList();
    }

    private static AgentJobFinished finished(TopicProbe probe, UUID job) {
        return events(probe).stream()
                .filter(e -> e instanceof AgentJobFinished f && f.meta().jobId().equals(job))
                .map(AgentJobFinished.class::cast)
                .findFirst()
                .orElse(null);
    }
}
