package org.ssisbackup.msdbagent.capture;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.ssisbackup.agent.capture.Capture;
import org.ssisbackup.agent.capture.CaptureContext;
import org.ssisbackup.contracts.ArtifactKind;
import org.ssisbackup.contracts.BackupCommand;
import org.ssisbackup.contracts.ConfigReference;
import org.ssisbackup.contracts.MessageCodec;
import org.ssisbackup.msdbagent.msdb.FolderTree;
import org.ssisbackup.msdbagent.msdb.MsdbConnector;
import org.ssisbackup.msdbagent.msdb.MsdbDialect;
import org.ssisbackup.msdbagent.msdb.MsdbException;
import org.ssisbackup.msdbagent.msdb.MsdbMetrics;
import org.ssisbackup.ssis.PackageXml;
import org.ssisbackup.storage.Sha256;
import org.ssisbackup.storage.StoreException;
import org.ssisbackup.storage.repository.Repository;

/**
 * Exports msdb's package store: the folder tree, and every package's bytes verbatim with all its metadata.
 * Package bytes stream from the driver to a temporary file (hashed on the way) and from there to S3, so no
 * package and no result set is ever held whole in memory. Unencrypted packages are read for the
 * configuration files they use, which the host's fs-agent then captures. SQL Server 2005's tables are
 * detected and read the same way.
 */
public final class MsdbPackageExporter implements Capture {
    static final String PACKAGE_COLUMNS = "name, id, description, createdate, folderid, ownersid, packageformat, "
            + "packagetype, vermajor, verminor, verbuild, vercomments, verid, isencrypted, readrolesid, writerolesid, "
            + "CAST(packagedata AS varbinary(max)) AS packagedata";
    static final String ROLES_SQL = "SELECT name, sid FROM msdb.sys.database_principals WHERE type = 'R'";

    private final MsdbConnector connector;
    private final MsdbMetrics metrics;
    private final ConfigurationTableExporter configurationTables;

    public MsdbPackageExporter(MsdbConnector connector, MsdbMetrics metrics) {
        this.connector = connector;
        this.metrics = metrics;
        this.configurationTables = new ConfigurationTableExporter(connector);
    }

    /** Columns in select order: packagedata streams last, as the driver's adaptive buffering needs. */
    static String packagesSql(MsdbDialect dialect) {
        return "SELECT " + PACKAGE_COLUMNS + " FROM " + dialect.packagesTable() + " ORDER BY folderid, name";
    }

    /** Exports the package store and tells the host's fs-agent of the packages' configuration files. */
    @Override
    public void capture(BackupCommand command, CaptureContext ctx) throws MsdbException, IOException {
        ctx.configReferencesFound(export(ctx));
    }

    /** Exports the package store; returns the configurations its packages use. */
    public List<ConfigReference> export(CaptureContext ctx) throws MsdbException, IOException {
        List<ConfigReference> references = new ArrayList<>();
        List<ConfigurationTableExporter.Use> tableUses = new ArrayList<>();
        int timeout = connector.queryTimeoutSeconds();
        try (Connection c = connector.connect();
                Statement s = c.createStatement()) {
            s.setQueryTimeout(timeout);
            MsdbDialect dialect = MsdbDialect.detect(c, timeout);
            if (dialect.sqlServer2005()) {
                ctx.warn(
                        "(msdb)",
                        "SQL Server 2005 package store (sysdtspackages90): its packages restore to a 2005 instance");
            }
            FolderTree folders = FolderTree.load(c, dialect, timeout);
            Map<String, String> roles = roleNames(s, ctx);
            for (FolderTree.Folder f : folders.all()) {
                if (!f.id().equals(FolderTree.ROOT)) {
                    storeFolder(f, folders.pathOf(f.id()), ctx);
                }
            }
            Path temp = Files.createTempFile("msdb-package", ".bin");
            try (ResultSet rs = s.executeQuery(packagesSql(dialect))) {
                while (rs.next()) {
                    exportPackage(rs, folders, roles, dialect, temp, ctx, references, tableUses);
                }
            } catch (SQLException e) {
                throw MsdbException.of("cannot read msdb's packages", e);
            } finally {
                Files.deleteIfExists(temp);
            }
            configurationTables.export(c, tableUses, ctx);
        } catch (MsdbException e) {
            metrics.failure(e.reason());
            throw e;
        } catch (SQLException e) {
            MsdbException failure = MsdbException.of("msdb", e);
            metrics.failure(failure.reason());
            throw failure;
        }
        return references;
    }

    /** Role sid (hex) to name, so a restore can set roles by name on another server where the sids differ. */
    private static Map<String, String> roleNames(Statement s, CaptureContext ctx) {
        Map<String, String> roles = new LinkedHashMap<>();
        try (ResultSet rs = s.executeQuery(ROLES_SQL)) {
            while (rs.next()) {
                roles.put(hex(rs.getBytes("sid")), rs.getString("name"));
            }
        } catch (SQLException e) {
            ctx.warn(
                    "(msdb)",
                    "role names not readable (" + e.getMessage() + "): packages' roles are kept as sids only");
        }
        return roles;
    }

