package org.ssisbackup.testkit.msdb;

import static org.ssisbackup.testkit.msdb.SqlParser.simpleName;
import static org.ssisbackup.testkit.msdb.SqlParser.syntax;
import static org.ssisbackup.testkit.msdb.SqlParser.tokenize;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.ssisbackup.testkit.msdb.SqlParser.Cursor;
import org.ssisbackup.testkit.msdb.SqlParser.Kind;
import org.ssisbackup.testkit.msdb.SqlParser.Token;

/**
 * The T-SQL the stand-in understands: what a package-deployment backup tool sends to msdb, no more.
 * <ul>
 *   <li>{@code SELECT item [AS alias], ... [FROM [msdb.][dbo.]table [alias]] [WHERE col = value [AND ...]] [ORDER BY col [DESC], ...]}
 *       where an item is a column, {@code CAST(item AS type)}, {@code DATALENGTH(col)}, {@code @@VERSION},
 *       {@code SERVERPROPERTY('x')}, {@code DB_NAME()}, {@code SUSER_SNAME()}, {@code IS_ROLEMEMBER('r')},
 *       {@code IS_MEMBER('r')}, {@code OBJECT_ID('name')}, a literal or a parameter;</li>
 *   <li>{@code EXEC [msdb.][dbo.]sp_ssis_* args} (and the 2005 {@code sp_dts_*} names);</li>
 *   <li>{@code BACKUP DATABASE msdb TO DISK|URL = target [WITH option, ...]} and
 *       {@code RESTORE VERIFYONLY FROM DISK|URL = source [WITH CHECKSUM]} (see {@link NativeBackups});</li>
 *   <li>{@code EXEC SSISDB.catalog.get_project} and the SSISDB catalog views (see {@link SsisdbCatalog});</li>
 *   <li>{@code SET ...} options, accepted and ignored.</li>
 * </ul>
 * Anything else is answered with SQL Server's syntax error (102), so an agent that drifts from this dialect
 * fails loudly in tests instead of passing against behaviour SQL Server would not have.
 */
final class StandInSql {

    /** What one statement returned: an optional result set, a row count, a return status. */
    record Result(
            List<String> columnNames,
            List<SqlType> columnTypes,
            List<Object[]> rows,
            long rowCount,
            Integer returnStatus) {
        static Result rows(List<String> names, List<SqlType> types, List<Object[]> rows) {
            return new Result(names, types, rows, rows.size(), null);
        }

        static Result status(int status) {
            return new Result(null, null, null, 0, status);
        }

        boolean hasRows() {
            return columnNames != null;
        }
    }

    /** The session's view of the server: who is logged in, what they may do. */
    interface SessionContext {
        String user();

        boolean isRoleMember(String role);

        byte[] callerSid();
    }

    private final MsdbModel model;
    private final SessionContext session;
    private final MsdbProcedures procedures;

    StandInSql(MsdbModel model, SessionContext session) {
        this.model = model;
        this.session = session;
        this.procedures = new MsdbProcedures(model, session);
    }

    /** Runs a batch of statements; parameters are named ("@P0") as in sp_executesql. */
    List<Result> execute(String sql, Map<String, Object> params) {
        List<Token> tokens = tokenize(sql);
        List<Result> results = new ArrayList<>();
        Cursor c = new Cursor(tokens, params);
        while (!c.atEnd()) {
            if (c.accept(";")) {
                continue;
            }
            if (c.acceptKeyword("SELECT")) {
                results.add(select(c));
            } else if (c.acceptKeyword("EXEC") || c.acceptKeyword("EXECUTE")) {
                results.add(exec(c));
            } else if (c.acceptKeyword("BACKUP")) {
                results.add(backup(c));
            } else if (c.acceptKeyword("RESTORE")) {
                results.add(restoreVerifyOnly(c));
            } else if (c.acceptKeyword("SET")) {
                while (!c.atEnd() && !c.peekIs(";")) {
                    c.next();
                }
            } else {
                throw syntax(c.peek());
            }
        }
        return results;
    }

