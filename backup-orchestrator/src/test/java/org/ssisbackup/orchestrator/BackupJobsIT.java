package org.ssisbackup.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.ssisbackup.contracts.AgentJobFinished;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.BackupCommand;
import org.ssisbackup.contracts.BackupScope;
import org.ssisbackup.contracts.JobAccepted;
import org.ssisbackup.contracts.MessageCodec;
import org.ssisbackup.contracts.MessageMeta;
import org.ssisbackup.contracts.Outcome;
import org.ssisbackup.contracts.Topics;
import org.ssisbackup.orchestrator.backup.BackupJobs;
import org.ssisbackup.testkit.infra.TestDatabases;
import org.ssisbackup.testkit.kafka.TopicProbe;

/** The job state machine on real PostgreSQL and a real broker: dispatch, duplicates, out-of-order events, timeouts. */
@SpringBootTest(
        properties = {
            "server.port=0",
            "spring.cloud.stream.kafka.binder.brokers=${spring.embedded.kafka.brokers}",
            "ssisbackup.orchestrator.agent-timeout=3s",
            "ssisbackup.orchestrator.agent-timeouts.MSDB=1h",
            "ssisbackup.orchestrator.timeout-sweep=500ms",
            "ssisbackup.orchestrator.retry-delay=0s",
            "ssisbackup.orchestrator.unreachable-grace=1s"
        })
@EmbeddedKafka(partitions = 1)
class BackupJobsIT {
    @DynamicPropertySource
    static void db(DynamicPropertyRegistry r) throws Exception {
        TestDatabases.register(r, "orchestrator");
    }

    @Autowired
    BackupJobs jobs;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    EmbeddedKafkaBroker broker;

    @Autowired
    org.ssisbackup.orchestrator.policy.PolicyRepository policies;

