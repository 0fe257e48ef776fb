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
import java.util.UUID;

/**
 * SQL Server Agent's tables in msdb as far as a backup tool reads them ({@code sysjobs}, {@code sysjobsteps},
 * {@code sysschedules}, {@code sysjobschedules}, {@code sysjobservers}, {@code sysproxies}, {@code syscategories}),
 * with SQL Server's column names, and the procedures that write them with SQL Server's parameter names and rules
 * ({@code sp_add_job}, {@code sp_add_jobstep}, {@code sp_add_schedule}, {@code sp_attach_schedule},
 * {@code sp_add_jobserver}, {@code sp_delete_job}, {@code sp_add_proxy}). tinyint columns are int here. Guarded by
 * the model's lock.
 */
final class SqlAgent {
    static final Set<String> TABLES = Set.of(
            "sysjobs",
            "sysjobsteps",
            "sysschedules",
            "sysjobschedules",
            "sysjobservers",
            "sysproxies",
            "syscategories");

    static final Map<String, Map<String, SqlType>> COLUMNS = Map.of(
            "sysjobs",
            columns(
                    "job_id", SqlType.UNIQUEIDENTIFIER,
                    "name", SqlType.nvarchar(128),
                    "enabled", SqlType.INT,
                    "description", SqlType.nvarchar(512),
                    "start_step_id", SqlType.INT,
                    "category_id", SqlType.INT,
                    "owner_sid", SqlType.varbinary(85),
                    "date_created", SqlType.DATETIME,
                    "date_modified", SqlType.DATETIME,
                    "version_number", SqlType.INT),
            "sysjobsteps",
            columns(
                    "job_id", SqlType.UNIQUEIDENTIFIER,
                    "step_id", SqlType.INT,
                    "step_name", SqlType.nvarchar(128),
                    "subsystem", SqlType.nvarchar(40),
                    "command", SqlType.nvarcharMax(),
                    "flags", SqlType.INT,
                    "cmdexec_success_code", SqlType.INT,
                    "on_success_action", SqlType.INT,
                    "on_success_step_id", SqlType.INT,
                    "on_fail_action", SqlType.INT,
                    "on_fail_step_id", SqlType.INT,
                    "server", SqlType.nvarchar(128),
                    "database_name", SqlType.nvarchar(128),
                    "database_user_name", SqlType.nvarchar(128),
                    "retry_attempts", SqlType.INT,
                    "retry_interval", SqlType.INT,
                    "os_run_priority", SqlType.INT,
                    "output_file_name", SqlType.nvarchar(200),
                    "proxy_id", SqlType.INT,
                    "step_uid", SqlType.UNIQUEIDENTIFIER),
            "sysschedules",
            columns(
                    "schedule_id", SqlType.INT,
                    "schedule_uid", SqlType.UNIQUEIDENTIFIER,
                    "name", SqlType.nvarchar(128),
                    "owner_sid", SqlType.varbinary(85),
                    "enabled", SqlType.INT,
                    "freq_type", SqlType.INT,
                    "freq_interval", SqlType.INT,
                    "freq_subday_type", SqlType.INT,
                    "freq_subday_interval", SqlType.INT,
                    "freq_relative_interval", SqlType.INT,
                    "freq_recurrence_factor", SqlType.INT,
                    "active_start_date", SqlType.INT,
                    "active_end_date", SqlType.INT,
                    "active_start_time", SqlType.INT,
                    "active_end_time", SqlType.INT),
            "sysjobschedules",
            columns(
                    "schedule_id", SqlType.INT,
                    "job_id", SqlType.UNIQUEIDENTIFIER,
                    "next_run_date", SqlType.INT,
                    "next_run_time", SqlType.INT),
            "sysjobservers",
            columns("job_id", SqlType.UNIQUEIDENTIFIER, "server_id", SqlType.INT),
            "sysproxies",
            columns(
                    "proxy_id", SqlType.INT,
                    "name", SqlType.nvarchar(128),
                    "credential_id", SqlType.INT,
                    "enabled", SqlType.INT,
                    "description", SqlType.nvarchar(512)),
            "syscategories",
            columns(
                    "category_id", SqlType.INT,
                    "category_class", SqlType.INT,
                    "category_type", SqlType.INT,
                    "name", SqlType.nvarchar(128)));

