package org.ssisbackup.storage.repository;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.ssisbackup.storage.crypto.Hkdf;

/**
 * The keys of one scope (a host, or a group of hosts that trust each other): the id key, which names blobs by a keyed
 * hash of their bytes (deduplication within the scope, and nobody without it can test for a known file), and the data
 * keys that encrypt them. New writes use the active data key; older keys stay for reading until retired.
 */
public final class ScopeKeys {
    /** One data key: AES-256, known by its id, retired once nothing written with it is left. */
    public static final class DataKey {
        private final UUID id;
        private final byte[] key;
        private final Instant created;

        public DataKey(UUID id, byte[] key, Instant created) {
            this.id = id;
            this.key = key.clone();
            this.created = created;
        }

        public UUID id() {
            return id;
        }

        public byte[] key() {
            return key.clone();
        }

        public Instant created() {
            return created;
        }

        @Override
        public String toString() { // never the key
            return "DataKey[" + id + ", " + created + "]";
        }
    }

    private final String scope;
    private final byte[] idKey;
    private final Map<UUID, DataKey> dataKeys;
    private final UUID active;
    private final long[] gear;

    public ScopeKeys(String scope, byte[] idKey, Map<UUID, DataKey> dataKeys, UUID active) {
        if (!dataKeys.containsKey(active)) {
            throw new IllegalArgumentException("the active data key " + active + " is not among the scope's keys");
        }
        this.scope = scope;
        this.idKey = idKey.clone();
        this.dataKeys = Collections.unmodifiableMap(new LinkedHashMap<>(dataKeys));
        this.active = active;
        this.gear = gearTable(idKey);
    }

    public String scope() {
        return scope;
    }

    public UUID activeKeyId() {
        return active;
    }

    public byte[] activeKey() {
        return dataKeys.get(active).key();
    }

    /** A data key by id, or null when this scope has none such (retired, or never). */
    public byte[] dataKey(UUID id) {
        DataKey k = dataKeys.get(id);
        return k == null ? null : k.key();
    }

    public Map<UUID, DataKey> dataKeys() {
        return dataKeys;
    }

    byte[] idKey() {
        return idKey.clone();
    }

    /** A blob's id: HMAC-SHA256 of its bytes under the id key, in hex. */
    public String blobId(byte[] data, int off, int len) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(idKey, "HmacSHA256"));
            mac.update(data, off, len);
            return HexFormat.of().formatHex(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The chunker's gear table, derived from the id key: where chunk boundaries fall depends on a secret, so the sizes
     * of stored chunks do not betray which known file they came from.
     */
    long[] gear() {
        return gear;
    }

    private static long[] gearTable(byte[] idKey) {
        byte[] bytes = Hkdf.derive(idKey, "gear".getBytes(StandardCharsets.UTF_8), "ssis-backup chunker v1", 256 * 8);
        long[] table = new long[256];
        for (int i = 0; i < 256; i++) {
            long v = 0;
            for (int b = 0; b < 8; b++) {
                v = (v << 8) | (bytes[i * 8 + b] & 0xFF);
            }
            table[i] = v;
        }
        return table;
    }

    @Override
    public String toString() { // never a key
        return "ScopeKeys[" + scope + ", data keys " + dataKeys.keySet() + ", active " + active + "]";
    }
}
