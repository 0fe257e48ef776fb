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
import java.util.Set;
import org.ssisbackup.agent.restore.RestoreContext;
import org.ssisbackup.agent.restore.RestoreHandler;
import org.ssisbackup.contracts.Artifact;
import org.ssisbackup.contracts.ArtifactKind;
import org.ssisbackup.msdbagent.msdb.MsdbConnector;
import org.ssisbackup.msdbagent.msdb.MsdbException;
import org.ssisbackup.msdbagent.msdb.MsdbMetrics;
import org.ssisbackup.storage.Sha256;
import org.ssisbackup.storage.StoreException;

/**
 * Restores SSISDB projects of a restore point with {@code catalog.deploy_project}, creating a missing folder with
 * {@code catalog.create_folder}. The .ispac's SHA-256 is checked before it is deployed; {@code overwrite} and dry
 * run work as for msdb packages ({@code IF_CHANGED} compares what {@code catalog.get_project} returns). Deploying
 * makes a new object version in SSISDB, as any deployment does. Parameter values and environments are kept in the
 * restore point as JSON and reported as not applied: they reference sensitive values the backup never had.
 */
public final class SsisdbProjectRestoreHandler implements RestoreHandler {
    static final String PERMISSION_HINT = "deploying to SSISDB needs ssis_admin, or CREATE_OBJECTS on the folder";

    private final MsdbConnector connector;
    private final MsdbMetrics metrics;

    public SsisdbProjectRestoreHandler(MsdbConnector connector, MsdbMetrics metrics) {
        this.connector = connector;
        this.metrics = metrics;
    }

    @Override
    public Set<ArtifactKind> kinds() {
        return Set.of(ArtifactKind.SSISDB_PROJECT);
    }

    /**
     * A drill opens each project as SQL Server would: the .ispac fetched into the scratch folder (chunks authenticated,
     * SHA-256 checked) must be a readable zip whose {@code @Project.manifest} parses as XML, and every package in it
     * too. Nothing is deployed.
     */
    @Override
    public void drill(List<Artifact> projects, RestoreContext ctx, org.ssisbackup.agent.restore.DrillChecks checks) {
        for (Artifact a : projects) {
            try {
                Path file = org.ssisbackup.agent.restore.DrillFiles.fetch(a, ctx);
                checks.itemChecked();
                boolean manifest = false;
                try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(file.toFile())) {
                    for (java.util.zip.ZipEntry e : java.util.Collections.list(zip.entries())) {
                        String name = e.getName();
                        if (name.equals("@Project.manifest")
                                || name.toLowerCase(java.util.Locale.ROOT).endsWith(".dtsx")) {
                            try (java.io.InputStream in = zip.getInputStream(e)) {
                                javax.xml.stream.XMLStreamReader x = org.ssisbackup.ssis.SecureXml.newStreamReader(in);
                                while (x.hasNext()) {
                                    x.next();
                                }
                                x.close();
                            }
                            checks.documentParsed();
                            manifest |= name.equals("@Project.manifest");
                        }
                    }
                }
                if (!manifest) {
                    ctx.failed(a.logicalPath(), "the .ispac has no @Project.manifest");
                }
            } catch (java.io.IOException | javax.xml.stream.XMLStreamException | RuntimeException e) {
                ctx.failed(a.logicalPath(), "not a readable project: " + e.getMessage());
            }
        }
    }

    @Override
    public void restore(List<Artifact> projects, RestoreContext ctx) throws MsdbException {
        int timeout = connector.queryTimeoutSeconds();
        try (Connection c = connector.connect()) {
            if (!catalogExists(c, timeout)) {
                projects.forEach(p -> ctx.refused(p.logicalPath(), "no SSISDB catalog on this instance"));
                return;
            }
            for (Artifact p : projects) {
                restoreProject(c, p, ctx, timeout);
            }
        } catch (SQLException e) {
            MsdbException failure = MsdbException.of("restore stopped", e);
            metrics.failure(failure.reason());
            throw failure;
        }
    }

    private void restoreProject(Connection c, Artifact a, RestoreContext ctx, int timeout) throws SQLException {
        String folder = a.metadata().getOrDefault("folder", "");
        String project = a.metadata().getOrDefault("project", "");
        if (!validName(folder) || !validName(project)) {
            ctx.refused(a.logicalPath(), "folder or project name is empty or has a '\\' or '/'");
            return;
        }
        Path temp = null;
        try {
            temp = Files.createTempFile("ssisdb-restore", ".ispac");
            boolean folderExists = folderExists(c, folder, timeout);
            Optional<String> existing = folderExists ? existingSha256(c, folder, project, timeout) : Optional.empty();
            if (!ctx.mayWrite(a.logicalPath(), existing.isPresent(), existing::get, a.sha256())) {
                return;
            }
            ctx.download(a, temp);
            long size = Files.size(temp);
            if (!ctx.dryRun()) {
                if (!folderExists) {
                    try (PreparedStatement ps =
                            c.prepareStatement("EXEC SSISDB.catalog.create_folder @folder_name = ?")) {
                        ps.setQueryTimeout(timeout);
                        ps.setString(1, folder);
                        ps.execute();
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("EXEC SSISDB.catalog.deploy_project @folder_name = ?,"
                                + " @project_name = ?, @project_stream = ?");
                        InputStream in = Files.newInputStream(temp)) {
                    ps.setQueryTimeout(timeout);
                    ps.setString(1, folder);
                    ps.setString(2, project);
                    ps.setBinaryStream(3, in, size);
                    ps.execute();
                }
            }
            ctx.written(a.logicalPath(), size);
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
                throw e;
            }
            MsdbException failure = MsdbException.of("cannot deploy the project", e, PERMISSION_HINT);
            metrics.failure(failure.reason());
            ctx.failed(a.logicalPath(), failure.getMessage());
        } catch (StoreException | IOException e) {
            ctx.failed(a.logicalPath(), e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // a leftover in the system's temporary folder
                }
            }
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
        try (PreparedStatement ps =
                c.prepareStatement("EXEC SSISDB.catalog.get_project @folder_name = ?, @project_name = ?")) {
            ps.setQueryTimeout(timeout);
            ps.setString(1, folder);
            ps.setString(2, project);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                try (InputStream in = rs.getBinaryStream(1)) {
                    return Optional.of(
                            in == null
                                    ? ""
                                    : Sha256.copy(in, OutputStream.nullOutputStream())
                                            .hex());
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
