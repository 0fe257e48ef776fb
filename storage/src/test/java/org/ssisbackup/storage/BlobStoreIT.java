package org.ssisbackup.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ssisbackup.testkit.infra.EmbeddedS3;

/** The bucket layer against a real S3 server (s3proxy) through the MinIO SDK. */
class BlobStoreIT {
    static EmbeddedS3 s3;
    static BlobStore store;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        s3 = EmbeddedS3.startInMemory("blob-access", "blob-secret-key-123");
        store = BlobStore.connect(s3.endpoint(), s3.accessKey(), s3.secretKey(), "blobs-it");
        store.ensureBucket();
        store.ensureBucket(); // idempotent
    }

    @AfterAll
    static void stop() throws Exception {
        s3.close();
    }

    @Test
    void storesOnceUnderItsHash() throws Exception {
        Path f = Files.writeString(dir.resolve("a.dtsx"), "<DTS:Executable/>");
        BlobStore.StoredBlob first = store.storeFile(f);
        BlobStore.StoredBlob again = store.storeFile(f);
        assertThat(first.uploaded()).isTrue();
        assertThat(again.uploaded()).isFalse();
        assertThat(again.sha256()).isEqualTo(Sha256.of(f).hex());
        try (InputStream in = store.openBlob(first.sha256())) {
            assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(f));
        }
    }

    @Test
    void aLargeFileGoesMultipartAndComesBackWhole() throws Exception {
        Path big = dir.resolve("big.bin");
        Random random = new Random(1);
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(big)) {
            for (int i = 0; i < 40; i++) { // 40 MiB: three 16 MiB parts
                random.nextBytes(chunk);
                out.write(chunk);
            }
        }
        BlobStore.StoredBlob blob = store.storeFile(big);
        try (InputStream in = store.openBlob(blob.sha256())) {
            assertThat(Sha256.copy(in, OutputStream.nullOutputStream())).isEqualTo(Sha256.of(big));
        }
    }

    @Test
    void bytesThatChangedAfterHashingAreNeverKeptUnderTheOldHash() throws Exception {
        Path f = Files.writeString(dir.resolve("c.dtsConfig"), "the bytes as they are now");
        String hashOfOldContent = Sha256.of(Files.writeString(dir.resolve("old"), "the bytes when hashed"))
                .hex();
        assertThatThrownBy(() -> store.putBlob(f, hashOfOldContent, Files.size(f)))
                .isInstanceOf(ContentChangedException.class)
                .hasMessageContaining("changed while it was read");
        assertThat(store.hasBlob(hashOfOldContent)).isFalse();
    }

    @Test
    void anUnreachableBucketIsAStoreErrorWithoutTheKeys() throws Exception {
        BlobStore down = BlobStore.connect("http://127.0.0.1:9", "blob-access", "blob-secret-key-123", "blobs-it");
        assertThatThrownBy(() -> down.hasBlob("ab".repeat(32)))
                .isInstanceOf(StoreException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("blob-secret-key-123"));
    }

    @Test
    void everyRequestIsCountedByOperationAndResult() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        BlobStore counted =
                new BlobStore(S3ObjectStore.connect(s3.endpoint(), s3.accessKey(), s3.secretKey(), "blobs-counted")
                        .countingRequests(registry));
        counted.ensureBucket();
        BlobStore.StoredBlob blob =
                counted.storeBytes("<DTS:Executable/>".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try (InputStream in = counted.openBlob(blob.sha256())) {
            in.readAllBytes();
        }
        assertThat(counted.hasBlob("cd".repeat(32))).isFalse(); // "not there" is an answer
        assertThat(counted.list("blobs/")).hasSize(1);
        counted.remove(blob.key());
        BlobStore down = new BlobStore(S3ObjectStore.connect("http://127.0.0.1:9", "a", "b", "blobs-counted")
                .countingRequests(registry));
        assertThatThrownBy(() -> down.hasBlob("ab".repeat(32))).isInstanceOf(StoreException.class);

        java.util.Map<String, Double> counts = new java.util.TreeMap<>();
        registry.find("ssis.s3.requests")
                .counters()
                .forEach(c -> counts.merge(
                        c.getId().getTag("operation") + " " + c.getId().getTag("result"), c.count(), Double::sum));
        assertThat(counts)
                .containsEntry("bucket ok", 1.0)
                .containsEntry("put ok", 1.0)
                .containsEntry("get ok", 1.0)
                .containsEntry("list ok", 1.0)
                .containsEntry("delete ok", 1.0)
                .containsEntry("head ConnectException", 1.0)
                .containsKey("head ok");
        assertThat(counts.keySet()).allMatch(k -> k.matches("(bucket|head|get|put|copy|delete|list) \\S+"));
    }
}
