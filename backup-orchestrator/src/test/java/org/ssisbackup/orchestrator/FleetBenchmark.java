package org.ssisbackup.orchestrator;

import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
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
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.orchestrator.fleet.FleetRegistry;
import org.ssisbackup.orchestrator.fleet.LabelSelector;
import org.ssisbackup.testkit.infra.TestDatabases;

/**
 * The fleet benchmark (not a test: run it with {@code bench/fleet.sh}): {@code -Dfleet.hosts} simulated hosts (two agents
 * each, answering every command at once) on one embedded broker; one fleet-wide backup through
 * {@code POST /api/v1/backups {"policy": ...}} under a fleet-wide limit of all hosts and under the default 200.
 * Measures how long the heartbeats take to register, the request, dispatching every command, closing the job, and
 * the JVM's heap (after GC, before and after; peak during). Writes a Markdown table to target/fleet-benchmark.md.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.cloud.stream.kafka.binder.brokers=${spring.embedded.kafka.brokers}",
            "ssisbackup.security.api-keys[0].name=bench",
            "ssisbackup.security.api-keys[0].key=bench-key",
            "ssisbackup.security.api-keys[0].role=operator",
            "ssisbackup.orchestrator.max-concurrent-hosts=${fleet.limit:200}",
            "logging.level.org.ssisbackup=WARN"
        })
@EmbeddedKafka(partitions = 3)
class FleetBenchmark {
    static final int HOSTS = Integer.getInteger("fleet.hosts", 1000);
    static final HttpClient HTTP = HttpClient.newHttpClient();

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

    private String post(String path, String body) throws Exception {
        return HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .header("X-API-Key", "bench-key")
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    @Test
    void oneFleetWideBackup() throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        List<String> hosts = new ArrayList<>();
        for (int i = 0; i < HOSTS; i++) {
            hosts.add(String.format("bench-%04d", i));
        }
        StringBuilder report = new StringBuilder();
        try (SimulatedFleet agents = new SimulatedFleet(broker.getBrokersAsString(), Duration.ZERO)) {
            long t = System.nanoTime();
            agents.heartbeats(hosts, Set.of(AgentKind.MSDB, AgentKind.FILESYSTEM), Duration.ofMinutes(5));
            await().atMost(Duration.ofMinutes(5))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> fleet.hosts(LabelSelector.ALL, FleetRegistry.HostState.REACHABLE)
                                    .size()
                            == HOSTS);
            double register = seconds(t);
            post(
                    "/api/v1/policies",
                    "{\"name\":\"fleet\",\"scope\":[\"MSDB\",\"FILESYSTEM\"],\"retention\":{\"keepLast\":7}}");

            System.gc();
            long heapBefore = memory.getHeapMemoryUsage().getUsed();
            AtomicLong peak = new AtomicLong(heapBefore);
            AtomicBoolean sampling = new AtomicBoolean(true);
            Thread sampler = new Thread(() -> {
                while (sampling.get()) {
                    peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            sampler.start();
            t = System.nanoTime();
            String response = post("/api/v1/backups", "{\"policy\":\"fleet\"}");
            double request = seconds(t);
            UUID job = UUID.fromString(response.replaceAll(".*\"jobId\":\"([^\"]+)\".*", "$1"));
            await().atMost(Duration.ofMinutes(10))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> jdbc.sql("SELECT count(*) FROM job_agent WHERE job_id = ? AND state = 'PENDING'")
                                    .param(job)
                                    .query(Long.class)
                                    .single()
                            == 0);
            double dispatched = seconds(t);
            await().atMost(Duration.ofMinutes(10))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> jdbc.sql("SELECT finished_at IS NOT NULL FROM backup_job WHERE id = ?")
                            .param(job)
                            .query(Boolean.class)
                            .single());
            double closed = seconds(t);
            sampling.set(false);
            sampler.join();
            String state = jdbc.sql("SELECT state FROM backup_job WHERE id = ?")
                    .param(job)
                    .query(String.class)
                    .single();
            System.gc();
            long heapAfter = memory.getHeapMemoryUsage().getUsed();
            report.append(String.format(
                    "| %d | %d | %s | %.1f | %.2f | %.1f | %.1f | %d / %d / %d |%n",
                    HOSTS,
                    2 * HOSTS,
                    System.getProperty("fleet.limit", "200"),
                    register,
                    request,
                    dispatched,
                    closed,
                    heapBefore >> 20,
                    peak.get() >> 20,
                    heapAfter >> 20));
            report.append("state: ")
                    .append(state)
                    .append(", commands answered: ")
                    .append(agents.answered())
                    .append('\n');
        }
        Path out = Path.of("target", "fleet-benchmark.md");
        Files.writeString(out, report, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        System.out.println("FLEET-BENCHMARK\n" + report);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
