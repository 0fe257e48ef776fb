package org.ssisbackup.testkit.infra;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

/** A real S3 server (s3proxy) on 127.0.0.1, in memory or on disk, with AWS v2/v4 signatures checked. */
public final class EmbeddedS3 implements AutoCloseable {
    private final S3Proxy proxy;
    private final String accessKey;
    private final String secretKey;

    private final boolean secure;

    private EmbeddedS3(S3Proxy proxy, String accessKey, String secretKey, boolean secure) {
        this.secure = secure;
        this.proxy = proxy;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
    }

    /** In memory, on a free port. */
    public static EmbeddedS3 startInMemory(String accessKey, String secretKey) throws Exception {
        return start(new TransientNio2BlobStore(), 0, accessKey, secretKey);
    }

    /** Objects kept under {@code dir} (one folder per bucket). */
    public static EmbeddedS3 startOnDisk(Path dir, int port, String accessKey, String secretKey) throws Exception {
        Files.createDirectories(dir);
        return start(new FilesystemNio2BlobStore(dir.toAbsolutePath().toString()), port, accessKey, secretKey);
    }

    /** In memory, on a free port, over TLS only (HTTPS with the key store's certificate; PKCS#12). */
    public static EmbeddedS3 startInMemoryOverTls(String accessKey, String secretKey, Path keyStore, String password)
            throws Exception {
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(new TransientNio2BlobStore())
                .secureEndpoint(URI.create("https://127.0.0.1:0"))
                .keyStore(keyStore.toAbsolutePath().toString(), password)
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .build();
        return started(proxy, accessKey, secretKey, true);
    }

    private static EmbeddedS3 start(BlobStore store, int port, String accessKey, String secretKey) throws Exception {
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .build();
        return started(proxy, accessKey, secretKey, false);
    }

    private static EmbeddedS3 started(S3Proxy proxy, String accessKey, String secretKey, boolean secure)
            throws Exception {
        proxy.start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!"STARTED".equals(proxy.getState())) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
            }
            Thread.onSpinWait();
        }
        return new EmbeddedS3(proxy, accessKey, secretKey, secure);
    }

    public String endpoint() {
        return secure ? "https://127.0.0.1:" + proxy.getSecurePort() : "http://127.0.0.1:" + proxy.getPort();
    }

    public int port() {
        return secure ? proxy.getSecurePort() : proxy.getPort();
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }
}
