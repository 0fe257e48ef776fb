package org.ssisbackup.msdbagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
import org.ssisbackup.contracts.JobFileReference;
import org.ssisbackup.contracts.Manifest;
import org.ssisbackup.contracts.MessageCodec;
import org.ssisbackup.contracts.MessageMeta;
import org.ssisbackup.contracts.Outcome;
import org.ssisbackup.contracts.OverwritePolicy;
import org.ssisbackup.contracts.RestoreCommand;
import org.ssisbackup.contracts.RestoreFinished;
import org.ssisbackup.contracts.RestoreOptions;
import org.ssisbackup.contracts.VersionedMessage;
import org.ssisbackup.msdbagent.capture.MsdbCapture;
import org.ssisbackup.msdbagent.capture.MsdbPackageExporter;
import org.ssisbackup.msdbagent.capture.NativeMsdbBackup;
import org.ssisbackup.msdbagent.capture.SqlAgentJobExporter;
import org.ssisbackup.msdbagent.capture.SsisdbProjectExporter;
import org.ssisbackup.msdbagent.jobs.SqlAgentJob;
import org.ssisbackup.msdbagent.msdb.MsdbAgentProperties;
import org.ssisbackup.msdbagent.msdb.MsdbConnector;
import org.ssisbackup.msdbagent.msdb.MsdbMetrics;
import org.ssisbackup.storage.BlobStore;
import org.ssisbackup.testkit.infra.EmbeddedS3;

/**
 * SQL Server Agent jobs through mssql-jdbc: jobs created with msdb's own procedures ({@code sp_add_job},
 * {@code sp_add_jobstep}, {@code sp_add_schedule}, {@code sp_attach_schedule}) are captured with the files their dtexec
 * arguments name, and recreated on an empty instance with the same procedures: disabled unless asked, owners and
 * proxies mapped or reported, existing jobs kept unless the overwrite policy says otherwise.
 */
class SqlAgentJobsIT {
    static final String DECRYPT_PASSWORD = "Decrypt-pw-s3cret";
    static final String SET_VALUE = "Set-value-hunter2";
    static EmbeddedS3 s3;
    TestMsdb msdb;
    BlobStore store;
    String top;
    final List<VersionedMessage> events = new CopyOnWriteArrayList<>();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @BeforeAll
    static void startS3() throws Exception {
        s3 = EmbeddedS3.startInMemory("jobs-access", "jobs-secret-key");
    }

    @AfterAll
    static void stopS3() throws Exception {
        s3.close();
    }

    @BeforeEach
    void msdbWithJobs() throws Exception {
        msdb = TestMsdb.start(false);
        store = BlobStore.connect(s3.endpoint(), s3.accessKey(), s3.secretKey(), "jobs-" + UUID.randomUUID());
        store.ensureBucket();
        top = "jobs-" + UUID.randomUUID().toString().substring(0, 8);
        UUID folder = msdb.addFolder(new UUID(0, 0), top);
        msdb.putPackage("Load", folder, MsdbBackupRestoreIT.dtsx("Load", ""), UUID.randomUUID(), UUID.randomUUID(), 1);
    }

    @AfterEach
    void stopMsdb() throws Exception {
        msdb.close();
    }

