package org.ssisbackup.catalog;

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
import org.ssisbackup.contracts.AgentEnrolment;
import org.ssisbackup.contracts.AgentJobFinished;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.MessageCodec;
import org.ssisbackup.contracts.MessageMeta;
import org.ssisbackup.contracts.Outcome;
import org.ssisbackup.contracts.Topics;
import org.ssisbackup.platform.messaging.MessageSignature;
import org.ssisbackup.testkit.infra.TestDatabases;
import org.ssisbackup.testkit.infra.TestKeys;
import org.ssisbackup.testkit.kafka.TopicProbe;

/**
 * Issue 12, item 7: the catalog records an agent's events only under the key the orchestrator enrolled for that host
 * and agent, on a real broker and PostgreSQL. An event that beats its key's enrolment is held and recorded once the
 * enrolment arrives; another host's key, a revoked key, an unsigned event and a forged enrolment record nothing (the
 * last two are dead-lettered with the reason).
 */
@SpringBootTest(
        properties = {"server.port=0", "spring.cloud.stream.kafka.binder.brokers=${spring.embedded.kafka.brokers}"})
@EmbeddedKafka(partitions = 1)
class AgentTrustIT {
    @DynamicPropertySource
    static void db(DynamicPropertyRegistry r) throws Exception {
        TestDatabases.register(r, "catalog");
    }

    @Autowired
    EmbeddedKafkaBroker broker;

    @Autowired
    JdbcClient jdbc;

    private static byte[] finished(String host, UUID point) {
        return MessageCodec.encode(new AgentJobFinished(
                MessageMeta.create(UUID.randomUUID(), host),
                AgentKind.FILESYSTEM,
                point,
                Set.of(AgentKind.FILESYSTEM),
                Outcome.SUCCEEDED,
                0,
                0,
                0,
                null,
                List.of(),
                List.of(),
                null));
    }

    private void enrol(TopicProbe probe, String host, AgentEnrolment.State state, String privateKey) throws Exception {
        var e = TestKeys.enrolment(host, AgentKind.FILESYSTEM, state, MessageSignature.publicKeyOf(privateKey));
        probe.send(Topics.ENROLMENTS, AgentEnrolment.topicKey(host, AgentKind.FILESYSTEM), e.getKey(), e.getValue());
    }

    private long held() {
        return jdbc.sql("SELECT count(*) FROM held_agent_event")
                .query(Long.class)
                .single();
    }

    @Test
    void onlyEventsUnderTheHostsEnrolledKeyAreRecorded() throws Exception {
        String host = "trust-h1";
        String own = TestKeys.agentKeyOf(host);
        try (TopicProbe probe = new TopicProbe(
                broker.getBrokersAsString(), Topics.deadLetter(Topics.EVENTS), Topics.deadLetter(Topics.ENROLMENTS))) {
            // Before its enrolment: held, not recorded. Another host's key claiming this host: held too.
            UUID early = UUID.randomUUID();
            UUID forged = UUID.randomUUID();
            probe.sendAsAgent(Topics.EVENTS, host, finished(host, early));
            byte[] forgedEvent = finished(host, forged);
            probe.send(
                    Topics.EVENTS,
                    host,
                    forgedEvent,
                    TestKeys.signedByAgent(TestKeys.agentKeyOf("trust-other"), forgedEvent));
            await().atMost(Duration.ofSeconds(30)).until(() -> held() >= 2);
            assertThat(StoredPoints.status(jdbc, early)).isNull();

            // Unsigned: dead-lettered with the reason. An enrolment signed by anyone but the orchestrator: the same.
            probe.send(Topics.EVENTS, host, finished(host, UUID.randomUUID()), Map.of());
            var fake = TestKeys.enrolment(
                    host, AgentKind.FILESYSTEM, AgentEnrolment.State.ENROLLED, TestKeys.OTHER_AGENT_SIGNING_PUBLIC);
            probe.send(
                    Topics.ENROLMENTS,
                    host + "/FILESYSTEM",
                    fake.getKey(),
                    TestKeys.signedByAgent(TestKeys.OTHER_AGENT_SIGNING_PRIVATE, fake.getKey()));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> !probe.seen(Topics.deadLetter(Topics.EVENTS)).isEmpty()
                            && !probe.seen(Topics.deadLetter(Topics.ENROLMENTS)).isEmpty());
            assertThat(probe.seen(Topics.deadLetter(Topics.EVENTS))
                            .get(0)
                            .headers()
                            .get("x-exception-message"))
                    .contains("without its signature");
            assertThat(probe.seen(Topics.deadLetter(Topics.ENROLMENTS))
                            .get(0)
                            .headers()
                            .get("x-exception-message"))
                    .contains("not signed by the orchestrator");

            // The orchestrator's enrolment arrives: the held event is recorded; the forged one stays unrecorded.
            enrol(probe, host, AgentEnrolment.State.ENROLLED, own);
            await().atMost(Duration.ofSeconds(30)).until(() -> StoredPoints.status(jdbc, early) != null);
            UUID later = UUID.randomUUID();
            probe.sendAsAgent(Topics.EVENTS, host, finished(host, later));
            await().atMost(Duration.ofSeconds(30)).until(() -> StoredPoints.status(jdbc, later) != null);
            assertThat(StoredPoints.status(jdbc, forged)).isNull();
            assertThat(held()).isEqualTo(1); // the forged event, until its hold time ends

            // Revoked: the host's events are held again, recorded never (unless a key is enrolled anew).
            enrol(probe, host, AgentEnrolment.State.REVOKED, own);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> jdbc.sql("SELECT count(*) FROM agent_key WHERE host_id = ?")
                                    .param(host)
                                    .query(Long.class)
                                    .single()
                            == 0);
            UUID afterRevoke = UUID.randomUUID();
            probe.sendAsAgent(Topics.EVENTS, host, finished(host, afterRevoke));
            await().atMost(Duration.ofSeconds(30)).until(() -> held() == 2);
            assertThat(StoredPoints.status(jdbc, afterRevoke)).isNull();
        }
    }
}
