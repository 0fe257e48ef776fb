package org.ssisbackup.msdbagent.restore;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDateTime;
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
import org.ssisbackup.contracts.AgentError;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.Artifact;
import org.ssisbackup.contracts.ArtifactKind;
import org.ssisbackup.contracts.Manifest;
import org.ssisbackup.contracts.MessageMeta;
import org.ssisbackup.contracts.ObjectKeys;
import org.ssisbackup.contracts.Outcome;
import org.ssisbackup.contracts.OverwritePolicy;
import org.ssisbackup.contracts.RestoreCommand;
import org.ssisbackup.contracts.RestoreFinished;
import org.ssisbackup.contracts.agent.BackupJobRunner;
import org.ssisbackup.contracts.store.BlobStore;
import org.ssisbackup.contracts.store.Sha256;
import org.ssisbackup.contracts.store.StoreException;
import org.ssisbackup.msdbagent.MsdbMetrics;
import org.ssisbackup.msdbagent.msdb.FolderTree;
import org.ssisbackup.msdbagent.msdb.MsdbConnector;
import org.ssisbackup.msdbagent.msdb.MsdbDialect;
import org.ssisbackup.msdbagent.msdb.MsdbException;

/**
 * Restores msdb folders and packages of a restore point the way dtutil and SSMS write them: missing folders with
 * {@code sp_ssis_addfolder}, packages with {@code sp_ssis_putpackage} keeping their ids, version fields and
 * dates, roles with {@code sp_ssis_setpackageroles} when asked ({@code sp_dts_*} on SQL Server 2005). A package's
 * bytes are downloaded and their SHA-256 checked before anything is written. Under a target folder the tree is
 * re-rooted ({@code \ETL\Load} to {@code \Restored\ETL\Load}). msdb sets a new package's owner to the restoring
 * login; the original owner sid stays in the manifest. SSISDB projects of the restore point are deployed by
 * {@link SsisdbProjectRestorer}; what is never written automatically (SSISDB parameter values and environments, the
 * native msdb backup) is reported as skipped with the way to apply it.
 */
public final class MsdbPackageRestorer implements BackupJobRunner.Restore {
    private final String hostId;
    private final BlobStore store;
    private final MsdbConnector connector;
    private final MsdbMetrics metrics;
    private final SsisdbProjectRestorer ssisdb;

    public MsdbPackageRestorer(String hostId, BlobStore store, MsdbConnector connector, MsdbMetrics metrics) {
        this.hostId = hostId;
        this.store = store;
        this.connector = connector;
        this.metrics = metrics;
        this.ssisdb = new SsisdbProjectRestorer(store, metrics);
    }

    /** What happened to each item. */
    static final class Result {
        final List<String> written = new ArrayList<>();
        final List<AgentError> skipped = new ArrayList<>();
        final List<AgentError> refused = new ArrayList<>();
        final List<AgentError> failed = new ArrayList<>();
    }

    /** One restore's connection and what it has learnt about the target msdb. */
    private record Session(Connection connection, MsdbDialect dialect, FolderTree tree, Set<UUID> plannedFolders,
                           RestoreCommand command, boolean reRooted) {
    }

