package org.ssisbackup.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ObjectStore} answers the same way, run against S3 (s3proxy, {@link S3ObjectStoreIT}) and against the
 * in-memory twin ({@link InMemoryObjectStoreTest}): if the twin drifts from S3, one of them fails.
 */
abstract class ObjectStoreContract {
    ObjectStore store;
    String prefix;

    abstract ObjectStore newStore();

    @BeforeEach
    void fresh() {
        store = newStore();
        store.ensureBucket();
        store.ensureBucket(); // idempotent
        prefix = "contract/" + UUID.randomUUID() + "/";
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void putThenStatGetListDelete() throws Exception {
        store.put(prefix + "a/1", bytes("one"));
        store.put(prefix + "a/2", new ByteArrayInputStream(bytes("two!")), 4);
        store.put(prefix + "b", bytes("three"));
        assertThat(store.stat(prefix + "a/2")).hasValueSatisfying(i -> {
            assertThat(i.size()).isEqualTo(4);
            assertThat(i.etag()).isNotBlank();
            assertThat(i.lastModified()).isNotNull();
            assertThat(i.lockedAt(java.time.Instant.now())).isFalse();
        });
        try (InputStream in = store.get(prefix + "a/1")) {
            assertThat(in.readAllBytes()).isEqualTo(bytes("one"));
        }
        assertThat(store.list(prefix + "a/")).containsExactlyInAnyOrder(prefix + "a/1", prefix + "a/2");
        assertThat(store.list(prefix)).hasSize(3);
        store.delete(prefix + "a/1");
        store.delete(prefix + "a/1"); // not there: not an error
        assertThat(store.stat(prefix + "a/1")).isEmpty();
        assertThat(store.list(prefix + "a/")).containsExactly(prefix + "a/2");
    }

    @Test
    void aConditionalWriteWinsOnlyWhereNothingIsYet() throws Exception {
        assertThat(store.putIfAbsent("keys/s/keyring", "first".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .isTrue();
        assertThat(store.putIfAbsent("keys/s/keyring", "second".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .isFalse();
        try (var in = store.get("keys/s/keyring")) {
            assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo("first");
        }
    }

    @Test
    void aReplacementTiedToAnEtagLosesToAWriteInBetween() throws Exception {
        store.put("keys/s/ring", bytes("v1"));
        String v1 = store.stat("keys/s/ring").orElseThrow().etag();
        assertThat(store.putIfMatch("keys/s/ring", bytes("v2"), v1)).isTrue();
        assertThat(store.putIfMatch("keys/s/ring", bytes("v3"), v1))
                .as("v1 is gone")
                .isFalse();
        try (var in = store.get("keys/s/ring")) {
            assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo("v2");
        }
    }

    @Test
    void aMissingObjectIsNotFoundNotAnOutage() {
        assertThat(store.stat(prefix + "nothing")).isEmpty();
        assertThatThrownBy(() -> store.get(prefix + "nothing").readAllBytes())
                .isInstanceOf(StoreException.class)
                .satisfies(e -> assertThat(((StoreException) e).notFound()).isTrue());
    }

    @Test
    void aReadTiedToAnOldEtagFailsOnceTheObjectIsReplaced() throws Exception {
        store.put(prefix + "staged", bytes("first"));
        String etag = store.stat(prefix + "staged").orElseThrow().etag();
        try (InputStream in = store.get(prefix + "staged", etag)) {
            assertThat(in.readAllBytes()).isEqualTo(bytes("first"));
        }
        store.put(prefix + "staged", bytes("second"));
        assertThatThrownBy(() -> store.get(prefix + "staged", etag).readAllBytes())
                .isInstanceOf(StoreException.class);
    }

    @Test
    void copyInsideTheBucket() throws Exception {
        store.put(prefix + "from", bytes("payload"));
        store.copy(prefix + "from", prefix + "to");
        try (InputStream in = store.get(prefix + "to")) {
            assertThat(in.readAllBytes()).isEqualTo(bytes("payload"));
        }
    }
}
