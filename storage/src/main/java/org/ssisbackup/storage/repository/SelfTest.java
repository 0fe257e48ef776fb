package org.ssisbackup.storage.repository;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.ssisbackup.storage.InMemoryObjectStore;

/**
 * The whole write and read path of the repository run once in memory, on generated data, at a service's start: a
 * known round trip (chunk, compress, encrypt, pack, then authenticate, decrypt, decompress, check) that stops the
 * service if the platform's cryptography or zstd does not give back what went in. It also compiles that path: the
 * JVM runs AES-GCM, HMAC and the chunker at a tenth of their speed until the JIT has seen about 200 MB of them, which
 * would otherwise be the first backup after every start.
 */
public final class SelfTest {
    private SelfTest() {}

    /** What the self-test did: rounds of {@code bytesPerRound} stored and read back, and how long it took. */
    public record Result(int rounds, long bytesPerRound, Duration took) {}

    /** Runs up to {@code rounds} rounds, stopping early once {@code budget} is spent (at least one round). */
    public static Result run(int rounds, Duration budget) {
        long started = System.nanoTime();
        InMemoryObjectStore bucket = new InMemoryObjectStore("self-test");
        WrappingKey key = KeyMaterial.secret(KeyMaterial.newSecret());
        Random random = new Random(20261203L);
        byte[] binary = new byte[24 * 1024 * 1024];
        random.nextBytes(binary);
        byte[] xml = xml(random, 8 * 1024 * 1024);
        int done = 0;
        try (Repository repo = Repository.open(bucket, "self-test", key, List.of(), Duration.ZERO)) {
            while (done < Math.max(1, rounds)) {
                // A new scope's worth of data each round: nothing deduplicates, everything goes through the cipher.
                binary[done] ^= 1;
                xml[done] ^= 1;
                Repository.Session s = repo.session();
                Repository.StoredContent a = s.store(binary);
                Repository.StoredContent b = s.store(xml);
                s.finish();
                for (Repository.StoredContent c : List.of(a, b)) {
                    ByteArrayOutputStream out = new ByteArrayOutputStream((int) c.size());
                    if (!repo.restore(c.chunks(), out).equals(c.sha256()) || out.size() != c.size()) {
                        throw new IllegalStateException(
                                "repository self-test: what was stored did not come back (the JVM's AES-GCM, HMAC or"
                                        + " zstd is broken); nothing is written with it");
                    }
                }
                done++;
                if (System.nanoTime() - started > budget.toNanos()) {
                    break;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("repository self-test: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new Result(done, binary.length + xml.length, Duration.ofNanos(System.nanoTime() - started));
    }

    private static byte[] xml(Random r, int size) {
        StringBuilder sb = new StringBuilder(size + 256);
        while (sb.length() < size) {
            sb.append("<DTS:Executable DTS:DTSID=\"{")
                    .append(new java.util.UUID(r.nextLong(), r.nextLong()))
                    .append("}\" DTS:ObjectName=\"Load ")
                    .append(r.nextInt(10000))
                    .append("\"><SQLTask:SqlTaskData SQLTask:SqlStatementSource=\"SELECT * FROM dbo.T")
                    .append(r.nextInt(500))
                    .append("\"/></DTS:Executable>\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
