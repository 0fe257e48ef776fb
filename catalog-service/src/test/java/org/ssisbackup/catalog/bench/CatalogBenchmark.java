package org.ssisbackup.catalog.bench;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.ssisbackup.catalog.retention.RetentionPass;
import org.ssisbackup.testkit.infra.EmbeddedPostgresServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The catalog benchmark (not a test: run it with {@code bench/catalog.sh}). Loads {@code -Dbench.hosts} hosts x
 * {@code -Dbench.points} daily restore points x {@code -Dbench.artifacts} artifacts into the catalog's real schema
 * (Flyway) on an embedded PostgreSQL, then times each query of the REST API (p50/p99 over many calls with random hosts
 * and points, after a warm-up) and retention passes. Artifacts: 10 packages common to the whole fleet (a new version
 * every 20 days, the same bytes on every host), 10 msdb packages and 30 configuration files of the host's own (one in
 * ten changes every 10 days). Writes Markdown to target/catalog-benchmark.md.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.cloud.stream.kafka.binder.brokers=${spring.embedded.kafka.brokers}",
            "ssisbackup.catalog.retention.schedule=-",
            "ssisbackup.catalog.verification.schedule=-",
            "ssisbackup.catalog.retention.orphan-scan=false",
            "ssisbackup.catalog.metrics-interval=1000d",
            "spring.datasource.hikari.maximum-pool-size=4",
            "logging.level.org.ssisbackup=WARN",
            "ssisbackup.security.api-keys[0].name=bench",
            "ssisbackup.security.api-keys[0].key=bench-key",
            "ssisbackup.security.api-keys[0].role=admin"
        })
@EmbeddedKafka(partitions = 1)
class CatalogBenchmark {
    static final int HOSTS = Integer.getInteger("bench.hosts", 10_000);
    static final int POINTS = Integer.getInteger("bench.points", 100);
    static final int ARTIFACTS = Integer.getInteger("bench.artifacts", 50);
    static final int SAMPLES = Integer.getInteger("bench.samples", 200);
    static final Instant BASE = Instant.parse("2026-01-01T01:00:00Z");
    static final UUID POLICY = UUID.fromString("00000000-0000-0000-0000-0000000000b1");
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final JsonMapper JSON = JsonMapper.builder().build();
    static EmbeddedPostgresServer postgres;

    @DynamicPropertySource
    static void db(DynamicPropertyRegistry r) throws Exception {
        // Settings a dedicated catalog database on this machine (2 cores, 23 GiB) would have.
        // -Dbench.data-dir keeps the loaded catalog for the next run (which then skips the load).
        String dataDir = System.getProperty("bench.data-dir");
        postgres = EmbeddedPostgresServer.start(
                dataDir == null ? null : Path.of(dataDir),
                0,
                Map.of(
                        "shared_buffers",
                        "4GB",
                        "work_mem",
                        "64MB",
                        "maintenance_work_mem",
                        "2GB",
                        "max_wal_size",
                        "16GB",
                        "effective_cache_size",
                        "16GB",
                        "random_page_cost",
                        "1.1",
                        "max_parallel_maintenance_workers",
                        "2"));
        String url = postgres.createDatabase("catalog_bench");
        r.add("spring.datasource.url", () -> url);
        r.add("spring.datasource.username", postgres::user);
    }

    @Autowired
    JdbcClient jdbc;

    @Autowired
    RetentionPass retention;

    @Autowired
    org.ssisbackup.catalog.metrics.CatalogMetrics metrics;

    @LocalServerPort
    int port;

    final StringBuilder out = new StringBuilder();
    final Random random = new Random(42);

    private void line(String s) {
        System.out.println(s);
        out.append(s).append('\n');
    }

