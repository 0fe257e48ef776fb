package org.ssisbackup.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.ssisbackup.orchestrator.AgentKeysTestSupport.beat;
import static org.ssisbackup.orchestrator.AgentKeysTestSupport.fingerprintOf;
import static org.ssisbackup.orchestrator.AgentKeysTestSupport.http;
import static org.ssisbackup.orchestrator.AgentKeysTestSupport.msdbVersion;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.ssisbackup.contracts.AgentEnrolment;
import org.ssisbackup.contracts.AgentJobFinished;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.BackupCommand;
import org.ssisbackup.contracts.BackupScope;
import org.ssisbackup.contracts.MessageCodec;
import org.ssisbackup.contracts.MessageMeta;
import org.ssisbackup.contracts.Outcome;
import org.ssisbackup.contracts.Topics;
import org.ssisbackup.orchestrator.backup.BackupJobs;
import org.ssisbackup.platform.messaging.MessageSignature;
import org.ssisbackup.testkit.infra.TestDatabases;
import org.ssisbackup.testkit.infra.TestKeys;
import org.ssisbackup.testkit.kafka.TopicProbe;

/**
 * Issue 12, item 7: the orchestrator acts only on messages its hosts' own enrolled agent keys signed. On a real broker
 * and PostgreSQL: the first key an agent shows is enrolled (first use) and the enrolment published, signed, for the
 * catalog; a second key for the same agent, another host's key, an unsigned or tampered message change nothing (the
 * last two are dead-lettered with the reason); an admin approves the second key (and revokes keys) through the API,
 * which an operator cannot.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "ssisbackup.security.api-keys[0].name=it-operator",
            "ssisbackup.security.api-keys[0].key=it-operator-key",
            "ssisbackup.security.api-keys[0].role=operator",
            "ssisbackup.security.api-keys[1].name=it-admin",
            "ssisbackup.security.api-keys[1].key=it-admin-key",
            "ssisbackup.security.api-keys[1].role=admin",
            "spring.cloud.stream.kafka.binder.brokers=${spring.embedded.kafka.brokers}"
        })
@EmbeddedKafka(partitions = 1)
class AgentEnrolmentIT {

    @DynamicPropertySource
    static void db(DynamicPropertyRegistry r) throws Exception {
        TestDatabases.register(r, "orchestrator");
    }

    @Autowired
    EmbeddedKafkaBroker broker;

    @Autowired
    BackupJobs jobs;

    @Autowired
    JdbcClient jdbc;

    @LocalServerPort
    int port;

    private String partState(UUID job) {
        return jdbc.sql("SELECT state FROM job_agent WHERE job_id = ?")
                .param(job)
                .query(String.class)
                .single();
    }

    @Test
    void onlyTheHostsEnrolledAgentKeyIsHeardAndAnAdminDecidesOnNewKeys() throws Exception {
        String host = "enrol-h1";
        String own = TestKeys.agentKeyOf(host);
        String stranger = TestKeys.OTHER_AGENT_SIGNING_PRIVATE;
        try (TopicProbe probe = new TopicProbe(
                broker.getBrokersAsString(), Topics.ENROLMENTS, Topics.COMMANDS, Topics.deadLetter(Topics.EVENTS))) {
            // First use: the agent's first key is enrolled, and the enrolment published with the orchestrator's
            // signature.
            probe.sendAsAgent(Topics.HEARTBEATS, host, beat(host, AgentKind.MSDB, "1.0"));
            await().atMost(Duration.ofSeconds(30)).until(() -> "1.0".equals(msdbVersion(jdbc, host)));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> !probe.seen(Topics.ENROLMENTS).isEmpty());
            TopicProbe.Seen published = probe.seen(Topics.ENROLMENTS).get(0);
            assertThat(published.key()).isEqualTo(host + "/MSDB");
            assertThat(MessageSignature.verify(
                            MessageSignature.Purpose.ENROLMENT,
                            MessageSignature.publicKey(TestKeys.ORCHESTRATOR_SIGNING_PUBLIC),
                            published.value(),
                            published.headers().get(MessageSignature.HEADER)))
                    .isTrue();
            AgentEnrolment enrolment = MessageCodec.decode(published.value(), AgentEnrolment.class);
            assertThat(enrolment.state()).isEqualTo(AgentEnrolment.State.ENROLLED);
            assertThat(enrolment.fingerprint()).isEqualTo(fingerprintOf(own));
            assertThat(http(port, "it-operator-key", "GET", "/api/v1/agents?hostId=" + host, null)
                            .body())
                    .contains("\"state\":\"ENROLLED\"", fingerprintOf(own), "\"decidedBy\":\"first use\"");

            // Another key speaking for the host is not heard: its beat changes nothing, its key waits for an admin.
            byte[] forgedBeat = beat(host, AgentKind.MSDB, "6.6.6");
            probe.send(Topics.HEARTBEATS, host, forgedBeat, TestKeys.signedByAgent(stranger, forgedBeat));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> http(port, "it-operator-key", "GET", "/api/v1/agents?state=pending", null)
                            .body()
                            .contains(fingerprintOf(stranger)));
            assertThat(msdbVersion(jdbc, host)).isEqualTo("1.0");

            // A job's part: a forged end changes nothing; unsigned and tampered ends are dead-lettered with the reason;
            // the agent's own ends it.
            BackupJobs.NewJob job = jobs.start(List.of(host), Set.of(BackupScope.MSDB), "test", null);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> probe.seen(Topics.COMMANDS, s -> s.key().equals(host))
                                    .size()
                            == 1);
            BackupCommand command = (BackupCommand) MessageCodec.decodeCommand(
                    probe.seen(Topics.COMMANDS, s -> s.key().equals(host))
                            .get(0)
                            .value());
            byte[] finished = MessageCodec.encode(new AgentJobFinished(
                    MessageMeta.create(job.jobId(), host),
                    AgentKind.MSDB,
                    command.restorePointId(),
                    command.agents(),
                    Outcome.SUCCEEDED,
                    0,
                    0,
                    0,
                    null,
                    List.of(),
                    List.of(),
                    null));
            probe.send(Topics.EVENTS, host, finished, TestKeys.signedByAgent(stranger, finished));
            probe.send(Topics.EVENTS, host, finished, Map.of());
            Map<String, String> tampered = new java.util.HashMap<>(TestKeys.signedByAgent(own, finished));
            byte[] changed = new String(finished, StandardCharsets.UTF_8)
                    .replace("\"artifactCount\":0", "\"artifactCount\":9")
                    .getBytes(StandardCharsets.UTF_8);
            probe.send(Topics.EVENTS, host, changed, tampered);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> probe.seen(Topics.deadLetter(Topics.EVENTS)).size() == 2);
            assertThat(probe.seen(Topics.deadLetter(Topics.EVENTS)).stream()
                            .map(s -> s.headers().get("x-exception-message"))
                            .toList())
                    .anySatisfy(r -> assertThat(r).contains("without its signature"))
                    .anySatisfy(r -> assertThat(r).contains("signature does not match"));
            assertThat(partState(job.jobId())).isIn("DISPATCHED", "RUNNING");
            probe.sendAsAgent(Topics.EVENTS, host, finished);
            await().atMost(Duration.ofSeconds(30)).until(() -> "SUCCEEDED".equals(partState(job.jobId())));

            // One key, one host: the host's key speaking for another host is not enrolled there.
            byte[] other = beat("enrol-h2", AgentKind.MSDB, "1.0");
            probe.send(Topics.HEARTBEATS, "enrol-h2", other, TestKeys.signedByAgent(own, other));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> http(port, "it-operator-key", "GET", "/api/v1/agents?hostId=enrol-h2", null)
                            .body()
                            .contains("\"state\":\"PENDING\""));
            assertThat(msdbVersion(jdbc, "enrol-h2")).isNull();

            // Deciding on keys is an admin's: an operator is refused; a wrong fingerprint is 404, a malformed body 400.
            String approve = "/api/v1/admin/agents/" + host + "/msdb/approve";
            String body = "{\"fingerprint\":\"" + fingerprintOf(stranger) + "\"}";
            assertThat(http(port, "it-operator-key", "POST", approve, body).statusCode())
                    .isEqualTo(403);
            assertThat(http(port, "it-admin-key", "POST", approve, "{\"fingerprint\":\"SHA256:nope\"}")
                            .statusCode())
                    .isEqualTo(404);
            assertThat(http(port, "it-admin-key", "POST", approve, "{}").statusCode())
                    .isEqualTo(400);
            assertThat(http(port, "it-admin-key", "POST", "/api/v1/admin/agents/" + host + "/toaster/approve", body)
                            .statusCode())
                    .isEqualTo(400);

            // The admin approves the new key (a reinstalled agent): it is heard, the old one no more, and the catalog
            // is told.
            HttpResponse<String> approved = http(port, "it-admin-key", "POST", approve, body);
            assertThat(approved.statusCode()).isEqualTo(200);
            assertThat(approved.body()).contains("\"state\":\"ENROLLED\"", "\"decidedBy\":\"it-admin\"");
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> probe.seen(Topics.ENROLMENTS).size() == 2);
            assertThat(MessageCodec.decode(probe.seen(Topics.ENROLMENTS).get(1).value(), AgentEnrolment.class)
                            .fingerprint())
                    .isEqualTo(fingerprintOf(stranger));
            probe.send(Topics.HEARTBEATS, host, forgedBeat, TestKeys.signedByAgent(stranger, forgedBeat));
            await().atMost(Duration.ofSeconds(30)).until(() -> "6.6.6".equals(msdbVersion(jdbc, host)));
            probe.sendAsAgent(Topics.HEARTBEATS, host, beat(host, AgentKind.MSDB, "1.0"));
            assertThat(http(port, "it-operator-key", "GET", "/api/v1/agents?hostId=" + host + "&state=revoked", null)
                            .body())
                    .contains(fingerprintOf(own));

            // Revoked: nothing of the host's agent is heard until an admin approves a key again.
            assertThat(http(port, "it-admin-key", "POST", "/api/v1/admin/agents/" + host + "/MSDB/revoke", null)
                            .statusCode())
                    .isEqualTo(200);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> probe.seen(Topics.ENROLMENTS).size() == 3);
            assertThat(MessageCodec.decode(probe.seen(Topics.ENROLMENTS).get(2).value(), AgentEnrolment.class)
                            .state())
                    .isEqualTo(AgentEnrolment.State.REVOKED);
            assertThat(http(port, "it-admin-key", "POST", "/api/v1/admin/agents/" + host + "/MSDB/revoke", null)
                            .statusCode())
                    .isEqualTo(404);
            assertThat(http(port, "it-operator-key", "GET", "/api/v1/agents?state=bogus", null)
                            .statusCode())
                    .isEqualTo(400);
        }
    }
}