    @Override
    public RestoreFinished restore(RestoreCommand c) throws MsdbException, IOException {
        String target = targetFolder(c.targetFolder());
        Manifest manifest = store.readManifest(ObjectKeys.manifest(c.sourceHostId(), c.restorePointId(), AgentKind.MSDB));
        List<PathMatcher> include = c.include().stream().map(g -> FileSystems.getDefault().getPathMatcher("glob:" + slashed(g))).toList();
        List<Artifact> packages = manifest.artifacts().stream()
                .filter(a -> a.kind() == ArtifactKind.MSDB_PACKAGE && selected(a, include)).toList();
        List<Artifact> folders = manifest.artifacts().stream()
                .filter(a -> a.kind() == ArtifactKind.MSDB_FOLDER)
                .filter(a -> include.isEmpty() || selected(a, include) || packages.stream().anyMatch(p -> isUnder(p, a)))
                .sorted(Comparator.comparingInt(a -> FolderTree.segments(a.logicalPath()).size())).toList();
        Result result = new Result();
        int timeout = connector.queryTimeoutSeconds();
        try (Connection conn = connector.connect()) {
            MsdbDialect dialect = MsdbDialect.detect(conn, timeout);
            Session s = new Session(conn, dialect, FolderTree.load(conn, dialect, timeout), new HashSet<>(), c, !target.isEmpty());
            try {
                for (Artifact f : folders) {
                    Optional<String> refusal = refusal(f.logicalPath());
                    if (refusal.isPresent()) {
                        result.refused.add(new AgentError(f.logicalPath(), refusal.get()));
                        continue;
                    }
                    String path = target + f.logicalPath();
                    try {
                        folder(s, path, uuid(f.metadata().get("folderid")), result);
                    } catch (SQLException e) {
                        lostConnection(e);
                        MsdbException failure = MsdbException.of("cannot create folder", e);
                        metrics.failure(failure.reason());
                        result.failed.add(new AgentError(path, failure.getMessage()));
                    }
                }
                for (Artifact p : packages) {
                    restorePackage(s, p, target, result);
                }
                ssisdb.restore(conn, manifest.artifacts().stream()
                        .filter(a -> a.kind() == ArtifactKind.SSISDB_PROJECT && selected(a, include)).toList(), c, timeout, result);
                manifest.artifacts().stream()
                        .filter(a -> (a.kind() == ArtifactKind.SSISDB_PARAMETERS || a.kind() == ArtifactKind.SSISDB_ENVIRONMENT)
                                && selected(a, include))
                        .forEach(a -> result.skipped.add(new AgentError(a.logicalPath(), "not applied: kept as JSON in the restore"
                                + " point (sensitive values were never captured); re-apply with catalog.set_object_parameter_value"
                                + " / catalog.create_environment")));
                manifest.artifacts().stream().filter(a -> a.kind() == ArtifactKind.MSDB_DATABASE_BACKUP && selected(a, include))
                        .forEach(a -> result.skipped.add(new AgentError(a.logicalPath(), "a whole-msdb backup is restored by an"
                                + " admin: RESTORE DATABASE msdb from object " + a.objectKey() + " with SQL Server Agent stopped,"
                                + " on the same version and build (" + a.metadata().getOrDefault("serverVersion", "?") + ")")));
            } catch (SQLException e) {
                // The connection is gone: what was written stays written and is reported; the rest is not tried.
                MsdbException failure = MsdbException.of("restore stopped", e);
                metrics.failure(failure.reason());
                result.failed.add(new AgentError("(msdb)", failure.getMessage()));
            }
        } catch (MsdbException e) {
            metrics.failure(e.reason());
            throw e;
        } catch (SQLException e) {
            MsdbException failure = MsdbException.of("restore stopped", e);
            metrics.failure(failure.reason());
            throw failure;
        }
        Outcome outcome = Outcome.of(!result.failed.isEmpty() || !result.refused.isEmpty(), !result.written.isEmpty());
        return new RestoreFinished(MessageMeta.create(c.meta().jobId(), hostId), AgentKind.MSDB, c.restorePointId(), outcome,
                c.dryRun(), result.written, result.skipped, result.refused, result.failed);
    }

