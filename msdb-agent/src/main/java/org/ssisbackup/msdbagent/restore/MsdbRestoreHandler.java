package org.ssisbackup.msdbagent.restore;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.ssisbackup.agent.restore.DrillChecks;
import org.ssisbackup.agent.restore.RestoreContext;
import org.ssisbackup.agent.restore.RestoreHandler;
import org.ssisbackup.contracts.Artifact;
import org.ssisbackup.contracts.ArtifactKind;
import org.ssisbackup.contracts.RestoreOptions;
import org.ssisbackup.msdbagent.msdb.FolderTree;
import org.ssisbackup.msdbagent.msdb.MsdbConnector;
import org.ssisbackup.msdbagent.msdb.MsdbDialect;
import org.ssisbackup.msdbagent.msdb.MsdbException;
import org.ssisbackup.msdbagent.msdb.MsdbMetrics;
import org.ssisbackup.storage.Sha256;
import org.ssisbackup.storage.StoreException;

/**
 * Restores msdb folders and packages of a restore point the way dtutil and SSMS write them: missing folders with
 * {@code sp_ssis_addfolder}, packages with {@code sp_ssis_putpackage} keeping their ids, version fields and
 * dates, roles with {@code sp_ssis_setpackageroles} when asked ({@code sp_dts_*} on SQL Server 2005). A package's
 * bytes are downloaded and their SHA-256 checked before anything is written. Under a target folder the tree is
 * re-rooted ({@code \ETL\Load} to {@code \Restored\ETL\Load}). msdb sets a new package's owner to the restoring
 * login; the original owner sid stays in the manifest.
 */
public final class MsdbRestoreHandler implements RestoreHandler {
    private final MsdbConnector connector;
    private final MsdbConnector drillConnector;
    private final MsdbMetrics metrics;

    /** Restores and drills on the same instance. */
    public MsdbRestoreHandler(MsdbConnector connector, MsdbMetrics metrics) {
        this(connector, connector, metrics);
    }

    /**
     * @param connector      the instance restores write to
     * @param drillConnector the instance drills write to (a configured drill instance, or the same one)
     */
    public MsdbRestoreHandler(MsdbConnector connector, MsdbConnector drillConnector, MsdbMetrics metrics) {
        this.connector = connector;
        this.drillConnector = drillConnector;
        this.metrics = metrics;
    }

    /** One restore's connection and what it has learnt about the target msdb. */
    private record Session(
            Connection connection,
            MsdbDialect dialect,
            FolderTree tree,
            Set<UUID> plannedFolders,
            RestoreContext ctx,
            boolean reRooted) {}

    /** msdb's own items; file-system packages only in a cross-store copy into msdb ({@code copyTo SQL;folder}). */
    @Override
    public Set<ArtifactKind> kinds() {
        return Set.of(ArtifactKind.MSDB_FOLDER, ArtifactKind.MSDB_PACKAGE, ArtifactKind.FS_PACKAGE);
    }

    @Override
    public void restore(List<Artifact> items, RestoreContext ctx) throws MsdbException {
        Optional<RestoreOptions.CopyTarget> copy = ctx.options().copyTarget();
        if (copy.isPresent()) {
            copyIntoMsdb(items, targetFolder(copy.get().destination()), ctx);
            return;
        }
        String target = targetFolder(ctx.options().targetFolder());
        List<Artifact> packages = items.stream()
                .filter(a -> a.kind() == ArtifactKind.MSDB_PACKAGE)
                .toList();
        // Folders above a selected package come too (with their original ids), selected or not.
        List<Artifact> folders = ctx.manifest().artifacts().stream()
                .filter(a -> a.kind() == ArtifactKind.MSDB_FOLDER)
                .filter(a -> ctx.selects(a) || packages.stream().anyMatch(p -> isUnder(p, a)))
                .sorted(Comparator.comparingInt(
                        a -> FolderTree.segments(a.logicalPath()).size()))
                .toList();
        inSession(ctx, !target.isEmpty(), "restore stopped", s -> {
            for (Artifact f : folders) {
                Optional<String> refusal = refusal(f.logicalPath());
                if (refusal.isPresent()) {
                    ctx.refused(f.logicalPath(), refusal.get());
                    continue;
                }
                String path = target + f.logicalPath();
                try {
                    folder(s, path, uuid(f.metadata().get("folderid")));
                } catch (SQLException e) {
                    lostConnection(e);
                    MsdbException failure = MsdbException.of("cannot create folder", e);
                    metrics.failure(failure.reason());
                    ctx.failed(path, failure.getMessage());
                }
            }
            for (Artifact p : packages) {
                restorePackage(s, p, target);
            }
        });
    }

