package org.ssisbackup.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.ssisbackup.catalog.query.CatalogQueries;
import org.ssisbackup.testkit.infra.TestDatabases;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every catalog query against real PostgreSQL and through the REST API: restore points per host in a time range with
 * keyset paging, one point with its artifacts, a package's versions across the fleet, the diff of two points, the
 * fleet's newest point per host, the OpenAPI document, and the catalog's gauges.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.cloud.stream.kafka.binder.brokers=${spring.embedded.kafka.brokers}",
            "ssisbackup.catalog.metrics-interval=300ms",
            "ssisbackup.security.api-keys[0].name=reader",
            "ssisbackup.security.api-keys[0].key=" + CatalogQueriesIT.READ_KEY,
            "ssisbackup.security.api-keys[0].role=viewer"
        })
@EmbeddedKafka(partitions = 1)
class CatalogQueriesIT {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final String READ_KEY = "queries-read-key";

    @DynamicPropertySource
    static void db(DynamicPropertyRegistry r) throws Exception {
        TestDatabases.register(r, "catalog");
    }

    @Autowired
    JdbcClient jdbc;

    @Autowired
    CatalogQueries queries;

    @LocalServerPort
    int port;

    /** A restore point as the recorder leaves it, at a chosen time, with these items (path -> content tag). */
    private UUID point(String host, Instant at, String status, Map<String, String> items) {
        UUID id = UUID.randomUUID();
        long bytes = 0;
        for (Map.Entry<String, String> e : items.entrySet()) {
            String sha = sha(e.getValue());
            long size = e.getValue().length() * 100L;
            bytes += size;
            jdbc.sql(
                            "INSERT INTO artifact (restore_point_id, agent, logical_path, kind, size, sha256, object_key, metadata)"
                                    + " VALUES (?, ?, ?, ?, ?, ?, ?, '{}'::jsonb)")
                    .params(
                            id,
                            e.getKey().startsWith("\\") ? "MSDB" : "FILESYSTEM",
                            e.getKey(),
                            e.getKey().startsWith("\\") ? "MSDB_PACKAGE" : "FS_PACKAGE",
                            size,
                            sha,
                            "blobs/sha256/" + sha.substring(0, 2) + "/" + sha)
                    .update();
        }
        jdbc.sql(
                        "INSERT INTO restore_point (id, job_id, host_id, status, artifact_count, total_bytes, reasons, created_at, recorded_at)"
                                + " VALUES (?, ?, ?, ?, ?, ?, '[]'::jsonb, ?, ?)")
                .params(
                        id,
                        UUID.randomUUID(),
                        host,
                        status,
                        items.size(),
                        bytes,
                        Timestamp.from(at),
                        Timestamp.from(at))
                .update();
        return id;
    }

    static String sha(String tag) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                            .digest(tag.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("X-API-Key", READ_KEY)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + " -> " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private int status(String path) throws Exception {
        return HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .header("X-API-Key", READ_KEY)
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    @Test
    void restorePointsOfAHostPageThroughATimeRangeNewestFirst() throws Exception {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            ids.add(point(
                    "page-h1",
                    T0.plus(Duration.ofHours(i)),
                    i % 5 == 0 ? "PARTIAL" : "COMPLETE",
                    Map.of("\\P", "v" + i)));
        }
        point("page-h2", T0, "COMPLETE", Map.of("\\P", "other"));
        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page =
                    get("/api/v1/restore-points?host=page-h1&limit=10" + (cursor == null ? "" : "&cursor=" + cursor));
            page.get("items").forEach(p -> seen.add(p.get("id").asString()));
            assertThat(page.get("items").get(0).has("artifacts")).isFalse(); // pages are summaries
            cursor = page.get("nextCursor").isNull()
                    ? null
                    : page.get("nextCursor").asString();
        } while (cursor != null);
        List<String> expected = new ArrayList<>(ids.stream().map(UUID::toString).toList());
        java.util.Collections.reverse(expected);
        assertThat(seen).containsExactlyElementsOf(expected);

        JsonNode range = get("/api/v1/restore-points?host=page-h1&from=2026-01-01T05:00:00Z&to=2026-01-01T10:00:00Z");
        assertThat(range.get("items")).hasSize(5);
        assertThat(range.get("items").get(0).get("createdAt").asString()).isEqualTo("2026-01-01T09:00:00Z");
        assertThat(get("/api/v1/restore-points?host=page-h1&status=partial").get("items"))
                .hasSize(5);
        assertThat(status("/api/v1/restore-points?host=page-h1&from=yesterday")).isEqualTo(400);
        assertThat(status("/api/v1/restore-points?host=page-h1&cursor=garbage")).isEqualTo(400);
        assertThat(status("/api/v1/restore-points?host=page-h1&status=GREAT")).isEqualTo(400);

        JsonNode one = get("/api/v1/restore-points/" + ids.get(3));
        assertThat(one.get("artifacts")).hasSize(1);
        assertThat(one.get("artifacts").get(0).get("sha256").asString()).isEqualTo(sha("v3"));
        assertThat(status("/api/v1/restore-points/" + UUID.randomUUID())).isEqualTo(404);
    }