    /** The jobs of a small SSIS server: two that run packages and share a schedule, one that does not. */
    private void createJobs(TestMsdb server) throws Exception {
        assumeTrue(server.isStandIn(), "proxies need a credential on a real server");
        server.standIn().model().addProxy("ETL proxy");
        server.exec(
                "EXEC msdb.dbo.sp_add_job @job_name = ?, @enabled = 1, @description = ?,"
                        + " @category_name = N'Database Maintenance', @owner_login_name = ?",
                "Nightly load",
                "Loads the warehouse",
                TestMsdb.ADMIN);
        server.exec(
                "EXEC msdb.dbo.sp_add_jobstep @job_name = ?, @step_name = N'Load', @subsystem = N'SSIS',"
                        + " @command = ?, @on_success_action = 3, @retry_attempts = 2, @retry_interval = 5",
                "Nightly load",
                "/FILE \"\\\"D:\\ETL\\Load.dtsx\\\"\" /CONFIGFILE \"\\\"D:\\Config\\Load.dtsConfig\\\"\" /DECRYPT \"\\\""
                        + DECRYPT_PASSWORD + "\\\"\" /SET \"\\\"\\Package.Variables[User::Pw].Value\\\"\";" + SET_VALUE
                        + " /CHECKPOINTING OFF /REPORTING E");
        server.exec(
                "EXEC msdb.dbo.sp_add_jobstep @job_name = ?, @step_name = N'From msdb', @subsystem = N'CmdExec',"
                        + " @command = ?, @proxy_name = N'ETL proxy', @on_success_action = 3",
                "Nightly load",
                "\"C:\\Program Files\\Microsoft SQL Server\\160\\DTS\\Binn\\DTExec.exe\" /SQL \"\\" + top
                        + "\\Load\" /SERVER . /CONF D:\\Config\\Msdb.dtsConfig");
        server.exec(
                "EXEC msdb.dbo.sp_add_jobstep @job_name = ?, @step_name = N'Clean up', @subsystem = N'TSQL',"
                        + " @command = N'EXEC dbo.cleanup', @database_name = N'Warehouse'",
                "Nightly load");
        server.exec("EXEC msdb.dbo.sp_add_schedule @schedule_name = N'Nightly 02:00', @freq_type = 4,"
                + " @freq_interval = 1, @active_start_time = 20000");
        int schedule = scheduleIds(server, "Nightly 02:00").get(0);
        server.exec("EXEC msdb.dbo.sp_attach_schedule @job_name = ?, @schedule_id = ?", "Nightly load", schedule);
        server.exec("EXEC msdb.dbo.sp_add_jobserver @job_name = ?, @server_name = N'(local)'", "Nightly load");

        server.exec("EXEC msdb.dbo.sp_add_job @job_name = ?, @owner_login_name = N'sa'", "Remote extract");
        server.exec(
                "EXEC msdb.dbo.sp_add_jobstep @job_name = ?, @step_name = N'Extract', @subsystem = N'SSIS',"
                        + " @command = ?",
                "Remote extract",
                "/SQL \"\\\"\\ETL\\Extract\\\"\" /SERVER \"\\\"OTHERSRV\\\"\"");
        server.exec(
                "EXEC msdb.dbo.sp_add_jobstep @job_name = ?, @step_name = N'Broken', @subsystem = N'SSIS',"
                        + " @command = ?",
                "Remote extract",
                "/FILE \"D:\\x.dtsx /DE " + DECRYPT_PASSWORD);
        server.exec("EXEC msdb.dbo.sp_attach_schedule @job_name = ?, @schedule_id = ?", "Remote extract", schedule);

        server.exec("EXEC msdb.dbo.sp_add_job @job_name = N'Index maintenance'");
        server.exec("EXEC msdb.dbo.sp_add_jobstep @job_name = N'Index maintenance', @step_name = N'Rebuild',"
                + " @subsystem = N'TSQL', @command = N'ALTER INDEX ALL ON dbo.t REBUILD'");
    }

    private static List<Integer> scheduleIds(TestMsdb server, String name) throws Exception {
        return server.rows("SELECT schedule_id FROM msdb.dbo.sysschedules WHERE name = ?", name).stream()
                .map(r -> ((Number) r.get("schedule_id")).intValue())
                .toList();
    }

