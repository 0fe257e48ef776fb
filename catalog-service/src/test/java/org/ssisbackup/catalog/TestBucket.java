package org.ssisbackup.catalog;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.ssisbackup.contracts.Artifact;
import org.ssisbackup.contracts.ArtifactKind;
import org.ssisbackup.storage.BlobStore;
import org.ssisbackup.testkit.infra.EmbeddedS3;

/** The bucket of a catalog under test: an in-memory s3proxy, and the catalog's settings pointing at it. */
public final class TestBucket {
    private TestBucket() {}

    /** Starts s3proxy with these keys (for a static field: failures become unchecked). */
    public static EmbeddedS3 start(String accessKey, String secretKey) {
        try {
            return EmbeddedS3.startInMemory(accessKey, secretKey);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Points {@code ssisbackup.catalog.s3.*} at {@code bucket} on that server. */
    public static void register(DynamicPropertyRegistry r, EmbeddedS3 s3, String bucket) {
        r.add("ssisbackup.catalog.s3.endpoint", s3::endpoint);
        r.add("ssisbackup.catalog.s3.access-key", s3::accessKey);
        r.add("ssisbackup.catalog.s3.secret-key", s3::secretKey);
        r.add("ssisbackup.catalog.s3.bucket", () -> bucket);
    }

    /** Stores {@code content} in the bucket and describes it as the file-system package at {@code path}. */
    public static Artifact upload(BlobStore store, String path, String content) {
        BlobStore.StoredBlob b = store.storeBytes(content.getBytes(StandardCharsets.UTF_8));
        return new Artifact(path, ArtifactKind.FS_PACKAGE, b.size(), b.sha256(), b.key(), Map.of());
    }
}