    @Test
    void aPackagesVersionsAcrossTheFleetAndTheDiffOfTwoPoints() throws Exception {
        Map<String, String> v1 = new LinkedHashMap<>(
                Map.of("\\ETL\\Load", "load-1", "\\ETL\\Stage", "stage-1", "C:\\ETL\\a.dtsConfig", "cfg-1"));
        UUID p1 = point("hist-h1", T0, "COMPLETE", v1);
        UUID p2 = point("hist-h1", T0.plus(Duration.ofDays(1)), "COMPLETE", v1);
        Map<String, String> v2 = new LinkedHashMap<>(
                Map.of("\\ETL\\Load", "load-2", "C:\\ETL\\a.dtsConfig", "cfg-1", "\\ETL\\New", "new-1"));
        UUID p3 = point("hist-h1", T0.plus(Duration.ofDays(2)), "COMPLETE", v2);
        point("hist-h2", T0.plus(Duration.ofDays(1)), "COMPLETE", Map.of("\\etl\\load", "load-1"));

        JsonNode history = get("/api/v1/packages/history?path=%5CETL%5CLoad");
        assertThat(history).hasSize(3); // h1: two versions; h2: one (its path in another case is the same package)
        JsonNode first = history.get(0);
        assertThat(first.get("hostId").asString()).isEqualTo("hist-h1");
        assertThat(first.get("sha256").asString()).isEqualTo(sha("load-1"));
        assertThat(first.get("restorePoints").asInt()).isEqualTo(2);
        assertThat(first.get("firstRestorePoint").asString()).isEqualTo(p1.toString());
        assertThat(first.get("lastRestorePoint").asString()).isEqualTo(p2.toString());
        assertThat(history.get(1).get("firstSeen").asString()).isEqualTo("2026-01-03T00:00:00Z"); // when it changed
        assertThat(history.get(2).get("hostId").asString()).isEqualTo("hist-h2");
        assertThat(get("/api/v1/packages/history?path=%5CETL%5CLoad&host=hist-h2"))
                .hasSize(1);

        JsonNode diff = get("/api/v1/restore-points/diff?from=" + p2 + "&to=" + p3);
        assertThat(diff.get("added"))
                .singleElement()
                .satisfies(a -> assertThat(a.get("logicalPath").asString()).isEqualTo("\\ETL\\New"));
        assertThat(diff.get("removed"))
                .singleElement()
                .satisfies(a -> assertThat(a.get("logicalPath").asString()).isEqualTo("\\ETL\\Stage"));
        assertThat(diff.get("changed")).singleElement().satisfies(c -> {
            assertThat(c.get("logicalPath").asString()).isEqualTo("\\ETL\\Load");
            assertThat(c.get("fromSha256").asString()).isEqualTo(sha("load-1"));
            assertThat(c.get("toSha256").asString()).isEqualTo(sha("load-2"));
        });
        assertThat(diff.get("unchanged").asInt()).isEqualTo(1);
        assertThat(status("/api/v1/restore-points/diff?from=" + p1 + "&to=" + UUID.randomUUID()))
                .isEqualTo(404);
    }

