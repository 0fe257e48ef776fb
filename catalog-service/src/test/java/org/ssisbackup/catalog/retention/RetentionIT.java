package org.ssisbackup.catalog.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.ssisbackup.catalog.AdminApi;
import org.ssisbackup.catalog.StoredPoints;
import org.ssisbackup.catalog.TestBucket;
import org.ssisbackup.catalog.maintenance.MaintenanceLock;
import org.ssisbackup.catalog.record.RestorePointRecorder;
import org.ssisbackup.contracts.AgentJobFinished;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.Artifact;
import org.ssisbackup.contracts.ArtifactsStored;
import org.ssisbackup.contracts.Manifest;
import org.ssisbackup.contracts.MessageMeta;
import org.ssisbackup.contracts.ObjectKeys;
import org.ssisbackup.contracts.Outcome;
import org.ssisbackup.contracts.PolicyRef;
import org.ssisbackup.contracts.RetentionRule;
import org.ssisbackup.storage.BlobStore;
import org.ssisbackup.testkit.infra.EmbeddedS3;
import org.ssisbackup.testkit.infra.TestDatabases;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Retention through the REST API on real PostgreSQL and a real S3 server (s3proxy): a policy's rule carried by its
 * backups expires points; a dry run changes nothing; blobs wait out the grace period; a backup in flight that names an
 * unreferenced blob keeps it; one that reused a blob retention then deleted cannot be COMPLETE; orphans go too; every
 * expiry and deletion is audited; a rebuild does not bring expired points back; the metrics count it all.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.cloud.stream.kafka.binder.brokers=${spring.embedded.kafka.brokers}",
            "ssisbackup.catalog.retention.schedule=-",
            "ssisbackup.catalog.verification.schedule=-",
            "ssisbackup.catalog.retention.blob-grace=PT48H",
            // keepLast 2 alone: the production default's "monthly 12" would keep the first ad-hoc point whenever the
            // three
            // ad-hoc points (10, 9 and 8 days ago) straddle the end of a month, and the expected counts would depend on
            // the date.
            "ssisbackup.catalog.retention.default-rule.keep-last=2",
            "ssisbackup.catalog.retention.default-rule.monthly=0",
            "ssisbackup.security.api-keys[0].name=admin",
            "ssisbackup.security.api-keys[0].key=retention-admin-key",
            "ssisbackup.security.api-keys[0].role=admin"
        })
