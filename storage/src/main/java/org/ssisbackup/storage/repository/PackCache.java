package org.ssisbackup.storage.repository;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.ssisbackup.contracts.ChunkRef;
import org.ssisbackup.contracts.ObjectKeys;
import org.ssisbackup.storage.ObjectStore;
import org.ssisbackup.storage.StoreException;

/**
 * The packs a restore needs, fetched whole once into a temporary folder instead of one ranged GET per chunk: an SSIS
 * host's hundreds of small packages sit in a handful of packs, and one GET each is what makes a restore as fast as
 * restic's. A pack of which the restore needs a single small chunk is still read by range. What is fetched is only
 * ciphertext (every blob is authenticated when read), and the folder is deleted when the restore ends (and, after a
 * crash, at the next start: {@link #sweepLeftovers}).
 */
public final class PackCache implements AutoCloseable {
    static final String PREFIX = "ssis-restore-packs-";
    /** A pack is fetched whole when the restore needs at least this much of it (or more than one chunk). */
    static final long WHOLE_FROM = 1024 * 1024;

    private static final int PARALLEL = 4;

    private final ObjectStore store;
    private final String scope;
    private final Path dir;
    private final Map<String, Path> local = new ConcurrentHashMap<>();

    private PackCache(ObjectStore store, String scope, Path dir) {
        this.store = store;
        this.scope = scope;
        this.dir = dir;
    }

    /** Fetches the packs that {@code chunks} are in (in parallel) into a new folder under {@code tempRoot}. */
    public static PackCache fetch(ObjectStore store, String scope, Collection<ChunkRef> chunks, Path tempRoot)
            throws IOException, InterruptedException {
        Map<String, long[]> need = new HashMap<>(); // pack -> {chunks, bytes}
        for (ChunkRef c : chunks) {
            long[] n = need.computeIfAbsent(c.pack(), k -> new long[2]);
            n[0]++;
            n[1] += c.length();
        }
        PackCache cache = new PackCache(store, scope, Files.createTempDirectory(tempRoot, PREFIX));
        List<String> whole = need.entrySet().stream()
                .filter(e -> e.getValue()[0] > 1 || e.getValue()[1] >= WHOLE_FROM)
                .map(Map.Entry::getKey)
                .toList();
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL, r -> {
            Thread t = new Thread(r, "pack-fetch");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> fetches = new ArrayList<>();
            for (String pack : whole) {
                fetches.add(pool.submit(() -> {
                    cache.download(pack);
                    return null;
                }));
            }
            for (Future<?> f : fetches) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    // Not fatal: its chunks are read by range instead (and fail there, by name, if the pack is gone).
                }
            }
        } catch (InterruptedException e) {
            cache.close();
            throw e;
        } finally {
            pool.shutdownNow();
        }
        return cache;
    }

    private void download(String packId) throws IOException {
        String key = ObjectKeys.pack(scope, packId);
        Path file = dir.resolve(packId);
        try (InputStream in = store.get(key)) {
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
        local.put(packId, file);
    }

    /** A chunk's sealed bytes: from the fetched pack, or by a ranged read of the bucket. */
    byte[] read(ChunkRef c) {
        Path file = local.get(c.pack());
        if (file == null) {
            return store.read(ObjectKeys.pack(scope, c.pack()), c.offset(), c.length());
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            if (c.offset() + c.length() > f.length()) {
                throw new StoreException(ObjectKeys.pack(scope, c.pack()) + ": shorter than its index says (cut off)");
            }
            byte[] b = new byte[c.length()];
            f.seek(c.offset());
            f.readFully(b);
            return b;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String scope() {
        return scope;
    }

    @Override
    public void close() {
        deleteTree(dir);
    }

    /** Deletes folders a restore that crashed left under {@code tempRoot} (older than a day: never a running one's). */
    public static int sweepLeftovers(Path tempRoot) {
        int swept = 0;
        Instant before = Instant.now().minus(Duration.ofDays(1));
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tempRoot, PREFIX + "*")) {
            for (Path d : dirs) {
                if (Files.getLastModifiedTime(d).toInstant().isBefore(before)) {
                    deleteTree(d);
                    swept++;
                }
            }
        } catch (IOException e) {
            // nothing to sweep, or a folder the agent may not list: left alone
        }
        return swept;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // best effort: the next start sweeps what is left
        }
    }
}
