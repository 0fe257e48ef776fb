package org.ssisbackup.testkit.msdb;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The stored procedures of msdb and SSISDB the stand-in models, with SQL Server's names, parameter names and order:
 * arguments may be positional or named, and permissions are checked as SQL Server checks them.
 */
final class MsdbProcedures {
    private final MsdbModel model;
    private final StandInSql.SessionContext session;

    MsdbProcedures(MsdbModel model, StandInSql.SessionContext session) {
        this.model = model;
        this.session = session;
    }

    /** The procedures, with SQL Server's parameter order; arguments may be positional or named. */
    StandInSql.Result call(String proc, List<Object> positional, Map<String, Object> named) {
        String p = proc.toLowerCase(Locale.ROOT);
        if ((model.isSqlServer2005() && p.startsWith("sp_ssis_"))
                || (!model.isSqlServer2005() && p.startsWith("sp_dts_"))) {
            throw new StandInSqlException(2812, "Could not find stored procedure '" + proc + "'.");
        }
        String op = p.replaceFirst("^sp_(ssis|dts)_", "");
        Args a;
        switch (op) {
            case "get_project" -> {
                a = new Args(positional, named, "folder_name", "project_name");
                byte[] ispac = model.ssisdb("catalog.get_project")
                        .getProject(a.string("folder_name"), a.string("project_name"));
                List<Object[]> rows = new ArrayList<>();
                rows.add(new Object[] {ispac});
                return StandInSql.Result.rows(List.of("project_stream"), List.of(SqlType.varbinaryMax()), rows);
            }
            case "create_folder" -> {
                requireRole("ssis_admin", proc);
                a = new Args(positional, named, "folder_name", "folder_id");
                model.ssisdb("catalog.create_folder").createFolder(a.string("folder_name"), "");
                return StandInSql.Result.status(0);
            }
            case "deploy_project" -> {
                requireRole("ssis_admin", proc);
                a = new Args(positional, named, "folder_name", "project_name", "project_stream", "operation_id");
                Object stream = a.raw("project_stream");
                model.ssisdb("catalog.deploy_project")
                        .deployProject(
                                a.string("folder_name"),
                                a.string("project_name"),
                                stream instanceof byte[] b ? b : null);
                return StandInSql.Result.status(0);
            }
            case "listfolders" -> {
                a = new Args(positional, named, "parentfolderid");
                UUID parent = a.uuid("parentfolderid");
                return folderRows(model.select(
                        model.foldersTable(), r -> java.util.Objects.equals(r.get("parentfolderid"), parent)));
            }
            case "getfolder" -> {
                a = new Args(positional, named, "name", "parentfolderid");
                UUID id = model.getFolder(a.uuid("parentfolderid"), a.string("name"));
                return folderRows(
                        id == null ? List.of() : model.select(model.foldersTable(), r -> id.equals(r.get("folderid"))));
            }
            case "addfolder" -> {
                requireRole("db_ssisadmin", proc);
                a = new Args(positional, named, "parentfolderid", "name", "folderid");
                model.addFolder(a.uuid("parentfolderid"), a.string("name"), a.uuid("folderid"));
                return StandInSql.Result.status(0);
            }
            case "putpackage" -> {
                requireRole("db_ssisadmin", proc);
                a = new Args(
                        positional,
                        named,
                        "name",
                        "id",
                        "description",
                        "createdate",
                        "folderid",
                        "packagedata",
                        "packageformat",
                        "packagetype",
                        "vermajor",
                        "verminor",
                        "verbuild",
                        "vercomments",
                        "verid");
                Map<String, Object> values = new LinkedHashMap<>();
                for (String col : a.names) {
                    if (a.has(col)) {
                        values.put(col, SqlValues.convert(a.raw(col), MsdbModel.PACKAGE_COLUMNS.get(col)));
                    }
                }
                model.putPackage(values, session.callerSid());
                return StandInSql.Result.status(0);
            }
            case "setpackageroles" -> {
                requireRole("db_ssisadmin", proc);
                a = new Args(positional, named, "name", "folderid", "readrole", "writerole");
                model.setPackageRoles(
                        a.string("name"),
                        a.uuid("folderid"),
                        a.optionalString("readrole"),
                        a.optionalString("writerole"));
                return StandInSql.Result.status(0);
            }
            case "getpackage" -> {
                a = new Args(positional, named, "name", "folderid");
                Map<String, Object> pkg = model.findPackage(a.string("name"), a.uuid("folderid"));
                List<Object[]> rows = new ArrayList<>();
                if (pkg != null) {
                    rows.add(new Object[] {pkg.get("packagedata")});
                }
                return StandInSql.Result.rows(List.of("packagedata"), List.of(SqlType.varbinaryMax()), rows);
            }
            case "checkexists" -> {
                a = new Args(positional, named, "name", "folderid");
                boolean exists = model.findPackage(a.string("name"), a.uuid("folderid")) != null;
                return StandInSql.Result.status(exists ? 1 : 0);
            }
            case "deletefolder" -> {
                requireRole("db_ssisadmin", proc);
                a = new Args(positional, named, "folderid");
                model.deleteFolder(a.uuid("folderid"));
                return StandInSql.Result.status(0);
            }
            case "deletepackage" -> {
                requireRole("db_ssisadmin", proc);
                a = new Args(positional, named, "name", "folderid");
                model.deletePackage(a.string("name"), a.uuid("folderid"));
                return StandInSql.Result.status(0);
            }
            case "sp_add_job",
                    "sp_add_jobstep",
                    "sp_add_schedule",
                    "sp_attach_schedule",
                    "sp_add_jobserver",
                    "sp_delete_job",
                    "sp_add_proxy" -> {
                requireAgentRole(proc);
                synchronized (model) {
                    return sqlAgent(op, positional, named);
                }
            }
            default -> throw new StandInSqlException(2812, "Could not find stored procedure '" + proc + "'.");
        }
    }

