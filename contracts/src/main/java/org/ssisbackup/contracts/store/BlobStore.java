package org.ssisbackup.contracts.store;

import io.minio.BucketExistsArgs;
import io.minio.CopyObjectArgs;
import io.minio.SourceObject;
import io.minio.StatObjectResponse;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.MinioException;
import io.minio.messages.Item;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.ssisbackup.contracts.Manifest;
import org.ssisbackup.contracts.MessageCodec;
import org.ssisbackup.contracts.ObjectKeys;

/**
 * The bucket, through the MinIO SDK, in the layout of {@link ObjectKeys}: content-addressed blobs written
 * once, and manifests. Every failure is a {@link StoreException} whose message names the object and the cause
 * but never the credentials.
 */
public final class BlobStore {
    /** Parts of 16 MiB: large files go multipart and are never held whole in memory. */
    static final long PART_SIZE = 16L * 1024 * 1024;

    private final MinioClient client;
    private final String bucket;

    public BlobStore(MinioClient client, String bucket) {
        this.client = client;
        this.bucket = bucket;
    }

    public static BlobStore connect(String endpoint, String accessKey, String secretKey, String bucket) {
        MinioClient client = MinioClient.builder().endpoint(endpoint).credentials(accessKey, secretKey).build();
        return new BlobStore(client, bucket);
    }

    public String bucket() {
        return bucket;
    }

    /** One MinIO SDK call; MinIO 9 reports some failures (a refused connection) unchecked. */
    @FunctionalInterface
    private interface MinioCall<T> {
        T run() throws MinioException;
    }

    /** Runs a call; every failure becomes a StoreException naming what failed and why, never the credentials. */
    private <T> T call(Operation operation, String what, MinioCall<T> c) {
        try {
            T result = c.run();
            requests.accept(operation.label, "ok");
            return result;
        } catch (StoreException e) {
            throw e;
        } catch (MinioException | RuntimeException e) {
            StoreException failure = new StoreException(what + ": " + describe(e), e);
            // "Not there" is an answer, not an error; anything else is counted with its S3 code or exception.
            requests.accept(operation.label, isNotFound(failure) ? "ok"
                    : e instanceof ErrorResponseException er ? er.errorResponse().code() : rootCause(e).getClass().getSimpleName());
            throw failure;
        }
    }

    /** Requests by operation and result ("ok", or the S3 error code or exception): S3 errors on dashboards. */
    private java.util.function.BiConsumer<String, String> requests = (operation, result) -> { };

    /** Counts requests in {@code ssis_s3_requests_total{operation,result}}; returns this store. */
    public BlobStore countingRequests(io.micrometer.core.instrument.MeterRegistry registry) {
        this.requests = (operation, result) -> registry.counter("ssis.s3.requests", "operation", operation, "result", result).increment();
        return this;
    }

    /** The S3 request a call makes, as {@code ssis_s3_requests_total} labels it. */
    private enum Operation {
        BUCKET, HEAD, GET, PUT, COPY, DELETE, LIST;

        final String label = name().toLowerCase(java.util.Locale.ROOT);
    }

    private static Throwable rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    private static boolean isNotFound(StoreException e) {
        return isCode(e, "NoSuchKey", "NoSuchObject", "NotFound");
    }

    private static boolean isCode(StoreException e, String... codes) {
        return e.getCause() instanceof ErrorResponseException er && java.util.List.of(codes).contains(er.errorResponse().code());
    }