    private void restorePackage(Session s, Artifact a, String target, Result result) throws SQLException, IOException {
        Map<String, String> m = a.metadata();
        Optional<String> refusal = refusal(a.logicalPath());
        String name = m.get("name");
        if (refusal.isEmpty() && (name == null || name.isEmpty() || name.contains("\\"))) {
            refusal = Optional.of("package name is empty or has a '\\'");
        }
        if (refusal.isPresent()) {
            result.refused.add(new AgentError(a.logicalPath(), refusal.get()));
            return;
        }
        String folderPath = target + ("\\".equals(m.get("folderPath")) ? "" : m.getOrDefault("folderPath", ""));
        String dest = folderPath + "\\" + name;
        Path temp = Files.createTempFile("msdb-restore", ".bin");
        try {
            UUID folderId = folder(s, folderPath.isEmpty() ? "\\" : folderPath, null, result);
            Optional<String> existing = s.plannedFolders().contains(folderId) ? Optional.empty() : existingSha256(s, name, folderId);
            if (existing.isPresent() && s.command().overwrite() == OverwritePolicy.NEVER) {
                result.skipped.add(new AgentError(dest, "exists; overwrite is NEVER"));
                return;
            }
            if (existing.isPresent() && s.command().overwrite() == OverwritePolicy.IF_CHANGED && existing.get().equals(a.sha256())) {
                result.skipped.add(new AgentError(dest, "unchanged"));
                return;
            }
            Sha256.Digest digest = store.download(a.sha256(), temp);
            if (!s.command().dryRun()) {
                putPackage(s, name, folderId, m, temp, digest.size());
                if (Boolean.TRUE.equals(s.command().restoreRoles())) {
                    setRoles(s, name, folderId, m);
                }
                metrics.packageRestored(digest.size());
            }
            result.written.add(dest);
        } catch (SQLException e) {
            lostConnection(e);
            MsdbException failure = MsdbException.of("cannot write package", e);
            metrics.failure(failure.reason());
            result.failed.add(new AgentError(dest, failure.getMessage()));
        } catch (IOException | StoreException e) {
            result.failed.add(new AgentError(dest, e.getClass().getSimpleName() + ": " + e.getMessage()));
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * The id of the folder at {@code path}, creating what is missing on the way (only planning it in a dry run).
     * A folder restored to its original place keeps its original id when that id is free.
     */
    private UUID folder(Session s, String path, UUID originalId, Result result) throws SQLException {
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
            UUID id = leaf && originalId != null && !s.reRooted() && !s.tree().contains(originalId) ? originalId : UUID.randomUUID();
            if (s.command().dryRun()) {
                s.plannedFolders().add(id);
            } else {
                try (PreparedStatement ps = s.connection().prepareStatement("EXEC " + s.dialect().procedure("addfolder")
                        + " @parentfolderid = ?, @name = ?, @folderid = ?")) {
                    ps.setQueryTimeout(connector.queryTimeoutSeconds());
                    ps.setString(1, cur.toString());
                    ps.setString(2, name);
                    ps.setString(3, id.toString());
                    ps.execute();
                }
            }
            s.tree().add(id, cur, name);
            result.written.add(at + "\\ (folder)");
            cur = id;
        }
        return cur;
    }

    private Optional<String> existingSha256(Session s, String name, UUID folderId) throws SQLException, IOException {
        try (PreparedStatement ps = s.connection().prepareStatement("SELECT CAST(packagedata AS varbinary(max)) AS packagedata FROM "
                + s.dialect().packagesTable() + " WHERE name = ? AND folderid = ?")) {
            ps.setQueryTimeout(connector.queryTimeoutSeconds());
            ps.setString(1, name);
            ps.setString(2, folderId.toString());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                try (InputStream in = rs.getBinaryStream("packagedata")) {
                    return Optional.of(in == null ? "" : Sha256.copy(in, OutputStream.nullOutputStream()).hex());
                }
            }
        }
    }

    private void putPackage(Session s, String name, UUID folderId, Map<String, String> m, Path bytes, long size)
            throws SQLException, IOException {
        String sql = "EXEC " + s.dialect().procedure("putpackage") + " @name = ?, @id = ?, @description = ?, @createdate = ?,"
                + " @folderid = ?, @packagedata = ?, @packageformat = ?, @packagetype = ?, @vermajor = ?, @verminor = ?,"
                + " @verbuild = ?, @vercomments = ?, @verid = ?";
        try (PreparedStatement ps = s.connection().prepareStatement(sql); InputStream in = Files.newInputStream(bytes)) {
            ps.setQueryTimeout(connector.queryTimeoutSeconds());
            ps.setString(1, name);
            ps.setString(2, m.get("id"));
            setNullable(ps, 3, m.get("description"));
            String created = m.get("createdate");
            ps.setTimestamp(4, Timestamp.valueOf(created == null || created.isEmpty() ? LocalDateTime.now() : LocalDateTime.parse(created)));
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
        try (PreparedStatement ps = s.connection().prepareStatement("EXEC " + s.dialect().procedure("setpackageroles")
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
        try (PreparedStatement ps = s.connection().prepareStatement(
                "SELECT name FROM msdb.sys.database_principals WHERE sid = ? AND type = 'R'")) {
            ps.setQueryTimeout(connector.queryTimeoutSeconds());
            ps.setBytes(1, HexFormat.of().parseHex(sidHex));
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return rs.getString(1);
                }
            }
        }
        throw new SQLException("role with sid 0x" + sidHex + " does not exist in the target msdb; roles not set", "42000", 15151);
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
            throw new IllegalArgumentException("target folder '" + requested + "' is not an msdb folder path: " + refusal(t).get());
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

    private static boolean selected(Artifact a, List<PathMatcher> include) {
        return include.isEmpty() || include.stream().anyMatch(m -> m.matches(Path.of(slashed(a.logicalPath()))));
    }

    private static boolean isUnder(Artifact pkg, Artifact folder) {
        return pkg.logicalPath().toLowerCase(Locale.ROOT).startsWith(folder.logicalPath().toLowerCase(Locale.ROOT) + "\\");
    }

    private static String slashed(String p) {
        return p.replace('\\', '/');
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