    /** SQL Server Agent's procedures, with SQL Server's parameter order. */
    private StandInSql.Result sqlAgent(String op, List<Object> positional, Map<String, Object> named) {
        SqlAgent agent = model.sqlAgent();
        Args a;
        switch (op) {
            case "sp_add_job" -> {
                a = new Args(
                        positional,
                        named,
                        "job_name",
                        "enabled",
                        "description",
                        "start_step_id",
                        "category_name",
                        "category_id",
                        "owner_login_name",
                        "notify_level_eventlog",
                        "notify_level_email",
                        "notify_level_netsend",
                        "notify_level_page",
                        "notify_email_operator_name",
                        "notify_netsend_operator_name",
                        "notify_page_operator_name",
                        "delete_level",
                        "job_id");
                byte[] owner = session.callerSid();
                String ownerName = a.optionalString("owner_login_name");
                if (ownerName != null && !ownerName.equalsIgnoreCase(session.user())) {
                    if (!session.isRoleMember("sysadmin")) {
                        throw new StandInSqlException(
                                14515,
                                "Only a member of the sysadmin server role can add a job for a different owner ("
                                        + ownerName + ").");
                    }
                    owner = model.loginSid(ownerName);
                    if (owner == null) {
                        throw new StandInSqlException(
                                14262, "The specified @owner_login_name ('" + ownerName + "') does not exist.");
                    }
                }
                agent.addJob(
                        a.string("job_name"),
                        a.integer("enabled", 1) != 0,
                        a.optionalString("description"),
                        a.integer("start_step_id", 1),
                        a.optionalString("category_name"),
                        owner,
                        a.uuid("job_id"));
                return StandInSql.Result.status(0);
            }
            case "sp_add_jobstep" -> {
                a = new Args(
                        positional,
                        named,
                        "job_id",
                        "job_name",
                        "step_id",
                        "step_name",
                        "subsystem",
                        "command",
                        "additional_parameters",
                        "cmdexec_success_code",
                        "on_success_action",
                        "on_success_step_id",
                        "on_fail_action",
                        "on_fail_step_id",
                        "server",
                        "database_name",
                        "database_user_name",
                        "retry_attempts",
                        "retry_interval",
                        "os_run_priority",
                        "output_file_name",
                        "flags",
                        "proxy_id",
                        "proxy_name",
                        "step_uid");
                UUID job = agent.jobId(a.uuid("job_id"), a.optionalString("job_name"));
                Map<String, Object> values = new LinkedHashMap<>();
                for (String column : SqlAgent.COLUMNS.get("sysjobsteps").keySet()) {
                    if (a.has(column) && a.raw(column) != null) {
                        values.put(
                                column,
                                SqlValues.convert(
                                        a.raw(column),
                                        SqlAgent.COLUMNS.get("sysjobsteps").get(column)));
                    }
                }
                a.string("step_name");
                agent.addJobStep(job, values, a.optionalString("proxy_name"));
                return StandInSql.Result.status(0);
            }
            case "sp_add_schedule" -> {
                a = new Args(
                        positional,
                        named,
                        "schedule_name",
                        "enabled",
                        "freq_type",
                        "freq_interval",
                        "freq_subday_type",
                        "freq_subday_interval",
                        "freq_relative_interval",
                        "freq_recurrence_factor",
                        "active_start_date",
                        "active_end_date",
                        "active_start_time",
                        "active_end_time",
                        "owner_login_name",
                        "schedule_uid",
                        "schedule_id",
                        "originating_server");
                Map<String, Object> values = new LinkedHashMap<>();
                values.put("name", a.string("schedule_name"));
                for (String column : SqlAgent.COLUMNS.get("sysschedules").keySet()) {
                    if (a.has(column) && a.raw(column) != null && !column.startsWith("schedule_")) {
                        values.put(column, a.integer(column, 0));
                    }
                }
                agent.addSchedule(values, session.callerSid());
                return StandInSql.Result.status(0);
            }
            case "sp_attach_schedule" -> {
                a = new Args(positional, named, "job_id", "job_name", "schedule_id", "schedule_name", "automatic_post");
                UUID job = agent.jobId(a.uuid("job_id"), a.optionalString("job_name"));
                agent.attachSchedule(
                        job,
                        a.raw("schedule_id") == null ? null : a.integer("schedule_id", 0),
                        a.optionalString("schedule_name"));
                return StandInSql.Result.status(0);
            }
            case "sp_add_jobserver" -> {
                a = new Args(positional, named, "job_id", "job_name", "server_name", "automatic_post");
                agent.addJobServer(
                        agent.jobId(a.uuid("job_id"), a.optionalString("job_name")), a.optionalString("server_name"));
                return StandInSql.Result.status(0);
            }
            case "sp_delete_job" -> {
                a = new Args(
                        positional,
                        named,
                        "job_id",
                        "job_name",
                        "originating_server",
                        "delete_history",
                        "delete_unused_schedule");
                agent.deleteJob(
                        agent.jobId(a.uuid("job_id"), a.optionalString("job_name")),
                        a.integer("delete_unused_schedule", 1) != 0);
                return StandInSql.Result.status(0);
            }
            case "sp_add_proxy" -> {
                if (!session.isRoleMember("sysadmin")) {
                    throw new StandInSqlException(
                            229,
                            14,
                            "The EXECUTE permission was denied on the object 'sp_add_proxy', database"
                                    + " 'msdb', schema 'dbo'.");
                }
                a = new Args(positional, named, "proxy_name", "enabled", "description", "credential_name");
                agent.addProxy(a.string("proxy_name"));
                return StandInSql.Result.status(0);
            }
            default -> throw new IllegalStateException(op);
        }
    }

