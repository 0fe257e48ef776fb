package org.ssisbackup.catalog.retention;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.minio.MinioClient;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;
import org.ssisbackup.catalog.CatalogProperties;
import org.ssisbackup.catalog.maintenance.MaintenanceLock;
import org.ssisbackup.contracts.ObjectKeys;
import org.ssisbackup.storage.BlobStore;
import org.ssisbackup.storage.S3ObjectStore;
import org.ssisbackup.testkit.infra.TestDatabases;

/**
 * Buckets with object lock: the sweep reads each blob's lock from its HEAD (through the MinIO SDK) and never asks to
 * delete a blob under retention or legal hold before the lock ends; a bucket that refuses a deletion anyway is taken as
 * locked. s3proxy has no object lock, so the bucket here is a small S3 front that answers HEAD with S3's lock headers
 * and records DELETEs; the catalog's database is real PostgreSQL.
 */
@SpringBootTest(
        properties = {
            "server.port=0",
            "spring.cloud.stream.kafka.binder.brokers=${spring.embedded.kafka.brokers}",
            "ssisbackup.catalog.retention.schedule=-",
            "ssisbackup.catalog.verification.schedule=-"
        })
@EmbeddedKafka(partitions = 1)
class ObjectLockIT {
    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) throws Exception {
        TestDatabases.register(r, "catalog_locks");
    }

    @Autowired
    JdbcClient jdbc;

    @Autowired
    DataSource dataSource;

    @Autowired
    TransactionTemplate tx;

    HttpServer server;
    final Map<String, Map<String, String>> heads = new ConcurrentHashMap<>();
    final List<String> deletes = new CopyOnWriteArrayList<>();
    final java.util.Set<String> refuse = ConcurrentHashMap.newKeySet();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private BlobStore lockingBucket() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String key = exchange.getRequestURI().getPath().replaceFirst("^/locked-bucket/", "");
            switch (exchange.getRequestMethod()) {
                case "HEAD" -> {
                    Map<String, String> h = heads.get(key);
                    if (h == null) {
                        exchange.sendResponseHeaders(404, -1);
                    } else {
                        h.forEach(exchange.getResponseHeaders()::add);
                        exchange.sendResponseHeaders(200, -1);
                    }
                }
                case "DELETE" -> {
                    deletes.add(key);
                    if (refuse.contains(key)) {
                        byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code>"
                                        + "<Message>Access Denied because object protected by object lock.</Message></Error>")
                                .getBytes(UTF_8);
                        exchange.getResponseHeaders().add("Content-Type", "application/xml");
                        exchange.sendResponseHeaders(403, body.length);
                        exchange.getResponseBody().write(body);
                    } else {
                        exchange.sendResponseHeaders(204, -1);
                    }
                }
                default -> exchange.sendResponseHeaders(405, -1);
            }
            exchange.close();
        });
        server.start();
        MinioClient client = MinioClient.builder()
                .endpoint("http://127.0.0.1:" + server.getAddress().getPort())
                .region("us-east-1")
                .credentials("lock-access", "lock-secret")
                .build();
        return new BlobStore(new S3ObjectStore(client, "locked-bucket"));
    }

    static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", java.util.Locale.US);

    private String blob(String sha, Instant retainUntil, boolean legalHold) {
        Map<String, String> h = new java.util.HashMap<>();
        h.put("Content-Length", "1234");
        h.put("ETag", "\"0123456789abcdef0123456789abcdef\"");
        // HTTP dates have a two-digit day ("Tue, 03 Nov 2026"); RFC_1123_DATE_TIME prints one digit for days 1-9, which
        // the
        // SDK's parser refuses, so this test failed whenever 30 days ago fell on the 1st-9th of a month.
        h.put(
                "Last-Modified",
                HTTP_DATE.format(ZonedDateTime.now(ZoneOffset.UTC).minusDays(30)));
        if (retainUntil != null) {
            h.put("x-amz-object-lock-mode", "COMPLIANCE");
            h.put("x-amz-object-lock-retain-until-date", DateTimeFormatter.ISO_INSTANT.format(retainUntil));
        }
        if (legalHold) {
            h.put("x-amz-object-lock-legal-hold", "ON");
        }
        String key = ObjectKeys.blob(sha);
        heads.put(key, h);
        jdbc.sql("INSERT INTO unreferenced_object (object_id, object_key, unreferenced_since) VALUES (?, ?, ?)")
                .params(sha, key, Timestamp.from(Instant.now().minus(java.time.Duration.ofDays(10))))
                .update();
        return key;
    }

    @Test
    void lockedBlobsAreNeverDeletedEarly() throws Exception {
        BlobStore bucket = lockingBucket();
        Instant until =
                Instant.now().plus(java.time.Duration.ofDays(365)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        String retained = blob("a1".repeat(32), until, false);
        String held = blob("b2".repeat(32), null, true);
        String expiredLock = blob("c3".repeat(32), Instant.now().minus(java.time.Duration.ofDays(1)), false);
        String free = blob("d4".repeat(32), null, false);
        String refused = blob("e5".repeat(32), null, false);
        refuse.add(refused);

        CatalogProperties props = new CatalogProperties(
                null,
                new CatalogProperties.Retention("-", java.time.Duration.ofDays(2), null, null, false, null),
                null,
                null,
                null);
        RetentionPass pass = new RetentionPass(
                new RetentionRepository(jdbc, dataSource, tx),
                bucket,
                props,
                Clock.systemUTC(),
                new SimpleMeterRegistry(),
                new MaintenanceLock(dataSource));

        RetentionPass.Report dry = pass.run(true);
        assertThat(deletes).isEmpty();
        assertThat(dry.blobsDeleted()).isEqualTo(3); // expired lock, free, refused (the refusal only shows when tried)

        RetentionPass.Report report = pass.run(false);
        assertThat(deletes).containsExactlyInAnyOrder(expiredLock, free, refused);
        assertThat(deletes).doesNotContain(retained, held);
        assertThat(report.blobsDeleted()).isEqualTo(2);
        assertThat(report.held())
                .extracting(BlobSweep.Blob::detail)
                .contains("object lock until " + until, "legal hold")
                .anyMatch(d -> d.startsWith("the bucket refused the deletion: ") && d.contains("AccessDenied"));
        assertThat(jdbc.sql("SELECT locked_until FROM unreferenced_object WHERE object_id = ?")
                        .param("a1".repeat(32))
                        .query(Timestamp.class)
                        .single()
                        .toInstant())
                .isEqualTo(until);

        // The next pass does not even look at them: their locks have not ended.
        deletes.clear();
        heads.clear();
        RetentionPass.Report again = pass.run(false);
        assertThat(deletes).isEmpty();
        assertThat(again.blobsHeld()).isEqualTo(3);
    }
}