    /** Work on one msdb connection; a lost connection stops it, keeps what was written and reports the rest. */
    private interface SessionWork {
        void run(Session s) throws SQLException;
    }

    private void inSession(RestoreContext ctx, boolean reRooted, String stopped, SessionWork work)
            throws MsdbException {
        int timeout = connector.queryTimeoutSeconds();
        try (Connection conn = connector.connect()) {
            MsdbDialect dialect = MsdbDialect.detect(conn, timeout);
            Session s =
                    new Session(conn, dialect, FolderTree.load(conn, dialect, timeout), new HashSet<>(), ctx, reRooted);
            try {
                work.run(s);
            } catch (SQLException e) {
                // The connection is gone: what was written stays written and is reported; the rest is not tried.
                MsdbException failure = MsdbException.of(stopped, e);
                metrics.failure(failure.reason());
                ctx.failed("(msdb)", failure.getMessage());
            }
        } catch (MsdbException e) {
            metrics.failure(e.reason());
            throw e;
        } catch (SQLException e) {
            MsdbException failure = MsdbException.of(stopped, e);
            metrics.failure(failure.reason());
            throw failure;
        }
    }

    /** Where drills restore msdb packages: never a production folder. */
    static final String DRILL_FOLDER = "\\__drill";

    /**
     * A drill: the point's folders and packages restored under the drill's own msdb folder ({@code \__drill\<point>}),
     * each package read back from msdb (its bytes must hash to the recorded SHA-256 and parse as a package), then that
     * folder and everything in it removed, and {@code \__drill} too once empty. Production folders are never written;
     * with a drill instance configured, production msdb is not written at all.
     */
    @Override
    public void drill(List<Artifact> items, RestoreContext ctx, DrillChecks checks) throws Exception {
        if (drillConnector != connector) {
            new MsdbRestoreHandler(drillConnector, metrics).drill(items, ctx, checks);
            return;
        }
        String target = targetFolder(ctx.options().targetFolder());
        if (!target.startsWith(DRILL_FOLDER + "\\")) {
            throw new IllegalStateException("a drill writes only under " + DRILL_FOLDER + ", not '" + target + "'");
        }
        try {
            restore(items, ctx);
            int timeout = connector.queryTimeoutSeconds();
            try (Connection conn = connector.connect()) {
                MsdbDialect dialect = MsdbDialect.detect(conn, timeout);
                FolderTree tree = FolderTree.load(conn, dialect, timeout);
                for (Artifact a : items) {
                    if (a.kind() == ArtifactKind.MSDB_PACKAGE) {
                        readBack(conn, dialect, tree, target, a, ctx, checks);
                    }
                }
            }
        } finally {
            removeDrillFolder(target, checks);
        }
    }

