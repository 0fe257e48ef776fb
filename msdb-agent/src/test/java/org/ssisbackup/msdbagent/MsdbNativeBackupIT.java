package org.ssisbackup.msdbagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ssisbackup.agent.capture.BackupReport;
import org.ssisbackup.agent.command.CommandIntake;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.Artifact;
import org.ssisbackup.contracts.ArtifactKind;
import org.ssisbackup.contracts.BackupCommand;
import org.ssisbackup.contracts.BackupScope;
import org.ssisbackup.contracts.ConfigReferencesFound;
import org.ssisbackup.contracts.MessageMeta;
import org.ssisbackup.contracts.Outcome;
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

/**
 * The native msdb backup (scope MSDB_NATIVE) through mssql-jdbc and a real S3 server: BACKUP ... COPY_ONLY,
 * CHECKSUM with COMPRESSION where the edition has it, RESTORE VERIFYONLY, a backup larger than one upload part
 * (multipart), the local file removed; TO URL on SQL Server 2022; and the failures: no BACKUP permission, a damaged
 * backup, a directory that does not exist, a directory the agent cannot see, TO URL on an older server or without a
 * credential. Fault cases need the stand-in; the TO DISK case runs on a real SQL Server with {@code -Dmssql.url} and
 * {@code -Dmssql.backup-dir} (the server's directory) / {@code -Dmssql.backup-agent-dir} (the same, seen here).
 */