    @Test
    void dispatchesOneCommandPerHostAndAgentKeyedByHost() throws Exception {
        try (TopicProbe probe = new TopicProbe(broker.getBrokersAsString(), Topics.COMMANDS)) {
            BackupJobs.NewJob job =
                    jobs.start(List.of("h1", "h2"), Set.of(BackupScope.MSDB, BackupScope.FILESYSTEM), "test", null);
            assertThat(job.state().name()).isEqualTo("DISPATCHED");
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> probe.seen(
                                            Topics.COMMANDS,
                                            s -> MessageCodec.decodeCommand(s.value())
                                                    .meta()
                                                    .jobId()
                                                    .equals(job.jobId()))
                                    .size()
                            == 4);
            for (TopicProbe.Seen s : probe.seen(Topics.COMMANDS)) {
                BackupCommand c = (BackupCommand) MessageCodec.decodeCommand(s.value());
                if (c.meta().jobId().equals(job.jobId())) {
                    assertThat(s.key()).isEqualTo(c.meta().hostId());
                    assertThat(c.agents()).containsExactlyInAnyOrder(AgentKind.MSDB, AgentKind.FILESYSTEM);
                    assertThat(s.headers()).containsEntry(Topics.TYPE_HEADER, "BackupCommand");
                }
            }
        }
    }

    /**
     * Issue 12, item 3: an agent that restarted without its job (its state folder lost) or never got the command
     * says so in its heartbeats (the jobs it holds); its part ends FAILED within two heartbeats, not at the deadline.
     * A part it lists stays open.
     */
    @Test
    void aPartTheAgentsHeartbeatsStopListingEndsFailedAtOnce() throws Exception {
        try (TopicProbe probe = new TopicProbe(broker.getBrokersAsString(), Topics.COMMANDS)) {
            BackupJobs.NewJob lost = jobs.start(List.of("hb-h1"), Set.of(BackupScope.MSDB), "test", null);
            BackupJobs.NewJob held = jobs.start(List.of("hb-h2"), Set.of(BackupScope.MSDB), "test", null);
            java.util.UUID run = java.util.UUID.randomUUID();
            Duration interval = Duration.ofMillis(300);
            await().atMost(Duration.ofSeconds(30)).pollInterval(interval).until(() -> {
                for (String host : List.of("hb-h1", "hb-h2")) {
                    probe.sendAsAgent(
                            Topics.HEARTBEATS,
                            host,
                            MessageCodec.encode(new org.ssisbackup.contracts.AgentHeartbeat(
                                    org.ssisbackup.contracts.MessageMeta.create(run, host),
                                    AgentKind.MSDB,
                                    "test",
                                    Set.of("MSDB"),
                                    interval,
                                    null,
                                    null,
                                    host.equals("hb-h2") ? Set.of(held.jobId()) : Set.of())));
                }
                return "FAILED".equals(partState(lost.jobId()));
            });
            assertThat(jdbc.sql("SELECT errors::text FROM job_agent WHERE job_id = ?")
                            .param(lost.jobId())
                            .query(String.class)
                            .single())
                    .contains("agent restarted without this job");
            assertThat(partState(held.jobId())).isIn("DISPATCHED", "RUNNING");
        }
    }

    /**
     * Issue 12: a host lost for good (no heartbeats at all) does not keep its jobs open until the agent timeout: once
     * its agent has missed its beats and the grace after them, its part ends FAILED as unreachable.
     */
    @Test
    void aPartOfAnAgentThatFellSilentEndsFailedAsUnreachable() throws Exception {
        try (TopicProbe probe = new TopicProbe(broker.getBrokersAsString(), Topics.COMMANDS)) {
            Duration interval = Duration.ofMillis(200);
            java.util.UUID run = java.util.UUID.randomUUID();
            BackupJobs.NewJob job = jobs.start(List.of("gone-h1"), Set.of(BackupScope.MSDB), "test", null);
            // The agent is heard (holding the job), then never again.
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                probe.sendAsAgent(
                        Topics.HEARTBEATS,
                        "gone-h1",
                        MessageCodec.encode(new org.ssisbackup.contracts.AgentHeartbeat(
                                org.ssisbackup.contracts.MessageMeta.create(run, "gone-h1"),
                                AgentKind.MSDB,
                                "test",
                                Set.of("MSDB"),
                                interval,
                                null,
                                null,
                                Set.of(job.jobId()))));
                return jdbc.sql("SELECT count(*) FROM host_agent WHERE host_id = 'gone-h1'")
                                .query(Long.class)
                                .single()
                        == 1;
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> "FAILED".equals(partState(job.jobId())));
            assertThat(jdbc.sql("SELECT errors::text FROM job_agent WHERE job_id = ?")
                            .param(job.jobId())
                            .query(String.class)
                            .single())
                    .contains("agent unreachable");
        }
    }

    private String partState(java.util.UUID job) {
        return jdbc.sql("SELECT state FROM job_agent WHERE job_id = ?")
                .param(job)
                .query(String.class)
                .single();
    }

    @Test
    void duplicatesAndOutOfOrderEventsDoNotMoveAStateBackwards() {
        BackupJobs.NewJob job = jobs.start(List.of("h3"), Set.of(BackupScope.FILESYSTEM), "test", null);
        UUID id = job.jobId();
        AgentJobFinished done = new AgentJobFinished(
                MessageMeta.create(id, "h3"),
                AgentKind.FILESYSTEM,
                job.hosts().get(0).restorePointId(),
                Set.of(AgentKind.FILESYSTEM),
                Outcome.SUCCEEDED,
                3,
                30,
                30,
                "m",
                List.of());
        jobs.on(done); // finished arrives before accepted
        jobs.on(new JobAccepted(MessageMeta.create(id, "h3"), AgentKind.FILESYSTEM, "1", JobAccepted.JobType.BACKUP));
        jobs.on(done);
        assertThat(agentState(id)).isEqualTo("SUCCEEDED");
        assertThat(jobState(id)).isEqualTo("SUCCEEDED");
        Map<String, Object> row = jdbc.sql("SELECT artifact_count FROM job_agent WHERE job_id = ?")
                .param(id)
                .query()
                .singleRow();
        assertThat(((Number) row.get("artifact_count")).longValue()).isEqualTo(3);
    }

    @Test
    void anAgentThatNeverAnswersTimesOutAndTheJobCloses() {
        BackupJobs.NewJob job =
                jobs.start(List.of("silent-host"), Set.of(BackupScope.MSDB, BackupScope.FILESYSTEM), "test", null);
        UUID id = job.jobId();
        jobs.on(new AgentJobFinished(
                MessageMeta.create(id, "silent-host"),
                AgentKind.MSDB,
                job.hosts().get(0).restorePointId(),
                Set.of(AgentKind.MSDB, AgentKind.FILESYSTEM),
                Outcome.SUCCEEDED,
                1,
                1,
                1,
                "m",
                List.of()));
        await().atMost(Duration.ofSeconds(20)).until(() -> "PARTIALLY_FAILED".equals(jobState(id)));
        // The msdb agent's deadline is its own (1 h): only the file-system agent's 3 s ran out.
        assertThat(jdbc.sql(
                                "SELECT deadline > now() + interval '50 minutes' FROM job_agent WHERE job_id = ? AND agent = 'MSDB'")
                        .param(id)
                        .query(Boolean.class)
                        .single())
                .isTrue();
        assertThat(jdbc.sql("SELECT state FROM job_agent WHERE job_id = ? AND agent = 'FILESYSTEM'")
                        .param(id)
                        .query(String.class)
                        .single())
                .isEqualTo("TIMED_OUT");
        // A late answer from the timed-out agent changes nothing.
        jobs.on(new AgentJobFinished(
                MessageMeta.create(id, "silent-host"),
                AgentKind.FILESYSTEM,
                job.hosts().get(0).restorePointId(),
                Set.of(AgentKind.MSDB, AgentKind.FILESYSTEM),
                Outcome.SUCCEEDED,
                1,
                1,
                1,
                "m",
                List.of()));
        assertThat(jobState(id)).isEqualTo("PARTIALLY_FAILED");
    }

    @Test
    void aCancelledJobEndsCancelledAndLateAnswersChangeNothing() {
        BackupJobs.NewJob job = jobs.start(List.of("c1", "c2"), Set.of(BackupScope.FILESYSTEM), "test", null);
        UUID id = job.jobId();
        jobs.on(new JobAccepted(MessageMeta.create(id, "c1"), AgentKind.FILESYSTEM, "1", JobAccepted.JobType.BACKUP));
        assertThat(jobs.cancel(id, "alice")).contains(org.ssisbackup.orchestrator.job.JobState.CANCELLED);
        assertThat(jobState(id)).isEqualTo("CANCELLED");
        assertThat(jdbc.sql("SELECT errors::text FROM job_agent WHERE job_id = ? AND host_id = 'c1'")
                        .param(id)
                        .query(String.class)
                        .single())
                .contains("cancelled by alice");
        jobs.on(new AgentJobFinished(
                MessageMeta.create(id, "c1"),
                AgentKind.FILESYSTEM,
                job.hosts().get(0).restorePointId(),
                Set.of(AgentKind.FILESYSTEM),
                Outcome.SUCCEEDED,
                1,
                1,
                1,
                "m",
                List.of()));
        assertThat(jobState(id)).isEqualTo("CANCELLED");
        assertThat(jobs.cancel(UUID.randomUUID(), "alice")).isEmpty();
    }

    @Test
    void aPolicysFailedHostsAreRetriedUpToItsLimit() {
        org.ssisbackup.orchestrator.policy.Policy p = policies.create(new org.ssisbackup.orchestrator.policy.Policy(
                null,
                "retry-twice",
                "",
                List.of("FILESYSTEM"),
                null,
                null,
                new org.ssisbackup.contracts.RetentionRule(1, null, null, null, null),
                null,
                1,
                true,
                null,
                null,
                null));
        BackupJobs.NewJob job = jobs.start(List.of("r-ok", "r-bad"), Set.of(BackupScope.FILESYSTEM), "test", p.id());
        finish(job, "r-ok", Outcome.SUCCEEDED);
        finish(job, "r-bad", Outcome.FAILED);
        assertThat(jobState(job.jobId())).isEqualTo("PARTIALLY_FAILED");
        UUID retry = jdbc.sql("SELECT id FROM backup_job WHERE parent_job_id = ?")
                .param(job.jobId())
                .query(UUID.class)
                .single();
        Map<String, Object> row = jdbc.sql("SELECT trigger, attempt, policy_id FROM backup_job WHERE id = ?")
                .param(retry)
                .query()
                .singleRow();
        assertThat(row)
                .containsEntry("trigger", "retry")
                .containsEntry("attempt", 1)
                .containsEntry("policy_id", p.id());
        assertThat(jdbc.sql("SELECT host_id FROM job_agent WHERE job_id = ?")
                        .param(retry)
                        .query(String.class)
                        .list())
                .containsExactly("r-bad");
        await().atMost(Duration.ofSeconds(20)).until(() -> "DISPATCHED".equals(jobState(retry)));
        // The retry fails too: the policy allows one retry, so no third job.
        UUID point = jdbc.sql("SELECT restore_point_id FROM job_agent WHERE job_id = ?")
                .param(retry)
                .query(UUID.class)
                .single();
        jobs.on(new AgentJobFinished(
                MessageMeta.create(retry, "r-bad"),
                AgentKind.FILESYSTEM,
                point,
                Set.of(AgentKind.FILESYSTEM),
                Outcome.FAILED,
                0,
                0,
                0,
                null,
                List.of()));
        assertThat(jdbc.sql("SELECT count(*) FROM backup_job WHERE parent_job_id = ?")
                        .param(retry)
                        .query(Long.class)
                        .single())
                .isZero();
    }

    private void finish(BackupJobs.NewJob job, String host, Outcome outcome) {
        UUID point = job.hosts().stream()
                .filter(h -> h.hostId().equals(host))
                .findFirst()
                .orElseThrow()
                .restorePointId();
        jobs.on(new AgentJobFinished(
                MessageMeta.create(job.jobId(), host),
                AgentKind.FILESYSTEM,
                point,
                Set.of(AgentKind.FILESYSTEM),
                outcome,
                0,
                0,
                0,
                null,
                List.of()));
    }

    private String agentState(UUID id) {
        return jdbc.sql("SELECT state FROM job_agent WHERE job_id = ?")
                .param(id)
                .query(String.class)
                .single();
    }

    private String jobState(UUID id) {
        return jdbc.sql("SELECT state FROM backup_job WHERE id = ?")
                .param(id)
                .query(String.class)
                .single();
    }
}
