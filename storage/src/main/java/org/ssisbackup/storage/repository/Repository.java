package org.ssisbackup.storage.repository;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.Artifact;
import org.ssisbackup.contracts.ArtifactKind;
import org.ssisbackup.contracts.ChunkRef;
import org.ssisbackup.contracts.Manifest;
import org.ssisbackup.contracts.MessageCodec;
import org.ssisbackup.contracts.ObjectKeys;
import org.ssisbackup.contracts.StoredObject;
import org.ssisbackup.storage.CorruptBlobException;
import org.ssisbackup.storage.ObjectStore;
import org.ssisbackup.storage.StoreException;
import org.ssisbackup.storage.crypto.Envelope;
import org.ssisbackup.storage.crypto.ObjectKind;
import org.ssisbackup.storage.crypto.TamperedObjectException;

/**
 * One scope's part of a repository of format 2: content-defined chunks, named by a keyed hash, compressed, encrypted
 * and gathered into packs; an index of where every blob is; encrypted manifests. Deduplication works across every job
 * of the scope. Every byte written is encrypted; every byte read is authenticated and its blob id checked before it is
 * used. Long-lived (one per agent process and scope); each job works in its own {@link Session}.
 */
public final class Repository implements AutoCloseable {
    /** Bytes of one index object before it is split (a bounded read of an index). */
    static final int MAX_OBJECT = 64 * 1024 * 1024;

    private final ObjectStore store;
    private final WrappingKey wrapping;
    private final Duration packTrust;
    private final ExecutorService uploads;
    private volatile ScopeKeys keys;
    private final Map<String, ChunkRef> index = new ConcurrentHashMap<>();
    private final Set<String> indexesRead = ConcurrentHashMap.newKeySet();
    private final Map<String, Instant> packsSeen = new ConcurrentHashMap<>();