    private CommandIntake runner(TestMsdb server, String user, String password) {
        MsdbAgentProperties properties = new MsdbAgentProperties(
                server.url(), user, password, Duration.ofSeconds(10), Duration.ofSeconds(5), null);
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

    private CommandIntake admin(TestMsdb server) {
        return runner(server, TestMsdb.ADMIN, TestMsdb.ADMIN_PASSWORD);
    }

    private static BackupCommand backupCommand(UUID point) {
        return new BackupCommand(
                MessageMeta.create(UUID.randomUUID(), MsdbTestAgent.HOST),
                AgentKind.MSDB,
                point,
                Set.of(AgentKind.MSDB, AgentKind.FILESYSTEM),
                Set.of(BackupScope.MSDB));
    }

    private static RestoreFinished restore(
            CommandIntake runner, UUID point, OverwritePolicy overwrite, boolean dryRun, Boolean enableJobs) {
        return runner.runRestore(new RestoreCommand(
                        MessageMeta.create(UUID.randomUUID(), MsdbTestAgent.HOST),
                        AgentKind.MSDB,
                        MsdbTestAgent.HOST,
                        point,
                        new RestoreOptions(
                                Set.of(BackupScope.MSDB),
                                List.of("job:**"),
                                null,
                                overwrite,
                                dryRun,
                                null,
                                false,
                                null,
                                null,
                                enableJobs)))
                .finished();
    }

    @Test
    void capturesTheJobsThatRunPackagesAndTellsTheFsAgentWhatFilesTheyUse() throws Exception {
        createJobs(msdb);
        UUID point = UUID.randomUUID();
        BackupReport report = admin(msdb).runBackup(backupCommand(point));
        assertThat(report.outcome()).as("errors %s", report.errors()).isEqualTo(Outcome.SUCCEEDED);

        Manifest m = MsdbTestAgent.manifest(store, point);
        List<Artifact> jobs = m.artifacts().stream()
                .filter(a -> a.kind() == ArtifactKind.SQL_AGENT_JOB)
                .toList();
        // A job without a package step is not this tool's to keep.
        assertThat(jobs).extracting(Artifact::logicalPath).containsExactly("job:Nightly load", "job:Remote extract");
        Artifact nightly = jobs.get(0);
        assertThat(nightly.metadata())
                .containsEntry("enabled", "true")
                .containsEntry("owner", TestMsdb.ADMIN)
                .containsEntry("category", "Database Maintenance")
                .containsEntry("steps", "3")
                .containsEntry("schedules", "1")
                .containsEntry(
                        "runs", "step 1 (Load): file D:\\ETL\\Load.dtsx; step 2 (From msdb): msdb \\" + top + "\\Load");

        // The definition keeps the whole step commands, inside the encrypted artifact only.
        SqlAgentJob job = MessageCodec.decodeDocument(MsdbTestAgent.bytes(store, nightly), SqlAgentJob.class);
        assertThat(job.steps()).hasSize(3);
        assertThat(job.steps().get(0).command()).contains(DECRYPT_PASSWORD, SET_VALUE);
        assertThat(job.steps().get(0).retryAttempts()).isEqualTo(2);
        assertThat(job.steps().get(1).proxy()).isEqualTo("ETL proxy");
        assertThat(job.steps().get(2).databaseName()).isEqualTo("Warehouse");
        assertThat(job.schedules()).singleElement().satisfies(s -> {
            assertThat(s.name()).isEqualTo("Nightly 02:00");
            assertThat(s.freqType()).isEqualTo(4);
            assertThat(s.activeStartTime()).isEqualTo(20000);
        });
        assertThat(job.script())
                .contains("EXEC msdb.dbo.sp_add_job @job_name = N'Nightly load'")
                .contains("@proxy_name = N'ETL proxy'")
                .contains("sp_attach_schedule");

        // The fs-agent of the host hears of the files the steps run and load.
        ConfigReferencesFound found = events.stream()
                .filter(e -> e instanceof ConfigReferencesFound)
                .map(e -> (ConfigReferencesFound) e)
                .reduce((a, b) -> b)
                .orElseThrow();
        assertThat(found.jobFiles())
                .extracting(JobFileReference::kind, JobFileReference::path, JobFileReference::user)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                JobFileReference.Kind.PACKAGE, "D:\\ETL\\Load.dtsx", "job:Nightly load step 1 (Load)"),
                        org.assertj.core.groups.Tuple.tuple(
                                JobFileReference.Kind.CONFIG_FILE,
                                "D:\\Config\\Load.dtsConfig",
                                "job:Nightly load step 1 (Load)"),
                        org.assertj.core.groups.Tuple.tuple(
                                JobFileReference.Kind.CONFIG_FILE,
                                "D:\\Config\\Msdb.dtsConfig",
                                "job:Nightly load step 2 (From msdb)"));
        List<String> warnings = events.stream()
                .filter(e -> e instanceof org.ssisbackup.contracts.AgentJobFinished)
                .flatMap(e -> ((org.ssisbackup.contracts.AgentJobFinished) e).warnings().stream())
                .map(w -> w.path() + ": " + w.reason())
                .toList();
        assertThat(warnings)
                .contains("job:Remote extract: step 1 (Extract) runs msdb package \\ETL\\Extract of server OTHERSRV:"
                        + " that server's agents capture it, not this one's")
                .anySatisfy(w -> assertThat(w).startsWith("job:Remote extract: step 2 (Broken): command not read"));
        // Secrets of step commands appear in no metadata, warning or event.
        for (VersionedMessage e : events) {
            assertThat(new String(MessageCodec.encode(e), StandardCharsets.UTF_8))
                    .doesNotContain(DECRYPT_PASSWORD)
                    .doesNotContain(SET_VALUE);
        }
        assertThat(MessageCodec.encodeToString(m))
                .doesNotContain(DECRYPT_PASSWORD)
                .doesNotContain(SET_VALUE);
    }

    @Test
    void recreatesJobsOnAnEmptyInstanceDisabledWithOwnersAndProxiesMappedOrReported() throws Exception {
        createJobs(msdb);
        UUID point = UUID.randomUUID();
        assertThat(admin(msdb).runBackup(backupCommand(point)).outcome()).isEqualTo(Outcome.SUCCEEDED);
        List<Map<String, Object>> originalSteps =
                msdb.rows("SELECT job_id, step_id, step_name, subsystem, command, proxy_id FROM msdb.dbo.sysjobsteps");

        try (TestMsdb empty = TestMsdb.start(false)) {
            CommandIntake restorer = admin(empty);
            // A dry run lists the jobs and creates none.
            RestoreFinished dry = restore(restorer, point, OverwritePolicy.NEVER, true, null);
            assertThat(dry.written()).containsExactlyInAnyOrder("job:Remote extract (disabled)");
            assertThat(dry.failed())
                    .singleElement()
                    .satisfies(
                            f -> assertThat(f.reason()).startsWith("proxy 'ETL proxy' does not exist on this server"));
            assertThat(empty.standIn().model().jobCount()).isZero();

            // The proxy is missing here: that job fails alone; the other is created, disabled, owned by the restorer.
            RestoreFinished first = restore(restorer, point, OverwritePolicy.NEVER, false, null);
            assertThat(first.outcome()).isEqualTo(Outcome.PARTIALLY_FAILED);
            assertThat(first.failed()).extracting(AgentError::path).containsExactly("job:Nightly load");
            assertThat(first.written())
                    .singleElement()
                    .satisfies(w -> assertThat(w)
                            .startsWith("job:Remote extract (disabled; owner 'sa' could not be kept")
                            .endsWith("owned by the restoring login)"));
            assertThat(empty.rows("SELECT name, enabled, SUSER_SNAME(owner_sid) AS owner FROM msdb.dbo.sysjobs"))
                    .singleElement()
                    .satisfies(r -> assertThat(r)
                            .containsEntry("name", "Remote extract")
                            .containsEntry("enabled", 0)
                            .containsEntry("owner", TestMsdb.ADMIN.toLowerCase(java.util.Locale.ROOT)));

            // Once the proxy exists the job restores; the existing one is kept (NEVER); the schedule it shared with
            // the job restored before is the same schedule again, not a copy.
            empty.standIn().model().addProxy("ETL proxy");
            RestoreFinished second = restore(restorer, point, OverwritePolicy.NEVER, false, null);
            assertThat(second.outcome()).as("failed %s", second.failed()).isEqualTo(Outcome.SUCCEEDED);
            assertThat(second.skipped()).extracting(AgentError::path).containsExactly("job:Remote extract");
            assertThat(second.written())
                    .singleElement()
                    .satisfies(w -> assertThat(w).startsWith("job:Nightly load"));
            assertThat(scheduleIds(empty, "Nightly 02:00")).hasSize(1);
            assertThat(empty.rows("SELECT job_id, schedule_id FROM msdb.dbo.sysjobschedules"))
                    .hasSize(2);
            List<Map<String, Object>> restoredSteps = empty.rows(
                    "SELECT job_id, step_id, step_name, subsystem, command, proxy_id FROM msdb.dbo.sysjobsteps");
            assertThat(restoredSteps)
                    .extracting(r -> r.get("step_name") + "|" + r.get("subsystem") + "|" + r.get("command"))
                    .containsExactlyInAnyOrderElementsOf(originalSteps.stream()
                            .filter(r -> !"Rebuild".equals(r.get("step_name")))
                            .map(r -> r.get("step_name") + "|" + r.get("subsystem") + "|" + r.get("command"))
                            .toList());
            assertThat(restoredSteps)
                    .filteredOn(r -> "From msdb".equals(r.get("step_name")))
                    .singleElement()
                    .satisfies(r -> assertThat(r.get("proxy_id")).isNotNull());

            // IF_CHANGED keeps what is the same (the enabled flag aside); ALWAYS replaces, enabled when asked.
            RestoreFinished same = restore(restorer, point, OverwritePolicy.IF_CHANGED, false, null);
            assertThat(same.skipped()).extracting(AgentError::reason).containsOnly("unchanged");
            RestoreFinished always = restore(restorer, point, OverwritePolicy.ALWAYS, false, true);
            assertThat(always.outcome()).isEqualTo(Outcome.SUCCEEDED);
            assertThat(always.written())
                    .hasSize(2)
                    .allSatisfy(w -> assertThat(w).contains("(enabled"));
            assertThat(empty.rows("SELECT name, enabled FROM msdb.dbo.sysjobs"))
                    .extracting(r -> r.get("name") + "=" + r.get("enabled"))
                    .containsExactlyInAnyOrder("Nightly load=1", "Remote extract=1");
            assertThat(empty.standIn().model().jobCount()).isEqualTo(2);
            assertThat(scheduleIds(empty, "Nightly 02:00")).hasSize(1);
        }
    }

    @Test
    void aLoginThatCannotReadTheJobsStillBacksUpThePackagesAndSaysWhy() throws Exception {
        createJobs(msdb);
        msdb.createLogin("ssis_no_jobs_it", "No-jobs-pw-1", "db_ssisadmin");
        UUID point = UUID.randomUUID();
        BackupReport report = runner(msdb, "ssis_no_jobs_it", "No-jobs-pw-1").runBackup(backupCommand(point));
        assertThat(report.outcome()).isEqualTo(Outcome.PARTIALLY_FAILED);
        assertThat(report.errors()).singleElement().satisfies(e -> {
            assertThat(e.path()).isEqualTo("(SQL Server Agent jobs)");
            assertThat(e.reason()).contains("permission denied").contains("SELECT on msdb.dbo.sysjobs");
        });
        assertThat(MsdbTestAgent.manifest(store, point).artifacts())
                .extracting(Artifact::logicalPath)
                .contains("\\" + top + "\\Load")
                .noneMatch(p -> p.startsWith("job:"));
    }
}
