package org.ssisbackup.testkit.msdb;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * The msdb tables of the package deployment model, in memory: {@code sysssispackagefolders} and
 * {@code sysssispackages} (or their SQL Server 2005 names {@code sysdtspackagefolders90} /
 * {@code sysdtspackages90}), with the column names and types of SSIS.md, and the {@code sp_ssis_*}
 * procedures that dtutil and SSMS call. Thread-safe: every access holds the model's lock.
 */
public final class MsdbModel {
    public static final UUID ROOT_FOLDER = new UUID(0, 0);
    public static final UUID MAINTENANCE_PLANS_FOLDER = UUID.fromString("08aa12d5-8f98-4dab-a4fc-980b150a5dc8");
    /** The sid of {@code sa}, owner of seeded packages. */
    private static final byte[] SA_SID = {0x01};

    /** The sid of {@code sa} (a copy: arrays are mutable). */
    public static byte[] saSid() {
        return SA_SID.clone();
    }

    /** Column name to type, in table order. */
    public static final Map<String, SqlType> FOLDER_COLUMNS = columns(
            "folderid", SqlType.UNIQUEIDENTIFIER,
            "parentfolderid", SqlType.UNIQUEIDENTIFIER,
            "foldername", SqlType.nvarchar(128));

    public static final Map<String, SqlType> PACKAGE_COLUMNS = columns(
            "name", SqlType.nvarchar(128),
            "id", SqlType.UNIQUEIDENTIFIER,
            "description", SqlType.nvarchar(1024),
            "createdate", SqlType.DATETIME,
            "folderid", SqlType.UNIQUEIDENTIFIER,
            "ownersid", SqlType.varbinary(85),
            // image in SQL Server; the stand-in has no legacy LOB type and answers varbinary(max).
            "packagedata", SqlType.varbinaryMax(),
            "packageformat", SqlType.INT,
            "packagetype", SqlType.INT,
            "vermajor", SqlType.INT,
            "verminor", SqlType.INT,
            "verbuild", SqlType.INT,
            "vercomments", SqlType.nvarchar(1024),
            "verid", SqlType.UNIQUEIDENTIFIER,
            "isencrypted", SqlType.BIT,
            "readrolesid", SqlType.varbinary(85),
            "writerolesid", SqlType.varbinary(85));

    /** msdb.sys.database_principals, as far as the agents read it: roles with their sids. */
    public static final Map<String, SqlType> PRINCIPAL_COLUMNS = columns(
            "name", SqlType.nvarchar(128),
            "sid", SqlType.varbinary(85),
            "type", SqlType.nvarchar(1));

    public static final Map<String, SqlType> DATABASE_COLUMNS =
            columns("name", SqlType.nvarchar(128), "database_id", SqlType.INT);

    private final boolean sqlServer2005;
    private final NativeBackups nativeBackups = new NativeBackups(this);
    /** The SSISDB catalog, when the instance has one. */
    private SsisdbCatalog ssisdb;

    private final List<Map<String, Object>> folders = new ArrayList<>();
    private final List<Map<String, Object>> packages = new ArrayList<>();
    private final List<Map<String, Object>> principals = new ArrayList<>();
    private final SqlAgent sqlAgent = new SqlAgent();
    /** Server logins: lower-case name to sid (SUSER_SNAME, SUSER_SID, job owners). */
    private final Map<String, byte[]> logins = new LinkedHashMap<>();
    /** Tables of user databases (an [SSIS Configurations] table), by their unqualified lower-case name. */
    private final Map<String, Map<String, SqlType>> userTableColumns = new LinkedHashMap<>();

    private final Map<String, List<Map<String, Object>>> userTableRows = new LinkedHashMap<>();

    /** An msdb of SQL Server 2008 or later. */
    public MsdbModel() {
        this(false);
    }

    /** @param sqlServer2005 model SQL Server 2005: tables sysdtspackages90 / sysdtspackagefolders90, sp_dts_* procedures */
    public MsdbModel(boolean sqlServer2005) {
        this.sqlServer2005 = sqlServer2005;
        folders.add(folderRow(ROOT_FOLDER, null, ""));
        if (!sqlServer2005) {
            folders.add(folderRow(MAINTENANCE_PLANS_FOLDER, ROOT_FOLDER, "Maintenance Plans"));
        }
        for (String role : List.of("db_ssisadmin", "db_ssisltduser", "db_ssisoperator")) {
            addRole(role);
        }
        logins.put("sa", SA_SID);
    }

