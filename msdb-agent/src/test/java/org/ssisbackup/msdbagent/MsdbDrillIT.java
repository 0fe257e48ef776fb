package org.ssisbackup.msdbagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
import org.ssisbackup.agent.command.CommandIntake;
import org.ssisbackup.contracts.AgentError;
import org.ssisbackup.contracts.AgentJobFinished;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.BackupCommand;
import org.ssisbackup.contracts.BackupScope;
import org.ssisbackup.contracts.MessageMeta;
import org.ssisbackup.contracts.Outcome;
import org.ssisbackup.contracts.RestoreCommand;
import org.ssisbackup.contracts.RestoreFinished;
import org.ssisbackup.contracts.RestoreOptions;
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
 * Issue 17: drills of the msdb agent through mssql-jdbc, the msdb stand-in and a real S3 server. A drill restores the
 * point's packages into {@code \__drill\<point>}, reads them back and removes them, and stages the stored native
 * backup where SQL Server reads it for {@code RESTORE VERIFYONLY}; with a drill instance configured, production msdb
 * is not written at all; a staging folder SQL Server cannot open fails the drill with the reason and leaves nothing.
 */
class MsdbDrillIT {
    static EmbeddedS3 s3;
    TestMsdb production;
    TestMsdb drillInstance;
    BlobStore store;
    final List<VersionedMessage> events = new CopyOnWriteArrayList<>();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @TempDir
    Path productionBackups;

