package org.ssisbackup.testsupport.msdb;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;

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
    record Result(List<String> columnNames, List<SqlType> columnTypes, List<Object[]> rows, long rowCount,
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

    StandInSql(MsdbModel model, SessionContext session) {
        this.model = model;
        this.session = session;
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
        return procedure(simpleName(procName), positional, named);
    }

    // ---- SELECT ----

    private record Item(String name, SqlType type, Function<Map<String, Object>, Object> value) {
    }

    private Result select(Cursor c) {
        List<ItemSource> sources = new ArrayList<>();
        do {
            sources.add(selectItem(c));
        } while (c.accept(","));
        String table = null;
        if (c.acceptKeyword("FROM")) {
            table = simpleName(c.identifier());
            if (!c.atEnd() && c.peek().isWord() && !isKeyword(c.peek().text)) {
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
                String col = lastPart(c.identifier()).toLowerCase(Locale.ROOT);
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
                Comparator<Map<String, Object>> one = Comparator.comparing(r -> comparable(r.get(o.getKey())),
                        Comparator.nullsFirst(Comparator.naturalOrder()));
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
    private static Comparable comparable(Object v) {
        if (v instanceof byte[] b) {
            return HexFormat.of().formatHex(b);
        }
        if (v instanceof String s) {
            return s.toLowerCase(Locale.ROOT);
        }
        return (Comparable) v;
    }

    /** A select item whose type may depend on the table's columns, known only after FROM. */
    private interface ItemSource {
        Item bind(Map<String, SqlType> columns);
    }

    private ItemSource selectItem(Cursor c) {
        ItemSource expr = expression(c);
        String alias = null;
        if (c.acceptKeyword("AS")) {
            alias = c.next().unquoted();
        } else if (!c.atEnd() && c.peek().isWord() && !isKeyword(c.peek().text)) {
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
        String word = t.text.toUpperCase(Locale.ROOT);
        if (t.kind == Kind.SYSVAR && word.equals("@@VERSION")) {
            return constant("", SqlType.nvarchar(300), MsdbStandIn.VERSION_BANNER);
        }
        if (t.kind == Kind.NUMBER) {
            return constant("", SqlType.INT, Integer.parseInt(t.text));
        }
        if (t.kind == Kind.STRING) {
            return constant("", SqlType.nvarchar(Math.max(1, t.text.length())), t.text);
        }
        if (t.kind == Kind.PARAM) {
            Object v = c.param(t.text);
            return constant("", typeOf(v), v);
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
                        return new Item(i.name(), type, row -> convert(i.value().apply(row), type));
                    };
                }
                case "DATALENGTH" -> {
                    ItemSource inner = expression(c);
                    c.expect(")");
                    return cols -> {
                        Item i = inner.bind(cols);
                        return new Item("", SqlType.BIGINT, row -> dataLength(i.value().apply(row)));
                    };
                }
                case "SERVERPROPERTY" -> {
                    String prop = c.next().text;
                    c.expect(")");
                    return constant("", SqlType.nvarchar(128), MsdbStandIn.serverProperty(prop, model));
                }
                case "DB_NAME" -> {
                    c.expect(")");
                    return constant("", SqlType.nvarchar(128), "msdb");
                }
                case "SUSER_SNAME" -> {
                    c.expect(")");
                    return constant("", SqlType.nvarchar(128), session.user());
                }
                case "IS_ROLEMEMBER", "IS_MEMBER" -> {
                    String role = c.next().text;
                    c.expect(")");
                    return constant("", SqlType.INT, session.isRoleMember(role) ? 1 : 0);
                }
                case "OBJECT_ID" -> {
                    String name = c.next().text;
                    c.expect(")");
                    String simple = simpleName(name);
                    boolean exists = simple.equals(model.packagesTable()) || simple.equals(model.foldersTable());
                    return constant("", SqlType.INT, exists ? Math.abs(simple.hashCode()) : null);
                }
                default -> throw new StandInSqlException(195, "'" + t.text + "' is not a recognized built-in function name.");
            }
        }
        if (t.isWord()) {
            String column = lastPart(t.text).toLowerCase(Locale.ROOT);
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

    private static ItemSource constant(String name, SqlType type, Object value) {
        return cols -> new Item(name, type, row -> value);
    }

    private SqlType typeName(Cursor c) {
        StringBuilder sb = new StringBuilder(c.next().text);
        if (c.accept("(")) {
            sb.append('(').append(c.next().text).append(')');
            c.expect(")");
        }
        return SqlType.parse(sb.toString());
    }

    private Predicate<Map<String, Object>> condition(Cursor c, Map<String, SqlType> columns) {
        String column = lastPart(c.identifier()).toLowerCase(Locale.ROOT);
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
        Object value = switch (v.kind) {
            case PARAM -> c.param(v.text);
            case STRING -> v.text;
            case NUMBER -> Integer.parseInt(v.text);
            default -> throw syntax(v);
        };
        Object wanted = convert(value, type);
        return r -> sqlEquals(r.get(column), wanted) == equal;
    }

    private static boolean sqlEquals(Object a, Object b) {
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
                    throw new StandInSqlException(8169, "Conversion failed when converting from a character string to uniqueidentifier.");
                }
            }
            case NVARCHAR -> v instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_16LE) : v.toString();
            case VARBINARY -> v instanceof byte[] ? v : v.toString().getBytes(java.nio.charset.StandardCharsets.UTF_16LE);
            case INT -> v instanceof Boolean bo ? (bo ? 1 : 0) : v instanceof String str ? Integer.parseInt(str.trim()) : ((Number) v).intValue();
            case BIGINT -> v instanceof String str ? Long.parseLong(str.trim()) : ((Number) v).longValue();
            case BIT -> v instanceof Boolean ? v : ((Number) v).intValue() != 0;
            case DATETIME -> v instanceof LocalDateTime ? v : LocalDateTime.parse(v.toString().replace(' ', 'T'));
        };
    }

    private static Object dataLength(Object v) {
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

    // ---- BACKUP / RESTORE VERIFYONLY ----

    private Result backup(Cursor c) {
        c.expectKeyword("DATABASE");
        String database = c.identifier();
        c.expectKeyword("TO");
        String device = device(c);
        String target = c.stringOrParam();
        List<String> options = options(c);
        if (!session.isRoleMember("db_backupoperator") && !session.isRoleMember("db_owner") && !session.isRoleMember("sysadmin")) {
            throw new StandInSqlException(262, 14, "BACKUP DATABASE permission denied in database '" + database + "'.");
        }
        model.nativeBackups().backup(database, device, target, options);
        return Result.status(0);
    }

    private Result restoreVerifyOnly(Cursor c) {
        if (!c.acceptKeyword("VERIFYONLY")) {
            throw new StandInSqlException(102, "the stand-in models RESTORE VERIFYONLY only (restoring msdb is an admin's manual step)");
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
                if (t.kind == Kind.PARAM && c.accept("=")) {
                    named.put(t.text.toLowerCase(Locale.ROOT), argValue(c, c.next()));
                } else {
                    positional.add(argValue(c, t));
                }
                c.acceptKeyword("OUTPUT");
            } while (c.accept(","));
        }
        return procedure(proc, positional, named);
    }

    private static Object argValue(Cursor c, Token t) {
        return switch (t.kind) {
            case PARAM -> c.param(t.text);
            case STRING -> t.text;
            case NUMBER -> Integer.parseInt(t.text);
            case WORD -> {
                if (t.text.equalsIgnoreCase("NULL")) yield null;
                if (t.text.toLowerCase(Locale.ROOT).startsWith("0x")) yield HexFormat.of().parseHex(t.text.substring(2));
                throw syntax(t);
            }
            default -> throw syntax(t);
        };
    }

    /** The procedures, with SQL Server's parameter order; arguments may be positional or named. */
    private Result procedure(String proc, List<Object> positional, Map<String, Object> named) {
        String p = proc.toLowerCase(Locale.ROOT);
        if (model.isSqlServer2005() && p.startsWith("sp_ssis_") || !model.isSqlServer2005() && p.startsWith("sp_dts_")) {
            throw new StandInSqlException(2812, "Could not find stored procedure '" + proc + "'.");
        }
        String op = p.replaceFirst("^sp_(ssis|dts)_", "");
        Args a;
        switch (op) {
            case "get_project" -> {
                a = new Args(positional, named, "folder_name", "project_name");
                byte[] ispac = model.ssisdb("catalog.get_project").getProject(a.string("folder_name"), a.string("project_name"));
                List<Object[]> rows = new ArrayList<>();
                rows.add(new Object[] {ispac});
                return Result.rows(List.of("project_stream"), List.of(SqlType.varbinaryMax()), rows);
            }
            case "create_folder" -> {
                requireRole("ssis_admin", proc);
                a = new Args(positional, named, "folder_name", "folder_id");
                model.ssisdb("catalog.create_folder").createFolder(a.string("folder_name"), "");
                return Result.status(0);
            }
            case "deploy_project" -> {
                requireRole("ssis_admin", proc);
                a = new Args(positional, named, "folder_name", "project_name", "project_stream", "operation_id");
                Object stream = a.raw("project_stream");
                model.ssisdb("catalog.deploy_project").deployProject(a.string("folder_name"), a.string("project_name"),
                        stream instanceof byte[] b ? b : null);
                return Result.status(0);
            }
            case "listfolders" -> {
                a = new Args(positional, named, "parentfolderid");
                UUID parent = a.uuid("parentfolderid");
                return folderRows(model.select(model.foldersTable(),
                        r -> java.util.Objects.equals(r.get("parentfolderid"), parent)));
            }
            case "getfolder" -> {
                a = new Args(positional, named, "name", "parentfolderid");
                UUID id = model.getFolder(a.uuid("parentfolderid"), a.string("name"));
                return folderRows(id == null ? List.of() : model.select(model.foldersTable(), r -> id.equals(r.get("folderid"))));
            }
            case "addfolder" -> {
                requireRole("db_ssisadmin", proc);
                a = new Args(positional, named, "parentfolderid", "name", "folderid");
                model.addFolder(a.uuid("parentfolderid"), a.string("name"), a.uuid("folderid"));
                return Result.status(0);
            }
            case "putpackage" -> {
                requireRole("db_ssisadmin", proc);
                a = new Args(positional, named, "name", "id", "description", "createdate", "folderid", "packagedata",
                        "packageformat", "packagetype", "vermajor", "verminor", "verbuild", "vercomments", "verid");
                Map<String, Object> values = new LinkedHashMap<>();
                for (String col : a.names) {
                    if (a.has(col)) {
                        values.put(col, convert(a.raw(col), MsdbModel.PACKAGE_COLUMNS.get(col)));
                    }
                }
                model.putPackage(values, session.callerSid());
                return Result.status(0);
            }
            case "setpackageroles" -> {
                requireRole("db_ssisadmin", proc);
                a = new Args(positional, named, "name", "folderid", "readrole", "writerole");
                model.setPackageRoles(a.string("name"), a.uuid("folderid"), a.optionalString("readrole"),
                        a.optionalString("writerole"));
                return Result.status(0);
            }
            case "getpackage" -> {
                a = new Args(positional, named, "name", "folderid");
                Map<String, Object> pkg = model.findPackage(a.string("name"), a.uuid("folderid"));
                List<Object[]> rows = new ArrayList<>();
                if (pkg != null) {
                    rows.add(new Object[] {pkg.get("packagedata")});
                }
                return Result.rows(List.of("packagedata"), List.of(SqlType.varbinaryMax()), rows);
            }
            case "checkexists" -> {
                a = new Args(positional, named, "name", "folderid");
                boolean exists = model.findPackage(a.string("name"), a.uuid("folderid")) != null;
                return Result.status(exists ? 1 : 0);
            }
            case "deletepackage" -> {
                requireRole("db_ssisadmin", proc);
                a = new Args(positional, named, "name", "folderid");
                model.deletePackage(a.string("name"), a.uuid("folderid"));
                return Result.status(0);
            }
            default -> throw new StandInSqlException(2812, "Could not find stored procedure '" + proc + "'.");
        }
    }

    private void requireRole(String role, String proc) {
        if (!session.isRoleMember(role)) {
            throw new StandInSqlException(229, 14, "The EXECUTE permission was denied on the object '" + proc
                    + "', database 'msdb', schema 'dbo'.");
        }
    }

    private static Result folderRows(List<Map<String, Object>> folders) {
        List<Object[]> rows = new ArrayList<>();
        for (Map<String, Object> f : folders) {
            rows.add(new Object[] {f.get("folderid"), f.get("parentfolderid"), f.get("foldername")});
        }
        return Result.rows(List.of("folderid", "parentfolderid", "foldername"),
                List.of(SqlType.UNIQUEIDENTIFIER, SqlType.UNIQUEIDENTIFIER, SqlType.nvarchar(128)), rows);
    }

    /** Procedure arguments by SQL Server's parameter order, positional or named ({@code @name = value}). */
    private static final class Args {
        final List<String> names;
        final Map<String, Object> values = new LinkedHashMap<>();

        Args(List<Object> positional, Map<String, Object> named, String... names) {
            this.names = List.of(names);
            for (int i = 0; i < positional.size() && i < names.length; i++) {
                values.put(names[i], positional.get(i));
            }
            named.forEach((k, v) -> values.put(k.replaceFirst("^@", ""), v));
        }

        boolean has(String name) {
            return values.containsKey(name);
        }

        Object raw(String name) {
            return values.get(name);
        }

        String string(String name) {
            Object v = values.get(name);
            if (v == null) {
                throw new StandInSqlException(201, "Procedure expects parameter '@" + name + "', which was not supplied.");
            }
            return v.toString();
        }

        String optionalString(String name) {
            Object v = values.get(name);
            return v == null ? null : v.toString();
        }

        UUID uuid(String name) {
            return (UUID) convert(values.get(name), SqlType.UNIQUEIDENTIFIER);
        }
    }

    // ---- tokens ----

    enum Kind { WORD, PARAM, SYSVAR, NUMBER, STRING, PUNCT }

    record Token(Kind kind, String text) {
        boolean isWord() {
            return kind == Kind.WORD;
        }

        String unquoted() {
            return text;
        }
    }

    private static final java.util.Set<String> KEYWORDS = java.util.Set.of("FROM", "WHERE", "AND", "ORDER", "BY", "AS",
            "ASC", "DESC", "IS", "NOT", "NULL", "SELECT", "EXEC", "EXECUTE", "SET", "OUTPUT", "BACKUP", "RESTORE", "WITH");

    private static boolean isKeyword(String word) {
        return KEYWORDS.contains(word.toUpperCase(Locale.ROOT));
    }

    static List<Token> tokenize(String sql) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char ch = sql.charAt(i);
            if (Character.isWhitespace(ch)) {
                i++;
            } else if (ch == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                while (i < n && sql.charAt(i) != '\n') i++;
            } else if (ch == '\'' || ((ch == 'N' || ch == 'n') && i + 1 < n && sql.charAt(i + 1) == '\'')) {
                if (ch != '\'') i++;
                StringBuilder sb = new StringBuilder();
                i++;
                while (true) {
                    if (i >= n) throw new StandInSqlException(105, "Unclosed quotation mark after the character string '" + sb + "'.");
                    char s = sql.charAt(i++);
                    if (s == '\'') {
                        if (i < n && sql.charAt(i) == '\'') {
                            sb.append('\'');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        sb.append(s);
                    }
                }
                out.add(new Token(Kind.STRING, sb.toString()));
            } else if (ch == '@') {
                int start = i;
                i++;
                if (i < n && sql.charAt(i) == '@') i++;
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_')) i++;
                String text = sql.substring(start, i);
                out.add(new Token(text.startsWith("@@") ? Kind.SYSVAR : Kind.PARAM, text));
            } else if (Character.isDigit(ch)) {
                int start = i;
                if (ch == '0' && i + 1 < n && (sql.charAt(i + 1) == 'x' || sql.charAt(i + 1) == 'X')) {
                    i += 2;
                    while (i < n && Character.digit(sql.charAt(i), 16) >= 0) i++;
                    out.add(new Token(Kind.WORD, sql.substring(start, i)));
                } else {
                    while (i < n && Character.isDigit(sql.charAt(i))) i++;
                    out.add(new Token(Kind.NUMBER, sql.substring(start, i)));
                }
            } else if (Character.isLetter(ch) || ch == '_' || ch == '[' || ch == '#') {
                // A possibly qualified, possibly bracketed name: [msdb].[dbo].[sysssispackages]
                StringBuilder sb = new StringBuilder();
                while (i < n) {
                    char w = sql.charAt(i);
                    if (w == '[') {
                        int close = sql.indexOf(']', i);
                        if (close < 0) throw new StandInSqlException(105, "Unclosed bracket in '" + sql.substring(i) + "'");
                        sb.append(sql, i + 1, close);
                        i = close + 1;
                    } else if (Character.isLetterOrDigit(w) || w == '_' || w == '#' || w == '$') {
                        sb.append(w);
                        i++;
                    } else if (w == '.') {
                        sb.append('.');
                        i++;
                    } else {
                        break;
                    }
                }
                out.add(new Token(Kind.WORD, sb.toString()));
            } else if (ch == '<' && i + 1 < n && sql.charAt(i + 1) == '>') {
                out.add(new Token(Kind.PUNCT, "<>"));
                i += 2;
            } else if ("(),=*;".indexOf(ch) >= 0) {
                out.add(new Token(Kind.PUNCT, String.valueOf(ch)));
                i++;
            } else {
                throw new StandInSqlException(102, "Incorrect syntax near '" + ch + "'.");
            }
        }
        return out;
    }

    static String simpleName(String qualified) {
        return lastPart(qualified).toLowerCase(Locale.ROOT);
    }

    private static String lastPart(String qualified) {
        int dot = qualified.lastIndexOf('.');
        return dot < 0 ? qualified : qualified.substring(dot + 1);
    }

    private static StandInSqlException syntax(Token t) {
        return new StandInSqlException(102, "Incorrect syntax near '" + (t == null ? "end of batch" : t.text) + "'.");
    }

    private static final class Cursor {
        private final List<Token> tokens;
        private final Map<String, Object> params;
        private int pos;

        Cursor(List<Token> tokens, Map<String, Object> params) {
            this.tokens = tokens;
            this.params = params;
        }

        boolean atEnd() {
            return pos >= tokens.size();
        }

        Token peek() {
            return atEnd() ? null : tokens.get(pos);
        }

        boolean peekIs(String punct) {
            Token t = peek();
            return t != null && t.kind == Kind.PUNCT && t.text.equals(punct);
        }

        Token next() {
            if (atEnd()) throw syntax(null);
            return tokens.get(pos++);
        }

        boolean accept(String punct) {
            if (peekIs(punct)) {
                pos++;
                return true;
            }
            return false;
        }

        void expect(String punct) {
            if (!accept(punct)) throw syntax(peek());
        }

        boolean acceptKeyword(String kw) {
            Token t = peek();
            if (t != null && t.kind == Kind.WORD && t.text.equalsIgnoreCase(kw)) {
                pos++;
                return true;
            }
            return false;
        }

        void expectKeyword(String kw) {
            if (!acceptKeyword(kw)) throw syntax(peek());
        }

        String stringOrParam() {
            Token t = next();
            return switch (t.kind) {
                case STRING -> t.text;
                case PARAM -> String.valueOf(param(t.text));
                default -> throw syntax(t);
            };
        }

        String identifier() {
            Token t = next();
            if (t.kind != Kind.WORD) throw syntax(t);
            return t.text;
        }

        Object param(String name) {
            String key = name.toLowerCase(Locale.ROOT);
            if (!params.containsKey(key)) {
                throw new StandInSqlException(137, "Must declare the scalar variable \"" + name + "\".");
            }
            return params.get(key);
        }
    }
}
