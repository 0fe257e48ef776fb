package org.ssisbackup.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.ssisbackup.orchestrator.AgentKeysTestSupport.beat;
import static org.ssisbackup.orchestrator.AgentKeysTestSupport.fingerprintOf;
import static org.ssisbackup.orchestrator.AgentKeysTestSupport.http;
import static org.ssisbackup.orchestrator.AgentKeysTestSupport.msdbVersion;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.Topics;
import org.ssisbackup.orchestrator.backup.BackupJobs;
import org.ssisbackup.testkit.infra.TestDatabases;
import org.ssisbackup.testkit.infra.TestKeys;
import org.ssisbackup.testkit.kafka.TopicProbe;

/**
 * Issue 12, item 7, with {@code enrolment: approve}: no agent is heard before an admin approves its key, the first one
 * included.
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
            "spring.cloud.stream.kafka.binder.brokers=${spring.embedded.kafka.brokers}",
            "ssisbackup.orchestrator.enrolment=approve"
        })
@EmbeddedKafka(partitions = 1)
class AgentApprovalIT {

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

    @Test
    void aNewAgentIsHeardOnlyOnceAnAdminApprovesItsKey() throws Exception {
        String host = "approve-h1";
        String fingerprint = fingerprintOf(TestKeys.agentKeyOf(host));
        try (TopicProbe probe = new TopicProbe(broker.getBrokersAsString(), Topics.ENROLMENTS)) {
            probe.sendAsAgent(Topics.HEARTBEATS, host, beat(host, AgentKind.MSDB, "1.0"));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> http(port, "it-operator-key", "GET", "/api/v1/agents?hostId=" + host, null)
                            .body()
                            .contains("\"state\":\"PENDING\""));
            assertThat(msdbVersion(jdbc, host)).isNull();
            assertThat(probe.seen(Topics.ENROLMENTS)).isEmpty();

            assertThat(http(
                                    port,
                                    "it-admin-key",
                                    "POST",
                                    "/api/v1/admin/agents/" + host + "/MSDB/approve",
                                    "{\"fingerprint\":\"" + fingerprint + "\"}")
                            .statusCode())
                    .isEqualTo(200);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> probe.seen(Topics.ENROLMENTS).size() == 1);
            probe.sendAsAgent(Topics.HEARTBEATS, host, beat(host, AgentKind.MSDB, "1.1"));
            await().atMost(Duration.ofSeconds(30)).until(() -> "1.1".equals(msdbVersion(jdbc, host)));
        }
    }
}
