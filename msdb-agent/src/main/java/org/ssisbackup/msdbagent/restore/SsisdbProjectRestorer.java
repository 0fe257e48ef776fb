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
import java.util.List;
import java.util.Optional;
import org.ssisbackup.contracts.AgentError;
import org.ssisbackup.contracts.Artifact;
import org.ssisbackup.contracts.OverwritePolicy;
import org.ssisbackup.contracts.RestoreCommand;
import org.ssisbackup.contracts.store.BlobStore;
import org.ssisbackup.contracts.store.Sha256;
import org.ssisbackup.contracts.store.StoreException;
import org.ssisbackup.msdbagent.MsdbMetrics;
import org.ssisbackup.msdbagent.msdb.MsdbException;

/**
 * Restores SSISDB projects of a restore point with {@code catalog.deploy_project}, creating a missing folder with
 * {@code catalog.create_folder}. The .ispac's SHA-256 is checked before it is deployed; {@code overwrite} and dry
 * run work as for msdb packages ({@code IF_CHANGED} compares what {@code catalog.get_project} returns). Deploying
 * makes a new object version in SSISDB, as any deployment does. Parameter values and environments are kept in the
 * restore point as JSON and reported as not applied: they reference sensitive values the backup never had.
 */
final class SsisdbProjectRestorer {
    static final String PERMISSION_HINT = "deploying to SSISDB needs ssis_admin, or CREATE_OBJECTS on the folder";

    private final BlobStore store;
    private final MsdbMetrics metrics;

    SsisdbProjectRestorer(BlobStore store, MsdbMetrics metrics) {
        this.store = store;
        this.metrics = metrics;
    }

    void restore(Connection c, List<Artifact> projects, RestoreCommand command, int timeout, MsdbPackageRestorer.Result result)
            throws SQLException, IOException {
        if (projects.isEmpty()) {
            return;
        }
        if (!catalogExists(c, timeout)) {
            projects.forEach(p -> result.refused.add(new AgentError(p.logicalPath(), "no SSISDB catalog on this instance")));
            return;
        }
        for (Artifact p : projects) {
            restoreProject(c, p, command, timeout, result);
        }
    }

    private void restoreProject(Connection c, Artifact a, RestoreCommand command, int timeout, MsdbPackageRestorer.Result result)
            throws SQLException, IOException {
        String folder = a.metadata().getOrDefault("folder", "");
        String project = a.metadata().getOrDefault("project", "");
        if (!validName(folder) || !validName(project)) {
            result.refused.add(new AgentError(a.logicalPath(), "folder or project name is empty or has a '\\' or '/'"));
            return;
        }
        Path temp = Files.createTempFile("ssisdb-restore", ".ispac");
        try {
            boolean folderExists = folderExists(c, folder, timeout);
            Optional<String> existing = folderExists ? existingSha256(c, folder, project, timeout) : Optional.empty();
            if (existing.isPresent() && command.overwrite() == OverwritePolicy.NEVER) {
                result.skipped.add(new AgentError(a.logicalPath(), "exists; overwrite is NEVER"));
                return;
            }
            if (existing.isPresent() && command.overwrite() == OverwritePolicy.IF_CHANGED && existing.get().equals(a.sha256())) {
                result.skipped.add(new AgentError(a.logicalPath(), "unchanged"));
                return;
            }
            Sha256.Digest digest = store.download(a.sha256(), temp);
            if (!command.dryRun()) {
                if (!folderExists) {
                    try (PreparedStatement ps = c.prepareStatement("EXEC SSISDB.catalog.create_folder @folder_name = ?")) {
                        ps.setQueryTimeout(timeout);
                        ps.setString(1, folder);
                        ps.execute();
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("EXEC SSISDB.catalog.deploy_project @folder_name = ?,"
                        + " @project_name = ?, @project_stream = ?"); InputStream in = Files.newInputStream(temp)) {
                    ps.setQueryTimeout(timeout);
                    ps.setString(1, folder);
                    ps.setString(2, project);
                    ps.setBinaryStream(3, in, digest.size());
                    ps.execute();
                }
            }
            result.written.add(a.logicalPath());
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
                throw e;
            }
            MsdbException failure = MsdbException.of("cannot deploy the project", e, PERMISSION_HINT);
            metrics.failure(failure.reason());
            result.failed.add(new AgentError(a.logicalPath(), failure.getMessage()));
        } catch (StoreException | IOException e) {
            result.failed.add(new AgentError(a.logicalPath(), e.getClass().getSimpleName() + ": " + e.getMessage()));
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static boolean validName(String name) {
        return !name.isBlank() && !name.contains("\\") && !name.contains("/");
    }

    private static boolean catalogExists(Connection c, int timeout) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT name FROM sys.databases WHERE name = 'SSISDB'")) {
            ps.setQueryTimeout(timeout);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static boolean folderExists(Connection c, String folder, int timeout) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT folder_id FROM SSISDB.catalog.folders WHERE name = ?")) {
            ps.setQueryTimeout(timeout);
            ps.setString(1, folder);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The SHA-256 of the project as deployed now, or empty when there is no such project. */
    private static Optional<String> existingSha256(Connection c, String folder, String project, int timeout)
            throws SQLException, IOException {
        try (PreparedStatement ps = c.prepareStatement("EXEC SSISDB.catalog.get_project @folder_name = ?, @project_name = ?")) {
            ps.setQueryTimeout(timeout);
            ps.setString(1, folder);
            ps.setString(2, project);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                try (InputStream in = rs.getBinaryStream(1)) {
                    return Optional.of(in == null ? "" : Sha256.copy(in, OutputStream.nullOutputStream()).hex());
                }
            }
        } catch (SQLException e) {
            if (e.getErrorCode() == 27109 || String.valueOf(e.getMessage()).contains("does not exist")) {
                return Optional.empty(); // "Cannot access the project ... because it does not exist"
            }
            throw e;
        }
    }
}
