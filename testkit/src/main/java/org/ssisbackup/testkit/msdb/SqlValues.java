package org.ssisbackup.testkit.msdb;

import java.time.LocalDateTime;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;

/** SQL Server's values as the stand-in holds them: conversions, comparisons under the CI collation, lengths and types. */
final class SqlValues {

    @SuppressWarnings({"rawtypes", "unchecked"})
    static Comparable comparable(Object v) {
        if (v instanceof byte[] b) {
            return HexFormat.of().formatHex(b);
        }
        if (v instanceof String s) {
            return s.toLowerCase(Locale.ROOT);
        }
        return (Comparable) v;
    }

    static boolean sqlEquals(Object a, Object b) {
        if (a == null || b == null) {
            return false;
        }
        if (a instanceof String sa && b instanceof String sb) {
            return sa.equalsIgnoreCase(sb); // the CI collation
        }
        if (a instanceof byte[] ba && b instanceof byte[] bb) {
            return java.util.Arrays.equals(ba, bb);
        }
        return a.equals(b);
    }

    static Object convert(Object v, SqlType type) {
        if (v == null) {
            return null;
        }
        return switch (type.kind()) {
            case UNIQUEIDENTIFIER -> {
                if (v instanceof UUID) yield v;
                try {
                    yield UUID.fromString(v.toString().trim().replace("{", "").replace("}", ""));
                } catch (IllegalArgumentException e) {
                    throw new StandInSqlException(
                            8169, "Conversion failed when converting from a character string to uniqueidentifier.");
                }
            }
            case NVARCHAR ->
                v instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_16LE) : v.toString();
            case VARBINARY ->
                v instanceof byte[] ? v : v.toString().getBytes(java.nio.charset.StandardCharsets.UTF_16LE);
            case INT ->
                v instanceof Boolean bo
                        ? (bo ? 1 : 0)
                        : v instanceof String str ? Integer.parseInt(str.trim()) : ((Number) v).intValue();
            case BIGINT -> v instanceof String str ? Long.parseLong(str.trim()) : ((Number) v).longValue();
            case BIT -> v instanceof Boolean ? v : ((Number) v).intValue() != 0;
            case DATETIME ->
                v instanceof LocalDateTime
                        ? v
                        : LocalDateTime.parse(v.toString().replace(' ', 'T'));
        };
    }

    static Object dataLength(Object v) {
        if (v == null) return null;
        if (v instanceof byte[] b) return (long) b.length;
        if (v instanceof String s) return (long) s.length() * 2;
        if (v instanceof UUID) return 16L;
        return 4L;
    }

    static SqlType typeOf(Object v) {
        if (v instanceof byte[]) return SqlType.varbinaryMax();
        if (v instanceof UUID) return SqlType.UNIQUEIDENTIFIER;
        if (v instanceof Integer) return SqlType.INT;
        if (v instanceof Long) return SqlType.BIGINT;
        if (v instanceof Boolean) return SqlType.BIT;
        if (v instanceof LocalDateTime) return SqlType.DATETIME;
        return SqlType.nvarcharMax();
    }

    private SqlValues() {}
}