    /** Calls a procedure by name with named or positional arguments (an RPC that names the procedure). */
    Result call(String procName, List<Object> positional, Map<String, Object> named) {
        return procedures.call(simpleName(procName), positional, named);
    }

    // ---- SELECT ----

    private record Item(String name, SqlType type, Function<Map<String, Object>, Object> value) {}

    /** A select item whose type may depend on the table's columns, known only after FROM. */
    private interface ItemSource {
        Item bind(Map<String, SqlType> columns);
    }

    private Result select(Cursor c) {
        List<ItemSource> sources = new ArrayList<>();
        do {
            sources.add(selectItem(c));
        } while (c.accept(","));
        String table = null;
        if (c.acceptKeyword("FROM")) {
            table = simpleName(c.identifier());
            if (SqlAgent.TABLES.contains(table.toLowerCase(Locale.ROOT)) && !mayReadSqlAgent()) {
                throw new StandInSqlException(
                        229,
                        14,
                        "The SELECT permission was denied on the object '" + table
                                + "', database 'msdb', schema 'dbo'.");
            }
            if (!c.atEnd() && c.peek().isWord() && !SqlParser.isKeyword(c.peek().text())) {
                c.next(); // table alias
            }
        }
        Predicate<Map<String, Object>> where = r -> true;
        Map<String, SqlType> columns = table == null ? Map.of() : model.columnsOf(table);
        if (c.acceptKeyword("WHERE")) {
            where = condition(c, columns);
            while (c.acceptKeyword("AND")) {
                where = where.and(condition(c, columns));
            }
        }
        List<Map.Entry<String, Boolean>> order = new ArrayList<>();
        if (c.acceptKeyword("ORDER")) {
            c.expectKeyword("BY");
            do {
                String col = SqlParser.lastPart(c.identifier()).toLowerCase(Locale.ROOT);
                boolean desc = c.acceptKeyword("DESC");
                if (!desc) {
                    c.acceptKeyword("ASC");
                }
                order.add(Map.entry(col, desc));
            } while (c.accept(","));
        }
        List<Item> items = new ArrayList<>();
        for (ItemSource s : sources) {
            items.add(s.bind(columns));
        }
        List<Map<String, Object>> rows = table == null ? List.of(Map.of()) : model.select(table, where);
        if (!order.isEmpty()) {
            Comparator<Map<String, Object>> cmp = null;
            for (Map.Entry<String, Boolean> o : order) {
                Comparator<Map<String, Object>> one = Comparator.comparing(
                        r -> SqlValues.comparable(r.get(o.getKey())), Comparator.nullsFirst(Comparator.naturalOrder()));
                if (o.getValue()) {
                    one = one.reversed();
                }
                cmp = cmp == null ? one : cmp.thenComparing(one);
            }
            rows = new ArrayList<>(rows);
            rows.sort(cmp);
        }
        List<String> names = new ArrayList<>();
        List<SqlType> types = new ArrayList<>();
        for (Item i : items) {
            names.add(i.name());
            types.add(i.type());
        }
        List<Object[]> out = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            Object[] values = new Object[items.size()];
            for (int i = 0; i < items.size(); i++) {
                values[i] = items.get(i).value().apply(row);
            }
            out.add(values);
        }
        return Result.rows(names, types, out);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private ItemSource selectItem(Cursor c) {
        ItemSource expr = expression(c);
        String alias = null;
        if (c.acceptKeyword("AS")) {
            alias = c.next().unquoted();
        } else if (!c.atEnd()
                && c.peek().isWord()
                && !SqlParser.isKeyword(c.peek().text())) {
            alias = c.next().unquoted();
        }
        if (alias == null) {
            return expr;
        }
        String a = alias;
        return cols -> {
            Item i = expr.bind(cols);
            return new Item(a, i.type(), i.value());
        };
    }

