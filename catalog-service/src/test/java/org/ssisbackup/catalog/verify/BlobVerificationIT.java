package org.ssisbackup.catalog.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.ssisbackup.catalog.AdminApi;
import org.ssisbackup.catalog.CatalogProperties;
import org.ssisbackup.catalog.StoredPoints;
import org.ssisbackup.catalog.TestBucket;
import org.ssisbackup.catalog.maintenance.MaintenanceLock;
import org.ssisbackup.catalog.record.RestorePointRecorder;
import org.ssisbackup.contracts.AgentJobFinished;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.Artifact;
import org.ssisbackup.contracts.ArtifactsStored;
import org.ssisbackup.contracts.MessageMeta;
import org.ssisbackup.contracts.Outcome;
import org.ssisbackup.storage.BlobStore;
import org.ssisbackup.testkit.infra.EmbeddedS3;
import org.ssisbackup.testkit.infra.TestDatabases;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Verification on a real S3 server (s3proxy) and PostgreSQL, through the REST API: a blob overwritten with other bytes
 * and one deleted behind the catalog's back are found, every restore point that needs them is marked damaged (COMPLETE
 * becomes PARTIAL with the reason), the others stay COMPLETE; a share checks the least recently checked blobs first so
 * two half runs cover everything; an unreachable bucket marks nothing; the metrics say it.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.cloud.stream.kafka.binder.brokers=${spring.embedded.kafka.brokers}",
            "ssisbackup.catalog.retention.schedule=-",
            "ssisbackup.catalog.verification.schedule=-",
            "ssisbackup.security.api-keys[0].name=admin",
            "ssisbackup.security.api-keys[0].key=verify-admin-key",
            "ssisbackup.security.api-keys[0].role=admin"
        })
