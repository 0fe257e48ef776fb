package org.ssisbackup.msdbagent.capture;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.ssisbackup.contracts.Artifact;
import org.ssisbackup.contracts.ArtifactKind;
import org.ssisbackup.contracts.BackupCommand;
import org.ssisbackup.contracts.ConfigReference;
import org.ssisbackup.contracts.MessageCodec;
import org.ssisbackup.contracts.agent.BackupJobRunner;
import org.ssisbackup.contracts.ssis.PackageXml;
import org.ssisbackup.contracts.store.BlobStore;
import org.ssisbackup.contracts.store.Sha256;
import org.ssisbackup.contracts.store.StoreException;
import org.ssisbackup.msdbagent.MsdbAgentProperties;

/**
 * Exports msdb's package store: the folder tree, and every package's bytes verbatim with all its metadata.
 * Package bytes stream from the driver to a temporary file (hashed on the way) and from there to S3, so no
 * package and no result set is ever held whole in memory. Unencrypted packages are read for the
 * configuration files they use, which the host's fs-agent then captures.
 */
public final class MsdbPackageExporter implements BackupJobRunner.Capture {
    static final UUID ROOT = new UUID(0, 0);

    static final String FOLDERS_SQL = "SELECT folderid, parentfolderid, foldername FROM msdb.dbo.sysssispackagefolders";
    static final String PACKAGES_SQL = "SELECT name, id, description, createdate, folderid, ownersid, packageformat, "
            + "packagetype, vermajor, verminor, verbuild, vercomments, verid, isencrypted, readrolesid, writerolesid, "
            + "CAST(packagedata AS varbinary(max)) AS packagedata FROM msdb.dbo.sysssispackages ORDER BY folderid, name";

    private final MsdbAgentProperties properties;
    private final BlobStore store;

    public MsdbPackageExporter(MsdbAgentProperties properties, BlobStore store) {
        this.properties = properties;
        this.store = store;
    }

    private record Folder(UUID id, UUID parent, String name) {
    }