    @Test
    void theFleetsNewestRestorePointPerHostWithItsAgeAndTheGauges() throws Exception {
        Instant now = Instant.now();
        point("new-h1", now.minus(Duration.ofHours(30)), "COMPLETE", Map.of("\\A", "a1"));
        point("new-h1", now.minus(Duration.ofHours(2)), "PARTIAL", Map.of("\\A", "a2"));
        point("new-h2", now.minus(Duration.ofMinutes(5)), "FAILED", Map.of());
        JsonNode fleet = get("/api/v1/fleet/newest");
        JsonNode h1 = null;
        JsonNode h2 = null;
        for (JsonNode h : fleet) {
            if (h.get("hostId").asString().equals("new-h1")) h1 = h;
            if (h.get("hostId").asString().equals("new-h2")) h2 = h;
        }
        assertThat(h1.get("newest").get("status").asString()).isEqualTo("PARTIAL");
        assertThat(h1.get("newestAgeSeconds").asLong()).isBetween(7190L, 7300L);
        assertThat(h1.get("newestComplete").get("status").asString()).isEqualTo("COMPLETE");
        assertThat(h1.get("newestCompleteAgeSeconds").asLong()).isBetween(107990L, 108100L);
        assertThat(h2.get("newestComplete").isNull()).isTrue();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            String body = HTTP.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            List<String> ours =
                    body.lines().filter(l -> l.startsWith("ssis_catalog")).toList();
            assertThat(ours)
                    .anySatisfy(l -> assertThat(l)
                            .startsWith("ssis_catalog_restore_points{")
                            .contains("host=\"new-h1\",status=\"PARTIAL\""));
            assertThat(ours)
                    .anySatisfy(l -> assertThat(l)
                            .startsWith("ssis_catalog_newest_complete_restore_point_age_seconds{")
                            .contains("host=\"new-h2\"")
                            .endsWith("+Inf"));
            assertThat(ours)
                    .anySatisfy(l -> assertThat(l).startsWith("ssis_catalog_newest_restore_point_age_seconds{"));
            assertThat(ours).anySatisfy(l -> assertThat(l).startsWith("ssis_catalog_dedup_ratio"));
            assertThat(ours).anySatisfy(l -> assertThat(l).startsWith("ssis_catalog_stored_bytes"));
            assertThat(ours).anySatisfy(l -> assertThat(l).startsWith("ssis_catalog_referenced_bytes"));
        });
    }

    @Test
    void theApiIsDocumentedWithOpenApi() throws Exception {
        JsonNode doc = get("/v3/api-docs");
        assertThat(doc.get("openapi").asString()).startsWith("3.");
        assertThat(doc.get("paths").has("/api/v1/restore-points")).isTrue();
        assertThat(doc.get("paths").has("/api/v1/restore-points/{id}")).isTrue();
        assertThat(doc.get("paths").has("/api/v1/restore-points/diff")).isTrue();
        assertThat(doc.get("paths").has("/api/v1/packages/history")).isTrue();
        assertThat(doc.get("paths").has("/api/v1/fleet/newest")).isTrue();
    }

    /** Issue 12, item 10: a NUL in ?host= or ?path= is a 400 that says why, never a 500 with SQL in it. */
    @Test
    void controlCharactersInQueriesAreRefusedBeforeAnySql() throws Exception {
        for (String path : java.util.List.of(
                "/api/v1/restore-points?host=sql%0001", "/api/v1/packages/history?path=%5CETL%00%5CLoad")) {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .header("X-API-Key", READ_KEY)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(path).isEqualTo(400);
            assertThat(r.body())
                    .contains("control character")
                    .doesNotContain("SELECT")
                    .doesNotContain("Exception");
        }
    }
}
