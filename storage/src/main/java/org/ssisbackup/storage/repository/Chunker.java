package org.ssisbackup.storage.repository;

import java.io.IOException;
import java.io.InputStream;

/**
 * Content-defined chunking (FastCDC with normalized chunking): a gear hash rolls over the bytes, and a chunk ends where
 * its top bits are zero, with a stricter mask before the average size and a looser one after, so sizes cluster around
 * the average. A change inside a file moves the boundaries near it only: the other chunks, and their stored blobs,
 * stay the same. Chunks are at least {@value #MIN} bytes (the last one of a file may be shorter) and at most
 * {@value #MAX}; the average is about {@value #AVG}.
 */
public final class Chunker {
    public static final int MIN = 64 * 1024;
    public static final int AVG = 256 * 1024;
    public static final int MAX = 1024 * 1024;
    /** 20 bits before the average (harder to end a chunk), 16 after (easier). */
    private static final long MASK_S = 0xFFFFF00000000000L;

    private static final long MASK_L = 0xFFFF000000000000L;

    private final long[] gear;
    private final InputStream in;
    private final byte[] buf = new byte[MAX * 2];
    private int start;
    private int end;
    private boolean eof;

    public Chunker(ScopeKeys keys, InputStream in) {
        this.gear = keys.gear();
        this.in = in;
    }

    /** A chunk: a view of the chunker's buffer, valid until the next call. */
    public static final class Chunk {
        private final byte[] buffer;
        private final int offset;
        private final int length;

        Chunk(byte[] buffer, int offset, int length) {
            this.buffer = buffer;
            this.offset = offset;
            this.length = length;
        }

        public byte[] buffer() {
            return buffer;
        }

        public int offset() {
            return offset;
        }

        public int length() {
            return length;
        }
    }

    /** The next chunk, or null at the end of the stream. */
    public Chunk next() throws IOException {
        fill();
        int available = end - start;
        if (available == 0) {
            return null;
        }
        int cut = cut(buf, start, available);
        Chunk c = new Chunk(buf, start, cut);
        start += cut;
        return c;
    }

    /** Keeps at least {@link #MAX} bytes after {@code start} in the buffer, unless the stream ends first. */
    private void fill() throws IOException {
        if (end - start >= MAX || eof) {
            return;
        }
        if (start > 0) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
        }
        while (end < buf.length && end - start < MAX) {
            int n = in.read(buf, end, buf.length - end);
            if (n < 0) {
                eof = true;
                return;
            }
            end += n;
        }
    }

    /** Where the chunk that starts at {@code off} ends (its length). */
    int cut(byte[] b, int off, int len) {
        if (len <= MIN) {
            return len;
        }
        int limit = Math.min(len, MAX);
        int normal = Math.min(limit, AVG);
        long fp = 0;
        int i = MIN;
        for (; i < normal; i++) {
            fp = (fp << 1) + gear[b[off + i] & 0xFF];
            if ((fp & MASK_S) == 0) {
                return i + 1;
            }
        }
        for (; i < limit; i++) {
            fp = (fp << 1) + gear[b[off + i] & 0xFF];
            if ((fp & MASK_L) == 0) {
                return i + 1;
            }
        }
        return limit;
    }
}
