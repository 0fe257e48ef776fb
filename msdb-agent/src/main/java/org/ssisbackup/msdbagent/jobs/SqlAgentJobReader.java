package org.ssisbackup.msdbagent.jobs;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Reads SQL Server Agent's jobs that run packages from msdb's tables, one query per table (no joins: the same
 * statements run on every SQL Server version and on the test stand-in). Ids that differ between servers become names:
 * owner login, category, proxy.
 */
public final class SqlAgentJobReader {
    static final String JOBS_SQL = "SELECT job_id, name, enabled, description, start_step_id, category_id,"
            + " SUSER_SNAME(owner_sid) AS owner_name FROM msdb.dbo.sysjobs";
    static final String STEPS_SQL = "SELECT job_id, step_id, step_name, subsystem, command, flags,"
            + " cmdexec_success_code, on_success_action, on_success_step_id, on_fail_action, on_fail_step_id, server,"
            + " database_name, database_user_name, retry_attempts, retry_interval, os_run_priority, output_file_name,"
            + " proxy_id FROM msdb.dbo.sysjobsteps";
    static final String SCHEDULES_SQL = "SELECT schedule_id, schedule_uid, name, enabled, freq_type, freq_interval,"
            + " freq_subday_type, freq_subday_interval, freq_relative_interval, freq_recurrence_factor,"
            + " active_start_date, active_end_date, active_start_time, active_end_time FROM msdb.dbo.sysschedules";
    static final String JOB_SCHEDULES_SQL = "SELECT job_id, schedule_id FROM msdb.dbo.sysjobschedules";
    static final String PROXIES_SQL = "SELECT proxy_id, name FROM msdb.dbo.sysproxies";
    static final String CATEGORIES_SQL = "SELECT category_id, name FROM msdb.dbo.syscategories";

    private SqlAgentJobReader() {}

    /** Every job with at least one package step, steps and schedules resolved to names. */
    public static List<SqlAgentJob> read(Statement s, BiConsumer<String, String> unreadable) throws SQLException {
        Map<Integer, String> categories = names(s, CATEGORIES_SQL, "category_id");
        Map<Integer, String> proxies = names(s, PROXIES_SQL, "proxy_id");
        Map<Integer, SqlAgentJob.Schedule> schedules = new HashMap<>();
        try (ResultSet rs = s.executeQuery(SCHEDULES_SQL)) {
            while (rs.next()) {
                schedules.put(
                        rs.getInt("schedule_id"),
                        new SqlAgentJob.Schedule(
                                rs.getString("schedule_uid").trim().toLowerCase(Locale.ROOT),
                                rs.getString("name"),
                                rs.getInt("enabled") != 0,
                                rs.getInt("freq_type"),
                                rs.getInt("freq_interval"),
                                rs.getInt("freq_subday_type"),
                                rs.getInt("freq_subday_interval"),
                                rs.getInt("freq_relative_interval"),
                                rs.getInt("freq_recurrence_factor"),
                                rs.getInt("active_start_date"),
                                rs.getInt("active_end_date"),
                                rs.getInt("active_start_time"),
                                rs.getInt("active_end_time")));
            }
        }
        Map<String, List<Integer>> jobSchedules = new HashMap<>();
        try (ResultSet rs = s.executeQuery(JOB_SCHEDULES_SQL)) {
            while (rs.next()) {
                jobSchedules
                        .computeIfAbsent(key(rs.getString("job_id")), k -> new ArrayList<>())
                        .add(rs.getInt("schedule_id"));
            }
        }
        Map<String, List<SqlAgentJob.Step>> steps = new HashMap<>();
        try (ResultSet rs = s.executeQuery(STEPS_SQL)) {
            while (rs.next()) {
                int proxy = rs.getInt("proxy_id");
                boolean noProxy = rs.wasNull();
                steps.computeIfAbsent(key(rs.getString("job_id")), k -> new ArrayList<>())
                        .add(new SqlAgentJob.Step(
                                rs.getInt("step_id"),
                                rs.getString("step_name"),
                                rs.getString("subsystem"),
                                rs.getString("command"),
                                rs.getString("database_name"),
                                rs.getString("database_user_name"),
                                rs.getString("server"),
                                rs.getInt("flags"),
                                rs.getInt("cmdexec_success_code"),
                                rs.getInt("on_success_action"),
                                rs.getInt("on_success_step_id"),
                                rs.getInt("on_fail_action"),
                                rs.getInt("on_fail_step_id"),
                                rs.getInt("retry_attempts"),
                                rs.getInt("retry_interval"),
                                rs.getInt("os_run_priority"),
                                rs.getString("output_file_name"),
                                noProxy || proxy == 0 ? null : proxies.get(proxy)));
            }
        }
        List<SqlAgentJob> jobs = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(JOBS_SQL)) {
            while (rs.next()) {
                String id = key(rs.getString("job_id"));
                String name = rs.getString("name");
                List<SqlAgentJob.Step> jobSteps = new ArrayList<>(steps.getOrDefault(id, List.of()));
                jobSteps.sort(Comparator.comparingInt(SqlAgentJob.Step::stepId));
                if (jobSteps.stream().noneMatch(SqlAgentJob.Step::runsPackage)) {
                    continue;
                }
                List<SqlAgentJob.Schedule> js = jobSchedules.getOrDefault(id, List.of()).stream()
                        .map(schedules::get)
                        .filter(java.util.Objects::nonNull)
                        .sorted(Comparator.comparing(SqlAgentJob.Schedule::name))
                        .toList();
                try {
                    SqlAgentJob draft = new SqlAgentJob(
                            SqlAgentJob.FORMAT,
                            id,
                            name,
                            rs.getInt("enabled") != 0,
                            rs.getString("description"),
                            categories.get(rs.getInt("category_id")),
                            rs.getString("owner_name"),
                            rs.getInt("start_step_id"),
                            jobSteps,
                            js,
                            null);
                    jobs.add(withScript(draft));
                } catch (IllegalArgumentException e) {
                    unreadable.accept("job:" + name, "job not captured: " + e.getMessage());
                }
            }
        }
        jobs.sort(Comparator.comparing(SqlAgentJob::name, String.CASE_INSENSITIVE_ORDER));
        return jobs;
    }

    private static SqlAgentJob withScript(SqlAgentJob j) {
        return new SqlAgentJob(
                j.format(),
                j.jobId(),
                j.name(),
                j.enabled(),
                j.description(),
                j.category(),
                j.owner(),
                j.startStepId(),
                j.steps(),
                j.schedules(),
                JobScript.of(j));
    }

    private static Map<Integer, String> names(Statement s, String sql, String idColumn) throws SQLException {
        Map<Integer, String> names = new HashMap<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                names.put(rs.getInt(idColumn), rs.getString("name"));
            }
        }
        return names;
    }

    private static String key(String guid) {
        return guid.trim().toLowerCase(Locale.ROOT);
    }
}
