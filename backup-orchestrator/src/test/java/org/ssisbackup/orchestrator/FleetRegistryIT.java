package org.ssisbackup.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.ssisbackup.contracts.AgentHeartbeat;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.MessageCodec;
import org.ssisbackup.contracts.MessageMeta;
import org.ssisbackup.contracts.Topics;
import org.ssisbackup.orchestrator.fleet.FleetRegistry;
import org.ssisbackup.testkit.infra.TestDatabases;
import org.ssisbackup.testkit.kafka.TopicProbe;
import tools.jackson.databind.json.JsonMapper;

/**
 * The fleet registry on a real broker and PostgreSQL: hosts appear from their agents' heartbeats, turn DEGRADED and
 * UNREACHABLE when agents fall silent, are labelled and selected by label through the API, a malformed heartbeat is
 * dead-lettered with its reason while the consumer goes on, and the fleet's gauges are exported.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "ssisbackup.security.api-keys[0].name=it-operator",
            "ssisbackup.security.api-keys[0].key=it-operator-key",
            "ssisbackup.security.api-keys[0].role=operator",
            "spring.cloud.stream.kafka.binder.brokers=${spring.embedded.kafka.brokers}",
            "ssisbackup.orchestrator.fleet-metrics-interval=300ms"
        })
@EmbeddedKafka(partitions = 1)
class FleetRegistryIT {
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void db(DynamicPropertyRegistry r) throws Exception {
        TestDatabases.register(r, "orchestrator");
    }

    @Autowired
    EmbeddedKafkaBroker broker;

    @Autowired
    FleetRegistry fleet;

    @LocalServerPort
    int port;

    private static byte[] beat(String host, AgentKind agent, UUID run, Duration interval) {
        return MessageCodec.encode(new AgentHeartbeat(
                MessageMeta.create(run, host),
                agent,
                "1.2.3",
                agent == AgentKind.MSDB
                        ? Set.of("MSDB", "MSDB_NATIVE", "SSISDB", "RESTORE")
                        : Set.of("FILESYSTEM", "RESTORE"),
                interval,
                null,
                null));
    }

    private HttpResponse<String> http(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("X-API-Key", "it-operator-key");
        b = body == null
                ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private FleetRegistry.HostState state(String host) {
        return fleet.host(host).map(FleetRegistry.HostView::state).orElse(null);
    }

    @Test
    void hostsComeFromHeartbeatsAndGoUnreachableWhenTheirAgentsFallSilent() throws Exception {
        try (TopicProbe probe = new TopicProbe(broker.getBrokersAsString(), Topics.HEARTBEATS)) {
            UUID msdbRun = UUID.randomUUID();
            Duration interval = Duration.ofMillis(400);
            probe.sendAsAgent(Topics.HEARTBEATS, "fleet-h1", beat("fleet-h1", AgentKind.MSDB, msdbRun, interval));
            probe.sendAsAgent(
                    Topics.HEARTBEATS, "fleet-h1", beat("fleet-h1", AgentKind.FILESYSTEM, UUID.randomUUID(), interval));
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> fleet.host("fleet-h1")
                            .map(h -> h.agents().size() == 2)
                            .orElse(false));
            assertThat(state("fleet-h1")).isEqualTo(FleetRegistry.HostState.REACHABLE);

            HttpResponse<String> one = http("GET", "/api/v1/hosts/fleet-h1", null);
            assertThat(one.statusCode()).isEqualTo(200);
            assertThat(one.body())
                    .contains("\"state\":\"REACHABLE\"")
                    .contains("\"version\":\"1.2.3\"")
                    .contains("MSDB_NATIVE");

            // Only the msdb agent keeps beating: DEGRADED; then nothing: UNREACHABLE (3 intervals of silence each).
            await().atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        probe.sendAsAgent(
                                Topics.HEARTBEATS, "fleet-h1", beat("fleet-h1", AgentKind.MSDB, msdbRun, interval));
                        return state("fleet-h1") == FleetRegistry.HostState.DEGRADED;
                    });
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> state("fleet-h1") == FleetRegistry.HostState.UNREACHABLE);
            assertThat(http("GET", "/api/v1/hosts?state=unreachable", null).body())
                    .contains("\"hostId\":\"fleet-h1\"");
            assertThat(http("GET", "/api/v1/hosts?state=asleep", null).statusCode())
                    .isEqualTo(400);

            // A restarted agent (new run id) is reachable again and its start time moves.
            var before = fleet.host("fleet-h1").orElseThrow().agents().stream()
                    .filter(a -> a.agent().equals("MSDB"))
                    .findFirst()
                    .orElseThrow();
            probe.sendAsAgent(
                    Topics.HEARTBEATS,
                    "fleet-h1",
                    beat("fleet-h1", AgentKind.MSDB, UUID.randomUUID(), Duration.ofMinutes(1)));
            await().atMost(Duration.ofSeconds(20)).until(() -> state("fleet-h1") == FleetRegistry.HostState.DEGRADED);
            var after = fleet.host("fleet-h1").orElseThrow().agents().stream()
                    .filter(a -> a.agent().equals("MSDB"))
                    .findFirst()
                    .orElseThrow();
            assertThat(after.startedAt()).isAfter(before.startedAt());
        }
    }

    @Test
    void hostsAreLabelledAndSelectedByLabelAndABackupCanTargetASelector() throws Exception {
        assertThat(http("PUT", "/api/v1/hosts/lab-prod-1/labels", "{\"labels\":{\"env\":\"prod\",\"team\":\"bi\"}}")
                        .statusCode())
                .isEqualTo(200);
        assertThat(http(
                                "PUT",
                                "/api/v1/hosts/lab-prod-2/labels",
                                "{\"labels\":{\"env\":\"prod\",\"team\":\"finance\"}}")
                        .statusCode())
                .isEqualTo(200);
        assertThat(http("PUT", "/api/v1/hosts/lab-test-1/labels", "{\"labels\":{\"env\":\"test\"}}")
                        .statusCode())
                .isEqualTo(200);
        assertThat(state("lab-prod-1")).isEqualTo(FleetRegistry.HostState.UNKNOWN); // labelled before any agent beat

        String prod = http("GET", "/api/v1/hosts?selector=env%3Dprod", null).body();
        assertThat(prod).contains("lab-prod-1", "lab-prod-2").doesNotContain("lab-test-1");
        String notBi = http("GET", "/api/v1/hosts?selector=env%3Dprod,team!%3Dbi", null)
                .body();
        assertThat(notBi).contains("lab-prod-2").doesNotContain("lab-prod-1");

        HttpResponse<String> bad =
                http("PUT", "/api/v1/hosts/lab-prod-1/labels", "{\"labels\":{\"env\":\"has space\"}}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("value 'has space'");
        assertThat(http("GET", "/api/v1/hosts?selector=%3Dx", null).statusCode())
                .isEqualTo(400);

        HttpResponse<String> job =
                http("POST", "/api/v1/backups", "{\"selector\":\"env=prod\",\"scope\":[\"FILESYSTEM\"]}");
        assertThat(job.statusCode()).isEqualTo(202);
        assertThat(job.body()).contains("lab-prod-1", "lab-prod-2").doesNotContain("lab-test-1");
        assertThat(http("POST", "/api/v1/backups", "{\"selector\":\"env=nowhere\"}")
                        .statusCode())
                .isEqualTo(422);
        assertThat(http("GET", "/api/v1/hosts/lab-prod-1", null).body()).contains("\"lastBackup\":{");
    }

    @Test
    void aMalformedHeartbeatIsDeadLetteredAndTheNextOneCounts() throws Exception {
        try (TopicProbe probe = new TopicProbe(broker.getBrokersAsString(), Topics.deadLetter(Topics.HEARTBEATS))) {
            probe.send(Topics.HEARTBEATS, "dlq-h1", "{\"meta\":{}}".getBytes(StandardCharsets.UTF_8), Map.of());
            probe.sendAsAgent(
                    Topics.HEARTBEATS,
                    "dlq-h1",
                    beat("dlq-h1", AgentKind.FILESYSTEM, UUID.randomUUID(), Duration.ofMinutes(1)));
            await().atMost(Duration.ofSeconds(30))
                    .until(() ->
                            !probe.seen(Topics.deadLetter(Topics.HEARTBEATS)).isEmpty());
            assertThat(probe.seen(Topics.deadLetter(Topics.HEARTBEATS))
                            .get(0)
                            .headers()
                            .get("x-exception-message"))
                    .contains("AgentHeartbeat");
            await().atMost(Duration.ofSeconds(30)).until(() -> state("dlq-h1") == FleetRegistry.HostState.REACHABLE);
            await().atMost(Duration.ofSeconds(30))
                    .until(
                            () -> http("GET", "/actuator/prometheus", null)
                                    .body()
                                    .contains(
                                            "ssis_orchestrator_dead_letters_total{application=\"backup-orchestrator\",topic=\"ssis.agent.heartbeats.dlq\"}"));
        }
    }

    @Test
    void theFleetsGaugesAreExported() throws Exception {
        fleet.setLabels("gauge-h1", Map.of());
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            String body = http("GET", "/actuator/prometheus", null).body();
            return body.contains("ssis_orchestrator_hosts{")
                    && body.contains("state=\"UNKNOWN\"")
                    && body.contains("ssis_orchestrator_last_success_age_seconds{")
                    && body.contains("host=\"gauge-h1\"");
        });
        String body = http("GET", "/actuator/prometheus", null).body();
        assertThat(body.lines()
                        .filter(l ->
                                l.startsWith("ssis_orchestrator_last_success_age_seconds{") && l.contains("gauge-h1"))
                        .toList())
                .singleElement()
                .satisfies(l -> assertThat(l).endsWith("+Inf"));
    }

    /**
     * The probe of issue 12 (items 1, 2, 10): a request for 100,000 hosts, a body of megabytes, a typo in a host id, a
     * NUL in a query parameter and an unbounded page are each refused with a 4xx that says why, and a job of many
     * hosts is read a page of its parts at a time.
     */
    @Test
    void requestsAreBoundedAndUnknownHostsRefused() throws Exception {
        StringBuilder many = new StringBuilder("{\"hosts\":[");
        for (int i = 0; i < 10_001; i++) {
            many.append(i == 0 ? "" : ",").append("\"h").append(i).append('"');
        }
        HttpResponse<String> tooMany =
                http("POST", "/api/v1/backups", many.append("]}").toString());
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(tooMany.body()).contains("at most 10000 hosts");

        String huge = "{\"hosts\":[\"" + "x".repeat(1_100_000) + "\"]}";
        HttpResponse<String> tooLarge = http("POST", "/api/v1/backups", huge);
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(tooLarge.body()).contains("over 1048576 bytes");

        fleet.setLabels("known-1", Map.of());
        fleet.setLabels("known-2", Map.of());
        HttpResponse<String> typo =
                http("POST", "/api/v1/backups", "{\"hosts\":[\"known-1\",\"knwon-2\"],\"scope\":[\"FILESYSTEM\"]}");
        assertThat(typo.statusCode()).isEqualTo(422);
        assertThat(typo.body()).contains("1 host(s) the fleet does not know: knwon-2", "allowUnknownHosts");
        assertThat(http(
                                "POST",
                                "/api/v1/restores",
                                "{\"restorePointId\":\"" + UUID.randomUUID() + "\",\"targetHost\":\"knwon-2\"}")
                        .body())
                .contains("target host: 1 host(s) the fleet does not know: knwon-2");

        HttpResponse<String> job = http(
                "POST",
                "/api/v1/backups",
                "{\"hosts\":[\"known-1\",\"known-2\",\"not-yet-seen\"],\"scope\":[\"FILESYSTEM\",\"MSDB\"],"
                        + "\"allowUnknownHosts\":true}");
        assertThat(job.statusCode()).isEqualTo(202);
        String jobId =
                JsonMapper.builder().build().readTree(job.body()).get("jobId").asString();
        var page = JsonMapper.builder()
                .build()
                .readTree(http("GET", "/api/v1/backups/" + jobId + "?agentOffset=2&agentLimit=3", null)
                        .body());
        assertThat(page.get("agentCount").asLong()).isEqualTo(6);
        assertThat(page.get("agentOffset").asInt()).isEqualTo(2);
        assertThat(page.get("agents")).hasSize(3);
        assertThat(page.get("agents").get(0).get("hostId").asString()).isEqualTo("known-2");
        assertThat(http("GET", "/api/v1/backups/" + jobId + "?agentLimit=100000", null)
                        .statusCode())
                .isEqualTo(400);

        HttpResponse<String> nul = http("GET", "/api/v1/backups?host=a%00b", null);
        assertThat(nul.statusCode()).isEqualTo(400);
        assertThat(nul.body()).contains("control character").doesNotContain("SELECT");
        assertThat(http("GET", "/api/v1/backups?limit=1000000", null).statusCode())
                .isEqualTo(400);
        assertThat(http("GET", "/api/v1/backups?limit=5", null).statusCode()).isEqualTo(200);
    }
}