    /** Agent's subsystems (sp_enum_sqlagent_subsystems), by the names sp_add_jobstep accepts. */
    private static final Set<String> SUBSYSTEMS = Set.of(
            "TSQL",
            "SSIS",
            "CMDEXEC",
            "POWERSHELL",
            "ACTIVESCRIPTING",
            "DISTRIBUTION",
            "SNAPSHOT",
            "LOGREADER",
            "MERGE",
            "QUEUEREADER",
            "ANALYSISQUERY",
            "ANALYSISCOMMAND");

    private final Map<String, List<Map<String, Object>>> rows = new LinkedHashMap<>();
    private int nextScheduleId = 1;
    private int nextProxyId = 1;

    SqlAgent() {
        TABLES.forEach(t -> rows.put(t, new ArrayList<>()));
        addCategory(0, "[Uncategorized (Local)]");
        addCategory(3, "Database Maintenance");
        addCategory(98, "Data Collector");
    }

    List<Map<String, Object>> rowsOf(String table) {
        return rows.get(table);
    }

    private void addCategory(int id, String name) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("category_id", id);
        r.put("category_class", 1);
        r.put("category_type", 1);
        r.put("name", name);
        rows.get("syscategories").add(r);
    }

    /** sp_add_job: a new job owned by the caller, or by {@code ownerSid} (sysadmin only). */
    UUID addJob(
            String name,
            boolean enabled,
            String description,
            int startStepId,
            String categoryName,
            byte[] ownerSid,
            UUID jobId) {
        if (name == null || name.isEmpty()) {
            throw new StandInSqlException(14200, "The specified '@job_name' is invalid.");
        }
        if (findJob(name) != null) {
            throw new StandInSqlException(14261, "The specified @job_name ('" + name + "') already exists.");
        }
        int category = 0;
        if (categoryName != null) {
            category = rows.get("syscategories").stream()
                    .filter(c -> categoryName.equalsIgnoreCase((String) c.get("name")))
                    .map(c -> (Integer) c.get("category_id"))
                    .findFirst()
                    .orElseThrow(() -> new StandInSqlException(
                            14262, "The specified @category_name ('" + categoryName + "') does not exist."));
        }
        UUID id = jobId != null ? jobId : UUID.randomUUID();
        Map<String, Object> r = new LinkedHashMap<>();
        LocalDateTime now = LocalDateTime.now(ZoneId.systemDefault());
        r.put("job_id", id);
        r.put("name", name);
        r.put("enabled", enabled ? 1 : 0);
        r.put("description", description == null ? "No description available." : description);
        r.put("start_step_id", startStepId);
        r.put("category_id", category);
        r.put("owner_sid", ownerSid);
        r.put("date_created", now);
        r.put("date_modified", now);
        r.put("version_number", 1);
        rows.get("sysjobs").add(r);
        return id;
    }

    /** sp_add_jobstep: steps are numbered from 1 without gaps; a step's proxy must exist. */
    void addJobStep(UUID jobId, Map<String, Object> values, String proxyName) {
        Map<String, Object> job = job(jobId);
        String subsystem = ((String) values.getOrDefault("subsystem", "TSQL")).toUpperCase(Locale.ROOT);
        if (!SUBSYSTEMS.contains(subsystem)) {
            throw new StandInSqlException(
                    14234,
                    "The specified '@subsystem' is invalid (valid values are returned"
                            + " by sp_enum_sqlagent_subsystems).");
        }
        long steps = rows.get("sysjobsteps").stream()
                .filter(s -> jobId.equals(s.get("job_id")))
                .count();
        int stepId = values.get("step_id") == null ? (int) steps + 1 : (Integer) values.get("step_id");
        if (stepId < 1 || stepId > steps + 1) {
            throw new StandInSqlException(
                    14266, "The specified '@step_id' is invalid (valid values are: 1.." + (steps + 1) + ").");
        }
        Integer proxyId = null;
        if (proxyName != null) {
            proxyId = rows.get("sysproxies").stream()
                    .filter(p -> proxyName.equalsIgnoreCase((String) p.get("name")))
                    .map(p -> (Integer) p.get("proxy_id"))
                    .findFirst()
                    .orElseThrow(() -> new StandInSqlException(
                            14262, "The specified @proxy_name ('" + proxyName + "') does not exist."));
        }
        // Inserting in the middle renumbers the steps after it, as sp_add_jobstep does.
        for (Map<String, Object> s : rows.get("sysjobsteps")) {
            if (jobId.equals(s.get("job_id")) && (Integer) s.get("step_id") >= stepId) {
                s.put("step_id", (Integer) s.get("step_id") + 1);
            }
        }
        Map<String, Object> r = new LinkedHashMap<>();
        for (String column : COLUMNS.get("sysjobsteps").keySet()) {
            r.put(column, values.get(column));
        }
        r.put("job_id", jobId);
        r.put("step_id", stepId);
        r.put("subsystem", subsystem.equals("CMDEXEC") ? "CmdExec" : subsystem);
        r.put("proxy_id", proxyId);
        r.put("step_uid", UUID.randomUUID());
        for (String zero : List.of(
                "flags",
                "cmdexec_success_code",
                "on_success_step_id",
                "on_fail_step_id",
                "retry_attempts",
                "retry_interval",
                "os_run_priority")) {
            r.putIfAbsent(zero, 0);
            if (r.get(zero) == null) r.put(zero, 0);
        }
        if (r.get("on_success_action") == null) r.put("on_success_action", 1);
        if (r.get("on_fail_action") == null) r.put("on_fail_action", 2);
        rows.get("sysjobsteps").add(r);
        job.put("date_modified", LocalDateTime.now(ZoneId.systemDefault()));
    }

    /** sp_add_schedule: a new schedule (names need not be unique); returns its id. */
    int addSchedule(Map<String, Object> values, byte[] ownerSid) {
        Object name = values.get("name");
        if (name == null || name.toString().isEmpty()) {
            throw new StandInSqlException(14200, "The specified '@schedule_name' is invalid.");
        }
        Map<String, Object> r = new LinkedHashMap<>();
        for (String column : COLUMNS.get("sysschedules").keySet()) {
            r.put(column, values.get(column));
        }
        int id = nextScheduleId++;
        r.put("schedule_id", id);
        r.put("schedule_uid", UUID.randomUUID());
        r.put("owner_sid", ownerSid);
        Map<String, Integer> defaults = Map.of(
                "enabled", 1,
                "freq_type", 0,
                "freq_interval", 0,
                "freq_subday_type", 0,
                "freq_subday_interval", 0,
                "freq_relative_interval", 0,
                "freq_recurrence_factor", 0,
                "active_start_date", 0,
                "active_end_date", 99991231,
                "active_start_time", 0);
        defaults.forEach((k, v) -> {
            if (r.get(k) == null) r.put(k, v);
        });
        if (r.get("active_end_time") == null) r.put("active_end_time", 235959);
        int freq = (Integer) r.get("freq_type");
        if (!Set.of(1, 4, 8, 16, 32, 64, 128).contains(freq)) {
            throw new StandInSqlException(
                    14266, "The specified '@freq_type' is invalid (valid values are: 1, 4, 8," + " 16, 32, 64, 128).");
        }
        rows.get("sysschedules").add(r);
        return id;
    }

    /** sp_attach_schedule: by schedule id, or by a name that must be unique. */
    void attachSchedule(UUID jobId, Integer scheduleId, String scheduleName) {
        job(jobId);
        List<Map<String, Object>> matches = rows.get("sysschedules").stream()
                .filter(s -> scheduleId != null
                        ? scheduleId.equals(s.get("schedule_id"))
                        : scheduleName != null && scheduleName.equalsIgnoreCase((String) s.get("name")))
                .toList();
        if (matches.isEmpty()) {
            throw new StandInSqlException(
                    14262, "The specified @schedule_" + (scheduleId != null ? "id" : "name") + " does not exist.");
        }
        if (matches.size() > 1) {
            throw new StandInSqlException(
                    14371,
                    "There are two or more schedules named \"" + scheduleName
                            + "\". Specify @schedule_id instead of @schedule_name to uniquely identify the desired schedule.");
        }
        Object id = matches.get(0).get("schedule_id");
        boolean attached = rows.get("sysjobschedules").stream()
                .anyMatch(js -> id.equals(js.get("schedule_id")) && jobId.equals(js.get("job_id")));
        if (!attached) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("schedule_id", id);
            r.put("job_id", jobId);
            r.put("next_run_date", 0);
            r.put("next_run_time", 0);
            rows.get("sysjobschedules").add(r);
        }
    }

    /** sp_add_jobserver: targets the job at the local server (the only server the stand-in knows). */
    void addJobServer(UUID jobId, String serverName) {
        job(jobId);
        if (serverName != null
                && !serverName.equalsIgnoreCase("(local)")
                && !serverName.equalsIgnoreCase(MsdbStandIn.SERVER_NAME)) {
            throw new StandInSqlException(
                    14234,
                    "The specified '@server_name' is invalid (valid values are returned"
                            + " by sp_help_targetserver).");
        }
        if (rows.get("sysjobservers").stream().noneMatch(r -> jobId.equals(r.get("job_id")))) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("job_id", jobId);
            r.put("server_id", 0);
            rows.get("sysjobservers").add(r);
        }
    }

    /** sp_delete_job: the job, its steps, its server and its schedules' attachments (and unused schedules if asked). */
    void deleteJob(UUID jobId, boolean deleteUnusedSchedules) {
        job(jobId);
        rows.get("sysjobs").removeIf(r -> jobId.equals(r.get("job_id")));
        rows.get("sysjobsteps").removeIf(r -> jobId.equals(r.get("job_id")));
        rows.get("sysjobservers").removeIf(r -> jobId.equals(r.get("job_id")));
        List<Object> schedules = rows.get("sysjobschedules").stream()
                .filter(r -> jobId.equals(r.get("job_id")))
                .map(r -> r.get("schedule_id"))
                .toList();
        rows.get("sysjobschedules").removeIf(r -> jobId.equals(r.get("job_id")));
        if (deleteUnusedSchedules) {
            for (Object s : schedules) {
                if (rows.get("sysjobschedules").stream().noneMatch(r -> s.equals(r.get("schedule_id")))) {
                    rows.get("sysschedules").removeIf(r -> s.equals(r.get("schedule_id")));
                }
            }
        }
    }

    /** sp_add_proxy (the credential is not modelled). */
    int addProxy(String name) {
        if (rows.get("sysproxies").stream().anyMatch(p -> name.equalsIgnoreCase((String) p.get("name")))) {
            throw new StandInSqlException(14261, "The specified @proxy_name ('" + name + "') already exists.");
        }
        Map<String, Object> r = new LinkedHashMap<>();
        int id = nextProxyId++;
        r.put("proxy_id", id);
        r.put("name", name);
        r.put("credential_id", 1);
        r.put("enabled", 1);
        r.put("description", null);
        rows.get("sysproxies").add(r);
        return id;
    }

    /** The id of a job named or given by id, or SQL Server's error 14262. */
    UUID jobId(UUID id, String name) {
        if (id != null) {
            return (UUID) job(id).get("job_id");
        }
        Map<String, Object> job = name == null ? null : findJob(name);
        if (job == null) {
            throw new StandInSqlException(14262, "The specified @job_name ('" + name + "') does not exist.");
        }
        return (UUID) job.get("job_id");
    }

    private Map<String, Object> job(UUID id) {
        return rows.get("sysjobs").stream()
                .filter(r -> id.equals(r.get("job_id")))
                .findFirst()
                .orElseThrow(
                        () -> new StandInSqlException(14262, "The specified @job_id ('" + id + "') does not exist."));
    }

    private Map<String, Object> findJob(String name) {
        return rows.get("sysjobs").stream()
                .filter(r -> name.equalsIgnoreCase((String) r.get("name")))
                .findFirst()
                .orElse(null);
    }

    int jobCount() {
        return rows.get("sysjobs").size();
    }

    private static Map<String, SqlType> columns(Object... pairs) {
        Map<String, SqlType> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], Objects.requireNonNull((SqlType) pairs[i + 1]));
        }
        return java.util.Collections.unmodifiableMap(m);
    }
}
