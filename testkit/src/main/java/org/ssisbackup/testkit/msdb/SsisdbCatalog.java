package org.ssisbackup.testkit.msdb;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The SSISDB catalog (project deployment model) as far as a backup tool reads and writes it: the views
 * {@code catalog.folders}, {@code projects}, {@code environments}, {@code environment_variables},
 * {@code object_parameters} and {@code environment_references}, with SQL Server's column names, and the
 * procedures {@code catalog.get_project}, {@code create_folder} and {@code deploy_project}. As in SQL Server, the
 * views never show a sensitive value: those columns read NULL. Thread-safe.
 */
public final class SsisdbCatalog {
    static final Set<String> VIEWS = Set.of(
            "folders",
            "projects",
            "environments",
            "environment_variables",
            "object_parameters",
            "environment_references");

    static final Map<String, Map<String, SqlType>> COLUMNS = Map.of(
            "folders",
                    columns(
                            "folder_id",
                            SqlType.BIGINT,
                            "name",
                            SqlType.nvarchar(128),
                            "description",
                            SqlType.nvarchar(1024),
                            "created_time",
                            SqlType.DATETIME),
            "projects",
                    columns(
                            "project_id",
                            SqlType.BIGINT,
                            "folder_id",
                            SqlType.BIGINT,
                            "name",
                            SqlType.nvarchar(128),
                            "description",
                            SqlType.nvarchar(1024),
                            "project_format_version",
                            SqlType.INT,
                            "deployed_by_name",
                            SqlType.nvarchar(128),
                            "last_deployed_time",
                            SqlType.DATETIME,
                            "object_version_lsn",
                            SqlType.BIGINT),
            "environments",
                    columns(
                            "environment_id",
                            SqlType.BIGINT,
                            "name",
                            SqlType.nvarchar(128),
                            "folder_id",
                            SqlType.BIGINT,
                            "description",
                            SqlType.nvarchar(1024)),
            "environment_variables",
                    columns(
                            "variable_id",
                            SqlType.BIGINT,
                            "environment_id",
                            SqlType.BIGINT,
                            "name",
                            SqlType.nvarchar(128),
                            "description",
                            SqlType.nvarchar(1024),
                            "type",
                            SqlType.nvarchar(128),
                            "sensitive",
                            SqlType.BIT,
                            "value",
                            SqlType.nvarcharMax()),
            "object_parameters",
                    columns(
                            "parameter_id",
                            SqlType.BIGINT,
                            "project_id",
                            SqlType.BIGINT,
                            "object_type",
                            SqlType.INT,
                            "object_name",
                            SqlType.nvarchar(260),
                            "parameter_name",
                            SqlType.nvarchar(128),
                            "data_type",
                            SqlType.nvarchar(128),
                            "required",
                            SqlType.BIT,
                            "sensitive",
                            SqlType.BIT,
                            "description",
                            SqlType.nvarchar(1024),
                            "design_default_value",
                            SqlType.nvarcharMax(),
                            "default_value",
                            SqlType.nvarcharMax(),
                            "value_type",
                            SqlType.nvarchar(1),
                            "value_set",
                            SqlType.BIT,
                            "referenced_variable_name",
                            SqlType.nvarchar(128)),
            "environment_references",
                    columns(
                            "reference_id",
                            SqlType.BIGINT,
                            "project_id",
                            SqlType.BIGINT,
                            "reference_type",
                            SqlType.nvarchar(1),
                            "environment_folder_name",
                            SqlType.nvarchar(128),
                            "environment_name",
                            SqlType.nvarchar(128)));

    private final Map<String, List<Map<String, Object>>> rows = new LinkedHashMap<>();
    private final Map<Long, byte[]> projectStreams = new LinkedHashMap<>();
    private final Set<String> unreadable = ConcurrentHashMap.newKeySet();
    private long nextId = 1;

    SsisdbCatalog() {
        VIEWS.forEach(v -> rows.put(v, new ArrayList<>()));
    }

