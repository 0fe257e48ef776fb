package org.ssisbackup.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
import org.ssisbackup.contracts.AgentHeartbeat;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.MessageCodec;
import org.ssisbackup.contracts.MessageMeta;
import org.ssisbackup.contracts.Topics;
import org.ssisbackup.orchestrator.backup.BackupJobs;
import org.ssisbackup.platform.messaging.MessageSignature;
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
    static final HttpClient HTTP = HttpClient.newHttpClient();

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

    private static byte[] beat(String host, AgentKind agent, String version) {
        return MessageCodec.encode(new AgentHeartbeat(
                MessageMeta.create(UUID.randomUUID(), host),
                agent,
                version,
                Set.of("MSDB", "RESTORE"),
                Duration.ofMinutes(1),
                null,
                null));
    }

    private HttpResponse<String> http(String key, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("X-API-Key", key);
        b = body == null
                ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private String version(String host) {
        return jdbc.sql("SELECT version FROM host_agent WHERE host_id = ? AND agent = 'MSDB'")
                .param(host)
                .query(String.class)
                .optional()
                .orElse(null);
    }

    private static String fingerprintOf(String privateKey) {
        return MessageSignature.fingerprint(MessageSignature.publicKey(MessageSignature.publicKeyOf(privateKey)));
    }

    @Test
    void aNewAgentIsHeardOnlyOnceAnAdminApprovesItsKey() throws Exception {
        String host = "approve-h1";
        String fingerprint = fingerprintOf(TestKeys.agentKeyOf(host));
        try (TopicProbe probe = new TopicProbe(broker.getBrokersAsString(), Topics.ENROLMENTS)) {
            probe.sendAsAgent(Topics.HEARTBEATS, host, beat(host, AgentKind.MSDB, "1.0"));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> http("it-operator-key", "GET", "/api/v1/agents?hostId=" + host, null)
                            .body()
                            .contains("\"state\":\"PENDING\""));
            assertThat(version(host)).isNull();
            assertThat(probe.seen(Topics.ENROLMENTS)).isEmpty();

            assertThat(http(
                                    "it-admin-key",
                                    "POST",
                                    "/api/v1/admin/agents/" + host + "/MSDB/approve",
                                    "{\"fingerprint\":\"" + fingerprint + "\"}")
                            .statusCode())
                    .isEqualTo(200);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> probe.seen(Topics.ENROLMENTS).size() == 1);
            probe.sendAsAgent(Topics.HEARTBEATS, host, beat(host, AgentKind.MSDB, "1.1"));
            await().atMost(Duration.ofSeconds(30)).until(() -> "1.1".equals(version(host)));
        }
    }
}