    private Repository(ObjectStore store, ScopeKeys keys, WrappingKey wrapping, Duration packTrust) {
        this.store = store;
        this.keys = keys;
        this.wrapping = wrapping;
        this.packTrust = packTrust;
        this.uploads = Executors.newFixedThreadPool(PackWriter.IN_FLIGHT, r -> {
            Thread t = new Thread(r, "pack-upload");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Opens a scope with its key (creating the scope's keys, wrapped for the recipients too, when it has none yet).
     * {@code packTrust}: how long a pack seen in the bucket is trusted to be there without asking again.
     */
    public static Repository open(
            ObjectStore store, String scope, WrappingKey key, List<WrappingKey> recipients, Duration packTrust) {
        return new Repository(store, ScopeKeyring.openOrCreate(store, scope, key, recipients), key, packTrust);
    }

    /** A repository on keys already opened (the catalog, which holds every scope's keys through its escrow key). */
    public static Repository of(ObjectStore store, ScopeKeys keys) {
        return new Repository(store, keys, null, Duration.ZERO);
    }

    public ScopeKeys keys() {
        return keys;
    }

    public String scope() {
        return keys.scope();
    }

    /** What a job stored: its blobs' bytes and counts, for metrics and the job's report. */
    public record Stats(
            long bytesRead,
            long bytesAfterCompression,
            long bytesUploaded,
            long chunksNew,
            long chunksDeduplicated,
            UUID keyId,
            List<StoredObject> packsWritten) {}

    /** One item's bytes as stored: their plain SHA-256 and size, and where each chunk is, in a scope. */
    public record StoredContent(String scope, String sha256, long size, List<ChunkRef> chunks, boolean anythingNew) {
        /** The packs the item needs, in order of first use. */
        public List<String> packs() {
            return chunks.stream()
                    .map(c -> ObjectKeys.pack(scope, c.pack()))
                    .distinct()
                    .toList();
        }

        /** The item as an artifact of a restore point (format 2). */
        public Artifact artifact(String logicalPath, ArtifactKind kind, Map<String, String> metadata) {
            List<String> packs = packs();
            return new Artifact(logicalPath, kind, size, sha256, packs.get(0), metadata, packs, chunks);
        }

        /** The same content, as found again unchanged (nothing new stored this time). */
        public StoredContent unchanged() {
            return new StoredContent(scope, sha256, size, chunks, false);
        }
    }

    /**
     * Starts a job's work: the keyring is read again (a rotation takes effect here) and index objects written since the
     * last session (by the other agent of the scope, or before a restart) are read.
     */
    public Session session() {
        if (wrapping != null) {
            keys = ScopeKeyring.open(store, keys.scope(), wrapping);
        }
        readNewIndexes();
        return new Session(keys);
    }

    private void readNewIndexes() {
        for (String key : store.list(ObjectKeys.indexPrefix(keys.scope()))) {
            if (indexesRead.add(key)) {
                for (ChunkRef r : readIndex(key)) {
                    index.putIfAbsent(r.blob(), r);
                }
            }
        }
    }

    /** The entries of one index object. */
    public List<ChunkRef> readIndex(String key) {
        byte[] sealed = readBounded(key);
        byte[] plain = Envelope.open(sealed, ObjectKind.INDEX, key, keys::dataKey);
        return IndexEntries.decode(unframe(plain, key), key);
    }

    /** A job's writes; thread-safe, so several files can be stored at once. */
    public final class Session {
        private final ScopeKeys sessionKeys;
        private final PackWriter packs;
        private final List<ChunkRef> added = java.util.Collections.synchronizedList(new ArrayList<>());
        private final AtomicLong bytesRead = new AtomicLong();
        private final AtomicLong bytesCompressed = new AtomicLong();
        private final AtomicLong chunksNew = new AtomicLong();
        private final AtomicLong chunksDeduplicated = new AtomicLong();

        private Session(ScopeKeys sessionKeys) {
            this.sessionKeys = sessionKeys;
            this.packs = new PackWriter(store, sessionKeys, uploads);
        }

        /** Chunks, deduplicates, compresses, encrypts and packs a stream; returns where its bytes are. */
        public StoredContent store(InputStream in) throws IOException, InterruptedException {
            MessageDigest sha = sha256();
            Chunker chunker = new Chunker(sessionKeys, in);
            List<ChunkRef> chunks = new ArrayList<>();
            long size = 0;
            boolean anythingNew = false;
            for (Chunker.Chunk c = chunker.next(); c != null; c = chunker.next()) {
                sha.update(c.buffer(), c.offset(), c.length());
                size += c.length();
                String id = sessionKeys.blobId(c.buffer(), c.offset(), c.length());
                ChunkRef known = usable(index.get(id));
                if (known != null) {
                    chunks.add(known);
                    chunksDeduplicated.incrementAndGet();
                    continue;
                }
                byte[] framed = Compression.pack(c.buffer(), c.offset(), c.length());
                bytesCompressed.addAndGet(framed.length - 1);
                byte[] sealed = Envelope.seal(
                        ObjectKind.BLOB, sessionKeys.activeKeyId(), sessionKeys.activeKey(), "blob:" + id, framed);
                ChunkRef ref = packs.add(id, sealed, c.length());
                ChunkRef raced = index.putIfAbsent(id, ref);
                chunks.add(raced == null ? ref : raced);
                if (raced == null) {
                    added.add(ref);
                    chunksNew.incrementAndGet();
                    anythingNew = true;
                } else {
                    chunksDeduplicated.incrementAndGet(); // another thread stored the same bytes first
                }
            }
            if (chunks.isEmpty()) { // an empty item is one empty chunk, so every item is in a pack
                String id = sessionKeys.blobId(new byte[0], 0, 0);
                ChunkRef known = usable(index.get(id));
                if (known != null) {
                    chunks.add(known);
                } else {
                    byte[] sealed = Envelope.seal(
                            ObjectKind.BLOB,
                            sessionKeys.activeKeyId(),
                            sessionKeys.activeKey(),
                            "blob:" + id,
                            Compression.pack(new byte[0], 0, 0));
                    ChunkRef ref = packs.add(id, sealed, 0);
                    ChunkRef raced = index.putIfAbsent(id, ref);
                    chunks.add(raced == null ? ref : raced);
                    if (raced == null) {
                        added.add(ref);
                        chunksNew.incrementAndGet();
                        anythingNew = true;
                    }
                }
            }
            bytesRead.addAndGet(size);
            return new StoredContent(
                    sessionKeys.scope(), HexFormat.of().formatHex(sha.digest()), size, chunks, anythingNew);
        }

        /** Whether every pack an item stored earlier needs is still in the bucket (trusted for the pack trust time). */
        public boolean stillStored(StoredContent content) {
            return content.scope().equals(sessionKeys.scope())
                    && content.chunks().stream().allMatch(c -> usable(c) != null);
        }

        /** Stores bytes already in memory. */
        public StoredContent store(byte[] bytes) throws IOException, InterruptedException {
            return store(new java.io.ByteArrayInputStream(bytes));
        }

        /**
         * Uploads what is left and writes this job's index object; only then are its items in the bucket. A failed
         * upload is thrown here: the job cannot claim what it stored.
         */
        public Stats finish() throws InterruptedException {
            packs.flush();
            List<ChunkRef> entries;
            synchronized (added) {
                entries = List.copyOf(added);
            }
            if (!entries.isEmpty()) {
                String key =
                        ObjectKeys.index(sessionKeys.scope(), HexFormat.of().formatHex(ScopeKeyring.random(32)));
                byte[] plain = IndexEntries.encode(entries);
                byte[] framed = Compression.pack(plain, 0, plain.length);
                store.put(
                        key,
                        Envelope.seal(
                                ObjectKind.INDEX,
                                sessionKeys.activeKeyId(),
                                sessionKeys.activeKey(),
                                key,
                                withPlainLength(framed, plain.length)));
                indexesRead.add(key);
            }
            Instant now = Instant.now();
            List<StoredObject> written = packs.packsWritten();
            written.forEach(p -> packsSeen.put(p.key(), now));
            return new Stats(
                    bytesRead.get(),
                    bytesCompressed.get(),
                    packs.bytesUploaded(),
                    chunksNew.get(),
                    chunksDeduplicated.get(),
                    sessionKeys.activeKeyId(),
                    written);
        }

        /** Writes an agent's manifest, encrypted and bound to its name; returns the name. */
        public String writeManifest(Manifest manifest) {
            String key = ObjectKeys.encryptedManifest(manifest.hostId(), manifest.restorePointId(), manifest.agent());
            byte[] json = MessageCodec.encode(manifest);
            byte[] framed = Compression.pack(json, 0, json.length);
            store.put(
                    key,
                    Envelope.seal(
                            ObjectKind.MANIFEST,
                            sessionKeys.activeKeyId(),
                            sessionKeys.activeKey(),
                            key,
                            withPlainLength(framed, json.length)));
            return key;
        }
    }

    /** A known blob whose pack is (still) in the bucket, or null. */
    private ChunkRef usable(ChunkRef known) {
        if (known == null) {
            return null;
        }
        String pack = ObjectKeys.pack(keys.scope(), known.pack());
        Instant seen = packsSeen.get(pack);
        Instant now = Instant.now();
        if (seen != null && seen.plus(packTrust).isAfter(now)) {
            return known;
        }
        if (store.stat(pack).isPresent()) {
            packsSeen.put(pack, now);
            return known;
        }
        // Retention deleted the pack: every blob in it has to be stored again.
        index.values().removeIf(r -> r.pack().equals(known.pack()));
        return null;
    }

    /** Reads a manifest of format 2 of this scope, checking it was written under this very name. */
    public Manifest readManifest(String hostId, UUID restorePointId, AgentKind agent) {
        String key = ObjectKeys.encryptedManifest(hostId, restorePointId, agent);
        return readManifest(key);
    }

    public Manifest readManifest(String key) {
        byte[] plain = Envelope.open(readBounded(key), ObjectKind.MANIFEST, key, keys::dataKey);
        Manifest m = MessageCodec.decodeManifest(unframe(plain, key));
        if (!key.equals(ObjectKeys.encryptedManifest(m.hostId(), m.restorePointId(), m.agent()))) {
            throw new TamperedObjectException(key + ": holds the manifest of " + m.hostId() + "/" + m.restorePointId());
        }
        return m;
    }

    /**
     * Writes an item's bytes to {@code out}: every chunk read, authenticated, decompressed and checked against its id
     * before a byte of it is written. Returns the plain SHA-256 of all of it.
     */
    public String restore(List<ChunkRef> chunks, OutputStream out) throws IOException {
        return restore(chunks, out, null);
    }

    /** The same, reading chunks from the packs {@code cache} fetched for this restore (null: ranged reads). */
    public String restore(List<ChunkRef> chunks, OutputStream out, PackCache cache) throws IOException {
        MessageDigest sha = sha256();
        for (ChunkRef c : chunks) {
            byte[] plain;
            if (cache == null) {
                plain = readBlob(c);
            } else {
                byte[] sealed = cache.read(c);
                plain = openBlob(c.blob(), sealed, 0, sealed.length, c.size(), ObjectKeys.pack(keys.scope(), c.pack()));
            }
            sha.update(plain);
            out.write(plain);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** One blob, authenticated and checked. */
    public byte[] readBlob(ChunkRef c) {
        String pack = ObjectKeys.pack(keys.scope(), c.pack());
        byte[] sealed = store.read(pack, c.offset(), c.length());
        return openBlob(c.blob(), sealed, 0, sealed.length, c.size(), pack);
    }

    byte[] openBlob(String blobId, byte[] sealed, int off, int len, int size, String where) {
        byte[] framed = Envelope.open(sealed, off, len, ObjectKind.BLOB, "blob:" + blobId, keys::dataKey);
        byte[] plain;
        try {
            plain = Compression.unpack(framed, size);
        } catch (IllegalArgumentException e) {
            throw new TamperedObjectException(where + ": blob " + blobId + ": " + e.getMessage(), e);
        }
        if (!keys.blobId(plain, 0, plain.length).equals(blobId)) {
            throw new CorruptBlobException(
                    where + ": blob " + blobId + " does not hold the bytes its id names; nothing written");
        }
        return plain;
    }

    /** The entries of a pack's own index (its trailer), authenticated. */
    public List<ChunkRef> packIndex(String packKey, byte[] pack) {
        if (pack.length < 4 + Envelope.OVERHEAD) {
            throw new TamperedObjectException(packKey + ": too short to be a pack");
        }
        int n = pack.length;
        int indexLength = ((pack[n - 4] & 0xFF) << 24)
                | ((pack[n - 3] & 0xFF) << 16)
                | ((pack[n - 2] & 0xFF) << 8)
                | (pack[n - 1] & 0xFF);
        if (indexLength < Envelope.OVERHEAD || indexLength > n - 4) {
            throw new TamperedObjectException(packKey + ": its index length is out of range");
        }
        byte[] plain =
                Envelope.open(pack, n - 4 - indexLength, indexLength, ObjectKind.PACK_INDEX, packKey, keys::dataKey);
        return IndexEntries.decode(plain, packKey);
    }

    /** Checks every blob of a pack (a verification): authenticates each and compares it with its id. Returns how many. */
    public int verifyPack(String packKey) {
        byte[] pack = readBounded(packKey);
        List<ChunkRef> entries = packIndex(packKey, pack);
        String packId = ObjectKeys.packIdOf(packKey);
        for (ChunkRef e : entries) {
            if (!e.pack().equals(packId) || e.offset() + e.length() > pack.length) {
                throw new TamperedObjectException(packKey + ": its index points outside of it");
            }
            openBlob(e.blob(), pack, (int) e.offset(), e.length(), e.size(), packKey);
        }
        return entries.size();
    }

    private byte[] readBounded(String key) {
        long size = store.stat(key)
                .orElseThrow(() -> new StoreException("cannot read " + key + ": NoSuchKey", "NoSuchKey", null))
                .size();
        if (size > MAX_OBJECT) {
            throw new TamperedObjectException(
                    key + ": " + size + " bytes, more than any object of this repository holds");
        }
        try (InputStream in = store.get(key)) {
            return in.readNBytes(MAX_OBJECT);
        } catch (IOException e) {
            throw new StoreException("cannot read " + key + ": " + e.getMessage(), e);
        }
    }

    /** Framed payloads of indexes and manifests carry their plain length (4 bytes) before the compression flag. */
    private static byte[] withPlainLength(byte[] framed, int plainLength) {
        byte[] out = new byte[framed.length + 4];
        out[0] = (byte) (plainLength >>> 24);
        out[1] = (byte) (plainLength >>> 16);
        out[2] = (byte) (plainLength >>> 8);
        out[3] = (byte) plainLength;
        System.arraycopy(framed, 0, out, 4, framed.length);
        return out;
    }

    private static byte[] unframe(byte[] plain, String key) {
        if (plain.length < 5) {
            throw new TamperedObjectException(key + ": a payload without its length");
        }
        int n = ((plain[0] & 0xFF) << 24) | ((plain[1] & 0xFF) << 16) | ((plain[2] & 0xFF) << 8) | (plain[3] & 0xFF);
        if (n < 0 || n > 8 * MAX_OBJECT) {
            throw new TamperedObjectException(key + ": a payload length out of range: " + n);
        }
        try {
            return Compression.unpack(java.util.Arrays.copyOfRange(plain, 4, plain.length), n);
        } catch (IllegalArgumentException e) {
            throw new TamperedObjectException(key + ": " + e.getMessage(), e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        uploads.shutdown();
    }
}
