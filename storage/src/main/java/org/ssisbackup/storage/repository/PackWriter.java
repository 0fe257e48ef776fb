package org.ssisbackup.storage.repository;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import org.ssisbackup.contracts.ChunkRef;
import org.ssisbackup.contracts.ObjectKeys;
import org.ssisbackup.contracts.StoredObject;
import org.ssisbackup.storage.ObjectStore;
import org.ssisbackup.storage.StoreException;
import org.ssisbackup.storage.crypto.Envelope;
import org.ssisbackup.storage.crypto.ObjectKind;

/**
 * Gathers sealed blobs into packs of about {@value #TARGET} bytes and uploads each full pack in the background (at most
 * {@value #IN_FLIGHT} at once, so memory stays bounded), like restic's packer: a backup of many small packages costs a
 * few PUTs, not one per file. A pack ends with its own encrypted index and the index's length:
 *
 * <pre>
 * blob envelope | blob envelope | ... | index envelope | index length (4 bytes)
 * </pre>
 */
final class PackWriter {
    static final int TARGET = 16 * 1024 * 1024;
    static final int IN_FLIGHT = 3;

    private final ObjectStore store;
    private final ScopeKeys keys;
    private final ExecutorService uploads;
    private final Semaphore slots = new Semaphore(IN_FLIGHT);
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private final List<StoredObject> written = new ArrayList<>();
    private String packId;
    private PackBuffer current;
    private List<ChunkRef> entries;
    private long bytesUploaded;

    PackWriter(ObjectStore store, ScopeKeys keys, ExecutorService uploads) {
        this.store = store;
        this.keys = keys;
        this.uploads = uploads;
    }

    /** Appends a sealed blob; returns where it will be once its pack is uploaded. */
    synchronized ChunkRef add(String blobId, byte[] sealed, int plainSize) throws InterruptedException {
        rethrow();
        if (current == null) {
            packId = HexFormat.of().formatHex(ScopeKeyring.random(32));
            current = new PackBuffer(2 * sealed.length + 4096);
            entries = new ArrayList<>();
        }
        ChunkRef ref = new ChunkRef(blobId, packId, current.size(), sealed.length, plainSize);
        current.write(sealed, 0, sealed.length);
        entries.add(ref);
        if (current.size() >= TARGET) {
            seal();
        }
        return ref;
    }

    /** Uploads what is gathered and waits for every upload; the first failure is thrown. */
    synchronized void flush() throws InterruptedException {
        if (current != null) {
            seal();
        }
        slots.acquire(IN_FLIGHT); // every upload has ended
        slots.release(IN_FLIGHT);
        rethrow();
    }

    synchronized List<StoredObject> packsWritten() {
        return List.copyOf(written);
    }

    synchronized long bytesUploaded() {
        return bytesUploaded;
    }

    private void seal() throws InterruptedException {
        String key = ObjectKeys.pack(keys.scope(), packId);
        byte[] index = Envelope.seal(
                ObjectKind.PACK_INDEX, keys.activeKeyId(), keys.activeKey(), key, IndexEntries.encode(entries));
        current.write(index, 0, index.length);
        current.write(
                new byte[] {
                    (byte) (index.length >>> 24),
                    (byte) (index.length >>> 16),
                    (byte) (index.length >>> 8),
                    (byte) index.length
                },
                0,
                4);
        // Uploaded from the buffer itself: no copy of a 16 MiB pack (with three in flight, the copies were what
        // filled an agent's heap).
        byte[] bytes = current.buffer();
        int length = current.size();
        current = null;
        entries = null;
        written.add(new StoredObject(key, length));
        bytesUploaded += length;
        slots.acquire();
        try {
            uploads.execute(() -> {
                try {
                    store.put(key, new java.io.ByteArrayInputStream(bytes, 0, length), length);
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                } finally {
                    slots.release();
                }
            });
        } catch (RuntimeException e) {
            slots.release();
            throw e;
        }
    }

    /**
     * A pack's bytes as they are gathered. Unlike a ByteArrayOutputStream it never doubles past a full pack (which
     * made a 32 MiB array for every 16 MiB pack) and hands its array over without copying it.
     */
    private static final class PackBuffer {
        private static final int FULL = TARGET + Chunker.MAX + 64 * 1024;
        private byte[] buf;
        private int size;

        PackBuffer(int initial) {
            buf = new byte[Math.min(initial, FULL)];
        }

        void write(byte[] b, int off, int len) {
            int needed = size + len;
            if (needed > buf.length) {
                int grown = buf.length >= FULL ? needed : Math.min(Math.max(buf.length * 2, needed), FULL);
                buf = java.util.Arrays.copyOf(buf, Math.max(grown, needed));
            }
            System.arraycopy(b, off, buf, size, len);
            size = needed;
        }

        int size() {
            return size;
        }

        byte[] buffer() {
            return buf;
        }
    }

    private void rethrow() {
        RuntimeException e = failure.get();
        if (e != null) {
            throw e instanceof StoreException s ? s : new StoreException("a pack upload failed: " + e.getMessage(), e);
        }
    }
}
