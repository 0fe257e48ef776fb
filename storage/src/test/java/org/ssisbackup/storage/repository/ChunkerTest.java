package org.ssisbackup.storage.repository;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ChunkerTest {
    final ScopeKeys keys = keys(1);

    static ScopeKeys keys(long seed) {
        byte[] id = new byte[32];
        new Random(seed).nextBytes(id);
        UUID k = UUID.randomUUID();
        LinkedHashMap<UUID, ScopeKeys.DataKey> data = new LinkedHashMap<>();
        data.put(k, new ScopeKeys.DataKey(k, new byte[32], java.time.Instant.now()));
        return new ScopeKeys("s", id, data, k);
    }

    static List<Integer> sizes(ScopeKeys keys, byte[] data) throws Exception {
        Chunker c = new Chunker(keys, new ByteArrayInputStream(data));
        List<Integer> out = new ArrayList<>();
        for (Chunker.Chunk ch = c.next(); ch != null; ch = c.next()) {
            out.add(ch.length());
        }
        return out;
    }

    @Test
    void chunksAreBoundedAndAverageNearTheTarget() throws Exception {
        byte[] data = new byte[40 * 1024 * 1024];
        new Random(3).nextBytes(data);
        List<Integer> sizes = sizes(keys, data);
        assertThat(sizes.stream().mapToLong(Integer::longValue).sum()).isEqualTo(data.length);
        assertThat(sizes.subList(0, sizes.size() - 1)).allMatch(s -> s >= Chunker.MIN && s <= Chunker.MAX);
        double avg = (double) data.length / sizes.size();
        assertThat(avg).isBetween(Chunker.AVG * 0.6, Chunker.AVG * 1.6);
    }

    @Test
    void anInsertionMovesOnlyTheBoundariesNearIt() throws Exception {
        byte[] data = new byte[8 * 1024 * 1024];
        new Random(4).nextBytes(data);
        byte[] edited = new byte[data.length + 10];
        System.arraycopy(data, 0, edited, 0, 4_000_000);
        System.arraycopy(data, 4_000_000, edited, 4_000_010, data.length - 4_000_000);
        List<Integer> a = sizes(keys, data);
        List<Integer> b = sizes(keys, edited);
        long same = a.stream().filter(b::contains).count();
        assertThat(same).isGreaterThanOrEqualTo(a.size() - 2);
    }

    @Test
    void boundariesDependOnTheScopesKey() throws Exception {
        byte[] data = new byte[8 * 1024 * 1024];
        new Random(5).nextBytes(data);
        assertThat(sizes(keys(1), data)).isEqualTo(sizes(keys(1), data)).isNotEqualTo(sizes(keys(2), data));
    }

    @Test
    void aSmallFileIsOneChunk() throws Exception {
        assertThat(sizes(keys, new byte[1000])).containsExactly(1000);
        assertThat(sizes(keys, new byte[0])).isEmpty();
    }
}
