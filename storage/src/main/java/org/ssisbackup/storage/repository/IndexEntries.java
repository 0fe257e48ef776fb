package org.ssisbackup.storage.repository;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.ssisbackup.contracts.ChunkRef;
import org.ssisbackup.storage.crypto.TamperedObjectException;

/**
 * Where blobs are, in a compact binary form (a pack's trailer and the per-job index objects): per blob its id (32
 * bytes), its pack (32), its offset (8), the length of its envelope (4) and its plain size (4).
 */
final class IndexEntries {
    static final int ENTRY = 32 + 32 + 8 + 4 + 4;
    /** More entries than any index may hold (a bounded read of a hostile object). */
    static final int MAX_ENTRIES = 50_000_000;

    static byte[] encode(List<ChunkRef> refs) {
        ByteBuffer b = ByteBuffer.allocate(4 + refs.size() * ENTRY);
        b.putInt(refs.size());
        HexFormat hex = HexFormat.of();
        for (ChunkRef r : refs) {
            b.put(hex.parseHex(r.blob()))
                    .put(hex.parseHex(r.pack()))
                    .putLong(r.offset())
                    .putInt(r.length())
                    .putInt(r.size());
        }
        return b.array();
    }

    static List<ChunkRef> decode(byte[] bytes, String what) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        if (bytes.length < 4) {
            throw new TamperedObjectException(what + ": an empty index");
        }
        int n = b.getInt();
        if (n < 0 || n > MAX_ENTRIES || (long) n * ENTRY != bytes.length - 4L) {
            throw new TamperedObjectException(what + ": an index whose size does not match its " + n + " entries");
        }
        HexFormat hex = HexFormat.of();
        List<ChunkRef> out = new ArrayList<>(n);
        byte[] id = new byte[32];
        byte[] pack = new byte[32];
        for (int i = 0; i < n; i++) {
            b.get(id).get(pack);
            try {
                out.add(new ChunkRef(hex.formatHex(id), hex.formatHex(pack), b.getLong(), b.getInt(), b.getInt()));
            } catch (IllegalArgumentException e) {
                throw new TamperedObjectException(what + ": entry " + i + " is out of range", e);
            }
        }
        return out;
    }

    private IndexEntries() {}
}
