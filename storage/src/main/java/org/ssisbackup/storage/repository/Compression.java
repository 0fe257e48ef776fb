package org.ssisbackup.storage.repository;

import com.github.luben.zstd.Zstd;

/**
 * Compression before encryption: zstd (level {@value #LEVEL}), unless it saves too little (already compressed data,
 * random bytes), in which case the bytes are kept as they are. The first byte says which.
 */
final class Compression {
    static final int LEVEL = 3;
    static final byte RAW = 0;
    static final byte ZSTD = 1;
    /** Compressed output must be at most this share of the input to be kept. */
    private static final double WORTH_IT = 0.97;

    /** The framed payload: a flag byte, then the bytes (compressed or not). */
    static byte[] pack(byte[] data, int off, int len) {
        if (len >= 64) {
            byte[] out = new byte[(int) Zstd.compressBound(len) + 1];
            long n = Zstd.compressByteArray(out, 1, out.length - 1, data, off, len, LEVEL);
            if (!Zstd.isError(n) && n < len * WORTH_IT) {
                out[0] = ZSTD;
                return java.util.Arrays.copyOf(out, (int) n + 1);
            }
        }
        byte[] raw = new byte[len + 1];
        raw[0] = RAW;
        System.arraycopy(data, off, raw, 1, len);
        return raw;
    }

    static byte[] unpack(byte[] framed, int plainLength) {
        if (framed.length == 0) {
            throw new IllegalArgumentException("empty payload");
        }
        if (framed[0] == RAW) {
            return java.util.Arrays.copyOfRange(framed, 1, framed.length);
        }
        if (framed[0] != ZSTD) {
            throw new IllegalArgumentException("unknown compression " + framed[0]);
        }
        byte[] out = new byte[plainLength];
        long n = Zstd.decompressByteArray(out, 0, plainLength, framed, 1, framed.length - 1);
        if (Zstd.isError(n) || n != plainLength) {
            throw new IllegalArgumentException("compressed payload does not expand to " + plainLength + " bytes");
        }
        return out;
    }

    private Compression() {}
}
