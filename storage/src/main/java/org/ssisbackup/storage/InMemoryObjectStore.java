package org.ssisbackup.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A bucket in memory: the twin of {@link S3ObjectStore} for unit tests, with the same answers (a missing key is a
 * {@code NoSuchKey} {@link StoreException}, a replaced object fails a read tied to its old ETag). Tests may also set an
 * object's lock.
 */
public final class InMemoryObjectStore implements ObjectStore {
    /** One stored object (a class, not a record: it holds an array, which a record would compare by identity). */
    private static final class Stored {
        private final byte[] bytes;
        private final Instant lastModified;
        private final String etag;
        private final Instant retainUntil;
        private final boolean legalHold;

        Stored(byte[] bytes, Instant lastModified, String etag, Instant retainUntil, boolean legalHold) {
            this.bytes = bytes;
            this.lastModified = lastModified;
            this.etag = etag;
            this.retainUntil = retainUntil;
            this.legalHold = legalHold;
        }

        byte[] bytes() {
            return bytes;
        }

        Instant lastModified() {
            return lastModified;
        }

        String etag() {
            return etag;
        }

        Instant retainUntil() {
            return retainUntil;
        }

        boolean legalHold() {
            return legalHold;
        }
    }

    private final String bucket;
    private final ConcurrentSkipListMap<String, Stored> objects = new ConcurrentSkipListMap<>();

    public InMemoryObjectStore(String bucket) {
        this.bucket = bucket;
    }

    @Override
    public String bucket() {
        return bucket;
    }

    @Override
    public void ensureBucket() {}

    @Override
    public Optional<ObjectInfo> stat(String key) {
        Stored s = objects.get(key);
        return s == null
                ? Optional.empty()
                : Optional.of(
                        new ObjectInfo(s.bytes().length, s.lastModified(), s.etag(), s.retainUntil(), s.legalHold()));
    }

    @Override
    public void put(String key, InputStream in, long size) {
        byte[] bytes;
        try {
            bytes = in.readNBytes((int) Math.min(size, Integer.MAX_VALUE - 8));
        } catch (IOException e) {
            throw new StoreException("cannot upload " + key + ": " + e.getMessage(), e);
        }
        if (bytes.length != size) {
            throw new StoreException(
                    "cannot upload " + key + ": the stream ended after " + bytes.length + " of " + size + " bytes");
        }
        objects.compute(key, (k, old) -> {
            if (old != null && lockedAt(old, Instant.now())) {
                throw new StoreException("cannot upload " + key + ": ObjectLocked", "ObjectLocked", null);
            }
            return new Stored(
                    bytes,
                    Instant.now(),
                    etag(bytes),
                    old == null ? null : old.retainUntil(),
                    old != null && old.legalHold());
        });
    }

    @Override
    public boolean putIfAbsent(String key, byte[] bytes) {
        return objects.putIfAbsent(key, new Stored(bytes.clone(), Instant.now(), etag(bytes), null, false)) == null;
    }

    @Override
    public boolean putIfMatch(String key, byte[] bytes, String etag) {
        boolean[] replaced = {false};
        // A skip-list map may apply the function more than once (it retries a lost compare-and-set): only the last
        // application's answer counts.
        objects.computeIfPresent(key, (k, old) -> {
            replaced[0] = false;
            if (!old.etag().equals(etag)) {
                return old;
            }
            replaced[0] = true;
            return new Stored(bytes.clone(), Instant.now(), etag(bytes), old.retainUntil(), old.legalHold());
        });
        return replaced[0];
    }

    @Override
    public InputStream get(String key) {
        Stored s = objects.get(key);
        if (s == null) {
            throw new StoreException("cannot read " + key + ": NoSuchKey", "NoSuchKey", null);
        }
        return new ByteArrayInputStream(s.bytes());
    }

    @Override
    public byte[] read(String key, long offset, int length) {
        Stored s = objects.get(key);
        if (s == null) {
            throw new StoreException("cannot read " + key + ": NoSuchKey", "NoSuchKey", null);
        }
        if (offset < 0 || offset + length > s.bytes().length) {
            throw new StoreException("cannot read " + key + ": it ends before byte " + (offset + length));
        }
        return java.util.Arrays.copyOfRange(s.bytes(), (int) offset, (int) offset + length);
    }

    @Override
    public InputStream get(String key, String etag) {
        Stored s = objects.get(key);
        if (s == null) {
            throw new StoreException("cannot read " + key + ": NoSuchKey", "NoSuchKey", null);
        }
        if (!s.etag().equals(etag)) {
            throw new StoreException("cannot read " + key + ": PreconditionFailed", "PreconditionFailed", null);
        }
        return new ByteArrayInputStream(s.bytes()); // the version checked, not one written since
    }

    @Override
    public void copy(String sourceKey, String targetKey) {
        try (InputStream in = get(sourceKey)) {
            put(targetKey, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void delete(String key) {
        objects.computeIfPresent(key, (k, s) -> {
            if (lockedAt(s, Instant.now())) {
                throw new StoreException("cannot remove " + key + ": AccessDenied", "AccessDenied", null);
            }
            return null;
        });
    }

    @Override
    public List<String> list(String prefix) {
        return List.copyOf(objects.subMap(prefix, true, prefix + Character.MAX_VALUE, false)
                .keySet());
    }

    /** Puts an object lock on an object, as a bucket with object lock would. */
    public void lock(String key, Instant retainUntil, boolean legalHold) {
        objects.computeIfPresent(
                key, (k, s) -> new Stored(s.bytes(), s.lastModified(), s.etag(), retainUntil, legalHold));
    }

    /** Replaces an object's bytes behind the store's back (a test's corruption or an attacker's swap). */
    public void overwrite(String key, byte[] bytes) {
        objects.computeIfPresent(
                key, (k, s) -> new Stored(bytes, Instant.now(), etag(bytes), s.retainUntil(), s.legalHold()));
    }

    private static String etag(byte[] bytes) {
        try {
            return HexFormat.of()
                    .formatHex(java.security.MessageDigest.getInstance("MD5").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean lockedAt(Stored s, Instant t) {
        return s.legalHold() || (s.retainUntil() != null && s.retainUntil().isAfter(t));
    }
}
