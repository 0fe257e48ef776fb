package org.ssisbackup.msdbagent.capture;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ssisbackup.agent.capture.CaptureContext;
import org.ssisbackup.contracts.ArtifactKind;
import org.ssisbackup.contracts.MessageCodec;
import org.ssisbackup.msdbagent.msdb.MsdbConnector;
import org.ssisbackup.msdbagent.msdb.MsdbException;
import org.ssisbackup.msdbagent.msdb.MsdbMetrics;
import org.ssisbackup.storage.Sha256;
import org.ssisbackup.storage.StoreException;
import org.ssisbackup.storage.repository.Repository;

/**
 * SSISDB, the project deployment model's catalog: every project's .ispac as {@code catalog.get_project} returns it
 * (streamed to a temporary file, hashed on the way, never held in memory), the parameter values set on the server
 * and the project's environment references as JSON, and every environment with its variables as JSON. The .ispac
 * holds the design defaults; what admins set after deployment lives only in these views, which is why they are
 * kept. Sensitive values are never captured: SSISDB shows them to no one, and the JSON says which ones to re-enter.
 * One project that cannot be read does not stop the others.
 */
public final class SsisdbProjectExporter {
    static final String PERMISSION_HINT = "reading SSISDB needs ssis_admin, or READ on its folders and projects";
    /** Logical paths: {@code SSISDB\Folder\Project}, {@code ...\Project:parameters}, {@code SSISDB\Folder\environment:Name}. */
    public static final String ROOT = "SSISDB";

    private final MsdbConnector connector;
    private final MsdbMetrics metrics;

    public SsisdbProjectExporter(MsdbConnector connector, MsdbMetrics metrics) {
        this.connector = connector;
        this.metrics = metrics;
    }

    /** A parameter value set on the server (value type V: a literal; R: a reference to an environment variable). */
    public record ParameterValue(
            int objectType,
            String objectName,
            String parameterName,
            String dataType,
            boolean sensitive,
            String value,
            String valueType,
            String referencedVariable) {}

    public record EnvironmentReference(String referenceType, String environmentFolder, String environmentName) {}

    /** What a project's restore needs beside its .ispac. */
    public record ProjectSettings(
            int schemaVersion,
            String folder,
            String project,
            List<ParameterValue> parameters,
            List<EnvironmentReference> environmentReferences) {}

    /** A variable; {@code value} is null when {@code sensitive}. */
    public record Variable(String name, String type, boolean sensitive, String value, String description) {}

    public record Environment(
            int schemaVersion, String folder, String name, String description, List<Variable> variables) {}

    private record Project(long id, String folder, String name, Map<String, String> meta) {}

    public void capture(CaptureContext ctx) throws MsdbException, IOException {
        int timeout = connector.queryTimeoutSeconds();
        try (Connection c = connector.connect()) {
            if (!catalogExists(c, timeout)) {
                ctx.warn(ROOT, "no SSISDB catalog on this instance: nothing to capture");
                return;
            }
            Map<Long, String> folders = folders(c, timeout);
            List<Project> projects = projects(c, folders, timeout);
            Map<Long, List<ParameterValue>> parameters = parameters(c, timeout);
            Map<Long, List<EnvironmentReference>> references = references(c, timeout);
            Path temp = Files.createTempFile("ssisdb-project", ".ispac");
            try {
                for (Project p : projects) {
                    exportProject(c, p, temp, timeout, ctx);
                    storeJson(
                            ctx,
                            path(p.folder(), p.name()) + ":parameters",
                            ArtifactKind.SSISDB_PARAMETERS,
                            new ProjectSettings(
                                    1,
                                    p.folder(),
                                    p.name(),
                                    parameters.getOrDefault(p.id(), List.of()),
                                    references.getOrDefault(p.id(), List.of())),
                            Map.of("folder", p.folder(), "project", p.name()));
                }
            } finally {
                Files.deleteIfExists(temp);
            }
            exportEnvironments(c, folders, timeout, ctx);
        } catch (SQLException e) {
            MsdbException failure = MsdbException.of("SSISDB", e, PERMISSION_HINT);
            metrics.failure(failure.reason());
            throw failure;
        } catch (MsdbException e) {
            metrics.failure(e.reason());
            throw e;
        }
    }

