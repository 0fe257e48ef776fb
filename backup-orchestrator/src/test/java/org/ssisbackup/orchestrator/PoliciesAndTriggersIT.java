package org.ssisbackup.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.ssisbackup.contracts.Topics;
import org.ssisbackup.orchestrator.fleet.FleetRegistry;
import org.ssisbackup.testkit.infra.TestDatabases;
import org.ssisbackup.testkit.kafka.TopicProbe;

/**
 * Policies, schedules, CloudEvents triggers and concurrency limits on a real broker and PostgreSQL, with simulated
 * agents answering every command: policy CRUD and its validation; a cron policy starting jobs for the hosts its
 * selector picks; structured and binary CloudEvents, coalescing, duplicates, and rejections to the dead-letter topic;
 * a burst of 1,000 triggers whose backups never exceed the fleet-wide and per-policy limits; cancelling a job.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "ssisbackup.security.api-keys[0].name=it-operator",
            "ssisbackup.security.api-keys[0].key=it-operator-key",
            "ssisbackup.security.api-keys[0].role=operator",
            "spring.cloud.stream.kafka.binder.brokers=${spring.embedded.kafka.brokers}",
            "ssisbackup.orchestrator.schedule-tick=300ms",
            "ssisbackup.orchestrator.max-concurrent-hosts=40",
            "ssisbackup.orchestrator.triggers.coalesce-window=2s",
            "ssisbackup.orchestrator.triggers.tick=300ms",
            "ssisbackup.orchestrator.triggers.events[com.example.ssis.deployment.completed].policy=after-deployment",
            "ssisbackup.orchestrator.triggers.events[com.example.burst].policy=burst",
            "ssisbackup.orchestrator.triggers.events[com.example.team-release].policy=after-deployment",
            "ssisbackup.orchestrator.triggers.events[com.example.team-release].hosts=team=release",
            "ssisbackup.orchestrator.triggers.events[com.example.orphan].policy=no-such-policy"
        })
@EmbeddedKafka(partitions = 1)
class PoliciesAndTriggersIT {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String DEPLOYED = "com.example.ssis.deployment.completed";

    @DynamicPropertySource
    static void db(DynamicPropertyRegistry r) throws Exception {
        TestDatabases.register(r, "orchestrator");
    }

    @Autowired
    EmbeddedKafkaBroker broker;

    @Autowired
    FleetRegistry fleet;

    @Autowired
    JdbcClient jdbc;

    @LocalServerPort
    int port;

    private HttpResponse<String> http(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("X-API-Key", "it-operator-key");
        b = body == null
                ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static String policy(String name, String selector, String schedule, Integer concurrency) {
        return "{\"name\":\"" + name + "\",\"selector\":\"" + selector + "\",\"scope\":[\"FILESYSTEM\"],"
                + (schedule == null ? "" : "\"schedule\":\"" + schedule + "\",\"timeZone\":\"Europe/Berlin\",")
                + (concurrency == null ? "" : "\"concurrency\":" + concurrency + ",")
                + "\"retention\":{\"keepLast\":3,\"daily\":7}}";
    }

    private long jobs(String host, String trigger) {
        return jdbc.sql("SELECT count(DISTINCT a.job_id) FROM job_agent a JOIN backup_job j ON j.id = a.job_id"
                        + " WHERE a.host_id = ? AND j.trigger = ?")
                .params(host, trigger)
                .query(Long.class)
                .single();
    }

    private static byte[] structured(String id, String type, String subject) {
        return ("{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/deployments\",\"type\":\"" + type + "\""
                        + (subject == null ? "" : ",\"subject\":\"" + subject + "\"")
                        + ",\"data\":{\"project\":\"Warehouse\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, String> binary(String id, String type, String subject) {
        return Map.of(
                "ce_specversion",
                "1.0",
                "ce_id",
                id,
                "ce_source",
                "/deployments",
                "ce_type",
                type,
                "ce_subject",
                subject,
                "content-type",
                "application/json");
    }

    @Test
    void policiesAreCreatedReadUpdatedAndDeletedAndBadOnesRefusedWithTheReason() throws Exception {
        HttpResponse<String> created =
                http("POST", "/api/v1/policies", policy("crud-nightly", "env=prod", "0 2 * * *", 5));
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.body())
                .contains(
                        "\"name\":\"crud-nightly\"",
                        "\"nextRunAt\":",
                        "\"timeZone\":\"Europe/Berlin\"",
                        "\"keepLast\":3");
        assertThat(http("POST", "/api/v1/policies", policy("crud-nightly", "", null, null))
                        .statusCode())
                .isEqualTo(409);
        HttpResponse<String> badCron = http("POST", "/api/v1/policies", policy("crud-bad", "", "0 25 * * *", null));
        assertThat(badCron.statusCode()).isEqualTo(400);
        assertThat(badCron.body()).contains("schedule:");
        assertThat(http("POST", "/api/v1/policies", policy("crud-bad", "env==x", null, null))
                        .body())
                .contains("label selector");
        assertThat(http("GET", "/api/v1/policies/crud-nightly", null).body()).contains("\"concurrency\":5");
        assertThat(http("PUT", "/api/v1/policies/crud-nightly", policy("crud-nightly", "env=prod", null, 2))
                        .body())
                .contains("\"concurrency\":2")
                .contains("\"nextRunAt\":null");
        assertThat(http("GET", "/api/v1/policies", null).body()).contains("crud-nightly");
        assertThat(http("DELETE", "/api/v1/policies/crud-nightly", null).statusCode())
                .isEqualTo(204);
        assertThat(http("GET", "/api/v1/policies/crud-nightly", null).statusCode())
                .isEqualTo(404);
    }

    @Test
    void aCronPolicyBacksUpTheHostsItsSelectorPicks() throws Exception {
        fleet.setLabels("cron-a", Map.of("env", "cron"));
        fleet.setLabels("cron-b", Map.of("env", "cron"));
        fleet.setLabels("cron-other", Map.of("env", "other"));
        try (SimulatedFleet agents = new SimulatedFleet(broker.getBrokersAsString(), Duration.ZERO)) {
            assertThat(http("POST", "/api/v1/policies", policy("every-second", "env=cron", "* * * * * *", null))
                            .statusCode())
                    .isEqualTo(201);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> jobs("cron-a", "schedule") >= 1 && jobs("cron-b", "schedule") >= 1);
            // The commands carry the policy and its retention, for the catalog.
            await().atMost(Duration.ofSeconds(30)).until(() -> agents.policyOf("cron-a") != null);
            assertThat(agents.policyOf("cron-a")).satisfies(p -> {
                assertThat(p.name()).isEqualTo("every-second");
                assertThat(p.retention().keepLast()).isEqualTo(3);
                assertThat(p.timeZone()).isEqualTo("Europe/Berlin");
            });
            http(
                    "PUT",
                    "/api/v1/policies/every-second",
                    "{\"name\":\"every-second\",\"selector\":\"env=cron\","
                            + "\"schedule\":\"* * * * * *\",\"enabled\":false,\"retention\":{\"keepLast\":1}}");
            assertThat(jobs("cron-other", "schedule")).isZero();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> jdbc.sql("SELECT count(*) FROM backup_job j WHERE j.trigger = 'schedule'"
                                            + " AND j.state <> 'SUCCEEDED'")
                                    .query(Long.class)
                                    .single()
                            == 0);
        }
    }

    @Test
    void cloudEventsTriggerCoalescedBackupsAndBadOnesAreDeadLetteredWithTheReason() throws Exception {
        assertThat(http("POST", "/api/v1/policies", policy("after-deployment", "", null, null))
                        .statusCode())
                .isEqualTo(201);
        fleet.setLabels("deploy-h1", Map.of("team", "etl"));
        fleet.setLabels("release-1", Map.of("team", "release"));
        fleet.setLabels("release-2", Map.of("team", "release"));
        try (SimulatedFleet agents = new SimulatedFleet(broker.getBrokersAsString(), Duration.ZERO);
                TopicProbe dlq = new TopicProbe(broker.getBrokersAsString(), Topics.deadLetter(Topics.TRIGGERS))) {
            // Structured, then two binary events and a redelivered one for the same host, within the window: one job.
            agents.send(
                    Topics.TRIGGERS,
                    "deploy-h1",
                    structured("e1", DEPLOYED, "deploy-h1"),
                    Map.of("content-type", "application/cloudevents+json"));
            agents.send(Topics.TRIGGERS, "deploy-h1", new byte[0], binary("e2", DEPLOYED, "deploy-h1"));
            agents.send(Topics.TRIGGERS, "deploy-h1", new byte[0], binary("e3", DEPLOYED, "deploy-h1"));
            agents.send(Topics.TRIGGERS, "deploy-h1", new byte[0], binary("e3", DEPLOYED, "deploy-h1"));
            // Issue 12, item 9: binary mode without a content-type header is a valid CloudEvent too.
            Map<String, String> noContentType = new java.util.HashMap<>(binary("e4", DEPLOYED, "deploy-h1"));
            noContentType.remove("content-type");
            agents.send(Topics.TRIGGERS, "deploy-h1", new byte[0], noContentType);
            // ... and a dead letter whose contentType header is raw bytes is still counted.
            agents.send(
                    Topics.deadLetter(Topics.COMMANDS),
                    "deploy-h1",
                    "{}".getBytes(StandardCharsets.UTF_8),
                    Map.of("contentType", "not/a\u0000type"));
            // A mapping with a selector: one event, every host of the team.
            agents.send(Topics.TRIGGERS, "release", structured("r1", "com.example.team-release", null), Map.of());
            // Rejected: unknown host, unknown type, a type whose policy does not exist, not a CloudEvent at all.
            agents.send(Topics.TRIGGERS, "ghost", structured("x1", DEPLOYED, "ghost-host"), Map.of());
            agents.send(Topics.TRIGGERS, "deploy-h1", structured("x2", "com.example.unknown", "deploy-h1"), Map.of());
            agents.send(Topics.TRIGGERS, "deploy-h1", structured("x3", "com.example.orphan", "deploy-h1"), Map.of());
            agents.send(Topics.TRIGGERS, "deploy-h1", "{not json".getBytes(StandardCharsets.UTF_8), Map.of());
            agents.flush();

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> jobs("deploy-h1", "event") == 1
                            && jobs("release-1", "event") == 1
                            && jobs("release-2", "event") == 1);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> dlq.seen(Topics.deadLetter(Topics.TRIGGERS)).size() == 4);
            List<String> reasons = dlq.seen(Topics.deadLetter(Topics.TRIGGERS)).stream()
                    .map(s -> s.headers().get("x-exception-message"))
                    .toList();
            assertThat(reasons)
                    .anySatisfy(r -> assertThat(r).contains("unknown host 'ghost-host'"))
                    .anySatisfy(r ->
                            assertThat(r).contains("no trigger is configured for event type 'com.example.unknown'"))
                    .anySatisfy(r -> assertThat(r).contains("policy 'no-such-policy', which does not exist"))
                    .anySatisfy(r -> assertThat(r).contains("not a CloudEvent"));
            Thread.sleep(3000); // a second window passes: nothing more is started for the coalesced events
            assertThat(jobs("deploy-h1", "event")).isEqualTo(1);
            assertThat(http("GET", "/actuator/prometheus", null).body())
                    .contains("outcome=\"coalesced\",type=\"" + DEPLOYED + "\"}")
                    .contains("outcome=\"duplicate\"")
                    .contains("outcome=\"rejected\"");
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> http("GET", "/actuator/prometheus", null)
                            .body()
                            .lines()
                            .anyMatch(l -> l.startsWith("ssis_orchestrator_dead_letters_total")
                                    && l.contains("topic=\"" + Topics.deadLetter(Topics.COMMANDS) + "\"")
                                    && !l.endsWith(" 0.0")));
        }
    }

    @Test
    void aBurstOfOneThousandTriggersKeepsTheFleetAndPolicyLimits() throws Exception {
        assertThat(http("POST", "/api/v1/policies", policy("burst", "", null, 25))
                        .statusCode())
                .isEqualTo(201);
        assertThat(http("POST", "/api/v1/policies", policy("small", "", null, 3))
                        .statusCode())
                .isEqualTo(201);
        List<String> hosts = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            hosts.add("burst-" + i);
            fleet.setLabels("burst-" + i, Map.of());
        }
        AtomicLong maxFleet = new AtomicLong();
        AtomicLong maxBurst = new AtomicLong();
        AtomicLong maxSmall = new AtomicLong();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                for (Map<String, Object> r : jdbc.sql("""
                        SELECT coalesce(p.name, '-') AS policy, count(DISTINCT (a.job_id, a.host_id)) AS n
                        FROM job_agent a JOIN backup_job j ON j.id = a.job_id LEFT JOIN policy p ON p.id = j.policy_id
                        WHERE a.state IN ('DISPATCHED','RUNNING') GROUP BY 1""").query().listOfRows()) {
                    long n = ((Number) r.get("n")).longValue();
                    if ("burst".equals(r.get("policy"))) maxBurst.accumulateAndGet(n, Math::max);
                    if ("small".equals(r.get("policy"))) maxSmall.accumulateAndGet(n, Math::max);
                }
                maxFleet.accumulateAndGet(
                        jdbc.sql("SELECT count(*) FROM (SELECT DISTINCT job_id, host_id FROM job_agent"
                                        + " WHERE state IN ('DISPATCHED','RUNNING')) x")
                                .query(Long.class)
                                .single(),
                        Math::max);
            }
        });
        try (SimulatedFleet agents = new SimulatedFleet(broker.getBrokersAsString(), Duration.ofMillis(5))) {
            sampler.start();
            for (String h : hosts) {
                agents.send(Topics.TRIGGERS, h, new byte[0], binary("burst-" + h, "com.example.burst", h));
            }
            agents.flush();
            // A second policy with a tighter limit competes for the same fleet-wide slots.
            http(
                    "POST",
                    "/api/v1/backups",
                    "{\"hosts\":["
                            + String.join(
                                    ",",
                                    hosts.subList(0, 20).stream()
                                            .map(h -> "\"" + h + "\"")
                                            .toList()) + "],\"policy\":\"small\"}");
            await().atMost(Duration.ofMinutes(2))
                    .until(() -> jdbc.sql("SELECT count(DISTINCT (a.host_id, p.name)) FROM job_agent a"
                                            + " JOIN backup_job j ON j.id = a.job_id JOIN policy p ON p.id = j.policy_id"
                                            + " WHERE p.name IN ('burst', 'small') AND a.state = 'SUCCEEDED'")
                                    .query(Long.class)
                                    .single()
                            == 1020);
        } finally {
            sampling.set(false);
            sampler.join();
        }
        assertThat(maxFleet.get()).isBetween(1L, 40L);
        assertThat(maxBurst.get()).isBetween(1L, 25L);
        assertThat(maxSmall.get()).isBetween(1L, 3L);
        // Each host was backed up once for its trigger; hosts due at the same tick share a job.
        assertThat(jdbc.sql(
                                "SELECT count(*) FROM job_agent a JOIN backup_job j ON j.id = a.job_id JOIN policy p ON p.id = j.policy_id"
                                        + " WHERE p.name = 'burst'")
                        .query(Long.class)
                        .single())
                .isEqualTo(1000);
    }
}
