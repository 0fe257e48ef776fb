package org.ssisbackup.testkit.msdb;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;

/** Decoders for the client messages the stand-in understands: LOGIN7, SQL batch, RPC (MS-TDS 2.2.6). */
final class TdsRequest {

    record Login(String user, String password, String database, String appName) {
        @Override
        public String toString() { // never print the password
            return "Login[user=" + user + ", database=" + database + ", app=" + appName + "]";
        }
    }

    record RpcParam(String name, boolean output, Object value) {}

    /** A remote procedure call: either a name ("sp_ssis_putpackage") or a well-known id (10 = sp_executesql). */
    record Rpc(String procName, int procId, List<RpcParam> params) {}

    static Login parseLogin(byte[] p) {
        ByteBuffer b = ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN);
        String user = str(b, 40);
        String password = decodePassword(p, b.getShort(44) & 0xFFFF, b.getShort(46) & 0xFFFF);
        String app = str(b, 48);
        String database = str(b, 68);
        return new Login(user, password, database, app);
    }

    private static String str(ByteBuffer b, int at) {
        int off = b.getShort(at) & 0xFFFF;
        int len = b.getShort(at + 2) & 0xFFFF;
        return new String(b.array(), b.arrayOffset() + off, len * 2, StandardCharsets.UTF_16LE);
    }

    /** LOGIN7 scrambles the password: each byte had its nibbles swapped, then XOR 0xA5. */
    private static String decodePassword(byte[] p, int off, int chars) {
        byte[] out = new byte[chars * 2];
        for (int i = 0; i < out.length; i++) {
            int v = (p[off + i] & 0xFF) ^ 0xA5;
            out[i] = (byte) (((v & 0x0F) << 4) | ((v & 0xF0) >>> 4));
        }
        return new String(out, StandardCharsets.UTF_16LE);
    }

    static String parseSqlBatch(byte[] p) {
        int headers = allHeadersLength(p);
        return new String(p, headers, p.length - headers, StandardCharsets.UTF_16LE);
    }

    private static int allHeadersLength(byte[] p) {
        if (p.length < 4) {
            return 0;
        }
        int total = ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        return total >= 4 && total <= p.length ? total : 0;
    }

    static Rpc parseRpc(byte[] p) {
        ByteBuffer b = ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN);
        b.position(allHeadersLength(p));
        int nameLen = b.getShort() & 0xFFFF;
        String name = null;
        int procId = 0;
        if (nameLen == 0xFFFF) {
            procId = b.getShort() & 0xFFFF;
        } else {
            name = chars(b, nameLen);
        }
        b.getShort(); // option flags
        List<RpcParam> params = new ArrayList<>();
        while (b.hasRemaining()) {
            int marker = b.get(b.position()) & 0xFF;
            if (marker == 0x80 || marker == 0xFF || marker == 0xFE) {
                break; // batch separator: the stand-in handles one RPC per request
            }
            String pname = chars(b, b.get() & 0xFF);
            int status = b.get() & 0xFF;
            Object value = readTypedValue(b);
            params.add(new RpcParam(pname, (status & 0x01) != 0, value));
        }
        return new Rpc(name, procId, params);
    }

    private static String chars(ByteBuffer b, int n) {
        byte[] raw = new byte[n * 2];
        b.get(raw);
        return new String(raw, StandardCharsets.UTF_16LE);
    }

    /** Reads a TYPE_INFO and the value after it; returns String, byte[], Integer, Long, Boolean, UUID, LocalDateTime or null. */
    private static Object readTypedValue(ByteBuffer b) {
        int type = b.get() & 0xFF;
        switch (type) {
            case 0xE7, 0xA7, 0xEF, 0xAF -> { // NVARCHAR, BIGVARCHAR, NCHAR, BIGCHAR
                int max = b.getShort() & 0xFFFF;
                b.position(b.position() + 5); // collation
                byte[] data = max == 0xFFFF ? readPlp(b) : readUShortLen(b);
                if (data == null) return null;
                return (type == 0xE7 || type == 0xEF)
                        ? new String(data, StandardCharsets.UTF_16LE)
                        : new String(data, StandardCharsets.ISO_8859_1);
            }
            case 0xA5, 0xAD -> { // BIGVARBINARY, BIGBINARY
                int max = b.getShort() & 0xFFFF;
                return max == 0xFFFF ? readPlp(b) : readUShortLen(b);
            }
            case 0x22 -> { // IMAGE (legacy LOB): 4-byte max length, then a 4-byte length
                b.getInt();
                int len = b.getInt();
                if (len < 0) return null;
                byte[] data = new byte[len];
                b.get(data);
                return data;
            }
            case 0x26 -> { // INTN
                b.get();
                int len = b.get() & 0xFF;
                return switch (len) {
                    case 0 -> null;
                    case 1 -> (int) (b.get() & 0xFF);
                    case 2 -> (int) b.getShort();
                    case 4 -> b.getInt();
                    default -> b.getLong();
                };
            }
            case 0x68 -> { // BITN
                b.get();
                int len = b.get() & 0xFF;
                return len == 0 ? null : b.get() != 0;
            }
            case 0x24 -> { // GUID
                b.get();
                int len = b.get() & 0xFF;
                if (len == 0) return null;
                byte[] g = new byte[16];
                b.get(g);
                return SqlType.uuidFromGuidBytes(g);
            }
            case 0x6F -> { // DATETIMN
                b.get();
                int len = b.get() & 0xFF;
                if (len == 0) return null;
                int days = b.getInt();
                long ticks = b.getInt() & 0xFFFFFFFFL;
                return LocalDateTime.of(1900, 1, 1, 0, 0)
                        .plusDays(days)
                        .plusNanos(Math.round(ticks * 1_000_000_000.0 / 300));
            }
            case 0x2A -> { // DATETIME2N: scale, then time (3-5 bytes) and date (3 bytes)
                int scale = b.get() & 0xFF;
                int len = b.get() & 0xFF;
                if (len == 0) return null;
                int timeLen = len - 3;
                long units = 0;
                for (int i = 0; i < timeLen; i++) units |= (long) (b.get() & 0xFF) << (8 * i);
                int days = (b.get() & 0xFF) | (b.get() & 0xFF) << 8 | (b.get() & 0xFF) << 16;
                long nanos = units * (long) Math.pow(10, 9 - scale);
                return LocalDateTime.of(LocalDate.of(1, 1, 1).plusDays(days), LocalTime.ofNanoOfDay(nanos));
            }
            case 0x6D -> { // FLTN
                b.get();
                int len = b.get() & 0xFF;
                if (len == 0) return null;
                return len == 4 ? (double) b.getFloat() : b.getDouble();
            }
            case 0x6A, 0x6C -> { // DECIMALN, NUMERICN: only whole numbers matter here
                b.get();
                b.get();
                int scale = b.get() & 0xFF;
                int len = b.get() & 0xFF;
                if (len == 0) return null;
                int sign = b.get();
                byte[] mag = new byte[len - 1];
                b.get(mag);
                java.math.BigInteger v = java.math.BigInteger.ZERO;
                for (int i = mag.length - 1; i >= 0; i--)
                    v = v.shiftLeft(8).or(java.math.BigInteger.valueOf(mag[i] & 0xFF));
                java.math.BigDecimal d = new java.math.BigDecimal(v, scale);
                return sign == 1 ? d : d.negate();
            }
            default ->
                throw new StandInSqlException(
                        8009,
                        "parameter type 0x" + Integer.toHexString(type) + " is not modelled by the msdb stand-in");
        }
    }

    private static byte[] readUShortLen(ByteBuffer b) {
        int len = b.getShort() & 0xFFFF;
        if (len == 0xFFFF) return null;
        byte[] data = new byte[len];
        b.get(data);
        return data;
    }

    private static byte[] readPlp(ByteBuffer b) {
        long total = b.getLong();
        if (total == -1L) return null;
        java.io.ByteArrayOutputStream out =
                new java.io.ByteArrayOutputStream(total > 0 ? (int) Math.min(total, 1 << 24) : 256);
        while (true) {
            int chunk = b.getInt();
            if (chunk == 0) break;
            byte[] data = new byte[chunk];
            b.get(data);
            out.write(data, 0, chunk);
        }
        return out.toByteArray();
    }

    private TdsRequest() {}
}