    private void readBack(
            Connection conn,
            MsdbDialect dialect,
            FolderTree tree,
            String target,
            Artifact a,
            RestoreContext ctx,
            DrillChecks checks)
            throws SQLException {
        Map<String, String> m = a.metadata();
        String folderPath = target + ("\\".equals(m.get("folderPath")) ? "" : m.getOrDefault("folderPath", ""));
        String dest = folderPath + "\\" + m.get("name");
        Optional<UUID> folderId = tree.find(folderPath);
        if (folderId.isEmpty()) {
            return; // not restored: the restore reported why
        }
        byte[] bytes;
        try (PreparedStatement ps =
                conn.prepareStatement("SELECT CAST(packagedata AS varbinary(max)) AS packagedata FROM "
                        + dialect.packagesTable() + " WHERE name = ? AND folderid = ?")) {
            ps.setQueryTimeout(connector.queryTimeoutSeconds());
            ps.setString(1, m.get("name"));
            ps.setString(2, folderId.get().toString());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return;
                }
                bytes = rs.getBytes("packagedata");
            }
        }
        try {
            String hash = Sha256.copy(
                            new java.io.ByteArrayInputStream(bytes == null ? new byte[0] : bytes),
                            OutputStream.nullOutputStream())
                    .hex();
            if (!hash.equals(a.sha256())) {
                ctx.failed(
                        dest, "read back from msdb, its bytes hash to " + hash + ", the point recorded " + a.sha256());
                return;
            }
            checks.itemChecked();
            org.ssisbackup.ssis.PackageXml.read(new java.io.ByteArrayInputStream(bytes));
            checks.documentParsed();
        } catch (IOException e) {
            ctx.failed(dest, "not a readable package: " + e.getMessage());
        }
    }

    /** Removes the drill's msdb folder and everything in it (deepest first), then {@code \__drill} once empty. */
    private void removeDrillFolder(String target, DrillChecks checks) {
        int timeout = connector.queryTimeoutSeconds();
        try (Connection conn = connector.connect()) {
            MsdbDialect dialect = MsdbDialect.detect(conn, timeout);
            FolderTree tree = FolderTree.load(conn, dialect, timeout);
            List<FolderTree.Folder> doomed = tree.all().stream()
                    .filter(f -> {
                        String path = tree.pathOf(f.id());
                        return path.equalsIgnoreCase(target)
                                || path.toLowerCase(java.util.Locale.ROOT)
                                        .startsWith(target.toLowerCase(java.util.Locale.ROOT) + "\\");
                    })
                    .sorted(Comparator.comparingInt((FolderTree.Folder f) ->
                                    FolderTree.segments(tree.pathOf(f.id())).size())
                            .reversed())
                    .collect(java.util.stream.Collectors.toCollection(ArrayList::new));
            tree.find(DRILL_FOLDER)
                    .ifPresent(d -> doomed.add(tree.all().stream()
                            .filter(f -> f.id().equals(d))
                            .findFirst()
                            .orElseThrow()));
            for (FolderTree.Folder f : doomed) {
                List<String> names = new ArrayList<>();
                try (PreparedStatement ps =
                        conn.prepareStatement("SELECT name FROM " + dialect.packagesTable() + " WHERE folderid = ?")) {
                    ps.setQueryTimeout(timeout);
                    ps.setString(1, f.id().toString());
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            names.add(rs.getString(1));
                        }
                    }
                }
                for (String name : names) {
                    try (PreparedStatement ps = conn.prepareStatement(
                            "EXEC " + dialect.procedure("deletepackage") + " @name = ?, @folderid = ?")) {
                        ps.setQueryTimeout(timeout);
                        ps.setString(1, name);
                        ps.setString(2, f.id().toString());
                        ps.execute();
                    }
                }
                boolean isDrillRoot = tree.pathOf(f.id()).equalsIgnoreCase(DRILL_FOLDER);
                try (PreparedStatement ps =
                        conn.prepareStatement("EXEC " + dialect.procedure("deletefolder") + " @folderid = ?")) {
                    ps.setQueryTimeout(timeout);
                    ps.setString(1, f.id().toString());
                    ps.execute();
                } catch (SQLException e) {
                    if (!isDrillRoot) { // \__drill may hold another drill running now: it stays then
                        throw e;
                    }
                }
            }
        } catch (SQLException | MsdbException e) {
            checks.notCleaned("msdb folder " + target + ": " + e.getMessage());
        }
    }

    private void restorePackage(Session s, Artifact a, String target) throws SQLException {
        Map<String, String> m = a.metadata();
        Optional<String> refusal = refusal(a.logicalPath());
        String name = m.get("name");
        if (refusal.isEmpty() && (name == null || name.isEmpty() || name.contains("\\"))) {
            refusal = Optional.of("package name is empty or has a '\\'");
        }
        if (refusal.isPresent()) {
            s.ctx().refused(a.logicalPath(), refusal.get());
            return;
        }
        String folderPath = target + ("\\".equals(m.get("folderPath")) ? "" : m.getOrDefault("folderPath", ""));
        String dest = folderPath + "\\" + name;
        Path temp = null;
        try {
            temp = Files.createTempFile("msdb-restore", ".bin");
            UUID folderId = folder(s, folderPath.isEmpty() ? "\\" : folderPath, null);
            Optional<String> existing =
                    s.plannedFolders().contains(folderId) ? Optional.empty() : existingSha256(s, name, folderId);
            if (!s.ctx().mayWrite(dest, existing.isPresent(), existing::get, a.sha256())) {
                return;
            }
            s.ctx().download(a, temp);
            long size = Files.size(temp);
            if (!s.ctx().dryRun()) {
                putPackage(s, name, folderId, m, temp, size);
                if (s.ctx().options().restoresRoles()) {
                    setRoles(s, name, folderId, m);
                }
                metrics.packageRestored(size);
            }
            s.ctx().written(dest, size);
        } catch (SQLException e) {
            lostConnection(e);
            MsdbException failure = MsdbException.of("cannot write package", e);
            metrics.failure(failure.reason());
            s.ctx().failed(dest, failure.getMessage());
        } catch (IOException | StoreException e) {
            s.ctx().failed(dest, e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            deleteQuietly(temp);
        }
    }

    /**
     * A cross-store copy, as {@code dtutil /COPY SQL} does: each file-system package of the point written into msdb
     * under {@code target} (its subfolders under its package folder become msdb folders, its file name without
     * {@code .dtsx} its name), with {@code sp_ssis_putpackage} and the id, version fields, version id, description,
     * creation date, type and format the package's XML states. The bytes are downloaded and their SHA-256 checked
     * first; overwrite and dry-run rules are a restore's.
     */
    private void copyIntoMsdb(List<Artifact> items, String target, RestoreContext ctx) throws MsdbException {
        inSession(ctx, true, "copy stopped", s -> {
            for (Artifact a : items) {
                if (a.kind() == ArtifactKind.FS_PACKAGE) {
                    copyPackage(s, a, target);
                }
            }
        });
    }

    private void copyPackage(Session s, Artifact a, String target) throws SQLException {
        List<String> segments = new ArrayList<>(List.of(a.metadata()
                .getOrDefault("relativePath", fileName(a.logicalPath()))
                .split("[\\\\/]", -1)));
        String file = segments.remove(segments.size() - 1);
        if (!file.toLowerCase(Locale.ROOT).endsWith(".dtsx") || file.length() <= ".dtsx".length()) {
            s.ctx().refused(a.logicalPath(), "not a .dtsx file: only packages are copied into msdb");
            return;
        }
        String name = file.substring(0, file.length() - ".dtsx".length());
        String folderPath = target + (segments.isEmpty() ? "" : "\\" + String.join("\\", segments));
        String dest = folderPath + "\\" + name;
        Optional<String> refusal = refusal(dest);
        if (refusal.isPresent()) {
            s.ctx().refused(a.logicalPath(), refusal.get());
            return;
        }
        Path temp = null;
        try {
            temp = Files.createTempFile("msdb-copy", ".dtsx");
            s.ctx().download(a, temp);
            org.ssisbackup.ssis.PackageXml.Header header;
            try (InputStream in = Files.newInputStream(temp)) {
                header = org.ssisbackup.ssis.PackageXml.read(in).header();
            } catch (IOException e) {
                s.ctx().failed(dest, "not a package msdb would take: " + e.getMessage());
                return;
            }
            UUID folderId = folder(s, folderPath.isEmpty() ? "\\" : folderPath, null);
            Optional<String> existing =
                    s.plannedFolders().contains(folderId) ? Optional.empty() : existingSha256(s, name, folderId);
            if (!s.ctx().mayWrite(dest, existing.isPresent(), existing::get, a.sha256())) {
                return;
            }
            long size = Files.size(temp);
            if (!s.ctx().dryRun()) {
                putPackage(s, name, folderId, columnsOf(header), temp, size);
                metrics.packageRestored(size);
            }
            s.ctx().written(dest, size);
        } catch (SQLException e) {
            lostConnection(e);
            MsdbException failure = MsdbException.of("cannot write package", e);
            metrics.failure(failure.reason());
            s.ctx().failed(dest, failure.getMessage());
        } catch (IOException | StoreException e) {
            s.ctx().failed(dest, e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            deleteQuietly(temp);
        }
    }

    /** sysssispackages' columns as dtutil fills them from a package file's XML (what it lacks: new ids, now, 0). */
    static Map<String, String> columnsOf(org.ssisbackup.ssis.PackageXml.Header h) {
        Map<String, String> m = new java.util.HashMap<>();
        m.put("id", guid(h.dtsId()));
        m.put("verid", guid(h.versionGuid()));
        m.put("description", h.description() == null ? "" : h.description());
        m.put("createdate", creationDate(h.creationDate()).toString());
        m.put("packageformat", String.valueOf(h.msdbPackageFormat()));
        m.put("packagetype", String.valueOf(Math.max(0, h.packageType())));
        m.put("vermajor", String.valueOf(Math.max(0, h.versionMajor())));
        m.put("verminor", String.valueOf(Math.max(0, h.versionMinor())));
        m.put("verbuild", String.valueOf(Math.max(0, h.versionBuild())));
        m.put("vercomments", h.versionComments() == null ? "" : h.versionComments());
        return m;
    }

    /** A package's {@code {GUID}} as msdb stores it; a new one when absent or malformed. */
    private static String guid(String braced) {
        if (braced != null) {
            String g = braced.trim().replaceAll("^\\{|}$", "");
            try {
                return UUID.fromString(g).toString();
            } catch (IllegalArgumentException e) {
                // falls through to a new id
            }
        }
        return UUID.randomUUID().toString();
    }

    /** DTS:CreationDate as the designer writes it (US format); now when absent or unreadable. */
    private static LocalDateTime creationDate(String written) {
        if (written != null) {
            for (String pattern : List.of("M/d/yyyy h:mm:ss a", "M/d/yyyy H:mm:ss", "yyyy-MM-dd'T'HH:mm:ss")) {
                try {
                    return LocalDateTime.parse(
                            written.trim(), java.time.format.DateTimeFormatter.ofPattern(pattern, Locale.US));
                } catch (java.time.format.DateTimeParseException e) {
                    // the next form
                }
            }
        }
        return LocalDateTime.now(ZoneId.systemDefault()).withNano(0);
    }

    private static String fileName(String path) {
        String[] parts = path.split("[\\\\/]", -1);
        return parts[parts.length - 1];
    }

    private static void deleteQuietly(Path temp) {
        try {
            if (temp != null) {
                Files.deleteIfExists(temp);
            }
        } catch (IOException ignored) {
            // a leftover temporary file in the system's temporary folder; the agent's start sweeps its own
        }
    }

    /**
     * The id of the folder at {@code path}, creating what is missing on the way (only planning it in a dry run).
     * A folder restored to its original place keeps its original id when that id is free.
     */
    private UUID folder(Session s, String path, UUID originalId) throws SQLException {
        UUID cur = FolderTree.ROOT;
        List<String> segments = FolderTree.segments(path);
        StringBuilder at = new StringBuilder();
        for (int i = 0; i < segments.size(); i++) {
            String name = segments.get(i);
            at.append('\\').append(name);
            Optional<UUID> existing = s.tree().child(cur, name);
            if (existing.isPresent()) {
                cur = existing.get();
                continue;
            }
            boolean leaf = i == segments.size() - 1;
            UUID id = leaf && originalId != null && !s.reRooted() && !s.tree().contains(originalId)
                    ? originalId
                    : UUID.randomUUID();
            if (s.ctx().dryRun()) {
                s.plannedFolders().add(id);
            } else {
                try (PreparedStatement ps = s.connection()
                        .prepareStatement("EXEC " + s.dialect().procedure("addfolder")
                                + " @parentfolderid = ?, @name = ?, @folderid = ?")) {
                    ps.setQueryTimeout(connector.queryTimeoutSeconds());
                    ps.setString(1, cur.toString());
                    ps.setString(2, name);
                    ps.setString(3, id.toString());
                    ps.execute();
                }
            }
            s.tree().add(id, cur, name);
            s.ctx().written(at + "\\ (folder)", 0);
            cur = id;
        }
        return cur;
    }

    private Optional<String> existingSha256(Session s, String name, UUID folderId) throws SQLException, IOException {
        try (PreparedStatement ps = s.connection()
                .prepareStatement("SELECT CAST(packagedata AS varbinary(max)) AS packagedata FROM "
                        + s.dialect().packagesTable() + " WHERE name = ? AND folderid = ?")) {
            ps.setQueryTimeout(connector.queryTimeoutSeconds());
            ps.setString(1, name);
            ps.setString(2, folderId.toString());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                try (InputStream in = rs.getBinaryStream("packagedata")) {
                    return Optional.of(
                            in == null
                                    ? ""
                                    : Sha256.copy(in, OutputStream.nullOutputStream())
                                            .hex());
                }
            }
        }
    }

    private void putPackage(Session s, String name, UUID folderId, Map<String, String> m, Path bytes, long size)
            throws SQLException, IOException {
        String sql = "EXEC " + s.dialect().procedure("putpackage")
                + " @name = ?, @id = ?, @description = ?, @createdate = ?,"
                + " @folderid = ?, @packagedata = ?, @packageformat = ?, @packagetype = ?, @vermajor = ?, @verminor = ?,"
                + " @verbuild = ?, @vercomments = ?, @verid = ?";
        try (PreparedStatement ps = s.connection().prepareStatement(sql);
                InputStream in = Files.newInputStream(bytes)) {
            ps.setQueryTimeout(connector.queryTimeoutSeconds());
            ps.setString(1, name);
            ps.setString(2, m.get("id"));
            setNullable(ps, 3, m.get("description"));
            String created = m.get("createdate");
            ps.setTimestamp(
                    4,
                    Timestamp.valueOf(
                            created == null || created.isEmpty()
                                    ? LocalDateTime.now(ZoneId.systemDefault())
                                    : LocalDateTime.parse(created)));
            ps.setString(5, folderId.toString());
            ps.setBinaryStream(6, in, size);
            ps.setInt(7, integer(m, "packageformat"));
            ps.setInt(8, integer(m, "packagetype"));
            ps.setInt(9, integer(m, "vermajor"));
            ps.setInt(10, integer(m, "verminor"));
            ps.setInt(11, integer(m, "verbuild"));
            setNullable(ps, 12, m.get("vercomments"));
            ps.setString(13, m.get("verid"));
            ps.execute();
        }
    }

    /** Roles by name (the sids differ between servers); a role known only by sid is looked up in the target. */
    private void setRoles(Session s, String name, UUID folderId, Map<String, String> m) throws SQLException {
        String read = roleName(s, m.get("readrole"), m.get("readrolesid"));
        String write = roleName(s, m.get("writerole"), m.get("writerolesid"));
        try (PreparedStatement ps = s.connection()
                .prepareStatement("EXEC " + s.dialect().procedure("setpackageroles")
                        + " @name = ?, @folderid = ?, @readrole = ?, @writerole = ?")) {
            ps.setQueryTimeout(connector.queryTimeoutSeconds());
            ps.setString(1, name);
            ps.setString(2, folderId.toString());
            setNullable(ps, 3, read);
            setNullable(ps, 4, write);
            ps.execute();
        }
    }

    private String roleName(Session s, String name, String sidHex) throws SQLException {
        if (name != null && !name.isEmpty()) {
            return name;
        }
        if (sidHex == null || sidHex.isEmpty()) {
            return null;
        }
        try (PreparedStatement ps = s.connection()
                .prepareStatement("SELECT name FROM msdb.sys.database_principals WHERE sid = ? AND type = 'R'")) {
            ps.setQueryTimeout(connector.queryTimeoutSeconds());
            ps.setBytes(1, HexFormat.of().parseHex(sidHex));
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return rs.getString(1);
                }
            }
        }
        throw new SQLException(
                "role with sid 0x" + sidHex + " does not exist in the target msdb; roles not set", "42000", 15151);
    }

    /** A lost connection ends the whole restore: every later item would fail the same way. */
    private static void lostConnection(SQLException e) throws SQLException {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.startsWith("08")) {
            throw e;
        }
    }

    static String targetFolder(String requested) {
        if (requested == null || requested.isBlank() || requested.equals("\\")) {
            return "";
        }
        String t = requested.replace('/', '\\');
        if (!t.startsWith("\\")) {
            t = "\\" + t;
        }
        t = t.replaceAll("\\\\+$", "");
        if (refusal(t).isPresent()) {
            throw new IllegalArgumentException("target folder '" + requested + "' is not an msdb folder path: "
                    + refusal(t).get());
        }
        return t;
    }

    /** Why an msdb path from a manifest may not be restored, if it may not. */
    static Optional<String> refusal(String logical) {
        if (!logical.startsWith("\\")) {
            return Optional.of("not an msdb path (must start with '\\')");
        }
        String[] segments = logical.substring(1).split("\\\\", -1);
        for (String seg : segments) {
            if (seg.isEmpty()) return Optional.of("path has an empty folder name");
            if (seg.equals(".") || seg.equals("..")) return Optional.of("path has a '" + seg + "' segment");
        }
        return Optional.empty();
    }

    private static boolean isUnder(Artifact pkg, Artifact folder) {
        return pkg.logicalPath()
                .toLowerCase(Locale.ROOT)
                .startsWith(folder.logicalPath().toLowerCase(Locale.ROOT) + "\\");
    }

    private static UUID uuid(String s) {
        return s == null || s.isEmpty() ? null : UUID.fromString(s);
    }

    private static int integer(Map<String, String> m, String key) {
        String v = m.get(key);
        return v == null || v.isEmpty() ? 0 : Integer.parseInt(v);
    }

    private static void setNullable(PreparedStatement ps, int i, String v) throws SQLException {
        if (v == null || v.isEmpty()) {
            ps.setNull(i, Types.NVARCHAR);
        } else {
            ps.setString(i, v);
        }
    }
}