    private ItemSource expression(Cursor c) {
        Token t = c.next();
        String word = t.text().toUpperCase(Locale.ROOT);
        if (t.kind() == Kind.SYSVAR && word.equals("@@VERSION")) {
            return constant("", SqlType.nvarchar(300), MsdbStandIn.VERSION_BANNER);
        }
        if (t.kind() == Kind.NUMBER) {
            return constant("", SqlType.INT, Integer.parseInt(t.text()));
        }
        if (t.kind() == Kind.STRING) {
            return constant("", SqlType.nvarchar(Math.max(1, t.text().length())), t.text());
        }
        if (t.kind() == Kind.PARAM) {
            Object v = c.param(t.text());
            return constant("", SqlValues.typeOf(v), v);
        }
        if (t.isWord() && c.peekIs("(")) {
            c.expect("(");
            switch (word) {
                case "CAST", "CONVERT" -> {
                    ItemSource inner = expression(c);
                    c.expectKeyword("AS");
                    SqlType type = typeName(c);
                    c.expect(")");
                    return cols -> {
                        Item i = inner.bind(cols);
                        return new Item(
                                i.name(),
                                type,
                                row -> SqlValues.convert(i.value().apply(row), type));
                    };
                }
                case "DATALENGTH" -> {
                    ItemSource inner = expression(c);
                    c.expect(")");
                    return cols -> {
                        Item i = inner.bind(cols);
                        return new Item(
                                "",
                                SqlType.BIGINT,
                                row -> SqlValues.dataLength(i.value().apply(row)));
                    };
                }
                case "SERVERPROPERTY" -> {
                    String prop = c.next().text();
                    c.expect(")");
                    return constant("", SqlType.nvarchar(128), MsdbStandIn.serverProperty(prop, model));
                }
                case "DB_NAME" -> {
                    c.expect(")");
                    return constant("", SqlType.nvarchar(128), "msdb");
                }
                case "SUSER_SNAME" -> {
                    if (c.accept(")")) {
                        return constant("", SqlType.nvarchar(128), session.user());
                    }
                    ItemSource sid = expression(c);
                    c.expect(")");
                    return cols -> {
                        Item i = sid.bind(cols);
                        return new Item(
                                "",
                                SqlType.nvarchar(128),
                                row -> i.value().apply(row) instanceof byte[] b ? model.loginName(b) : null);
                    };
                }
                case "IS_ROLEMEMBER", "IS_MEMBER" -> {
                    String role = c.next().text();
                    c.expect(")");
                    return constant("", SqlType.INT, session.isRoleMember(role) ? 1 : 0);
                }
                case "OBJECT_ID" -> {
                    String name = c.next().text();
                    c.expect(")");
                    String simple = simpleName(name);
                    boolean exists = simple.equals(model.packagesTable()) || simple.equals(model.foldersTable());
                    return constant("", SqlType.INT, exists ? simple.hashCode() & Integer.MAX_VALUE : null);
                }
                default ->
                    throw new StandInSqlException(
                            195, "'" + t.text() + "' is not a recognized built-in function name.");
            }
        }
        if (t.isWord()) {
            String column = SqlParser.lastPart(t.text()).toLowerCase(Locale.ROOT);
            return cols -> {
                SqlType type = cols.get(column);
                if (type == null) {
                    throw new StandInSqlException(207, "Invalid column name '" + column + "'.");
                }
                return new Item(column, type, row -> row.get(column));
            };
        }
        throw syntax(t);
    }

    /**
     * SELECT on SQL Server Agent's tables. On SQL Server an admin grants SELECT on them (or the login is sysadmin);
     * the stand-in takes membership of an Agent role or sysadmin for that grant.
     */
    private boolean mayReadSqlAgent() {
        return session.isRoleMember("sysadmin")
                || session.isRoleMember("SQLAgentReaderRole")
                || session.isRoleMember("SQLAgentOperatorRole");
    }

    private static ItemSource constant(String name, SqlType type, Object value) {
        return cols -> new Item(name, type, row -> value);
    }

    private SqlType typeName(Cursor c) {
        StringBuilder sb = new StringBuilder(c.next().text());
        if (c.accept("(")) {
            sb.append('(').append(c.next().text()).append(')');
            c.expect(")");
        }
        return SqlType.parse(sb.toString());
    }

