package org.ssisbackup.storage;

import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * A bucket of objects, the only thing the system asks of S3-compatible storage. {@link S3ObjectStore} speaks S3
 * through the MinIO SDK; {@link InMemoryObjectStore} is its twin for unit tests. Everything above (content addressing,
 * manifests, checks of what is read) is written once, in {@link BlobStore}, on top of this interface. Every failure
 * is a {@link StoreException} that names the object and the cause but never the credentials.
 */
public interface ObjectStore {

    /** The bucket's name, for messages. */
    String bucket();

    /** Creates the bucket when it does not exist yet. */
    void ensureBucket();

    /** What a HEAD of the object tells, or empty when it is not there. */
    Optional<ObjectInfo> stat(String key);

    /** Writes an object of {@code size} bytes read from {@code in} (large objects go up in parts). */
    void put(String key, InputStream in, long size);

    /** Writes an object held in memory. */
    default void put(String key, byte[] bytes) {
        put(key, new java.io.ByteArrayInputStream(bytes), bytes.length);
    }

    /**
     * Writes an object only if no object has that key (S3's conditional write, {@code If-None-Match: *}): true when
     * written, false when one was there already. Two writers racing for a key: exactly one wins.
     */
    boolean putIfAbsent(String key, byte[] bytes);

    /**
     * Replaces an object only while its ETag is still {@code etag} ({@code If-Match}): false when someone replaced it in
     * between (a read-modify-write that lost a race writes nothing).
     */
    boolean putIfMatch(String key, byte[] bytes, String etag);

    /** Opens an object; a missing one is a {@link StoreException} for which {@link StoreException#notFound()} holds. */
    InputStream get(String key);

    /** Reads {@code length} bytes of an object from {@code offset} (one blob of a pack). */
    byte[] read(String key, long offset, int length);

    /** Opens an object only while its ETag is still {@code etag} (a replaced object fails the read). */
    InputStream get(String key, String etag);

    /** Copies an object inside the bucket. */
    void copy(String sourceKey, String targetKey);

    /** Removes an object; removing one that is not there is not an error. */
    void delete(String key);

    /** Keys of every object under a prefix. */
    List<String> list(String prefix);
}