    @Override
    public void capture(BackupCommand command, BackupJobRunner.CaptureContext ctx) throws SQLException, IOException {
        List<ConfigReference> references = new ArrayList<>();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.setQueryTimeout((int) Math.max(1, properties.queryTimeout().toSeconds()));
            Map<UUID, Folder> folders = new LinkedHashMap<>();
            try (ResultSet rs = s.executeQuery(FOLDERS_SQL)) {
                while (rs.next()) {
                    UUID id = uuid(rs.getString("folderid"));
                    String parent = rs.getString("parentfolderid");
                    folders.put(id, new Folder(id, parent == null ? null : uuid(parent), rs.getString("foldername")));
                }
            }
            for (Folder f : folders.values()) {
                if (!f.id().equals(ROOT)) {
                    storeFolder(f, folderPath(f.id(), folders), ctx);
                }
            }
            Path temp = Files.createTempFile("msdb-package", ".bin");
            try (ResultSet rs = s.executeQuery(PACKAGES_SQL)) {
                while (rs.next()) {
                    exportPackage(rs, folders, temp, ctx, references);
                }
            } finally {
                Files.deleteIfExists(temp);
            }
        }
        ctx.configReferencesFound(references);
    }

    private Connection connect() throws SQLException {
        Properties p = new Properties();
        if (properties.username() != null && !properties.username().isEmpty()) {
            p.setProperty("user", properties.username());
        }
        if (properties.password() != null) {
            p.setProperty("password", properties.password());
        }
        p.setProperty("applicationName", "ssis-backup msdb-agent");
        p.setProperty("loginTimeout", "30");
        try {
            return DriverManager.getConnection(properties.jdbcUrl(), p);
        } catch (SQLException e) {
            // The driver's message names the server and the login, never the password.
            throw new SQLException("cannot connect to msdb: " + e.getMessage(), e.getSQLState(), e.getErrorCode(), e);
        }
    }

    /** Columns are read in select order: packagedata streams last, as the driver's adaptive buffering needs. */
    private void exportPackage(ResultSet rs, Map<UUID, Folder> folders, Path temp, BackupJobRunner.CaptureContext ctx,
                               List<ConfigReference> references) throws SQLException {
        String name = rs.getString("name");
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("name", name);
        meta.put("id", rs.getString("id").toLowerCase());
        meta.put("description", nullToEmpty(rs.getString("description")));
        Timestamp created = rs.getTimestamp("createdate");
        meta.put("createdate", created == null ? "" : created.toLocalDateTime().toString());
        UUID folderId = uuid(rs.getString("folderid"));
        meta.put("folderid", folderId.toString());
        meta.put("ownersid", hex(rs.getBytes("ownersid")));
        meta.put("packageformat", String.valueOf(rs.getInt("packageformat")));
        meta.put("packagetype", String.valueOf(rs.getInt("packagetype")));
        meta.put("vermajor", String.valueOf(rs.getInt("vermajor")));
        meta.put("verminor", String.valueOf(rs.getInt("verminor")));
        meta.put("verbuild", String.valueOf(rs.getInt("verbuild")));
        meta.put("vercomments", nullToEmpty(rs.getString("vercomments")));
        meta.put("verid", rs.getString("verid").toLowerCase());
        boolean encrypted = rs.getBoolean("isencrypted");
        meta.put("isencrypted", String.valueOf(encrypted));
        meta.put("readrolesid", hex(rs.getBytes("readrolesid")));
        meta.put("writerolesid", hex(rs.getBytes("writerolesid")));
        String folderPath = folderPath(folderId, folders);
        String logicalPath = (folderPath.equals("\\") ? "" : folderPath) + "\\" + name;
        meta.put("folderPath", folderPath);
        try {
            Sha256.Digest digest;
            try (InputStream in = rs.getBinaryStream("packagedata"); OutputStream out = Files.newOutputStream(temp)) {
                if (in == null) {
                    ctx.failed(logicalPath, "package has no data");
                    return;
                }
                digest = Sha256.copy(in, out);
            }
            readConfigurations(temp, logicalPath, encrypted, meta, references, ctx);
            BlobStore.StoredBlob blob = store.storeHashed(temp, digest);
            ctx.stored(new Artifact(logicalPath, ArtifactKind.MSDB_PACKAGE, blob.size(), blob.sha256(), blob.key(), meta),
                    blob.uploaded());
        } catch (IOException | StoreException e) {
            ctx.failed(logicalPath, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static void readConfigurations(Path packageFile, String logicalPath, boolean encrypted, Map<String, String> meta,
                                           List<ConfigReference> references, BackupJobRunner.CaptureContext ctx) {
        if (encrypted) {
            meta.put("warning", "package is encrypted in msdb: stored as bytes, not read");
            ctx.warn(logicalPath, meta.get("warning"));
            return;
        }
        try (InputStream in = Files.newInputStream(packageFile)) {
            PackageXml.PackageInfo info = PackageXml.read(in);
            meta.put("protectionLevel", String.valueOf(info.protectionLevel()));
            if (info.fullyEncrypted()) {
                meta.put("warning", "package is encrypted (protection level " + info.protectionLevel() + "): stored as bytes, not read");
                ctx.warn(logicalPath, meta.get("warning"));
                return;
            }
            for (PackageXml.Configuration c : info.configurations()) {
                references.add(new ConfigReference(logicalPath, c.type(), c.string()));
            }
        } catch (IOException e) {
            meta.put("warning", "package XML could not be read for configurations: " + e.getMessage());
            ctx.warn(logicalPath, meta.get("warning"));
        }
    }

    /** A folder has no bytes of its own; it is kept as a small JSON blob so empty folders restore too. */
    private void storeFolder(Folder f, String path, BackupJobRunner.CaptureContext ctx) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("folderid", f.id().toString());
        meta.put("parentfolderid", f.parent() == null ? "" : f.parent().toString());
        meta.put("foldername", f.name());
        Path tmp = Files.write(Files.createTempFile("msdb-folder", ".json"), MessageCodec.encode(meta));
        try {
            BlobStore.StoredBlob blob = store.storeFile(tmp);
            ctx.stored(new Artifact(path, ArtifactKind.MSDB_FOLDER, blob.size(), blob.sha256(), blob.key(), meta),
                    blob.uploaded());
        } catch (StoreException e) {
            ctx.failed(path, e.getMessage());
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** {@code \Folder\Sub}, walked up through parentfolderid to the root; a broken chain is cut, not looped. */
    static String folderPath(UUID id, Map<UUID, Folder> folders) {
        List<String> parts = new ArrayList<>();
        UUID cur = id;
        int guard = 0;
        while (cur != null && !cur.equals(ROOT) && guard++ < 256) {
            Folder f = folders.get(cur);
            if (f == null) {
                parts.add(0, "(unknown folder " + cur + ")");
                break;
            }
            parts.add(0, f.name());
            cur = f.parent();
        }
        return "\\" + String.join("\\", parts);
    }

    private static UUID uuid(String s) {
        return UUID.fromString(s.trim());
    }

    private static String hex(byte[] b) {
        return b == null ? "" : HexFormat.of().formatHex(b);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