    @TempDir
    Path drillBackups;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = EmbeddedS3.startInMemory("drill-access", "drill-secret-key");
    }

    @AfterAll
    static void stopS3() throws Exception {
        s3.close();
    }

    @BeforeEach
    void productionWithPackages() throws Exception {
        production = standIn(productionBackups);
        production.createLogin(
                MsdbNativeBackupIT.OPERATOR,
                MsdbNativeBackupIT.OPERATOR_PASSWORD,
                "db_ssisadmin",
                "db_backupoperator",
                "SQLAgentOperatorRole");
        store = BlobStore.connect(s3.endpoint(), s3.accessKey(), s3.secretKey(), "drill-" + UUID.randomUUID());
        store.ensureBucket();
        UUID etl = production.addFolder(new UUID(0, 0), "ETL");
        UUID staging = production.addFolder(etl, "Staging");
        production.putPackage(
                "Load", etl, MsdbBackupRestoreIT.dtsx("Load", ""), UUID.randomUUID(), UUID.randomUUID(), 1);
        production.putPackage(
                "Stage", staging, MsdbBackupRestoreIT.dtsx("Stage", ""), UUID.randomUUID(), UUID.randomUUID(), 3);
    }

    @AfterEach
    void stop() throws Exception {
        production.close();
        if (drillInstance != null) {
            drillInstance.close();
        }
    }

    /** Drills need the stand-in: they count what the server verified and compare msdb before and after. */
    private static TestMsdb standIn(Path backups) throws Exception {
        TestMsdb msdb = TestMsdb.start(false);
        if (!msdb.isStandIn()) {
            msdb.close();
            assumeTrue(false, "drill checks count what the stand-in verified and compare its msdb before and after");
        }
        msdb.standIn().model().nativeBackups().defaultDirectory(backups);
        return msdb;
    }

    private MsdbConnector connector(TestMsdb msdb) {
        return new MsdbConnector(new MsdbAgentProperties(
                msdb.url(),
                MsdbNativeBackupIT.OPERATOR,
                MsdbNativeBackupIT.OPERATOR_PASSWORD,
                Duration.ofSeconds(10),
                Duration.ofSeconds(5),
                null));
    }

    private CommandIntake agent(MsdbConnector drills, MsdbAgentProperties.NativeBackup drillFolders) {
        MsdbConnector connector = connector(production);
        MsdbMetrics metrics = new MsdbMetrics(registry, MsdbTestAgent.HOST);
        return MsdbTestAgent.of(
                store,
                events::add,
                registry,
                new MsdbCapture(
                        new MsdbPackageExporter(connector, metrics),
                        new SqlAgentJobExporter(connector, metrics),
                        new SsisdbProjectExporter(connector, metrics),
                        new NativeMsdbBackup(
                                MsdbTestAgent.HOST,
                                connector,
                                store,
                                metrics,
                                new MsdbAgentProperties.NativeBackup(null, null, null, null))),
                connector,
                drills == null ? connector : drills,
                drillFolders,
                metrics);
    }

    private static MsdbAgentProperties.NativeBackup defaultFolders() {
        return new MsdbAgentProperties.NativeBackup(null, null, null, null);
    }

    private UUID backup(CommandIntake agent) {
        UUID point = UUID.randomUUID();
        var report = agent.runBackup(new BackupCommand(
                MessageMeta.create(UUID.randomUUID(), MsdbTestAgent.HOST),
                AgentKind.MSDB,
                point,
                Set.of(AgentKind.MSDB),
                Set.of(BackupScope.MSDB, BackupScope.MSDB_NATIVE)));
        assertThat(report.outcome()).as("%s", report.errors()).isEqualTo(Outcome.SUCCEEDED);
        return events.stream()
                .filter(e -> e instanceof AgentJobFinished f && f.meta().jobId().equals(report.jobId()))
                .map(e -> ((AgentJobFinished) e).restorePointId())
                .findFirst()
                .orElseThrow();
    }

    private static RestoreFinished drill(CommandIntake agent, UUID point) {
        return agent.runRestore(new RestoreCommand(
                        MessageMeta.create(UUID.randomUUID(), MsdbTestAgent.HOST),
                        AgentKind.MSDB,
                        MsdbTestAgent.HOST,
                        point,
                        RestoreOptions.drillOf(UUID.randomUUID(), Set.of())))
                .finished();
    }

    @Test
    void aDrillReadsThePackagesBackAndHasSqlServerVerifyTheStoredNativeBackup() throws Exception {
        CommandIntake agent = agent(null, defaultFolders());
        UUID point = backup(agent);
        var model = production.standIn().model();
        int folders = model.folderCount();
        int packages = model.packageCount();
        int verified = model.nativeBackups().backupsVerified();

        RestoreFinished drill = drill(agent, point);

        assertThat(drill.outcome()).as("%s", drill).isEqualTo(Outcome.SUCCEEDED);
        assertThat(drill.drill().cleanedUp()).isTrue();
        // Two packages read back from \__drill\<point>, and the native backup fetched, hashed and verified.
        assertThat(drill.drill().itemsChecked()).isEqualTo(3);
        assertThat(drill.drill().documentsParsed()).isEqualTo(3);
        assertThat(model.nativeBackups().backupsVerified()).isEqualTo(verified + 1);
        assertThat(drill.written()).isEmpty();
        assertThat(model.folderCount()).isEqualTo(folders);
        assertThat(model.packageCount()).isEqualTo(packages);
        try (var left = Files.list(productionBackups)) {
            assertThat(left).as("the staged backup is deleted").isEmpty();
        }
    }

    @Test
    void withADrillInstanceProductionMsdbIsNeverWritten() throws Exception {
        drillInstance = standIn(drillBackups);
        drillInstance.createLogin(
                MsdbNativeBackupIT.OPERATOR,
                MsdbNativeBackupIT.OPERATOR_PASSWORD,
                "db_ssisadmin",
                "db_backupoperator",
                "SQLAgentOperatorRole");
        CommandIntake agent = agent(connector(drillInstance), defaultFolders());
        UUID point = backup(agent);
        var prod = production.standIn().model();
        var drills = drillInstance.standIn().model();
        int prodFolders = prod.folderCount();
        int prodPackages = prod.packageCount();
        int prodVerified = prod.nativeBackups().backupsVerified();
        int drillFolders = drills.folderCount();

        RestoreFinished drill = drill(agent, point);

        assertThat(drill.outcome()).as("%s", drill).isEqualTo(Outcome.SUCCEEDED);
        assertThat(drill.drill().itemsChecked()).isEqualTo(3);
        assertThat(drills.nativeBackups().backupsVerified()).isEqualTo(1);
        assertThat(prod.nativeBackups().backupsVerified()).isEqualTo(prodVerified);
        assertThat(prod.folderCount()).isEqualTo(prodFolders);
        assertThat(prod.packageCount()).isEqualTo(prodPackages);
        assertThat(drills.folderCount())
                .as("\\__drill removed from the drill instance")
                .isEqualTo(drillFolders);
        assertThat(drills.packageCount()).isZero();
        try (var left = Files.list(drillBackups)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aStagingFolderSqlServerCannotOpenFailsTheDrillWithTheReasonAndLeavesNothing() throws Exception {
        // The agent writes the staged copy into its folder, but the path SQL Server is told does not exist there:
        // the admin's mapping is wrong, and only a drill that has SQL Server read the file finds out.
        Path agentSide = Files.createDirectories(drillBackups.resolve("agent-side"));
        CommandIntake agent = agent(
                null, new MsdbAgentProperties.NativeBackup("Z:\\Backups\\NotThere", agentSide.toString(), null, null));
        UUID point = backup(agent);

        RestoreFinished drill = drill(agent, point);

        assertThat(drill.outcome())
                .as("the packages are proven, the native backup is not")
                .isEqualTo(Outcome.PARTIALLY_FAILED);
        assertThat(drill.failed()).anySatisfy((AgentError e) -> {
            assertThat(e.path()).isEqualTo(NativeMsdbBackup.LOGICAL_PATH);
            assertThat(e.reason())
                    .contains("RESTORE VERIFYONLY")
                    .contains("Z:\\Backups\\NotThere\\ssis-backup-drill-" + point + ".bak");
        });
        assertThat(drill.drill().cleanedUp()).isTrue();
        try (var left = Files.list(agentSide)) {
            assertThat(left).isEmpty();
        }
        assertThat(production.standIn().model().packageCount()).isEqualTo(2);
    }
}
