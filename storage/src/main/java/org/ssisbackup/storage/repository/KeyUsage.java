package org.ssisbackup.storage.repository;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.ssisbackup.contracts.ObjectKeys;
import org.ssisbackup.storage.ObjectStore;
import org.ssisbackup.storage.crypto.Envelope;

/**
 * Which data keys the objects of a scope are written with, read from their headers alone (no key needed, nothing
 * decrypted): a pack's from its index at its end (one job wrote it, with one key), an index's and a manifest's from
 * their first bytes. Two small ranged reads per pack, one per index and manifest. What a data key may be retired on.
 */
public final class KeyUsage {
    private KeyUsage() {}

    /** Objects written with each key id. Manifests are named by host, not scope: all are read (key ids are unique). */
    public static Map<UUID, Long> of(ObjectStore store, String scope) {
        Map<UUID, Long> uses = new HashMap<>();
        for (String pack : store.list("packs/" + ObjectKeys.requireValidHostId(scope) + "/")) {
            if (ObjectKeys.packIdOf(pack) == null) {
                continue;
            }
            long size = store.stat(pack).map(o -> o.size()).orElse(0L);
            if (size < 4 + Envelope.OVERHEAD) {
                continue;
            }
            byte[] tail = store.read(pack, size - 4, 4);
            long indexLength = ((tail[0] & 0xFFL) << 24)
                    | ((tail[1] & 0xFFL) << 16)
                    | ((tail[2] & 0xFFL) << 8)
                    | (tail[3] & 0xFFL);
            if (indexLength < Envelope.OVERHEAD || indexLength > size - 4) {
                continue; // damaged: verification reports it
            }
            count(uses, store.read(pack, size - 4 - indexLength, Envelope.HEADER));
        }
        for (String prefix : List.of(ObjectKeys.indexPrefix(scope), "manifests/")) {
            for (String key : store.list(prefix)) {
                if (prefix.startsWith("manifests/") && !key.endsWith(".m2")) {
                    continue;
                }
                long size = store.stat(key).map(o -> o.size()).orElse(0L);
                if (size >= Envelope.HEADER) {
                    count(uses, store.read(key, 0, Envelope.HEADER));
                }
            }
        }
        return uses;
    }

    private static void count(Map<UUID, Long> uses, byte[] header) {
        try {
            uses.merge(Envelope.keyIdOfHeader(header), 1L, Long::sum);
        } catch (RuntimeException e) {
            // not an envelope of this repository: verification reports it
        }
    }
}