class MsdbNativeBackupIT {
    static final String OPERATOR = "backup_operator_it";
    static final String OPERATOR_PASSWORD = "Operator-it-pw-2";
    static EmbeddedS3 s3;
    TestMsdb msdb;
    BlobStore store;
    final List<VersionedMessage> events = new CopyOnWriteArrayList<>();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @TempDir
    Path serverDir;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = EmbeddedS3.startInMemory("native-access", "native-secret-key");
    }

    @AfterAll
    static void stopS3() throws Exception {
        s3.close();
    }

    @BeforeEach
    void msdbWithAPackage() throws Exception {
        msdb = TestMsdb.start(false);
        msdb.createLogin(OPERATOR, OPERATOR_PASSWORD, "db_ssisadmin", "db_backupoperator", "SQLAgentOperatorRole");
        store = BlobStore.connect(s3.endpoint(), s3.accessKey(), s3.secretKey(), "native-" + UUID.randomUUID());
        store.ensureBucket();
        UUID folder = msdb.addFolder(
                new UUID(0, 0), "it-" + UUID.randomUUID().toString().substring(0, 8));
        msdb.putPackage("P", folder, MsdbBackupRestoreIT.dtsx("P", ""), UUID.randomUUID(), UUID.randomUUID(), 1);
        if (msdb.isStandIn()) {
            msdb.standIn().model().nativeBackups().defaultDirectory(serverDir);
        }
    }

    @AfterEach
    void stopMsdb() throws Exception {
        msdb.close();
    }

    private CommandIntake runner(String user, String password, MsdbAgentProperties.NativeBackup settings) {
        MsdbAgentProperties properties = new MsdbAgentProperties(
                msdb.url(), user, password, Duration.ofSeconds(10), Duration.ofSeconds(5), settings);
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

    private CommandIntake operator(MsdbAgentProperties.NativeBackup settings) {
        return runner(OPERATOR, OPERATOR_PASSWORD, settings);
    }

    /** TO DISK into the server's default directory, or the directories given for a real server. */
    private MsdbAgentProperties.NativeBackup disk() {
        return new MsdbAgentProperties.NativeBackup(
                System.getProperty("mssql.backup-dir"), System.getProperty("mssql.backup-agent-dir"), null, null);
    }

    private static BackupReport backup(CommandIntake runner, BackupScope... scope) {
        return runner.runBackup(new BackupCommand(
                MessageMeta.create(UUID.randomUUID(), "msdb-it"),
                AgentKind.MSDB,
                UUID.randomUUID(),
                Set.of(AgentKind.MSDB),
                Set.of(scope)));
    }

    private Artifact nativeArtifact(BackupReport report) {
        return MsdbTestAgent.manifest(store, pointOf(report)).artifacts().stream()
                .filter(a -> a.kind() == ArtifactKind.MSDB_DATABASE_BACKUP)
                .findFirst()
                .orElseThrow();
    }

    private UUID pointOf(BackupReport report) {
        return events.stream()
                .filter(e -> e instanceof org.ssisbackup.contracts.AgentJobFinished f
                        && f.meta().jobId().equals(report.jobId()))
                .map(e -> ((org.ssisbackup.contracts.AgentJobFinished) e).restorePointId())
                .findFirst()
                .orElseThrow();
    }

    private double nativeBackups(String outcome) {
        var timer = registry.find("ssis.msdb.native.backup.duration")
                .tag("outcome", outcome)
                .timer();
        return timer == null ? 0 : timer.count();
    }

    @Test
    void aCopyOnlyBackupIsVerifiedStreamedToS3AndRemovedLocally() throws Exception {
        if (!msdb.isStandIn()) {
            assumeTrue(System.getProperty("mssql.backup-dir") != null, "a real server needs -Dmssql.backup-dir");
        } else {
            // Larger than one 16 MiB upload part even compressed: the upload goes multipart.
            msdb.standIn().model().nativeBackups().fillerBytes(40L * 1024 * 1024);
            msdb.standIn().model().nativeBackups().edition("Enterprise Edition (64-bit)", 3);
        }
        BackupReport report = backup(operator(disk()), BackupScope.MSDB, BackupScope.MSDB_NATIVE);

        assertThat(report.outcome()).as("%s", report.errors()).isEqualTo(Outcome.SUCCEEDED);
        Artifact backup = nativeArtifact(report);
        assertThat(backup.logicalPath()).isEqualTo(NativeMsdbBackup.LOGICAL_PATH);
        assertThat(backup.metadata())
                .containsEntry("compressed", "true")
                .containsEntry("verified", "RESTORE VERIFYONLY WITH CHECKSUM")
                .containsKey("serverVersion")
                .containsKey("serverFile");
        assertThat(backup.metadata().get("options")).isEqualTo("COPY_ONLY, CHECKSUM, COMPRESSION");
        Path copy = serverDir.resolveSibling(serverDir.getFileName() + "-download.bak");
        Files.write(copy, MsdbTestAgent.bytes(store, backup)); // checked against its SHA-256
        assertThat(Files.size(copy)).isEqualTo(backup.size());
        if (msdb.isStandIn()) {
            assertThat(backup.size()).isGreaterThan(16L * 1024 * 1024);
            try (InputStream in = Files.newInputStream(copy)) {
                assertThat(new String(in.readNBytes(19), StandardCharsets.US_ASCII))
                        .isEqualTo("MSDB-STANDIN-BACKUP");
            }
            assertThat(serverDir).isEmptyDirectory();
        }
        Files.delete(copy);
        assertThat(report.artifacts()).isGreaterThan(1); // the package exports came with it
        assertThat(nativeBackups("succeeded")).isEqualTo(1);
        assertThat(registry.get("ssis.msdb.native.backup").counter().count()).isEqualTo((double) backup.size());
    }

    @Test
    void aNativeBackupAloneReleasesTheFsAgentAtOnce() throws Exception {
        assumeTrue(
                msdb.isStandIn() || System.getProperty("mssql.backup-dir") != null,
                "a real server needs -Dmssql.backup-dir");
        BackupReport report = backup(operator(disk()), BackupScope.MSDB_NATIVE);
        assertThat(report.outcome()).as("%s", report.errors()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(report.artifacts()).isEqualTo(1);
        assertThat(events)
                .filteredOn(e -> e instanceof ConfigReferencesFound)
                .singleElement()
                .satisfies(e ->
                        assertThat(((ConfigReferencesFound) e).references()).isEmpty());
    }

    @Test
    void anEditionWithoutCompressionWritesUncompressedWithAWarning() throws Exception {
        assumeTrue(msdb.isStandIn(), "the edition is the stand-in's");
        msdb.standIn().model().nativeBackups().edition("Web Edition (64-bit)", 2);
        BackupReport report = backup(operator(disk()), BackupScope.MSDB_NATIVE);
        assertThat(report.outcome()).as("%s", report.errors()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(nativeArtifact(report).metadata())
                .containsEntry("compressed", "false")
                .containsEntry("options", "COPY_ONLY, CHECKSUM");
        assertThat(finished(report).warnings().toString()).contains("cannot compress");

        msdb.standIn().model().nativeBackups().edition("Express Edition (64-bit)", 4);
        BackupReport express = backup(operator(disk()), BackupScope.MSDB_NATIVE);
        assertThat(express.outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(finished(express).warnings()).isEmpty(); // Express is known: compression is not even tried
        assertThat(msdb.standIn().model().nativeBackups().backupsTaken()).isEqualTo(2);
    }

    private org.ssisbackup.contracts.AgentJobFinished finished(BackupReport report) {
        return events.stream()
                .filter(e -> e instanceof org.ssisbackup.contracts.AgentJobFinished f
                        && f.meta().jobId().equals(report.jobId()))
                .map(e -> (org.ssisbackup.contracts.AgentJobFinished) e)
                .findFirst()
                .orElseThrow();
    }

    @Test
    void withoutBackupPermissionThePackagesAreStillCaptured() throws Exception {
        assumeTrue(
                msdb.isStandIn() || System.getProperty("mssql.backup-dir") != null,
                "a real server needs -Dmssql.backup-dir");
        BackupReport report = backup(
                runner(TestMsdb.ADMIN, TestMsdb.ADMIN_PASSWORD, disk()), BackupScope.MSDB, BackupScope.MSDB_NATIVE);
        assertThat(report.outcome()).isEqualTo(Outcome.PARTIALLY_FAILED);
        assertThat(report.errors()).singleElement().satisfies(e -> {
            assertThat(e.path()).isEqualTo("(native msdb backup)");
            assertThat(e.reason()).contains("permission denied").contains("db_backupoperator");
        });
        assertThat(registry.get("ssis.msdb.failures")
                        .tag("reason", "permission_denied")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(nativeBackups("failed")).isEqualTo(1);
        assertThat(report.errors().toString()).doesNotContain(TestMsdb.ADMIN_PASSWORD);
    }

    @Test
    void aDamagedBackupFailsVerificationAndIsNeitherStoredNorLeftBehind() throws Exception {
        assumeTrue(msdb.isStandIn(), "damage is injected by the stand-in");
        msdb.standIn().model().nativeBackups().damageBackups(true);
        BackupReport report = backup(operator(disk()), BackupScope.MSDB, BackupScope.MSDB_NATIVE);
        assertThat(report.outcome()).isEqualTo(Outcome.PARTIALLY_FAILED);
        assertThat(report.errors())
                .singleElement()
                .satisfies(e -> assertThat(e.reason()).contains("Damage to the backup set"));
        assertThat(MsdbTestAgent.manifest(store, pointOf(report)).artifacts())
                .noneMatch(a -> a.kind() == ArtifactKind.MSDB_DATABASE_BACKUP);
        assertThat(serverDir).isEmptyDirectory();
    }

    @Test
    void aMissingDirectoryOrOneTheAgentCannotSeeIsAClearFailure() throws Exception {
        assumeTrue(msdb.isStandIn(), "directories are the stand-in's");
        Path missing = serverDir.resolve("no-such-dir");
        BackupReport report = backup(
                operator(new MsdbAgentProperties.NativeBackup(missing.toString(), null, null, null)),
                BackupScope.MSDB_NATIVE);
        assertThat(report.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(report.errors().toString())
                .contains("Cannot open backup device")
                .contains("no-such-dir");

        Path elsewhere = Files.createTempDirectory("agent-view");
        BackupReport unseen = backup(
                operator(new MsdbAgentProperties.NativeBackup(serverDir.toString(), elsewhere.toString(), null, null)),
                BackupScope.MSDB_NATIVE);
        assertThat(unseen.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(unseen.errors().toString()).contains("native-backup.agent-directory");
        assertThat(finished(unseen).warnings().toString()).contains("may remain on the server");
        Files.delete(elsewhere);
    }

    @Test
    void toUrlOnSqlServer2022TheServerWritesToS3AndTheAgentMovesItUnderItsHash() throws Exception {
        assumeTrue(
                msdb.isStandIn(), "BACKUP TO URL needs an https S3 endpoint SQL Server trusts; the stand-in models it");
        String prefix = "s3://127.0.0.1:" + s3.port() + "/" + store.bucket();
        msdb.standIn().model().nativeBackups().addCredential(prefix, s3.accessKey(), s3.secretKey());
        BackupReport report = backup(
                operator(new MsdbAgentProperties.NativeBackup(null, null, prefix, null)), BackupScope.MSDB_NATIVE);
        assertThat(report.outcome()).as("%s", report.errors()).isEqualTo(Outcome.SUCCEEDED);
        Artifact backup = nativeArtifact(report);
        assertThat(backup.metadata().get("serverFile")).startsWith(prefix + "/staging/msdb-it/");
        Path copy = Files.createTempFile("url-backup", ".bak");
        Files.write(copy, MsdbTestAgent.bytes(store, backup));
        assertThat(Files.size(copy)).isEqualTo(backup.size());
        Files.delete(copy);
        assertThat(store.list("staging/")).isEmpty();
        assertThat(serverDir).isEmptyDirectory();
    }

    @Test
    void toUrlWithoutACredentialOrOnAnOlderServerFailsAndLeavesNothingStaged() throws Exception {
        assumeTrue(msdb.isStandIn(), "the stand-in models the server's credentials");
        String prefix = "s3://127.0.0.1:" + s3.port() + "/" + store.bucket();
        BackupReport report = backup(
                operator(new MsdbAgentProperties.NativeBackup(null, null, prefix, null)), BackupScope.MSDB_NATIVE);
        assertThat(report.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(report.errors().toString())
                .contains("Cannot open backup device")
                .doesNotContain(s3.secretKey());
        assertThat(store.list("staging/")).isEmpty();

        try (TestMsdb old = TestMsdb.start(true)) {
            old.createLogin(OPERATOR, OPERATOR_PASSWORD, "db_ssisadmin", "db_backupoperator", "SQLAgentOperatorRole");
            TestMsdb current = msdb;
            msdb = old;
            try {
                BackupReport r2005 = backup(
                        operator(new MsdbAgentProperties.NativeBackup(null, null, prefix, null)),
                        BackupScope.MSDB_NATIVE);
                assertThat(r2005.outcome()).isEqualTo(Outcome.FAILED);
                assertThat(r2005.errors().toString())
                        .contains("needs SQL Server 2022")
                        .contains("9.00");
            } finally {
                msdb = current;
            }
        }
    }
}