    private void exportPackage(
            ResultSet rs,
            FolderTree folders,
            Map<String, String> roles,
            MsdbDialect dialect,
            Path temp,
            CaptureContext ctx,
            List<ConfigReference> references,
            List<ConfigurationTableExporter.Use> tableUses)
            throws SQLException {
        String name = rs.getString("name");
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("name", name);
        meta.put("id", rs.getString("id").toLowerCase(Locale.ROOT));
        meta.put("description", nullToEmpty(rs.getString("description")));
        Timestamp created = rs.getTimestamp("createdate");
        meta.put("createdate", created == null ? "" : created.toLocalDateTime().toString());
        UUID folderId = UUID.fromString(rs.getString("folderid").trim());
        meta.put("folderid", folderId.toString());
        meta.put("ownersid", hex(rs.getBytes("ownersid")));
        meta.put("packageformat", String.valueOf(rs.getInt("packageformat")));
        meta.put("packagetype", String.valueOf(rs.getInt("packagetype")));
        meta.put("vermajor", String.valueOf(rs.getInt("vermajor")));
        meta.put("verminor", String.valueOf(rs.getInt("verminor")));
        meta.put("verbuild", String.valueOf(rs.getInt("verbuild")));
        meta.put("vercomments", nullToEmpty(rs.getString("vercomments")));
        meta.put("verid", rs.getString("verid").toLowerCase(Locale.ROOT));
        boolean encrypted = rs.getBoolean("isencrypted");
        meta.put("isencrypted", String.valueOf(encrypted));
        String readRole = hex(rs.getBytes("readrolesid"));
        String writeRole = hex(rs.getBytes("writerolesid"));
        meta.put("readrolesid", readRole);
        meta.put("writerolesid", writeRole);
        meta.put("readrole", roles.getOrDefault(readRole, ""));
        meta.put("writerole", roles.getOrDefault(writeRole, ""));
        meta.put("store", dialect.sqlServer2005() ? "sysdtspackages90" : "sysssispackages");
        String folderPath = folders.pathOf(folderId);
        String logicalPath = (folderPath.equals("\\") ? "" : folderPath) + "\\" + name;
        meta.put("folderPath", folderPath);
        try {
            Sha256.Digest digest;
            try (InputStream in = rs.getBinaryStream("packagedata");
                    OutputStream out = Files.newOutputStream(temp)) {
                if (in == null) {
                    ctx.failed(logicalPath, "package has no data");
                    return;
                }
                digest = Sha256.copy(in, out);
            }
            readConfigurations(temp, logicalPath, encrypted, meta, references, tableUses, ctx);
            Repository.StoredContent stored;
            try (InputStream in = Files.newInputStream(temp)) {
                stored = ctx.store(logicalPath, ArtifactKind.MSDB_PACKAGE, in, meta);
            }
            if (!stored.sha256().equals(digest.hex())) {
                throw new IOException("the package's temporary copy changed while it was stored");
            }
            metrics.packageCaptured(stored.size(), stored.anythingNew());
        } catch (IOException | StoreException e) {
            ctx.failed(logicalPath, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static void readConfigurations(
            Path packageFile,
            String logicalPath,
            boolean encrypted,
            Map<String, String> meta,
            List<ConfigReference> references,
            List<ConfigurationTableExporter.Use> tableUses,
            CaptureContext ctx) {
        if (encrypted) {
            meta.put("warning", "package is encrypted in msdb: stored as bytes, not read");
            ctx.warn(logicalPath, meta.get("warning"));
            return;
        }
        try (InputStream in = Files.newInputStream(packageFile)) {
            PackageXml.PackageInfo info = PackageXml.read(in);
            meta.put("protectionLevel", String.valueOf(info.protectionLevel()));
            if (info.fullyEncrypted()) {
                meta.put(
                        "warning",
                        "package is encrypted (protection level " + info.protectionLevel()
                                + "): stored as bytes, not read");
                ctx.warn(logicalPath, meta.get("warning"));
                return;
            }
            for (PackageXml.Configuration c : info.configurations()) {
                references.add(new ConfigReference(logicalPath, c.type(), c.string()));
                if (c.type() == PackageXml.SQL_SERVER_CONFIGURATION) {
                    tableUses.add(new ConfigurationTableExporter.Use(logicalPath, c.string(), info.connections()));
                }
            }
        } catch (IOException e) {
            meta.put("warning", "package XML could not be read for configurations: " + e.getMessage());
            ctx.warn(logicalPath, meta.get("warning"));
        }
    }

    /** A folder has no bytes of its own; it is kept as a small JSON blob so empty folders restore too. */
    private void storeFolder(FolderTree.Folder f, String path, CaptureContext ctx) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("folderid", f.id().toString());
        meta.put("parentfolderid", f.parent() == null ? "" : f.parent().toString());
        meta.put("foldername", f.name());
        try {
            ctx.store(path, ArtifactKind.MSDB_FOLDER, MessageCodec.encode(meta), meta);
        } catch (StoreException e) {
            ctx.failed(path, e.getMessage());
        }
    }

    private static String hex(byte[] b) {
        return b == null ? "" : HexFormat.of().formatHex(b);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
