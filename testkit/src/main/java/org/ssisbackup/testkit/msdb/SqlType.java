package org.ssisbackup.testkit.msdb;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.UUID;

/**
 * The SQL Server column types the msdb stand-in can return, with their TDS TYPE_INFO and value encodings
 * (MS-TDS 2.2.5.4 and 2.2.5.5). Only the nullable ("N") variants are used, as SQL Server itself does for
 * nullable columns and as mssql-jdbc accepts for all columns.
 */
public record SqlType(Kind kind, int length) {

    public enum Kind {
        NVARCHAR,
        VARBINARY,
        UNIQUEIDENTIFIER,
        INT,
        BIGINT,
        BIT,
        DATETIME
    }

    /** TDS "max" length marker: the value is sent as a partially length-prefixed (PLP) stream. */
    static final int MAX = 0xFFFF;

    /** SQL_Latin1_General_CP1_CI_AS, the collation the stand-in reports. */
    static final byte[] COLLATION = {0x09, 0x04, (byte) 0xD0, 0x00, 0x34};

    public static SqlType nvarchar(int chars) {
        return new SqlType(Kind.NVARCHAR, chars);
    }

    public static SqlType nvarcharMax() {
        return new SqlType(Kind.NVARCHAR, MAX);
    }

    public static SqlType varbinary(int bytes) {
        return new SqlType(Kind.VARBINARY, bytes);
    }

    public static SqlType varbinaryMax() {
        return new SqlType(Kind.VARBINARY, MAX);
    }

    public static final SqlType UNIQUEIDENTIFIER = new SqlType(Kind.UNIQUEIDENTIFIER, 16);
    public static final SqlType INT = new SqlType(Kind.INT, 4);
    public static final SqlType BIGINT = new SqlType(Kind.BIGINT, 8);
    public static final SqlType BIT = new SqlType(Kind.BIT, 1);
    public static final SqlType DATETIME = new SqlType(Kind.DATETIME, 8);

    /** Parses a type name as written in CAST(... AS type): varbinary(max), nvarchar(128), int, ... */
    public static SqlType parse(String text) {
        String t = text.toLowerCase(Locale.ROOT).replace(" ", "");
        if (t.equals("varbinary(max)") || t.equals("image")) return varbinaryMax();
        if (t.equals("nvarchar(max)") || t.equals("ntext")) return nvarcharMax();
        if (t.startsWith("varbinary(")) return varbinary(Integer.parseInt(t.substring(10, t.length() - 1)));
        if (t.startsWith("nvarchar(")) return nvarchar(Integer.parseInt(t.substring(9, t.length() - 1)));
        if (t.startsWith("varchar(")) return nvarchar(Integer.parseInt(t.substring(8, t.length() - 1)));
        if (t.equals("sysname")) return nvarchar(128);
        return switch (t) {
            case "int" -> INT;
            case "bigint" -> BIGINT;
            case "bit" -> BIT;
            case "datetime" -> DATETIME;
            case "uniqueidentifier" -> UNIQUEIDENTIFIER;
            default -> throw new StandInSqlException(102, "type not modelled by the msdb stand-in: " + text);
        };
    }

    boolean isPlp() {
        return (kind == Kind.NVARCHAR || kind == Kind.VARBINARY) && length == MAX;
    }

    /** Writes TYPE_INFO for COLMETADATA / RETURNVALUE. */
    void writeTypeInfo(TdsBuffer out) {
        switch (kind) {
            case NVARCHAR -> {
                out.u8(0xE7);
                out.u16(length == MAX ? MAX : length * 2);
                out.bytes(COLLATION);
            }
            case VARBINARY -> {
                out.u8(0xA5);
                out.u16(length);
            }
            case UNIQUEIDENTIFIER -> {
                out.u8(0x24);
                out.u8(16);
            }
            case INT -> {
                out.u8(0x26);
                out.u8(4);
            }
            case BIGINT -> {
                out.u8(0x26);
                out.u8(8);
            }
            case BIT -> {
                out.u8(0x68);
                out.u8(1);
            }
            case DATETIME -> {
                out.u8(0x6F);
                out.u8(8);
            }
        }
    }