@EmbeddedKafka(partitions = 1)
class BlobVerificationIT {
    static final EmbeddedS3 S3 = TestBucket.start("verify-access", "verify-secret");
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) throws Exception {
        TestDatabases.register(r, "catalog_verification");
        TestBucket.register(r, S3, "verify-bucket");
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
    DataSource dataSource;

    @LocalServerPort
    int port;

    private UUID point(Artifact... artifacts) {
        UUID job = UUID.randomUUID();
        UUID point = UUID.randomUUID();
        recorder.on(new ArtifactsStored(
                MessageMeta.create(job, "ver-h1"), AgentKind.FILESYSTEM, point, List.of(artifacts)));
        recorder.on(new AgentJobFinished(
                MessageMeta.create(job, "ver-h1"),
                AgentKind.FILESYSTEM,
                point,
                Set.of(AgentKind.FILESYSTEM),
                Outcome.SUCCEEDED,
                artifacts.length,
                0,
                0,
                null,
                List.of()));
        return point;
    }

    private JsonNode verify(String share) throws Exception {
        return new AdminApi(port, "verify-admin-key").post("/api/v1/admin/verification?share=" + share);
    }

    @Test
    void corruptAndMissingBlobsMarkThePointsThatNeedThem() throws Exception {
        store.ensureBucket();
        Artifact a = TestBucket.upload(store, "C:\\ETL\\A.dtsx", "package a");
        Artifact b = TestBucket.upload(store, "C:\\ETL\\B.dtsx", "package b");
        Artifact c = TestBucket.upload(store, "C:\\ETL\\C.dtsConfig", "config c");
        Artifact d = TestBucket.upload(store, "C:\\ETL\\D.dtsx", "package d");
        UUID needsB = point(a, b);
        UUID needsC = point(c, a);
        UUID fine = point(a, d);
        UUID needsBtoo = point(b);

        // Clean: everything OK, two halves cover all four blobs.
        JsonNode first = verify("0.5");
        JsonNode second = verify("0.5");
        assertThat(first.get("blobsChecked").asLong()).isEqualTo(2);
        assertThat(second.get("blobsChecked").asLong()).isEqualTo(2);
        assertThat(jdbc.sql("SELECT count(*) FROM object_check WHERE result = 'OK'")
                        .query(Long.class)
                        .single())
                .isEqualTo(4);

        // Behind the catalog's back: B overwritten with other bytes, C deleted.
        MinioClient raw = MinioClient.builder()
                .endpoint(S3.endpoint())
                .credentials(S3.accessKey(), S3.secretKey())
                .build();
        byte[] evil = "not package b".getBytes(StandardCharsets.UTF_8);
        raw.putObject(PutObjectArgs.builder().bucket("verify-bucket").object(b.objectKey()).stream(
                        new ByteArrayInputStream(evil), (long) evil.length, -1L)
                .build());
        raw.removeObject(RemoveObjectArgs.builder()
                .bucket("verify-bucket")
                .object(c.objectKey())
                .build());

        JsonNode report = verify("1");
        assertThat(report.get("blobsChecked").asLong()).isEqualTo(4);
        assertThat(report.get("results").get("OK").asLong()).isEqualTo(2);
        assertThat(report.get("results").get("CORRUPT").asLong()).isEqualTo(1);
        assertThat(report.get("results").get("MISSING").asLong()).isEqualTo(1);
        assertThat(report.get("restorePointsMarked").asLong()).isEqualTo(3);
        assertThat(StoredPoints.status(jdbc, needsB)).isEqualTo("PARTIAL");
        assertThat(StoredPoints.status(jdbc, needsBtoo)).isEqualTo("PARTIAL");
        assertThat(StoredPoints.status(jdbc, needsC)).isEqualTo("PARTIAL");
        assertThat(StoredPoints.status(jdbc, fine)).isEqualTo("COMPLETE");
        JsonNode view = JSON.readTree(HTTP.send(
                        HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + port + "/api/v1/restore-points/" + needsB))
                                .header("X-API-Key", "verify-admin-key")
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body()); // the admin key reads too
        assertThat(view.get("damaged").asBoolean()).isTrue();
        assertThat(view.get("reasons").toString()).contains("C:\\\\ETL\\\\B.dtsx: " + b.objectKey() + " is corrupt");

        // Found again on the next run: the reason is not repeated.
        verify("1");
        assertThat(jdbc.sql("SELECT jsonb_array_length(reasons) FROM restore_point WHERE id = ?")
                        .param(needsB)
                        .query(Integer.class)
                        .single())
                .isEqualTo(1);

        // A bucket that cannot be reached marks nothing: UNREADABLE, reported.
        BlobStore unreachable = BlobStore.connect("http://127.0.0.1:1", "x", "y", "verify-bucket");
        BlobVerification offline = new BlobVerification(
                new VerificationRepository(jdbc),
                unreachable,
                new org.ssisbackup.storage.repository.RepositoryReader(
                        unreachable.objects(),
                        org.ssisbackup.storage.repository.KeyMaterial.holder(
                                org.ssisbackup.testkit.infra.TestKeys.CATALOG_PRIVATE)),
                new CatalogProperties(null, null, null, null, null),
                Clock.systemUTC(),
                new SimpleMeterRegistry(),
                new MaintenanceLock(dataSource));
        BlobVerification.Report outage = offline.run(1);
        assertThat(outage.results()).containsOnlyKeys(BlobVerification.Result.UNREADABLE);
        assertThat(outage.restorePointsMarked()).isZero();
        assertThat(StoredPoints.status(jdbc, fine)).isEqualTo("COMPLETE");

        String metrics = HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(metrics)
                .contains(
                        "ssis_catalog_verification_blobs_total{application=\"catalog-service\",result=\"corrupt\"} 2.0")
                .contains(
                        "ssis_catalog_verification_blobs_total{application=\"catalog-service\",result=\"missing\"} 2.0")
                .contains("ssis_catalog_damaged_restore_points{application=\"catalog-service\"} 3.0")
                .containsPattern("ssis_catalog_verification_last_run_seconds\\{application=\"catalog-service\"} [1-9]");
    }
}
