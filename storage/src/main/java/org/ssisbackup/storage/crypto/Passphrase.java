package org.ssisbackup.storage.crypto;

import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * A key-encryption key from a passphrase, through Argon2id (memory-hard: a guess costs {@code memoryKiB} of memory).
 * The salt and the costs are stored beside what the key wraps; the passphrase is not.
 */
public final class Passphrase {
    /** OWASP's first recommendation for Argon2id: 19 MiB, 2 iterations, 1 lane. */
    public static final Params DEFAULT = new Params(19 * 1024, 2, 1);

    /** Argon2id's costs. */
    public record Params(int memoryKiB, int iterations, int parallelism) {
        public Params {
            if (memoryKiB < 8 * 1024
                    || memoryKiB > 4 * 1024 * 1024
                    || iterations < 1
                    || iterations > 100
                    || parallelism < 1
                    || parallelism > 16) {
                throw new IllegalArgumentException("Argon2id costs out of bounds: " + memoryKiB + " KiB, " + iterations
                        + " iterations, " + parallelism + " lanes");
            }
        }
    }

    public static byte[] derive(char[] passphrase, byte[] salt, Params params) {
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withSalt(salt)
                .withMemoryAsKB(params.memoryKiB())
                .withIterations(params.iterations())
                .withParallelism(params.parallelism())
                .build());
        byte[] key = new byte[32];
        byte[] bytes = new String(passphrase).getBytes(StandardCharsets.UTF_8);
        generator.generateBytes(bytes, key);
        java.util.Arrays.fill(bytes, (byte) 0);
        return key;
    }

    private Passphrase() {}
}
