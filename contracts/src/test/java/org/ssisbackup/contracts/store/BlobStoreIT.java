package org.ssisbackup.contracts.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ssisbackup.testsupport.infra.EmbeddedS3;

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
        String hashOfOldContent = Sha256.of(Files.writeString(dir.resolve("old"), "the bytes when hashed")).hex();
        assertThatThrownBy(() -> store.putBlob(f, hashOfOldContent, Files.size(f)))
                .isInstanceOf(ContentChangedException.class).hasMessageContaining("changed while it was read");
        assertThat(store.hasBlob(hashOfOldContent)).isFalse();
    }

    @Test
    void anUnreachableBucketIsAStoreErrorWithoutTheKeys() throws Exception {
        BlobStore down = BlobStore.connect("http://127.0.0.1:9", "blob-access", "blob-secret-key-123", "blobs-it");
        assertThatThrownBy(() -> down.hasBlob("ab".repeat(32)))
                .isInstanceOf(StoreException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("blob-secret-key-123"));
    }
}
