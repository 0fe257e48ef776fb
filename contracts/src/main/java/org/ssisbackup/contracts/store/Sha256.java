package org.ssisbackup.contracts.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

/** SHA-256 of a stream, read once in fixed-size chunks (never whole into memory). */
public final class Sha256 {
    /** The digest of a stream and how many bytes it had. */
    public record Digest(String hex, long size) {
    }

    public static Digest of(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return copy(in, OutputStream.nullOutputStream());
        }
    }

    /** Copies {@code in} to {@code out} while hashing it. */
    public static Digest copy(InputStream in, OutputStream out) throws IOException {
        MessageDigest md = BlobStore.sha256();
        byte[] buf = new byte[64 * 1024];
        long size = 0;
        int n;
        while ((n = in.read(buf)) > 0) {
            md.update(buf, 0, n);
            out.write(buf, 0, n);
            size += n;
        }
        return new Digest(HexFormat.of().formatHex(md.digest()), size);
    }

    /** The raw digest of a text's UTF-8 bytes (API keys are kept and compared as these, never as themselves). */
    public static byte[] digestOf(String text) {
        return BlobStore.sha256().digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private Sha256() {
    }
}