    /** Agent's procedures are granted to its roles in msdb (and sysadmin has everything). */
    private void requireAgentRole(String proc) {
        if (!session.isRoleMember("sysadmin")
                && !session.isRoleMember("SQLAgentUserRole")
                && !session.isRoleMember("SQLAgentReaderRole")
                && !session.isRoleMember("SQLAgentOperatorRole")) {
            throw new StandInSqlException(
                    229,
                    14,
                    "The EXECUTE permission was denied on the object '" + proc + "', database 'msdb', schema 'dbo'.");
        }
    }

    private void requireRole(String role, String proc) {
        if (!session.isRoleMember(role)) {
            throw new StandInSqlException(
                    229,
                    14,
                    "The EXECUTE permission was denied on the object '" + proc + "', database 'msdb', schema 'dbo'.");
        }
    }

    private static StandInSql.Result folderRows(List<Map<String, Object>> folders) {
        List<Object[]> rows = new ArrayList<>();
        for (Map<String, Object> f : folders) {
            rows.add(new Object[] {f.get("folderid"), f.get("parentfolderid"), f.get("foldername")});
        }
        return StandInSql.Result.rows(
                List.of("folderid", "parentfolderid", "foldername"),
                List.of(SqlType.UNIQUEIDENTIFIER, SqlType.UNIQUEIDENTIFIER, SqlType.nvarchar(128)),
                rows);
    }

    /** Procedure arguments by SQL Server's parameter order, positional or named ({@code @name = value}). */
    private static final class Args {
        final List<String> names;
        final Map<String, Object> values = new LinkedHashMap<>();

        Args(List<Object> positional, Map<String, Object> named, String... names) {
            this.names = List.of(names);
            for (int i = 0; i < positional.size() && i < names.length; i++) {
                values.put(names[i], positional.get(i));
            }
            named.forEach((k, v) -> values.put(k.replaceFirst("^@", ""), v));
        }

        boolean has(String name) {
            return values.containsKey(name);
        }

        Object raw(String name) {
            return values.get(name);
        }

        String string(String name) {
            Object v = values.get(name);
            if (v == null) {
                throw new StandInSqlException(
                        201, "Procedure expects parameter '@" + name + "', which was not supplied.");
            }
            return v.toString();
        }

        String optionalString(String name) {
            Object v = values.get(name);
            return v == null ? null : v.toString();
        }

        int integer(String name, int absent) {
            Object v = values.get(name);
            if (v == null) {
                return absent;
            }
            if (v instanceof Boolean b) {
                return b ? 1 : 0;
            }
            if (v instanceof Number n) {
                return n.intValue();
            }
            try {
                return Integer.parseInt(v.toString().trim());
            } catch (NumberFormatException e) {
                throw new StandInSqlException(8114, "Error converting data type nvarchar to int.");
            }
        }

        UUID uuid(String name) {
            return (UUID) SqlValues.convert(values.get(name), SqlType.UNIQUEIDENTIFIER);
        }
    }
}