    /** Writes one value (possibly null) in this type's row encoding. */
    void writeValue(TdsBuffer out, Object value) {
        switch (kind) {
            case NVARCHAR ->
                writeVariable(out, value == null ? null : value.toString().getBytes(StandardCharsets.UTF_16LE));
            case VARBINARY -> writeVariable(out, (byte[]) value);
            case UNIQUEIDENTIFIER -> {
                if (value == null) {
                    out.u8(0);
                    return;
                }
                out.u8(16);
                out.bytes(guidBytes(value instanceof UUID u ? u : UUID.fromString(value.toString())));
            }
            case INT -> {
                if (value == null) {
                    out.u8(0);
                    return;
                }
                out.u8(4);
                out.i32(((Number) value).intValue());
            }
            case BIGINT -> {
                if (value == null) {
                    out.u8(0);
                    return;
                }
                out.u8(8);
                out.i64(((Number) value).longValue());
            }
            case BIT -> {
                if (value == null) {
                    out.u8(0);
                    return;
                }
                out.u8(1);
                out.u8(Boolean.TRUE.equals(value) || (value instanceof Number n && n.intValue() != 0) ? 1 : 0);
            }
            case DATETIME -> {
                if (value == null) {
                    out.u8(0);
                    return;
                }
                LocalDateTime t = (LocalDateTime) value;
                LocalDateTime base = LocalDateTime.of(1900, 1, 1, 0, 0);
                long days = ChronoUnit.DAYS.between(base.toLocalDate(), t.toLocalDate());
                long nanosOfDay = t.toLocalTime().toNanoOfDay();
                long ticks = Math.round(nanosOfDay * 300.0 / 1_000_000_000L);
                out.u8(8);
                out.i32((int) days);
                out.i32((int) ticks);
            }
        }
    }

    private void writeVariable(TdsBuffer out, byte[] data) {
        if (isPlp()) {
            if (data == null) {
                out.i64(-1L); // PLP_NULL
                return;
            }
            out.i64(data.length);
            int chunk = 8000;
            for (int off = 0; off < data.length; off += chunk) {
                int n = Math.min(chunk, data.length - off);
                out.i32(n);
                out.bytes(data, off, n);
            }
            out.i32(0); // PLP terminator
        } else {
            if (data == null) {
                out.u16(0xFFFF); // CHARBIN_NULL
                return;
            }
            out.u16(data.length);
            out.bytes(data);
        }
    }

    /** SQL Server's GUID byte order: the first three groups little-endian, the last eight bytes as written. */
    static byte[] guidBytes(UUID uuid) {
        byte[] be = new byte[16];
        long msb = uuid.getMostSignificantBits();
        long lsb = uuid.getLeastSignificantBits();
        for (int i = 0; i < 8; i++) {
            be[i] = (byte) (msb >>> (56 - 8 * i));
            be[8 + i] = (byte) (lsb >>> (56 - 8 * i));
        }
        return new byte[] {
            be[3], be[2], be[1], be[0], be[5], be[4], be[7], be[6], be[8], be[9], be[10], be[11], be[12], be[13],
            be[14], be[15]
        };
    }

    static UUID uuidFromGuidBytes(byte[] g) {
        byte[] be = {
            g[3], g[2], g[1], g[0], g[5], g[4], g[7], g[6], g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15]
        };
        long msb = 0;
        long lsb = 0;
        for (int i = 0; i < 8; i++) {
            msb = (msb << 8) | (be[i] & 0xFF);
            lsb = (lsb << 8) | (be[8 + i] & 0xFF);
        }
        return new UUID(msb, lsb);
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(Locale.ROOT)
                + (kind == Kind.NVARCHAR || kind == Kind.VARBINARY ? "(" + (length == MAX ? "max" : length) + ")" : "");
    }

    /** Little-endian byte buffer for building TDS token streams. */
    static final class TdsBuffer extends ByteArrayOutputStream {
        TdsBuffer u8(int v) {
            write(v & 0xFF);
            return this;
        }

        TdsBuffer u16(int v) {
            write(v & 0xFF);
            write((v >>> 8) & 0xFF);
            return this;
        }

        TdsBuffer i32(int v) {
            u16(v & 0xFFFF);
            u16(v >>> 16);
            return this;
        }

        TdsBuffer i64(long v) {
            i32((int) v);
            i32((int) (v >>> 32));
            return this;
        }

        TdsBuffer bytes(byte[] b) {
            write(b, 0, b.length);
            return this;
        }

        TdsBuffer bytes(byte[] b, int off, int len) {
            write(b, off, len);
            return this;
        }
        /** B_VARCHAR: a one-byte character count, then UTF-16LE. */
        TdsBuffer bVarchar(String s) {
            u8(s.length());
            return bytes(s.getBytes(StandardCharsets.UTF_16LE));
        }
        /** US_VARCHAR: a two-byte character count, then UTF-16LE. */
        TdsBuffer usVarchar(String s) {
            u16(s.length());
            return bytes(s.getBytes(StandardCharsets.UTF_16LE));
        }
    }
}