    private Predicate<Map<String, Object>> condition(Cursor c, Map<String, SqlType> columns) {
        String column = SqlParser.lastPart(c.identifier()).toLowerCase(Locale.ROOT);
        SqlType type = columns.get(column);
        if (type == null) {
            throw new StandInSqlException(207, "Invalid column name '" + column + "'.");
        }
        if (c.acceptKeyword("IS")) {
            boolean not = c.acceptKeyword("NOT");
            c.expectKeyword("NULL");
            return r -> (r.get(column) == null) != not;
        }
        boolean equal;
        if (c.accept("=")) {
            equal = true;
        } else if (c.accept("<>")) {
            equal = false;
        } else {
            throw syntax(c.peek());
        }
        Token v = c.next();
        Object value = switch (v.kind()) {
            case PARAM -> c.param(v.text());
            case STRING -> v.text();
            case NUMBER -> Integer.parseInt(v.text());
            default -> throw syntax(v);
        };
        Object wanted = SqlValues.convert(value, type);
        return r -> SqlValues.sqlEquals(r.get(column), wanted) == equal;
    }

    // ---- BACKUP / RESTORE VERIFYONLY ----

    private Result backup(Cursor c) {
        c.expectKeyword("DATABASE");
        String database = c.identifier();
        c.expectKeyword("TO");
        String device = device(c);
        String target = c.stringOrParam();
        List<String> options = options(c);
        if (!session.isRoleMember("db_backupoperator")
                && !session.isRoleMember("db_owner")
                && !session.isRoleMember("sysadmin")) {
            throw new StandInSqlException(262, 14, "BACKUP DATABASE permission denied in database '" + database + "'.");
        }
        model.nativeBackups().backup(database, device, target, options);
        return Result.status(0);
    }

    private Result restoreVerifyOnly(Cursor c) {
        if (!c.acceptKeyword("VERIFYONLY")) {
            throw new StandInSqlException(
                    102, "the stand-in models RESTORE VERIFYONLY only (restoring msdb is an admin's manual step)");
        }
        c.expectKeyword("FROM");
        String device = device(c);
        String source = c.stringOrParam();
        options(c);
        model.nativeBackups().verify(device, source);
        return Result.status(0);
    }

    private static String device(Cursor c) {
        String device = c.identifier().toUpperCase(Locale.ROOT);
        if (!device.equals("DISK") && !device.equals("URL")) {
            throw new StandInSqlException(102, "Incorrect syntax near '" + device + "'.");
        }
        c.expect("=");
        return device;
    }

    /** WITH a, b = value, ...: the option names, upper case. */
    private static List<String> options(Cursor c) {
        List<String> options = new ArrayList<>();
        if (c.acceptKeyword("WITH")) {
            do {
                options.add(c.identifier().toUpperCase(Locale.ROOT));
                if (c.accept("=")) {
                    c.next();
                }
            } while (c.accept(","));
        }
        return options;
    }

    // ---- EXEC ----

    private Result exec(Cursor c) {
        String proc = simpleName(c.identifier());
        List<Object> positional = new ArrayList<>();
        Map<String, Object> named = new LinkedHashMap<>();
        if (!c.atEnd() && !c.peekIs(";")) {
            do {
                Token t = c.next();
                if (t.kind() == Kind.PARAM && c.accept("=")) {
                    named.put(t.text().toLowerCase(Locale.ROOT), argValue(c, c.next()));
                } else {
                    positional.add(argValue(c, t));
                }
                c.acceptKeyword("OUTPUT");
            } while (c.accept(","));
        }
        return procedures.call(proc, positional, named);
    }

    private static Object argValue(Cursor c, Token t) {
        return switch (t.kind()) {
            case PARAM -> c.param(t.text());
            case STRING -> t.text();
            case NUMBER -> Integer.parseInt(t.text());
            case WORD -> {
                if (t.text().equalsIgnoreCase("NULL")) yield null;
                if (t.text().toLowerCase(Locale.ROOT).startsWith("0x"))
                    yield HexFormat.of().parseHex(t.text().substring(2));
                throw syntax(t);
            }
            default -> throw syntax(t);
        };
    }
}