    /** Creates the bucket when it does not exist yet. */
    public void ensureBucket() {
        try {
            call(Operation.BUCKET, "cannot create bucket " + bucket, () -> {
                if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                    client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
                }
                return null;
            });
        } catch (StoreException e) {
            if (!isCode(e, "BucketAlreadyOwnedByYou")) {
                throw e;
            }
        }
    }

    /** Whether a blob with this SHA-256 is already stored (a HEAD request). */
    public boolean hasBlob(String sha256) {
        return exists(ObjectKeys.blob(sha256));
    }

    public boolean exists(String key) {
        return stat(key).isPresent();
    }

    /**
     * What a HEAD of an object tells: size, last change, and its object lock (retain-until date and legal hold, as S3
     * reports them on buckets with object lock; absent elsewhere).
     */
    public record ObjectInfo(long size, java.time.Instant lastModified, java.time.Instant retainUntil, boolean legalHold) {
        /** Whether the bucket would refuse to delete it at {@code t}. */
        public boolean lockedAt(java.time.Instant t) {
            return legalHold || (retainUntil != null && retainUntil.isAfter(t));
        }
    }

    /** The object's size, age and lock, or empty when it is not there. */
    public java.util.Optional<ObjectInfo> stat(String key) {
        try {
            StatObjectResponse r = call(Operation.HEAD, "cannot look up " + key,
                    () -> client.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build()));
            return java.util.Optional.of(new ObjectInfo(r.size(), r.lastModified() == null ? null : r.lastModified().toInstant(),
                    r.lockRetainUntilDate() == null ? null : r.lockRetainUntilDate().toInstant(),
                    r.lockLegalHold() != null && r.lockLegalHold().status()));
        } catch (StoreException e) {
            if (isNotFound(e)) {
                return java.util.Optional.empty();
            }
            throw e;
        }
    }

    /** Whether a failed call was the bucket refusing to delete a locked object (or lacking the right to). */
    public static boolean isRefusal(StoreException e) {
        return isCode(e, "AccessDenied", "ObjectLocked", "InvalidRequest");
    }

    /**
     * Uploads a file under its content address, re-hashing the bytes as they are sent. If they no longer
     * match {@code expectedSha256} (the file changed after it was hashed) the object is removed again and
     * a {@link ContentChangedException} is thrown: no blob ever holds bytes other than its name says.
     */
    public void putBlob(Path file, String expectedSha256, long size) {
        String key = ObjectKeys.blob(expectedSha256);
        MessageDigest md = Sha256.newDigest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
            call(Operation.PUT, "cannot upload " + key, () -> client.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
                    .stream(in, size, PART_SIZE).contentType("application/octet-stream").build()));
        } catch (IOException e) {
            throw new StoreException("cannot read " + file + " while uploading: " + e.getMessage(), e);
        }
        String actual = HexFormat.of().formatHex(md.digest());
        if (!actual.equals(expectedSha256)) {
            removeQuietly(key);
            throw new ContentChangedException(file + " changed while it was read");
        }
    }

    /** A file's bytes under their content address, and whether this call uploaded them. */
    public record StoredBlob(String sha256, long size, boolean uploaded) {
        public String key() {
            return ObjectKeys.blob(sha256);
        }
    }

    /**
     * Stores a file content-addressed: hashes it in one streaming pass, and uploads it only when no blob with
     * that hash exists yet (so an unchanged file costs one read and one HEAD request).
     */
    public StoredBlob storeFile(Path file) throws IOException {
        return storeHashed(file, Sha256.of(file));
    }

    /**
     * Stores a file whose digest the caller took while writing it (a package streamed from msdb): uploaded
     * only when no blob with that hash exists yet, re-hashed on the way up like every upload.
     */
    public StoredBlob storeHashed(Path file, Sha256.Digest digest) {
        if (hasBlob(digest.hex())) {
            return new StoredBlob(digest.hex(), digest.size(), false);
        }
        putBlob(file, digest.hex(), digest.size());
        return new StoredBlob(digest.hex(), digest.size(), true);
    }

    /**
     * Stores bytes already in memory (a small file read once): hashed, and uploaded only when no blob with that
     * hash exists yet. The blob holds exactly these bytes, so no re-hash is needed on the way up.
     */
    public StoredBlob storeBytes(byte[] bytes) {
        MessageDigest md = Sha256.newDigest();
        String hex = HexFormat.of().formatHex(md.digest(bytes));
        if (hasBlob(hex)) {
            return new StoredBlob(hex, bytes.length, false);
        }
        String key = ObjectKeys.blob(hex);
        call(Operation.PUT, "cannot upload " + key, () -> client.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
                .stream(new ByteArrayInputStream(bytes), (long) bytes.length, -1L).contentType("application/octet-stream").build()));
        return new StoredBlob(hex, bytes.length, true);
    }

    /**
     * Copies a blob to {@code target} and checks that its bytes hash to its name; a mismatch throws
     * {@link CorruptBlobException} and the caller must not use the file (restores write to a temporary file).
     */
    public Sha256.Digest download(String sha256, Path target) throws IOException {
        Sha256.Digest digest;
        try (InputStream in = openBlob(sha256); java.io.OutputStream out = Files.newOutputStream(target)) {
            digest = Sha256.copy(in, out);
        }
        if (!digest.hex().equals(sha256)) {
            throw new CorruptBlobException("stored bytes do not match their SHA-256 (expected " + sha256 + ", got "
                    + digest.hex() + "); nothing written");
        }
        return digest;
    }

    /**
     * Moves an object that something else wrote into the bucket (SQL Server 2022's {@code BACKUP ... TO URL})
     * under its content address: its bytes are hashed in one streaming read, copied inside the bucket unless a
     * blob with that hash exists, and the staged object is removed. The read is tied to the ETag seen first, and the
     * ETag is checked again after the copy: a staged object replaced meanwhile fails the call (and its copy is
     * removed) instead of landing under the wrong name.
     */
    public StoredBlob adopt(String stagedKey) throws IOException {
        String etag = etagOf(stagedKey);
        Sha256.Digest digest;
        try (InputStream in = call(Operation.GET, "cannot read " + stagedKey, () -> client.getObject(GetObjectArgs.builder().bucket(bucket)
                .object(stagedKey).matchETag(etag).build()))) {
            digest = Sha256.copy(in, java.io.OutputStream.nullOutputStream());
        }
        boolean copied = false;
        if (!hasBlob(digest.hex())) {
            String key = ObjectKeys.blob(digest.hex());
            call(Operation.COPY, "cannot copy " + stagedKey + " to " + key, () -> client.copyObject(CopyObjectArgs.builder().bucket(bucket)
                    .object(key).source(SourceObject.builder().bucket(bucket).object(stagedKey).build()).build()));
            if (!etag.equals(etagOf(stagedKey))) {
                removeQuietly(key);
                throw new ContentChangedException(stagedKey + " changed while it was moved under its content address");
            }
            copied = true;
        }
        remove(stagedKey);
        return new StoredBlob(digest.hex(), digest.size(), copied);
    }

    private String etagOf(String key) {
        StatObjectResponse stat = call(Operation.HEAD, "cannot look up " + key,
                () -> client.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build()));
        return stat.etag();
    }

    /** Removes an object; removing one that is not there is not an error. */
    public void remove(String key) {
        call(Operation.DELETE, "cannot remove " + key, () -> {
            client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
            return null;
        });
    }

    /** Opens a blob; the caller verifies its SHA-256 before trusting the bytes. */
    public InputStream openBlob(String sha256) {
        return open(ObjectKeys.blob(sha256));
    }

    public InputStream open(String key) {
        return call(Operation.GET, "cannot read " + key,
                () -> client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build()));
    }

    /** Writes a manifest under {@link ObjectKeys#manifest}; returns its key. */
    public String putManifest(Manifest manifest) {
        String key = ObjectKeys.manifest(manifest.hostId(), manifest.restorePointId(), manifest.agent());
        byte[] json = MessageCodec.encode(manifest);
        call(Operation.PUT, "cannot write manifest " + key, () -> client.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
                .stream(new ByteArrayInputStream(json), (long) json.length, -1L).contentType("application/json").build()));
        return key;
    }

    public Manifest readManifest(String key) {
        try (InputStream in = open(key)) {
            return MessageCodec.decodeManifest(in.readAllBytes());
        } catch (IOException e) {
            throw new StoreException("cannot read manifest " + key + ": " + e.getMessage(), e);
        }
    }

    /** Keys of every object under a prefix. */
    public List<String> list(String prefix) {
        return call(Operation.LIST, "cannot list " + prefix, () -> {
            List<String> keys = new ArrayList<>();
            for (Result<Item> r : client.listObjects(ListObjectsArgs.builder().bucket(bucket).prefix(prefix).recursive(true).build())) {
                keys.add(r.get().objectName());
            }
            return keys;
        });
    }

    private void removeQuietly(String key) {
        try {
            remove(key);
        } catch (StoreException ignored) {
            // The caller reports the original failure; a leftover is caught by verification.
        }
    }

    private static String describe(Exception e) {
        if (e instanceof ErrorResponseException er) {
            return er.errorResponse().code() + " " + er.errorResponse().message();
        }
        Throwable root = rootCause(e);
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