    /** A server login (the stand-in adds one per account). */
    public synchronized void addLogin(String name, byte[] sid) {
        logins.put(name.toLowerCase(Locale.ROOT), sid.clone());
    }

    /** SUSER_SNAME(sid): the login's name, or null. */
    public synchronized String loginName(byte[] sid) {
        if (sid == null) {
            return null;
        }
        return logins.entrySet().stream()
                .filter(e -> java.util.Arrays.equals(e.getValue(), sid))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElse(null);
    }

    /** SUSER_SID(name): the login's sid, or null. */
    public synchronized byte[] loginSid(String name) {
        byte[] sid = name == null ? null : logins.get(name.toLowerCase(Locale.ROOT));
        return sid == null ? null : sid.clone();
    }

    /** sp_add_proxy, for tests that need a proxy to exist (its credential is not modelled). */
    public synchronized int addProxy(String name) {
        return sqlAgent.addProxy(name);
    }

    /** How many SQL Server Agent jobs exist. */
    public synchronized int jobCount() {
        return sqlAgent.jobCount();
    }

    /** SQL Server Agent's tables and procedures (callers hold this model's lock). */
    SqlAgent sqlAgent() {
        return sqlAgent;
    }

    /** A database role in msdb, with a sid derived from its name (so two stand-ins agree, as two servers would not). */
    public synchronized byte[] addRole(String name) {
        byte[] sid = java.util.Arrays.copyOf(
                name.toLowerCase(Locale.ROOT).getBytes(java.nio.charset.StandardCharsets.UTF_8), 16);
        sid[15] = (byte) (sqlServer2005 ? 0x05 : 0x08);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", name);
        row.put("sid", sid);
        row.put("type", "R");
        principals.add(row);
        return sid.clone();
    }

    /** The sid of a role, or null. */
    public synchronized byte[] roleSid(String name) {
        for (Map<String, Object> p : principals) {
            if (name.equalsIgnoreCase((String) p.get("name"))) {
                return ((byte[]) p.get("sid")).clone();
            }
        }
        return null;
    }