    static String path(String folder, String name) {
        return ROOT + "\\" + folder + "\\" + name;
    }

    private static boolean catalogExists(Connection c, int timeout) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT name FROM sys.databases WHERE name = 'SSISDB'")) {
            ps.setQueryTimeout(timeout);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static Map<Long, String> folders(Connection c, int timeout) throws SQLException {
        Map<Long, String> folders = new LinkedHashMap<>();
        try (PreparedStatement ps =
                c.prepareStatement("SELECT folder_id, name FROM SSISDB.catalog.folders ORDER BY name")) {
            ps.setQueryTimeout(timeout);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    folders.put(rs.getLong("folder_id"), rs.getString("name"));
                }
            }
        }
        return folders;
    }

    private static List<Project> projects(Connection c, Map<Long, String> folders, int timeout) throws SQLException {
        List<Project> projects = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT project_id, folder_id, name, description, project_format_version,"
                        + " deployed_by_name, last_deployed_time, object_version_lsn FROM SSISDB.catalog.projects ORDER BY folder_id, name")) {
            ps.setQueryTimeout(timeout);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String folder = folders.get(rs.getLong("folder_id"));
                    Map<String, String> meta = new LinkedHashMap<>();
                    meta.put("folder", folder);
                    meta.put("project", rs.getString("name"));
                    meta.put("projectId", String.valueOf(rs.getLong("project_id")));
                    meta.put("description", nullToEmpty(rs.getString("description")));
                    meta.put("projectFormatVersion", String.valueOf(rs.getInt("project_format_version")));
                    meta.put("deployedBy", nullToEmpty(rs.getString("deployed_by_name")));
                    meta.put("lastDeployed", nullToEmpty(rs.getString("last_deployed_time")));
                    meta.put("objectVersionLsn", String.valueOf(rs.getLong("object_version_lsn")));
                    projects.add(new Project(rs.getLong("project_id"), folder, rs.getString("name"), meta));
                }
            }
        }
        return projects;
    }

    private static Map<Long, List<ParameterValue>> parameters(Connection c, int timeout) throws SQLException {
        Map<Long, List<ParameterValue>> byProject = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT project_id, object_type, object_name, parameter_name, data_type,"
                        + " sensitive, CAST(default_value AS nvarchar(4000)) AS default_value, value_type, referenced_variable_name"
                        + " FROM SSISDB.catalog.object_parameters WHERE value_set = 1 ORDER BY project_id, object_name, parameter_name")) {
            ps.setQueryTimeout(timeout);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    boolean sensitive = rs.getBoolean("sensitive");
                    byProject
                            .computeIfAbsent(rs.getLong("project_id"), k -> new ArrayList<>())
                            .add(new ParameterValue(
                                    rs.getInt("object_type"),
                                    rs.getString("object_name"),
                                    rs.getString("parameter_name"),
                                    rs.getString("data_type"),
                                    sensitive,
                                    sensitive ? null : rs.getString("default_value"),
                                    rs.getString("value_type"),
                                    rs.getString("referenced_variable_name")));
                }
            }
        }
        return byProject;
    }

    private static Map<Long, List<EnvironmentReference>> references(Connection c, int timeout) throws SQLException {
        Map<Long, List<EnvironmentReference>> byProject = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT reference_id, project_id, reference_type, environment_folder_name,"
                        + " environment_name FROM SSISDB.catalog.environment_references ORDER BY project_id, environment_name")) {
            ps.setQueryTimeout(timeout);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byProject
                            .computeIfAbsent(rs.getLong("project_id"), k -> new ArrayList<>())
                            .add(new EnvironmentReference(
                                    rs.getString("reference_type"),
                                    rs.getString("environment_folder_name"),
                                    rs.getString("environment_name")));
                }
            }
        }
        return byProject;
    }

    /** One project's .ispac; a project that cannot be read is reported and the others go on. */
    private void exportProject(Connection c, Project p, Path temp, int timeout, CaptureContext ctx)
            throws MsdbException, IOException {
        String logicalPath = path(p.folder(), p.name());
        Sha256.Digest digest;
        try (PreparedStatement ps =
                c.prepareStatement("EXEC SSISDB.catalog.get_project @folder_name = ?, @project_name = ?")) {
            ps.setQueryTimeout(timeout);
            ps.setString(1, p.folder());
            ps.setString(2, p.name());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    ctx.failed(logicalPath, "catalog.get_project returned no project stream");
                    return;
                }
                try (InputStream in = rs.getBinaryStream(1);
                        OutputStream out = Files.newOutputStream(temp)) {
                    if (in == null) {
                        ctx.failed(logicalPath, "catalog.get_project returned no project stream");
                        return;
                    }
                    digest = Sha256.copy(in, out);
                }
            }
        } catch (SQLException e) {
            MsdbException failure = MsdbException.of("cannot read the project", e, PERMISSION_HINT);
            if (failure.reason() == MsdbException.Reason.CONNECTION_LOST
                    || failure.reason() == MsdbException.Reason.TIMEOUT) {
                throw failure;
            }
            metrics.failure(failure.reason());
            ctx.failed(logicalPath, failure.getMessage());
            return;
        }
        try {
            Repository.StoredContent stored;
            try (java.io.InputStream in = Files.newInputStream(temp)) {
                stored = ctx.store(logicalPath, ArtifactKind.SSISDB_PROJECT, in, p.meta());
            }
            if (!stored.sha256().equals(digest.hex())) {
                throw new StoreException(logicalPath + ": the project's temporary copy changed while it was stored");
            }
            metrics.projectCaptured(stored.size(), stored.anythingNew());
        } catch (StoreException | java.io.IOException e) {
            ctx.failed(logicalPath, e.getMessage());
        }
    }

    private void exportEnvironments(Connection c, Map<Long, String> folders, int timeout, CaptureContext ctx)
            throws SQLException {
        Map<Long, List<Variable>> variables = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT environment_id, name, description, type, sensitive,"
                        + " CAST(value AS nvarchar(4000)) AS value FROM SSISDB.catalog.environment_variables ORDER BY environment_id, name")) {
            ps.setQueryTimeout(timeout);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    boolean sensitive = rs.getBoolean("sensitive");
                    variables
                            .computeIfAbsent(rs.getLong("environment_id"), k -> new ArrayList<>())
                            .add(new Variable(
                                    rs.getString("name"),
                                    rs.getString("type"),
                                    sensitive,
                                    sensitive ? null : rs.getString("value"),
                                    nullToEmpty(rs.getString("description"))));
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT environment_id, name, folder_id, description"
                + " FROM SSISDB.catalog.environments ORDER BY folder_id, name")) {
            ps.setQueryTimeout(timeout);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String folder = folders.get(rs.getLong("folder_id"));
                    String name = rs.getString("name");
                    List<Variable> vars = variables.getOrDefault(rs.getLong("environment_id"), List.of());
                    String logicalPath = ROOT + "\\" + folder + "\\environment:" + name;
                    long secrets = vars.stream().filter(Variable::sensitive).count();
                    if (secrets > 0) {
                        ctx.warn(
                                logicalPath,
                                secrets + " sensitive variable value(s) not captured (SSISDB shows them to no one):"
                                        + " re-enter them after a restore");
                    }
                    storeJson(
                            ctx,
                            logicalPath,
                            ArtifactKind.SSISDB_ENVIRONMENT,
                            new Environment(1, folder, name, nullToEmpty(rs.getString("description")), vars),
                            Map.of("folder", folder, "environment", name));
                }
            }
        }
    }

    private void storeJson(
            CaptureContext ctx, String logicalPath, ArtifactKind kind, Object value, Map<String, String> meta) {
        try {
            ctx.store(logicalPath, kind, MessageCodec.encode(value), meta);
        } catch (StoreException | java.io.IOException e) {
            ctx.failed(logicalPath, e.getMessage());
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
