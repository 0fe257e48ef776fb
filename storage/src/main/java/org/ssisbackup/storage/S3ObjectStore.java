package org.ssisbackup.storage;

import io.micrometer.core.instrument.MeterRegistry;
import io.minio.BucketExistsArgs;
import io.minio.CopyObjectArgs;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.SourceObject;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.MinioException;
import io.minio.messages.Item;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * An S3 bucket through the MinIO SDK. Objects above {@link #PART_SIZE} go up in parts and are never held whole in
 * memory. Every request can be counted in {@code ssis_s3_requests_total{operation,result}}.
 */
public final class S3ObjectStore implements ObjectStore {
    /** Parts of 16 MiB. */
    static final long PART_SIZE = 16L * 1024 * 1024;

    private final MinioClient client;
    private final String bucket;
    private final BiConsumer<String, String> requests;

    public S3ObjectStore(MinioClient client, String bucket) {
        this(client, bucket, (operation, result) -> {});
    }

    private S3ObjectStore(MinioClient client, String bucket, BiConsumer<String, String> requests) {
        this.client = client;
        this.bucket = bucket;
        this.requests = requests;
    }

    /** A bucket on an S3 endpoint; without an access key, requests go anonymous (the bucket's refusals say the rest). */
    public static S3ObjectStore connect(String endpoint, String accessKey, String secretKey, String bucket) {
        MinioClient.Builder client = MinioClient.builder().endpoint(endpoint);
        if (accessKey != null && !accessKey.isBlank()) {
            client.credentials(accessKey, secretKey);
        }
        return new S3ObjectStore(client.build(), bucket);
    }

    /** The same bucket, with every request counted by operation and result ("ok", or the S3 error code or exception). */
    public S3ObjectStore countingRequests(MeterRegistry registry) {
        return new S3ObjectStore(
                client,
                bucket,
                (operation, result) -> registry.counter("ssis.s3.requests", "operation", operation, "result", result)
                        .increment());
    }

    @Override
    public String bucket() {
        return bucket;
    }

    /** One MinIO SDK call; MinIO 9 reports some failures (a refused connection) unchecked. */
    @FunctionalInterface
    private interface MinioCall<T> {
        T run() throws MinioException;
    }

    /** The S3 request a call makes, as {@code ssis_s3_requests_total} labels it. */
    private enum Operation {
        BUCKET,
        HEAD,
        GET,
        PUT,
        COPY,
        DELETE,
        LIST;

        final String label = name().toLowerCase(Locale.ROOT);
    }

    private <T> T call(Operation operation, String what, MinioCall<T> c) {
        try {
            T result = c.run();
            requests.accept(operation.label, "ok");
            return result;
        } catch (StoreException e) { // already says what failed (a short read)
            requests.accept(operation.label, e.getClass().getSimpleName());
            throw e;
        } catch (MinioException | RuntimeException e) {
            String code =
                    e instanceof ErrorResponseException er ? er.errorResponse().code() : null;
            StoreException failure = new StoreException(what + ": " + describe(e), code, e);
            // "Not there" is an answer, not an error; anything else is counted with its S3 code or exception.
            requests.accept(
                    operation.label,
                    failure.notFound()
                            ? "ok"
                            : code != null ? code : rootCause(e).getClass().getSimpleName());
            throw failure;
        }
    }

    @Override
    public void ensureBucket() {
        try {
            call(Operation.BUCKET, "cannot create bucket " + bucket, () -> {
                if (!client.bucketExists(
                        BucketExistsArgs.builder().bucket(bucket).build())) {
                    client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
                }
                return null;
            });
        } catch (StoreException e) {
            if (!"BucketAlreadyOwnedByYou".equals(e.code())) {
                throw e;
            }
        }
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        try {
            StatObjectResponse r = call(
                    Operation.HEAD,
                    "cannot look up " + key,
                    () -> client.statObject(
                            StatObjectArgs.builder().bucket(bucket).object(key).build()));
            return Optional.of(new ObjectInfo(
                    r.size(),
                    r.lastModified() == null ? null : r.lastModified().toInstant(),
                    r.etag(),
                    r.lockRetainUntilDate() == null
                            ? null
                            : r.lockRetainUntilDate().toInstant(),
                    r.lockLegalHold() != null && r.lockLegalHold().status()));
        } catch (StoreException e) {
            if (e.notFound()) {
                return Optional.empty();
            }
            throw e;
        }
    }

    // Uploads carry a CRC32 checksum the server verifies: the JDK computes it with a CPU instruction, where the SDK's
    // default (CRC32C, in Java) was a tenth of an upload's CPU time.
    @Override
    public void put(String key, InputStream in, long size) {
        call(
                Operation.PUT,
                "cannot upload " + key,
                () -> client.putObject(PutObjectArgs.builder().bucket(bucket).object(key).stream(
                                in, size, size > PART_SIZE ? PART_SIZE : -1L)
                        .contentType("application/octet-stream")
                        .checksum(io.minio.Checksum.Algorithm.CRC32)
                        .build()));
    }

    @Override
    public boolean putIfAbsent(String key, byte[] bytes) {
        return conditionalPut(key, bytes, "If-None-Match", "*");
    }

    @Override
    public boolean putIfMatch(String key, byte[] bytes, String etag) {
        String quoted = etag.startsWith("\"") ? etag : "\"" + etag + "\"";
        return conditionalPut(key, bytes, "If-Match", quoted);
    }

    private boolean conditionalPut(String key, byte[] bytes, String header, String value) {
        try {
            call(
                    Operation.PUT,
                    "cannot upload " + key,
                    () -> client.putObject(PutObjectArgs.builder().bucket(bucket).object(key).stream(
                                    new java.io.ByteArrayInputStream(bytes), (long) bytes.length, -1L)
                            .contentType("application/octet-stream")
                            .checksum(io.minio.Checksum.Algorithm.CRC32)
                            .headers(java.util.Map.of(header, value))
                            .build()));
            return true;
        } catch (StoreException e) {
            if ("PreconditionFailed".equals(e.code())
                    || "ConditionalRequestConflict".equals(e.code())
                    || (e.notFound() && header.equals("If-Match"))) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public InputStream get(String key) {
        return call(
                Operation.GET,
                "cannot read " + key,
                () -> client.getObject(
                        GetObjectArgs.builder().bucket(bucket).object(key).build()));
    }

    @Override
    public byte[] read(String key, long offset, int length) {
        return call(Operation.GET, "cannot read " + key, () -> {
            try (InputStream in = client.getObject(GetObjectArgs.builder()
                    .bucket(bucket)
                    .object(key)
                    .offset(offset)
                    .length((long) length)
                    .build())) {
                byte[] bytes = in.readNBytes(length);
                if (bytes.length != length) {
                    throw new StoreException("cannot read " + key + ": it ends before byte " + (offset + length));
                }
                return bytes;
            } catch (java.io.IOException e) {
                throw new StoreException("cannot read " + key + ": " + e.getMessage(), e);
            }
        });
    }

    @Override
    public InputStream get(String key, String etag) {
        return call(
                Operation.GET,
                "cannot read " + key,
                () -> client.getObject(GetObjectArgs.builder()
                        .bucket(bucket)
                        .object(key)
                        .matchETag(etag)
                        .build()));
    }

    @Override
    public void copy(String sourceKey, String targetKey) {
        call(
                Operation.COPY,
                "cannot copy " + sourceKey + " to " + targetKey,
                () -> client.copyObject(CopyObjectArgs.builder()
                        .bucket(bucket)
                        .object(targetKey)
                        .source(SourceObject.builder()
                                .bucket(bucket)
                                .object(sourceKey)
                                .build())
                        .build()));
    }

    @Override
    public void delete(String key) {
        call(Operation.DELETE, "cannot remove " + key, () -> {
            client.removeObject(
                    RemoveObjectArgs.builder().bucket(bucket).object(key).build());
            return null;
        });
    }

    @Override
    public List<String> list(String prefix) {
        return call(Operation.LIST, "cannot list " + prefix, () -> {
            List<String> keys = new ArrayList<>();
            for (Result<Item> r : client.listObjects(ListObjectsArgs.builder()
                    .bucket(bucket)
                    .prefix(prefix)
                    .recursive(true)
                    .build())) {
                keys.add(r.get().objectName());
            }
            return keys;
        });
    }

    private static Throwable rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    private static String describe(Exception e) {
        if (e instanceof ErrorResponseException er) {
            return er.errorResponse().code() + " " + er.errorResponse().message();
        }
        Throwable root = rootCause(e);
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