    /** Creates a table of a user database (qualified names are reduced to their last part). */
    public synchronized void createTable(String name, Map<String, SqlType> columns) {
        String key = SqlParser.simpleName(name.replace("[", "").replace("]", ""));
        userTableColumns.put(key, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(columns)));
        userTableRows.put(key, new ArrayList<>());
    }

    public synchronized void insertRow(String table, Map<String, Object> row) {
        String key = SqlParser.simpleName(table.replace("[", "").replace("]", ""));
        if (!userTableRows.containsKey(key)) {
            throw new IllegalArgumentException("no table " + table);
        }
        userTableRows.get(key).add(new LinkedHashMap<>(row));
    }

    /** Creates the SSISDB catalog on this instance (once) and returns it. */
    public synchronized SsisdbCatalog enableSsisdb() {
        if (ssisdb == null) {
            ssisdb = new SsisdbCatalog();
        }
        return ssisdb;
    }

    /** The SSISDB catalog, or an error as SQL Server gives for a database that is not there. */
    synchronized SsisdbCatalog ssisdb(String object) {
        if (ssisdb == null) {
            throw new StandInSqlException(208, "Invalid object name '" + object + "'.");
        }
        return ssisdb;
    }

    /** sys.databases as far as the agents read it. */
    private synchronized List<Map<String, Object>> databases() {
        List<Map<String, Object>> out = new ArrayList<>();
        List<String> names = new ArrayList<>(List.of("master", "tempdb", "model", "msdb"));
        if (ssisdb != null) {
            names.add("SSISDB");
        }
        for (int i = 0; i < names.size(); i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", names.get(i));
            row.put("database_id", i + 1);
            out.add(row);
        }
        return out;
    }

    /** The server's native backups: edition, default directory, S3 credentials, faults. */
    public NativeBackups nativeBackups() {
        return nativeBackups;
    }

    public boolean isSqlServer2005() {
        return sqlServer2005;
    }

    public String packagesTable() {
        return sqlServer2005 ? "sysdtspackages90" : "sysssispackages";
    }

    public String foldersTable() {
        return sqlServer2005 ? "sysdtspackagefolders90" : "sysssispackagefolders";
    }

    /** Rows of a table (copies), filtered. Unknown table names raise SQL Server's error 208. */
    public synchronized List<Map<String, Object>> select(String table, Predicate<Map<String, Object>> where) {
        List<Map<String, Object>> source = rowsOf(table);
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> row : source) {
            if (where.test(row)) {
                out.add(new LinkedHashMap<>(row));
            }
        }
        return out;
    }

    public Map<String, SqlType> columnsOf(String table) {
        String t = table.toLowerCase(Locale.ROOT);
        if (t.equals(packagesTable())) return PACKAGE_COLUMNS;
        if (t.equals(foldersTable())) return FOLDER_COLUMNS;
        if (t.equals("database_principals")) return PRINCIPAL_COLUMNS;
        if (t.equals("databases")) return DATABASE_COLUMNS;
        if (SqlAgent.TABLES.contains(t)) return SqlAgent.COLUMNS.get(t);
        if (SsisdbCatalog.VIEWS.contains(t)) {
            ssisdb(table);
            return SsisdbCatalog.COLUMNS.get(t);
        }
        if (userTableColumns.containsKey(t)) return userTableColumns.get(t);
        throw new StandInSqlException(208, "Invalid object name '" + table + "'.");
    }

    private List<Map<String, Object>> rowsOf(String table) {
        String t = table.toLowerCase(Locale.ROOT);
        if (t.equals(packagesTable())) return packages;
        if (t.equals(foldersTable())) return folders;
        if (t.equals("database_principals")) return principals;
        if (t.equals("databases")) return databases();
        if (SqlAgent.TABLES.contains(t)) return sqlAgent.rowsOf(t);
        if (SsisdbCatalog.VIEWS.contains(t)) return ssisdb(table).rowsOf(t);
        if (userTableRows.containsKey(t)) return userTableRows.get(t);
        throw new StandInSqlException(208, "Invalid object name '" + table + "'.");
    }

    // ---- procedures (sp_ssis_*; sp_dts_* on 2005) ----

    /** sp_ssis_addfolder: creates a folder under a parent; returns its id. */
    public synchronized UUID addFolder(UUID parent, String name, UUID folderId) {
        if (findFolder(parent) == null) {
            throw new StandInSqlException(50000, "parent folder " + parent + " does not exist");
        }
        for (Map<String, Object> f : folders) {
            if (Objects.equals(f.get("parentfolderid"), parent)
                    && name.equalsIgnoreCase((String) f.get("foldername"))) {
                throw new StandInSqlException(2627, "a folder named '" + name + "' already exists in that folder");
            }
        }
        UUID id = folderId != null ? folderId : UUID.randomUUID();
        folders.add(folderRow(id, parent, name));
        return id;
    }

    /** sp_ssis_getfolder: the id of a named folder under a parent, or null. */
    public synchronized UUID getFolder(UUID parent, String name) {
        for (Map<String, Object> f : folders) {
            if (Objects.equals(f.get("parentfolderid"), parent)
                    && name.equalsIgnoreCase((String) f.get("foldername"))) {
                return (UUID) f.get("folderid");
            }
        }
        return null;
    }

    /** sp_ssis_putpackage: inserts or updates a package identified by (name, folderid). */
    public synchronized void putPackage(Map<String, Object> values, byte[] callerSid) {
        UUID folderId = (UUID) values.get("folderid");
        if (findFolder(folderId) == null) {
            throw new StandInSqlException(50000, "folder " + folderId + " does not exist");
        }
        Map<String, Object> existing = findPackage((String) values.get("name"), folderId);
        if (existing != null) {
            // An update keeps the owner; sp_ssis_putpackage has no @isencrypted and derives it from the format.
            for (String column : PACKAGE_COLUMNS.keySet()) {
                if (values.containsKey(column) && !column.equals("ownersid")) {
                    existing.put(column, values.get(column));
                }
            }
            return;
        }
        Map<String, Object> row = new LinkedHashMap<>();
        for (String column : PACKAGE_COLUMNS.keySet()) {
            row.put(column, values.get(column));
        }
        row.put("ownersid", callerSid);
        row.putIfAbsent("createdate", LocalDateTime.now(ZoneId.systemDefault()));
        if (row.get("isencrypted") == null) {
            row.put("isencrypted", false);
        }
        packages.add(row);
    }

    /** Seeds a package with every column given (the way a restored or pre-existing msdb would hold it). */
    public synchronized void insertPackage(Map<String, Object> values) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (String column : PACKAGE_COLUMNS.keySet()) {
            row.put(column, values.get(column));
        }
        for (String required : List.of("name", "id", "createdate", "folderid", "ownersid", "packagedata", "verid")) {
            if (row.get(required) == null) {
                throw new IllegalArgumentException("package column " + required + " is NOT NULL");
            }
        }
        if (findPackage((String) row.get("name"), (UUID) row.get("folderid")) != null) {
            throw new IllegalArgumentException("package " + row.get("name") + " already exists in its folder");
        }
        packages.add(row);
    }

    /** sp_ssis_setpackageroles: sets a package's read and write roles by role name (null clears). */
    public synchronized void setPackageRoles(String name, UUID folderId, String readRole, String writeRole) {
        Map<String, Object> p = findPackage(name, folderId);
        if (p == null) {
            throw new StandInSqlException(50000, "package " + name + " does not exist in folder " + folderId);
        }
        p.put("readrolesid", roleOrFail(readRole));
        p.put("writerolesid", roleOrFail(writeRole));
    }

    private byte[] roleOrFail(String role) {
        if (role == null || role.isEmpty()) {
            return null;
        }
        byte[] sid = roleSid(role);
        if (sid == null) {
            throw new StandInSqlException(
                    15151,
                    "Cannot find the role '" + role + "', because it does not exist or you do not have permission.");
        }
        return sid;
    }

    public synchronized Map<String, Object> findPackage(String name, UUID folderId) {
        for (Map<String, Object> p : packages) {
            if (Objects.equals(p.get("folderid"), folderId) && name.equalsIgnoreCase((String) p.get("name"))) {
                return p;
            }
        }
        return null;
    }

    public synchronized boolean deletePackage(String name, UUID folderId) {
        return packages.removeIf(
                p -> Objects.equals(p.get("folderid"), folderId) && name.equalsIgnoreCase((String) p.get("name")));
    }

    /**
     * sp_ssis_deletefolder: removes an empty folder. As SQL Server does, a folder that still holds folders or packages
     * is refused (error 14593 there; the message names it).
     */
    public synchronized void deleteFolder(UUID folderId) {
        if (folderId == null || ROOT_FOLDER.equals(folderId) || findFolder(folderId) == null) {
            throw new StandInSqlException(50000, "folder " + folderId + " does not exist");
        }
        boolean hasChildren = folders.stream().anyMatch(f -> Objects.equals(f.get("parentfolderid"), folderId))
                || packages.stream().anyMatch(p -> Objects.equals(p.get("folderid"), folderId));
        if (hasChildren) {
            throw new StandInSqlException(14593, "The folder is not empty and cannot be deleted.");
        }
        folders.removeIf(f -> Objects.equals(f.get("folderid"), folderId));
    }

    public synchronized int folderCount() {
        return folders.size();
    }

    public synchronized int packageCount() {
        return packages.size();
    }

    private Map<String, Object> findFolder(UUID id) {
        for (Map<String, Object> f : folders) {
            if (Objects.equals(f.get("folderid"), id)) {
                return f;
            }
        }
        return null;
    }

    private static Map<String, Object> folderRow(UUID id, UUID parent, String name) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("folderid", id);
        row.put("parentfolderid", parent);
        row.put("foldername", name);
        return row;
    }

    private static Map<String, SqlType> columns(Object... pairs) {
        Map<String, SqlType> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], (SqlType) pairs[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(m);
    }
}