    private static String host(int h) {
        return String.format("bench-h%05d", h);
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    @Test
    void loadQueryExpire() throws Exception {
        line("Catalog benchmark, " + Instant.now() + ": " + HOSTS + " hosts x " + POINTS + " restore points x "
                + ARTIFACTS + " artifacts = " + ((long) HOSTS * POINTS * ARTIFACTS) + " artifact rows");
        load();
        line("");
        line("| query (REST, " + SAMPLES + " calls each) | p50 ms | p99 ms | max ms | rows in answer |");
        line("|---|---|---|---|---|");
        List<UUID> somePoints = new ArrayList<>();
        time("restore points of a host, newest page (50)", () -> {
            JsonNode page = get("/api/v1/restore-points?host=" + host(random.nextInt(HOSTS)));
            if (somePoints.size() < 1000) {
                page.get("items")
                        .forEach(i -> somePoints.add(UUID.fromString(i.get("id").asString())));
            }
            return page.get("items").size();
        });
        time("restore points of a host in a 30-day range, second page (10)", () -> {
            Instant from = BASE.plus(Duration.ofDays(random.nextInt(Math.max(1, POINTS - 30))));
            String q = "/api/v1/restore-points?host=" + host(random.nextInt(HOSTS)) + "&from=" + from + "&to="
                    + from.plus(Duration.ofDays(30)) + "&limit=10";
            String cursor = get(q).get("nextCursor").asString();
            return get(q + "&cursor=" + cursor).get("items").size();
        });
        time(
                "one restore point with its artifacts",
                () -> get("/api/v1/restore-points/" + somePoints.get(random.nextInt(somePoints.size())))
                        .get("artifacts")
                        .size());
        time("diff of two restore points of a host", () -> {
            String h = host(random.nextInt(HOSTS));
            JsonNode items =
                    get("/api/v1/restore-points?host=" + h + "&limit=50").get("items");
            String a = items.get(random.nextInt(items.size())).get("id").asString();
            String b = items.get(0).get("id").asString();
            JsonNode d = get("/api/v1/restore-points/diff?from=" + a + "&to=" + b);
            return d.get("changed").size() + d.get("unchanged").asInt();
        });
        time("history of a host's own package, one host", () -> {
            int h = random.nextInt(HOSTS);
            return get("/api/v1/packages/history?path=" + enc("\\ETL\\H" + h + "\\Package10") + "&host=" + host(h))
                    .size();
        });
        time(
                "history of a fleet-wide package, one host",
                () -> get("/api/v1/packages/history?path=" + enc("\\Common\\Package" + random.nextInt(10)) + "&host="
                                + host(random.nextInt(HOSTS)))
                        .size());
        int fleetSamples = Math.max(5, SAMPLES / 20);
        time(
                "history of a fleet-wide package across the fleet",
                fleetSamples,
                () -> get("/api/v1/packages/history?path=" + enc("\\Common\\Package" + random.nextInt(10)))
                        .size());
        time(
                "fleet: newest and newest COMPLETE point of every host",
                fleetSamples,
                () -> get("/api/v1/fleet/newest").size());

        time("metrics refresh (every gauge of the catalog, from PostgreSQL)", fleetSamples, () -> {
            metrics.refresh();
            return 1;
        });

        line("");
        line("| retention | seconds | points examined | points expired | blobs now unreferenced |");
        line("|---|---|---|---|---|");
        jdbc.sql(
                        "INSERT INTO retention_policy (policy_id, name, retention, time_zone, as_of) VALUES (?, 'nightly', CAST(? AS jsonb), 'Europe/Berlin', now())")
                .params(POLICY, "{\"keepLast\":7,\"daily\":30,\"weekly\":8,\"monthly\":12}")
                .update();
        long t0 = System.nanoTime();
        RetentionPass.Report dry = retention.run(true);
        line("| dry run, keepLast 7, daily 30, weekly 8, monthly 12 (a rule change) | "
                + String.format("%.1f", seconds(System.nanoTime() - t0)) + " | " + dry.pointsExamined() + " | "
                + dry.pointsExpired() + " (would) | " + dry.blobsNowUnreferenced() + " (would) |");
        // The steady state: a nightly pass after each host's daily backup expires each host's oldest point.
        jdbc.sql("UPDATE retention_policy SET retention = CAST(? AS jsonb)")
                .param("{\"keepLast\":" + (POINTS - 1) + "}")
                .update();
        // The oldest point of each host goes: kept aside and put back afterwards, so a kept database (-Dbench.data-dir)
        // serves the next run unchanged.
        jdbc.sql("DROP TABLE IF EXISTS bench_rp, bench_artifact").update();
        jdbc.sql(
                        "CREATE TABLE bench_rp AS SELECT * FROM restore_point WHERE id IN (SELECT md5('rp' || h || '-0')::uuid FROM generate_series(0, ? - 1) h)")
                .param(HOSTS)
                .update();
        jdbc.sql(
                        "CREATE TABLE bench_artifact AS SELECT a.* FROM artifact a JOIN bench_rp r ON r.id = a.restore_point_id")
                .update();
        t0 = System.nanoTime();
        RetentionPass.Report real = retention.run(false);
        line("| nightly pass, keepLast " + (POINTS - 1) + " (one point per host goes) | "
                + String.format("%.1f", seconds(System.nanoTime() - t0)) + " | " + real.pointsExamined() + " | "
                + real.pointsExpired() + " | " + real.blobsNowUnreferenced() + " |");

        restoreExpired();

        Path report = Path.of("target/catalog-benchmark.md");
        Files.writeString(report, out.toString(), StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
    }

    private void load() {
        if (jdbc.sql("SELECT to_regclass('bench_rp') IS NOT NULL")
                .query(Boolean.class)
                .single()) {
            restoreExpired(); // an earlier run stopped during its retention pass
        }
        long present =
                jdbc.sql("SELECT count(*) FROM restore_point").query(Long.class).single();
        if (present == (long) HOSTS * POINTS) {
            line("Loaded by an earlier run (-Dbench.data-dir): " + present + " restore points; database "
                    + jdbc.sql("SELECT pg_size_pretty(pg_database_size(current_database()))")
                            .query(String.class)
                            .single()
                    + ".");
            jdbc.sql("DELETE FROM retention_policy").update();
            return;
        }
        List<String[]> indexes = new ArrayList<>();
        // Secondary indexes and the artifact key are dropped for the load and built again afterwards (as a bulk load
        // would); they are the migrations' own definitions, read from the catalog.
        jdbc.sql("""
                SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename IN ('artifact', 'restore_point')
                AND indexname NOT IN ('artifact_pkey', 'restore_point_pkey')""")
                .query()
                .listOfRows()
                .forEach(r -> indexes.add(new String[] {(String) r.get("indexname"), (String) r.get("indexdef")}));
        indexes.forEach(i -> jdbc.sql("DROP INDEX " + i[0]).update());
        jdbc.sql("ALTER TABLE artifact DROP CONSTRAINT artifact_pkey").update();
        long t0 = System.nanoTime();
        jdbc.sql("""
                INSERT INTO restore_point (id, job_id, host_id, status, artifact_count, total_bytes, reasons, created_at, recorded_at,
                    policy_id, policy_name)
                SELECT md5('rp' || h || '-' || p)::uuid, md5('job' || h || '-' || p)::uuid, 'bench-h' || lpad(h::text, 5, '0'),
                    CASE WHEN (h * 31 + p) % 50 = 0 THEN 'PARTIAL' ELSE 'COMPLETE' END, ?, ? * 40000, '[]'::jsonb,
                    ?::timestamptz + p * interval '1 day' + (h % 240) * interval '1 minute',
                    ?::timestamptz + p * interval '1 day' + (h % 240) * interval '1 minute' + interval '5 minutes', ?, 'nightly'
                FROM generate_series(0, ? - 1) h, generate_series(0, ? - 1) p""")
                .params(
                        ARTIFACTS,
                        ARTIFACTS,
                        java.sql.Timestamp.from(BASE),
                        java.sql.Timestamp.from(BASE),
                        POLICY,
                        HOSTS,
                        POINTS)
                .update();
        long step = Math.max(1, 2_000_000 / ((long) POINTS * ARTIFACTS));
        for (long from = 0; from < HOSTS; from += step) {
            jdbc.sql("""
                    INSERT INTO artifact (restore_point_id, agent, logical_path, kind, size, sha256, object_key, metadata)
                    SELECT md5('rp' || h || '-' || p)::uuid, CASE WHEN a < 20 THEN 'MSDB' ELSE 'FILESYSTEM' END,
                        CASE WHEN a < 10 THEN '\\Common\\Package' || a WHEN a < 20 THEN '\\ETL\\H' || h || '\\Package' || a
                             ELSE 'D:\\SSIS\\H' || h || '\\Config' || a || '.dtsConfig' END,
                        CASE WHEN a < 20 THEN 'MSDB_PACKAGE' ELSE 'CONFIG_FILE' END,
                        20000 + (a * 997) % 60000, s.sha, 'blobs/sha256/' || substr(s.sha, 1, 2) || '/' || s.sha, '{}'::jsonb
                    FROM generate_series(?, ?) h, generate_series(0, ? - 1) p, generate_series(0, ? - 1) a,
                    LATERAL (SELECT encode(sha256(convert_to(CASE WHEN a < 10 THEN 'common/' || a || '/' || (p / 20)
                        ELSE h || '/' || a || '/' || CASE WHEN a % 10 = 0 THEN p / 10 ELSE 0 END END, 'UTF8')), 'hex') AS sha) s""")
                    .params(from, Math.min(HOSTS, from + step) - 1, POINTS, ARTIFACTS)
                    .update();
        }
        // What recording writes with the artifacts: the objects each point needs, and each object once.
        jdbc.sql("INSERT INTO point_object SELECT DISTINCT restore_point_id, sha256 FROM artifact")
                .update();
        jdbc.sql("""
                INSERT INTO stored_object (object_id, object_key, size)
                SELECT DISTINCT ON (sha256) sha256, object_key, size FROM artifact ORDER BY sha256""").update();
        long loaded = System.nanoTime() - t0;
        t0 = System.nanoTime();
        jdbc.sql("ALTER TABLE artifact ADD PRIMARY KEY (restore_point_id, agent, logical_path)")
                .update();
        indexes.forEach(i -> jdbc.sql(i[1]).update());
        jdbc.sql("VACUUM ANALYZE").update();
        long indexed = System.nanoTime() - t0;
        String size = jdbc.sql("SELECT pg_size_pretty(pg_database_size(current_database()))")
                .query(String.class)
                .single();
        long blobs = jdbc.sql("SELECT count(DISTINCT sha256) FROM artifact")
                .query(Long.class)
                .single();
        line("Loaded in " + String.format("%.0f", seconds(loaded)) + " s, indexes and ANALYZE "
                + String.format("%.0f", seconds(indexed)) + " s; database " + size + "; " + blobs + " distinct blobs.");
    }

    /** Puts the points the nightly pass expired back, and forgets the pass. */
    private void restoreExpired() {
        jdbc.sql("INSERT INTO restore_point SELECT * FROM bench_rp ON CONFLICT DO NOTHING")
                .update();
        jdbc.sql("INSERT INTO artifact SELECT * FROM bench_artifact ON CONFLICT DO NOTHING")
                .update();
        jdbc.sql("""
                INSERT INTO point_object SELECT DISTINCT restore_point_id, sha256 FROM bench_artifact ON CONFLICT DO NOTHING""").update();
        jdbc.sql("""
                INSERT INTO stored_object (object_id, object_key, size)
                SELECT DISTINCT ON (sha256) sha256, object_key, size FROM bench_artifact ORDER BY sha256 ON CONFLICT DO NOTHING""").update();
        jdbc.sql("DROP TABLE bench_rp, bench_artifact").update();
        jdbc.sql("TRUNCATE retention_audit, unreferenced_object, deleted_object, retention_policy")
                .update();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("X-API-Key", "bench-key")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(path + ": " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    private void time(String what, Callable<Integer> call) throws Exception {
        time(what, SAMPLES, call);
    }

    private void time(String what, int samples, Callable<Integer> call) throws Exception {
        for (int i = 0; i < Math.min(20, samples); i++) {
            call.call(); // warm-up
        }
        long[] nanos = new long[samples];
        long rows = 0;
        for (int i = 0; i < samples; i++) {
            long t0 = System.nanoTime();
            rows += call.call();
            nanos[i] = System.nanoTime() - t0;
        }
        Arrays.sort(nanos);
        line(String.format(
                "| %s | %.1f | %.1f | %.1f | %.0f |",
                what + (samples != SAMPLES ? " (" + samples + " calls)" : ""),
                nanos[samples / 2] / 1e6,
                nanos[(int) Math.ceil(samples * 0.99) - 1] / 1e6,
                nanos[samples - 1] / 1e6,
                (double) rows / samples));
    }
}
