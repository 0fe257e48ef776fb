package org.ssisbackup.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
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
import org.ssisbackup.catalog.record.RestorePointRecorder;
import org.ssisbackup.catalog.retention.MutableClock;
import org.ssisbackup.contracts.AgentJobFinished;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.Artifact;
import org.ssisbackup.contracts.ArtifactKind;
import org.ssisbackup.contracts.ArtifactsStored;
import org.ssisbackup.contracts.Manifest;
import org.ssisbackup.contracts.MessageMeta;
import org.ssisbackup.contracts.ObjectKeys;
import org.ssisbackup.contracts.Outcome;
import org.ssisbackup.contracts.PolicyRef;
import org.ssisbackup.contracts.RetentionRule;
import org.ssisbackup.storage.BlobStore;
import org.ssisbackup.storage.repository.KeyMaterial;
import org.ssisbackup.storage.repository.Repository;
import org.ssisbackup.storage.repository.RepositoryReader;
import org.ssisbackup.testkit.infra.EmbeddedS3;
import org.ssisbackup.testkit.infra.TestDatabases;
import org.ssisbackup.testkit.infra.TestKeys;
import tools.jackson.databind.JsonNode;

/**
 * The catalog on restore points of repository format 2 (real s3proxy and PostgreSQL, through the admin API), written by
 * the agents' own repository code with the test keys: retention deletes a pack only once no point needs any of its
 * chunks (and orphan packs after the grace period); the sizes the agents report are the packs' real sizes;
 * verification authenticates every blob of a pack and finds a flipped byte, a truncated pack and a pack swapped for
 * another, naming the items that are in it; a rebuild reads the encrypted manifests and refuses one moved to another
 * point's name.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.cloud.stream.kafka.binder.brokers=${spring.embedded.kafka.brokers}",
            "ssisbackup.catalog.retention.schedule=-",
            "ssisbackup.catalog.verification.schedule=-",
            "ssisbackup.catalog.retention.blob-grace=PT48H",
            "ssisbackup.security.api-keys[0].name=admin",
            "ssisbackup.security.api-keys[0].key=format2-admin-key",
            "ssisbackup.security.api-keys[0].role=admin"
        })
@EmbeddedKafka(partitions = 1)
class RepositoryFormatTwoIT {
    static final EmbeddedS3 S3 = TestBucket.start("format2-access", "format2-secret");
    static final String BUCKET = "format2-bucket";

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) throws Exception {
        TestDatabases.register(r, "catalog_format2"); // its own database: retention looks at every point
        TestBucket.register(r, S3, BUCKET);
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
    RestorePointRecorder recorder;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    MutableClock clock;

    @LocalServerPort
    int port;

    private final MinioClient raw = MinioClient.builder()
            .endpoint(S3.endpoint())
            .credentials(S3.accessKey(), S3.secretKey())
            .build();

    private Repository agent(String scope) {
        store.ensureBucket();
        return Repository.open(
                store.objects(),
                scope,
                KeyMaterial.secret(TestKeys.KEK),
                List.of(KeyMaterial.recipient(TestKeys.CATALOG_PUBLIC)),
                Duration.ZERO);
    }

    /** What one backup stored: its point, its items with their chunks, and the packs it wrote. */
    private record Backup(UUID point, UUID job, List<Artifact> items, Manifest manifest, List<String> packsWritten) {}

    /** One fs-agent backup of {@code host} as the agent makes it: packs and index, encrypted manifest; not yet told. */
    private Backup store(Repository repo, String host, PolicyRef policy, String... pathAndContent) throws Exception {
        UUID job = UUID.randomUUID();
        UUID point = UUID.randomUUID();
        Repository.Session session = repo.session();
        List<Artifact> items = new ArrayList<>();
        for (int i = 0; i < pathAndContent.length; i += 2) {
            Repository.StoredContent c = session.store(dtsx(pathAndContent[i + 1]));
            items.add(c.artifact(pathAndContent[i], ArtifactKind.FS_PACKAGE, Map.of()));
        }
        Repository.Stats stats = session.finish();
        Manifest manifest = new Manifest(
                1,
                host,
                job,
                point,
                AgentKind.FILESYSTEM,
                Outcome.SUCCEEDED,
                clock.instant(),
                items,
                List.of(),
                List.of(),
                Set.of(AgentKind.FILESYSTEM),
                policy,
                repo.scope());
        session.writeManifest(manifest);
        return new Backup(
                point,
                job,
                items,
                manifest,
                stats.packsWritten().stream().map(o -> o.key()).toList());
    }

    /** The agent's events for a backup, as they travel: artifacts without chunks, the packs written with sizes. */
    private Backup record(Repository repo, String host, PolicyRef policy, String... pathAndContent) throws Exception {
        Backup b = store(repo, host, policy, pathAndContent);
        MessageMeta meta = new MessageMeta(1, UUID.randomUUID(), b.job(), host, clock.instant());
        recorder.on(new ArtifactsStored(
                meta,
                AgentKind.FILESYSTEM,
                b.point(),
                b.items().stream().map(Artifact::withoutChunks).toList()));
        recorder.on(new AgentJobFinished(
                new MessageMeta(1, UUID.randomUUID(), b.job(), host, clock.instant()),
                AgentKind.FILESYSTEM,
                b.point(),
                Set.of(AgentKind.FILESYSTEM),
                Outcome.SUCCEEDED,
                b.items().size(),
                0,
                0,
                ObjectKeys.encryptedManifest(host, b.point(), AgentKind.FILESYSTEM),
                List.of(),
                List.of(),
                policy,
                b.packsWritten().stream()
                        .map(k -> new org.ssisbackup.contracts.StoredObject(
                                k, store.stat(k).orElseThrow().size()))
                        .toList()));
        return b;
    }

    /** Package-like XML that compresses (every package differs by its value). */
    static byte[] dtsx(String value) {
        StringBuilder xml = new StringBuilder(
                "<?xml version=\"1.0\"?><DTS:Executable xmlns:DTS=\"www.microsoft.com/SqlServer/Dts\">");
        for (int i = 0; i < 400; i++) {
            xml.append("<DTS:Variable DTS:ObjectName=\"V")
                    .append(i)
                    .append("\" DTS:DTSID=\"{")
                    .append(UUID.nameUUIDFromBytes((value + i).getBytes(StandardCharsets.UTF_8)))
                    .append("}\"><DTS:VariableValue>")
                    .append(value)
                    .append("</DTS:VariableValue></DTS:Variable>");
        }
        return xml.append("</DTS:Executable>").toString().getBytes(StandardCharsets.UTF_8);
    }

    private AdminApi admin() {
        return new AdminApi(port, "format2-admin-key");
    }

    private boolean inBucket(String key) {
        return store.objects().stat(key).isPresent();
    }

    private String reasons(UUID point) {
        return jdbc.sql("SELECT reasons::text FROM restore_point WHERE id = ?")
                .param(point)
                .query(String.class)
                .single();
    }

    @Test
    void retentionDeletesAPackOnlyWhenNoPointNeedsAnyOfItsChunks() throws Exception {
        String host = "f2-retention";
        Repository repo = agent(host);
        PolicyRef keepOne =
                new PolicyRef(UUID.randomUUID(), "keep-one", new RetentionRule(1, null, null, null, null), "UTC");
        Backup first = record(repo, host, keepOne, "D:\\SSIS\\Shared.dtsConfig", "shared", "D:\\SSIS\\Load.dtsx", "v1");
        clock.advance(Duration.ofHours(1));
        Backup second =
                record(repo, host, keepOne, "D:\\SSIS\\Shared.dtsConfig", "shared", "D:\\SSIS\\Load.dtsx", "v2");
        // A job that stored a pack and never finished (the agent died): an orphan.
        Backup lost = store(repo, host, keepOne, "D:\\SSIS\\Lost.dtsx", "never recorded");
        assertThat(first.packsWritten()).hasSize(1);
        assertThat(second.packsWritten()).hasSize(1).doesNotContainAnyElementsOf(first.packsWritten());
        String packOfFirst = first.packsWritten().get(0);
        String packOfSecond = second.packsWritten().get(0);
        String orphan = lost.packsWritten().get(0);
        // The second point's shared configuration is in the first point's pack: both packs are needed.
        assertThat(second.items().get(0).storedIn()).containsExactly(packOfFirst);
        assertThat(jdbc.sql("SELECT size FROM stored_object WHERE object_key = ?")
                        .param(packOfSecond)
                        .query(Long.class)
                        .single())
                .isEqualTo(store.stat(packOfSecond).orElseThrow().size());

        clock.advance(Duration.ofHours(1));
        Backup third = record(repo, host, keepOne, "D:\\SSIS\\Shared.dtsConfig", "shared", "D:\\SSIS\\Load.dtsx", "v3");
        JsonNode pass = admin().post("/api/v1/admin/retention");
        assertThat(pass.get("pointsExpired").asLong()).isEqualTo(2);
        clock.advance(Duration.ofHours(49));
        JsonNode sweep = admin().post("/api/v1/admin/retention");
        assertThat(sweep.get("deleted").toString()).contains(packOfSecond).contains(orphan);
        assertThat(inBucket(packOfSecond))
                .as("only the expired second point needed it")
                .isFalse();
        assertThat(inBucket(orphan)).as("no point ever named it").isFalse();
        assertThat(inBucket(packOfFirst))
                .as("the kept point's shared configuration is in it")
                .isTrue();
        assertThat(jdbc.sql("SELECT count(*) FROM deleted_object WHERE object_key IN (?, ?)")
                        .params(packOfSecond, orphan)
                        .query(Long.class)
                        .single())
                .isEqualTo(2);

        // The kept point restores byte for byte from what is left, through the catalog's own escrow key.
        RepositoryReader reader = new RepositoryReader(store.objects(), KeyMaterial.holder(TestKeys.CATALOG_PRIVATE));
        Manifest m = reader.manifest(ObjectKeys.encryptedManifest(host, third.point(), AgentKind.FILESYSTEM));
        assertThat(reader.bytes(host, m.artifacts().get(0))).isEqualTo(dtsx("shared"));
        assertThat(reader.bytes(host, m.artifacts().get(1))).isEqualTo(dtsx("v3"));
        assertThat(StoredPoints.status(jdbc, third.point())).isEqualTo("COMPLETE");
    }

    @Test
    void verificationAuthenticatesEveryBlobOfAPackAndNamesTheItemsInOneThatFails() throws Exception {
        String host = "f2-verify";
        Repository repo = agent(host);
        Backup a = record(repo, host, null, "D:\\ETL\\A.dtsx", "a1", "D:\\ETL\\B.dtsx", "b1");
        Backup b = record(repo, host, null, "D:\\ETL\\A.dtsx", "a1", "D:\\ETL\\C.dtsx", "c1");
        Backup c = record(repo, host, null, "D:\\ETL\\D.dtsx", "d1");
        String packA = a.packsWritten().get(0);
        String packB = b.packsWritten().get(0);
        String packC = c.packsWritten().get(0);

        JsonNode clean = admin().post("/api/v1/admin/verification?share=1");
        assertThat(clean.get("results").get("OK").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(clean.get("problems")).isEmpty();

        // Behind the catalog's back: a byte of pack A flipped, pack B truncated, pack C replaced by pack A's bytes.
        byte[] bytesA = read(packA);
        byte[] flipped = bytesA.clone();
        flipped[flipped.length / 3] ^= 0x01;
        put(packA, flipped);
        byte[] bytesB = read(packB);
        put(packB, Arrays.copyOf(bytesB, bytesB.length - 100));
        put(packC, bytesA);

        JsonNode report = admin().post("/api/v1/admin/verification?share=1");
        assertThat(report.get("results").get("CORRUPT").asLong()).isEqualTo(3);
        assertThat(report.get("problems").toString())
                .contains(packA)
                .contains(packB)
                .contains(packC);
        assertThat(StoredPoints.status(jdbc, a.point())).isEqualTo("PARTIAL");
        assertThat(StoredPoints.status(jdbc, b.point())).isEqualTo("PARTIAL");
        assertThat(StoredPoints.status(jdbc, c.point())).isEqualTo("PARTIAL");
        // The reason names the items whose chunks are in the failed pack, and only those.
        assertThat(reasons(a.point())).contains("D:\\\\ETL\\\\A.dtsx: " + packA + " is corrupt");
        assertThat(reasons(b.point()))
                .contains("D:\\\\ETL\\\\A.dtsx: " + packA + " is corrupt")
                .contains("D:\\\\ETL\\\\C.dtsx: " + packB + " is corrupt")
                .doesNotContain("D:\\\\ETL\\\\A.dtsx: " + packB);

        // A pack gone is missing.
        raw.removeObject(RemoveObjectArgs.builder().bucket(BUCKET).object(packB).build());
        JsonNode again = admin().post("/api/v1/admin/verification?share=1");
        assertThat(again.get("results").get("MISSING").asLong()).isEqualTo(1);
    }

    @Test
    void aRebuildReadsEncryptedManifestsAndRefusesOneMovedToAnotherPointsName() throws Exception {
        String host = "f2-rebuild";
        Repository repo = agent(host);
        Backup kept = store(repo, host, null, "D:\\ETL\\Rebuilt.dtsx", "rebuilt");
        Backup older = store(repo, host, null, "D:\\ETL\\Rebuilt.dtsx", "older");
        // The older point's manifest is replaced by the newer one's (a rollback attempt, or a copy by mistake).
        String olderKey = ObjectKeys.encryptedManifest(host, older.point(), AgentKind.FILESYSTEM);
        put(olderKey, read(ObjectKeys.encryptedManifest(host, kept.point(), AgentKind.FILESYSTEM)));

        JsonNode report = admin().post("/api/v1/admin/rebuild");
        assertThat(report.get("restorePointsAdded").toString())
                .contains(kept.point().toString());
        assertThat(report.get("unreadable").toString()).contains(olderKey);
        assertThat(StoredPoints.status(jdbc, kept.point())).isEqualTo("COMPLETE");
        assertThat(StoredPoints.status(jdbc, older.point())).isNull();
        assertThat(jdbc.sql("SELECT count(*) FROM point_object WHERE restore_point_id = ?")
                        .param(kept.point())
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        // The pack's size came from the bucket (no job end reported it).
        assertThat(jdbc.sql("SELECT size FROM stored_object WHERE object_key = ?")
                        .param(kept.packsWritten().get(0))
                        .query(Long.class)
                        .single())
                .isEqualTo(store.stat(kept.packsWritten().get(0)).orElseThrow().size());
    }

    private byte[] read(String key) throws Exception {
        try (var in =
                raw.getObject(GetObjectArgs.builder().bucket(BUCKET).object(key).build())) {
            return in.readAllBytes();
        }
    }

    private void put(String key, byte[] bytes) throws Exception {
        raw.putObject(PutObjectArgs.builder().bucket(BUCKET).object(key).stream(
                        new ByteArrayInputStream(bytes), (long) bytes.length, -1L)
                .build());
    }
}