@EmbeddedKafka(partitions = 1)
class RetentionIT {
    static final EmbeddedS3 S3 = TestBucket.start("retention-access", "retention-secret");
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String HOST = "ret-h1";

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) throws Exception {
        TestDatabases.register(r, "catalog_retention"); // its own database: a pass looks at every point
        TestBucket.register(r, S3, "retention-bucket");
    }

    @TestConfiguration
    static class Clocks {
        @Bean
        @Primary
        MutableClock mutableClock() {
            return new MutableClock();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        S3.close();
    }

    @Autowired
    BlobStore store;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    RestorePointRecorder recorder;

    @Autowired
    MutableClock clock;

    @Autowired
    DataSource dataSource;

    @LocalServerPort
    int port;

    final PolicyRef nightly =
            new PolicyRef(UUID.randomUUID(), "nightly", new RetentionRule(3, null, null, null, null), "Europe/Berlin");

    /** One agent's whole backup of HOST at {@code at}: artifacts, manifest, job end. */
    private UUID backup(Instant at, PolicyRef policy, Artifact... artifacts) {
        UUID job = UUID.randomUUID();
        UUID point = UUID.randomUUID();
        announce(job, point, at, artifacts);
        String manifest = store.putManifest(new Manifest(
                1,
                HOST,
                job,
                point,
                AgentKind.FILESYSTEM,
                Outcome.SUCCEEDED,
                at,
                List.of(artifacts),
                List.of(),
                List.of(),
                Set.of(AgentKind.FILESYSTEM),
                policy));
        recorder.on(new AgentJobFinished(
                new MessageMeta(1, UUID.randomUUID(), job, HOST, at),
                AgentKind.FILESYSTEM,
                point,
                Set.of(AgentKind.FILESYSTEM),
                Outcome.SUCCEEDED,
                artifacts.length,
                0,
                0,
                manifest,
                List.of(),
                List.of(),
                policy));
        return point;
    }

    private void announce(UUID job, UUID point, Instant at, Artifact... artifacts) {
        recorder.on(new ArtifactsStored(
                new MessageMeta(1, UUID.randomUUID(), job, HOST, at), AgentKind.FILESYSTEM, point, List.of(artifacts)));
    }

    private JsonNode post(String path) throws Exception {
        return new AdminApi(port, "retention-admin-key").post(path);
    }

    private JsonNode get(String path) throws Exception {
        return new AdminApi(port, "retention-admin-key").get(path);
    }

    private long points() {
        return jdbc.sql("SELECT count(*) FROM restore_point WHERE host_id = ?")
                .param(HOST)
                .query(Long.class)
                .single();
    }

    @Test
    void oneBucketChangingRunAtATimeAcrossCatalogInstances() throws Exception {
        store.ensureBucket();
        AdminApi admin = new AdminApi(port, "retention-admin-key");
        // Another catalog instance on the same database is running retention (or a rebuild): it holds the lock.
        try (Connection other = dataSource.getConnection();
                Statement s = other.createStatement()) {
            s.execute("SELECT pg_advisory_lock(" + MaintenanceLock.Kind.BUCKET_CHANGES.id() + ")");
            HttpResponse<String> retention = admin.postAnswer("/api/v1/admin/retention");
            assertThat(retention.statusCode()).isEqualTo(409);
            assertThat(JSON.readTree(retention.body()).get("detail").asString())
                    .isEqualTo(
                            "retention or rebuild is already running (on this or another catalog instance); try again when it has finished");
            assertThat(admin.postAnswer("/api/v1/admin/rebuild").statusCode()).isEqualTo(409);
            // A dry run changes nothing and verification only marks: neither waits for it.
            assertThat(admin.postAnswer("/api/v1/admin/retention?dryRun=true").statusCode())
                    .isEqualTo(200);
            assertThat(admin.postAnswer("/api/v1/admin/verification?share=1").statusCode())
                    .isEqualTo(200);
            s.execute("SELECT pg_advisory_unlock(" + MaintenanceLock.Kind.BUCKET_CHANGES.id() + ")");
        }
        assertThat(post("/api/v1/admin/retention").get("dryRun").asBoolean()).isFalse();
        // The lock went with the run: nothing of it is left in PostgreSQL.
        assertThat(jdbc.sql("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void expiresByThePolicysRuleDeletesBlobsAfterTheGracePeriodAndProtectsBackupsInFlight() throws Exception {
        store.ensureBucket();
        Instant day0 = clock.instant().minus(Duration.ofDays(20));
        Artifact shared = TestBucket.upload(store, "C:\\ETL\\Shared.dtsConfig", "shared by every point");
        List<UUID> nightlyPoints = new ArrayList<>();
        List<Artifact> unique = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Artifact own = TestBucket.upload(store, "C:\\ETL\\Load.dtsx", "version " + i);
            unique.add(own);
            nightlyPoints.add(backup(day0.plus(Duration.ofDays(i)), nightly, shared, own));
        }
        List<UUID> adHoc = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            adHoc.add(backup(
                    day0.plus(Duration.ofDays(10 + i)),
                    null,
                    shared,
                    TestBucket.upload(store, "C:\\adhoc.bat", "ad hoc " + i)));
        }
        Artifact orphan = TestBucket.upload(store, "(none)", "uploaded by a job that never finished");
        assertThat(points()).isEqualTo(11);

        // Maintenance calls need the admin key: none or a wrong one is refused, nothing changes.
        for (String key : new String[] {null, "not-the-key"}) {
            HttpRequest.Builder b = HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/api/v1/admin/retention"))
                    .POST(HttpRequest.BodyPublishers.noBody());
            if (key != null) {
                b.header("X-API-Key", key);
            }
            assertThat(HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString())
                            .statusCode())
                    .isEqualTo(401);
        }
        assertThat(points()).isEqualTo(11);

        // A dry run: 5 nightly points (keepLast 3) and 1 ad-hoc point (default keepLast 2) would go, nothing changes.
        JsonNode dry = post("/api/v1/admin/retention?dryRun=true");
        assertThat(dry.get("dryRun").asBoolean()).isTrue();
        assertThat(dry.get("pointsExpired").asLong()).isEqualTo(6);
        assertThat(dry.get("blobsNowUnreferenced").asLong()).isEqualTo(6 + 1); // 6 own blobs + the orphan
        assertThat(dry.get("expired"))
                .extracting(e -> e.get("restorePointId").asString())
                .containsExactlyInAnyOrder(
                        nightlyPoints.get(0).toString(),
                        nightlyPoints.get(1).toString(),
                        nightlyPoints.get(2).toString(),
                        nightlyPoints.get(3).toString(),
                        nightlyPoints.get(4).toString(),
                        adHoc.get(0).toString());
        assertThat(dry.get("expired").get(0).get("reason").asString()).contains("kept by no rule");
        assertThat(points()).isEqualTo(11);
        assertThat(jdbc.sql("SELECT count(*) FROM retention_audit")
                        .query(Long.class)
                        .single())
                .isZero();

        // The pass: points, artifacts and manifests go; blobs are only marked (grace period).
        JsonNode pass = post("/api/v1/admin/retention");
        assertThat(pass.get("pointsExpired").asLong()).isEqualTo(6);
        assertThat(pass.get("blobsDeleted").asLong()).isZero();
        assertThat(points()).isEqualTo(5);
        assertThat(StoredPoints.status(jdbc, nightlyPoints.get(0))).isNull();
        assertThat(store.exists(ObjectKeys.manifest(HOST, nightlyPoints.get(0), AgentKind.FILESYSTEM)))
                .isFalse();
        assertThat(store.exists(ObjectKeys.manifest(HOST, nightlyPoints.get(7), AgentKind.FILESYSTEM)))
                .isTrue();
        assertThat(store.hasBlob(unique.get(0).sha256())).isTrue();
        assertThat(pass.get("held"))
                .anySatisfy(h -> assertThat(h.get("detail").asString()).startsWith("grace period"));
        JsonNode audit = get("/api/v1/admin/retention/audit?host=" + HOST);
        assertThat(audit)
                .hasSize(6)
                .allSatisfy(a -> assertThat(a.get("action").asString()).isEqualTo("EXPIRE_POINT"));
        assertThat(audit).anySatisfy(a -> assertThat(a.get("policy").asString()).isEqualTo("nightly"));

        // A backup in flight names the blob of expired point 0: it must survive the sweep.
        UUID inFlightJob = UUID.randomUUID();
        UUID inFlight = UUID.randomUUID();
        announce(inFlightJob, inFlight, clock.instant(), unique.get(0));

        // Within the grace period nothing is deleted; after it, the unreferenced blobs are (and audited).
        clock.advance(Duration.ofHours(47));
        assertThat(post("/api/v1/admin/retention").get("blobsDeleted").asLong()).isZero();
        clock.advance(Duration.ofHours(2));
        JsonNode sweep = post("/api/v1/admin/retention");
        assertThat(sweep.get("pointsExpired").asLong()).isZero();
        assertThat(sweep.get("blobsDeleted").asLong())
                .isEqualTo(4 + 1 + 1); // own blobs of points 1-4, ad hoc 0, the orphan
        assertThat(store.hasBlob(unique.get(0).sha256()))
                .as("named by the backup in flight")
                .isTrue();
        assertThat(store.hasBlob(unique.get(1).sha256())).isFalse();
        assertThat(store.hasBlob(orphan.sha256())).isFalse();
        assertThat(store.hasBlob(shared.sha256())).isTrue();
        assertThat(store.hasBlob(unique.get(7).sha256())).isTrue();
        assertThat(jdbc.sql("SELECT count(*) FROM retention_audit WHERE action = 'DELETE_OBJECT'")
                        .query(Long.class)
                        .single())
                .isEqualTo(6);
        assertThat(jdbc.sql("SELECT coalesce(sum(bytes), 0) FROM retention_audit WHERE action = 'DELETE_OBJECT'")
                        .query(Long.class)
                        .single())
                .isEqualTo(
                        unique.subList(1, 5).stream().mapToLong(Artifact::size).sum()
                                + "ad hoc 0".length()
                                + orphan.size());

        // The backup in flight finishes: COMPLETE, its blob is there.
        recorder.on(new AgentJobFinished(
                new MessageMeta(1, UUID.randomUUID(), inFlightJob, HOST, clock.instant()),
                AgentKind.FILESYSTEM,
                inFlight,
                Set.of(AgentKind.FILESYSTEM),
                Outcome.SUCCEEDED,
                1,
                0,
                0,
                null,
                List.of(),
                List.of(),
                nightly));
        assertThat(StoredPoints.status(jdbc, inFlight)).isEqualTo("COMPLETE");

        // A backup that saw blob 1 before the sweep deleted it, and reports it only now: it cannot be COMPLETE. One
        // that
        // reuses blob 2 after uploading it again is.
        UUID late = backup(clock.instant(), nightly, unique.get(1));
        assertThat(StoredPoints.status(jdbc, late)).isEqualTo("PARTIAL");
        assertThat(jdbc.sql("SELECT reasons::text FROM restore_point WHERE id = ?")
                        .param(late)
                        .query(String.class)
                        .single())
                .contains("was deleted by retention while this backup ran");
        store.storeBytes("version 2".getBytes(StandardCharsets.UTF_8));
        assertThat(StoredPoints.status(jdbc, backup(clock.instant(), nightly, unique.get(2))))
                .isEqualTo("COMPLETE");

        // A rebuild finds the expired point's manifest if it was left behind, and does not bring it back.
        store.putManifest(new Manifest(
                1,
                HOST,
                UUID.randomUUID(),
                nightlyPoints.get(0),
                AgentKind.FILESYSTEM,
                Outcome.SUCCEEDED,
                day0,
                List.of(shared),
                List.of(),
                List.of(),
                Set.of(AgentKind.FILESYSTEM),
                nightly));
        JsonNode rebuild = post("/api/v1/admin/rebuild");
        assertThat(rebuild.get("restorePointsExpired").asInt()).isEqualTo(1);
        assertThat(StoredPoints.status(jdbc, nightlyPoints.get(0))).isNull();

        String metrics = HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(metrics)
                .contains("ssis_catalog_retention_expired_points_total{application=\"catalog-service\"} 6.0")
                .contains("ssis_catalog_retention_deleted_blobs_total{application=\"catalog-service\"} 6.0")
                .contains("ssis_catalog_retention_deleted_bytes_total")
                .contains("ssis_catalog_retention_pass_seconds_count");
    }
}
