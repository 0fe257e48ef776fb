package org.ssisbackup.msdbagent.capture;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.ssisbackup.agent.capture.CaptureContext;
import org.ssisbackup.contracts.ArtifactKind;
import org.ssisbackup.msdbagent.msdb.MsdbConnector;
import org.ssisbackup.ssis.PackageXml;
import org.ssisbackup.storage.StoreException;

/**
 * Exports the rows of the {@code [SSIS Configurations]} tables that packages use (configuration type 7) as CSV
 * artifacts, when the table is on this instance: its rows are the package's settings, and like .dtsConfig files
 * they are not in msdb. A table on another server, an unknown connection manager or an unreadable table is a
 * warning. The package names the table, so the name is checked against an identifier pattern before it goes
 * into SQL; the filter goes as a parameter. Values may be secrets: they go to the bucket, never to a log.
 */
final class ConfigurationTableExporter {
    static final String CSV_HEADER = "ConfigurationFilter,ConfiguredValue,PackagePath,ConfiguredValueType";
    private static final Pattern TABLE =
            Pattern.compile("^(\\[[^\\[\\]]+\\]|[A-Za-z_][\\w]*)(\\.(\\[[^\\[\\]]+\\]|[A-Za-z_][\\w]*))?$");
    private static final Set<String> LOCAL = Set.of(".", "(local)", "localhost", "127.0.0.1", "(localdb)");

    /** A package's type 7 configuration: "connection manager";"table";"filter". */
    record Use(String packagePath, String configurationString, List<PackageXml.ConnectionTarget> connections) {}

    private record Table(String database, String table, String filter) {
        String logicalPath() {
            return "sql:[" + database + "]." + table + "#" + filter;
        }
    }

    private final MsdbConnector connector;

    ConfigurationTableExporter(MsdbConnector connector) {
        this.connector = connector;
    }

    void export(Connection c, List<Use> uses, CaptureContext ctx) {
        if (uses.isEmpty()) {
            return;
        }
        Set<String> thisServer = serverNames(c);
        Map<Table, Set<String>> tables = new LinkedHashMap<>();
        for (Use use : uses) {
            locate(use, thisServer, ctx)
                    .ifPresent(t -> tables.computeIfAbsent(t, k -> new LinkedHashSet<>())
                            .add(use.packagePath()));
        }
        tables.forEach((table, packages) -> exportTable(c, table, packages, ctx));
    }

    private Optional<Table> locate(Use use, Set<String> thisServer, CaptureContext ctx) {
        List<String> parts = parts(use.configurationString());
        if (parts.size() < 3) {
            ctx.warn(use.packagePath(), "SQL Server configuration string not understood; its table was not exported");
            return Optional.empty();
        }
        String manager = parts.get(0);
        String table = parts.get(1).isEmpty() ? "[dbo].[SSIS Configurations]" : parts.get(1);
        Optional<PackageXml.ConnectionTarget> target = use.connections().stream()
                .filter(t -> t.name().equalsIgnoreCase(manager))
                .findFirst();
        if (target.isEmpty() || target.get().server() == null || target.get().database() == null) {
            ctx.warn(
                    use.packagePath(),
                    "configuration table " + table + ": connection manager '" + manager
                            + "' not found in the package or names no server and database; not exported");
            return Optional.empty();
        }
        String server = target.get().server().replaceFirst(",\\d+$", "").toLowerCase(Locale.ROOT);
        if (!LOCAL.contains(server) && !thisServer.contains(server)) {
            ctx.warn(
                    use.packagePath(),
                    "configuration table " + table + " is on server "
                            + target.get().server() + ", not this instance; not exported");
            return Optional.empty();
        }
        String database = target.get().database();
        java.util.regex.Matcher m = TABLE.matcher(table);
        if (!m.matches() || database.contains("]") || database.isBlank()) {
            ctx.warn(
                    use.packagePath(),
                    "configuration table name " + table + " in " + database
                            + " is not a plain identifier; not exported");
            return Optional.empty();
        }
        if (m.group(2) == null) {
            table = "[dbo]." + table; // a one-part name is in the default schema
        }
        return Optional.of(new Table(database, table, parts.get(2)));
    }

    private void exportTable(Connection c, Table t, Set<String> packages, CaptureContext ctx) {
        String sql = "SELECT ConfigurationFilter, ConfiguredValue, PackagePath, ConfiguredValueType FROM ["
                + t.database() + "]." + t.table() + " WHERE ConfigurationFilter = ?";
        StringBuilder csv = new StringBuilder(CSV_HEADER).append("\r\n");
        int rows = 0;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setQueryTimeout(connector.queryTimeoutSeconds());
            ps.setString(1, t.filter());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    csv.append(csv(rs.getString(1)))
                            .append(',')
                            .append(csv(rs.getString(2)))
                            .append(',')
                            .append(csv(rs.getString(3)))
                            .append(',')
                            .append(csv(rs.getString(4)))
                            .append("\r\n");
                    rows++;
                }
            }
        } catch (SQLException e) {
            packages.forEach(
                    p -> ctx.warn(p, "configuration table " + t.logicalPath() + " not readable: " + e.getMessage()));
            return;
        }
        try {
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("database", t.database());
            meta.put("table", t.table());
            meta.put("filter", t.filter());
            meta.put("rows", String.valueOf(rows));
            meta.put("referencedBy", String.join("; ", packages));
            ctx.store(
                    t.logicalPath(), ArtifactKind.CONFIG_TABLE, csv.toString().getBytes(StandardCharsets.UTF_8), meta);
        } catch (StoreException | java.io.IOException e) {
            ctx.failed(t.logicalPath(), e.getMessage());
        }
    }

    private static Set<String> serverNames(Connection c) {
        Set<String> names = new LinkedHashSet<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT SERVERPROPERTY('ServerName') AS server, SERVERPROPERTY('MachineName') AS machine")) {
            if (rs.next()) {
                for (String n : new String[] {rs.getString("server"), rs.getString("machine")}) {
                    if (n != null) {
                        names.add(n.toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (SQLException e) {
            // Then only the local aliases (".", "localhost", ...) count as this instance.
        }
        return names;
    }

    /** The quoted, semicolon-separated parts of a type 7 configuration string. */
    static List<String> parts(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '"') {
                quoted = !quoted;
            } else if (ch == ';' && !quoted) {
                out.add(cur.toString().trim());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        if (!cur.toString().isBlank()) {
            out.add(cur.toString().trim());
        }
        return out;
    }

    static String csv(String v) {
        if (v == null) {
            return "";
        }
        if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
            return '"' + v.replace("\"", "\"\"") + '"';
        }
        return v;
    }
}