    synchronized List<Map<String, Object>> rowsOf(String view) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> r : rows.get(view)) {
            Map<String, Object> copy = new LinkedHashMap<>(r);
            if (Boolean.TRUE.equals(copy.get("sensitive"))) {
                copy.replace("value", null);
                copy.replace("default_value", null);
                copy.replace("design_default_value", null);
            }
            out.add(copy);
        }
        return out;
    }

    /** catalog.create_folder: the folder's id (an existing folder of that name is an error, as in SQL Server). */
    public synchronized long createFolder(String name, String description) {
        if (folderId(name) != null) {
            throw new StandInSqlException(
                    27190,
                    "The folder '" + name
                            + "' already exists or you have not been granted the appropriate permissions to change it.");
        }
        long id = nextId++;
        rows.get("folders")
                .add(row(
                        "folder_id",
                        id,
                        "name",
                        name,
                        "description",
                        description,
                        "created_time",
                        LocalDateTime.now(ZoneId.systemDefault())));
        return id;
    }

    /** catalog.deploy_project: creates or replaces a project; each deployment is a new object version. */
    public synchronized long deployProject(String folder, String name, byte[] ispac) {
        Long folderId = folderId(folder);
        if (folderId == null) {
            throw new StandInSqlException(
                    27104,
                    "Cannot find the folder '" + folder
                            + "' because it does not exist or you do not have sufficient permissions.");
        }
        if (ispac == null || ispac.length < 4 || ispac[0] != 'P' || ispac[1] != 'K') {
            throw new StandInSqlException(
                    27203,
                    "Failed to deploy project. For more information, query the operation_messages view for the operation identifier.");
        }
        Map<String, Object> p = project(folder, name);
        long version = nextId++;
        if (p == null) {
            p = row(
                    "project_id",
                    nextId++,
                    "folder_id",
                    folderId,
                    "name",
                    name,
                    "description",
                    "",
                    "project_format_version",
                    1,
                    "deployed_by_name",
                    "stand-in",
                    "last_deployed_time",
                    LocalDateTime.now(ZoneId.systemDefault()),
                    "object_version_lsn",
                    version);
            rows.get("projects").add(p);
        } else {
            p.put("object_version_lsn", version);
            p.put("last_deployed_time", LocalDateTime.now(ZoneId.systemDefault()));
        }
        projectStreams.put((Long) p.get("project_id"), ispac.clone());
        return (Long) p.get("project_id");
    }

    /** catalog.get_project: the project's .ispac as deployed. */
    public synchronized byte[] getProject(String folder, String name) {
        Map<String, Object> p = project(folder, name);
        if (p == null || unreadable.contains(key(folder, name))) {
            throw new StandInSqlException(
                    27109,
                    "Cannot access the project '" + name
                            + "' because it does not exist or you do not have sufficient permissions.");
        }
        return projectStreams.get((Long) p.get("project_id")).clone();
    }

    public synchronized long createEnvironment(String folder, String name, String description) {
        long id = nextId++;
        rows.get("environments")
                .add(row(
                        "environment_id",
                        id,
                        "name",
                        name,
                        "folder_id",
                        Objects.requireNonNull(folderId(folder)),
                        "description",
                        description));
        return id;
    }

    /** A variable; a sensitive one's value is kept but never shown by the view. */
    public synchronized void createEnvironmentVariable(
            long environmentId, String name, String type, boolean sensitive, Object value, String description) {
        rows.get("environment_variables")
                .add(row(
                        "variable_id",
                        nextId++,
                        "environment_id",
                        environmentId,
                        "name",
                        name,
                        "description",
                        description,
                        "type",
                        type,
                        "sensitive",
                        sensitive,
                        "value",
                        value == null ? null : value.toString()));
    }

    /** A parameter value set on a project or package (value type V: literal, R: referenced environment variable). */
    public synchronized void setObjectParameterValue(
            long projectId,
            int objectType,
            String objectName,
            String parameter,
            String dataType,
            boolean sensitive,
            String value,
            String referencedVariable) {
        rows.get("object_parameters")
                .add(row(
                        "parameter_id",
                        nextId++,
                        "project_id",
                        projectId,
                        "object_type",
                        objectType,
                        "object_name",
                        objectName,
                        "parameter_name",
                        parameter,
                        "data_type",
                        dataType,
                        "required",
                        false,
                        "sensitive",
                        sensitive,
                        "description",
                        "",
                        "design_default_value",
                        null,
                        "default_value",
                        referencedVariable == null ? value : null,
                        "value_type",
                        referencedVariable == null ? "V" : "R",
                        "value_set",
                        true,
                        "referenced_variable_name",
                        referencedVariable));
    }

    public synchronized void createEnvironmentReference(
            long projectId, String referenceType, String environmentFolder, String environmentName) {
        rows.get("environment_references")
                .add(row(
                        "reference_id",
                        nextId++,
                        "project_id",
                        projectId,
                        "reference_type",
                        referenceType,
                        "environment_folder_name",
                        environmentFolder,
                        "environment_name",
                        environmentName));
    }

    /** Fault injection: get_project of this project fails with SQL Server's permission error. */
    public void makeUnreadable(String folder, String project) {
        unreadable.add(key(folder, project));
    }

    public synchronized Long folderId(String name) {
        for (Map<String, Object> f : rows.get("folders")) {
            if (name.equalsIgnoreCase((String) f.get("name"))) {
                return (Long) f.get("folder_id");
            }
        }
        return null;
    }

    public synchronized Map<String, Object> project(String folder, String name) {
        Long folderId = folderId(folder);
        for (Map<String, Object> p : rows.get("projects")) {
            if (Objects.equals(p.get("folder_id"), folderId) && name.equalsIgnoreCase((String) p.get("name"))) {
                return p;
            }
        }
        return null;
    }

    private static String key(String folder, String project) {
        return (folder + "\\" + project).toLowerCase(Locale.ROOT);
    }

    private static Map<String, Object> row(Object... pairs) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], pairs[i + 1]);
        }
        return m;
    }

    private static Map<String, SqlType> columns(Object... pairs) {
        Map<String, SqlType> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], (SqlType) pairs[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(m);
    }
}
