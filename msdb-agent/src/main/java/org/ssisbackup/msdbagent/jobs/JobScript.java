package org.ssisbackup.msdbagent.jobs;

import java.util.StringJoiner;

/**
 * The T-SQL that recreates a captured job with msdb's own procedures ({@code sp_add_job}, {@code sp_add_jobstep},
 * {@code sp_add_schedule}, {@code sp_attach_schedule}, {@code sp_add_jobserver}) in one transaction, as SSMS's
 * "Script Job as CREATE" does: for an admin who recreates a job by hand or on a server no agent reaches. It keeps
 * the job's step commands, so it lives only inside the encrypted job artifact.
 */
public final class JobScript {
    private JobScript() {}

    public static String of(SqlAgentJob job) {
        StringBuilder sql = new StringBuilder();
        sql.append("-- SQL Server Agent job ")
                .append(literal(job.name()))
                .append(" as captured by ssis-backup.\n")
                .append("-- Enabled as it was; set @enabled = 0 below to recreate it disabled.\n")
                .append("USE msdb;\nSET XACT_ABORT ON;\nBEGIN TRANSACTION;\n")
                .append("DECLARE @job_id uniqueidentifier, @schedule_id int;\n");
        StringJoiner add = new StringJoiner(", ", "EXEC msdb.dbo.sp_add_job ", ";\n");
        add.add("@job_name = " + literal(job.name()));
        add.add("@enabled = " + (job.enabled() ? 1 : 0));
        add.add("@description = " + literal(job.description()));
        add.add("@start_step_id = " + job.startStepId());
        if (job.category() != null) add.add("@category_name = " + literal(job.category()));
        if (job.owner() != null) add.add("@owner_login_name = " + literal(job.owner()));
        add.add("@job_id = @job_id OUTPUT");
        sql.append(add);
        for (SqlAgentJob.Step s : job.steps()) {
            StringJoiner step =
                    new StringJoiner(",\n    ", "EXEC msdb.dbo.sp_add_jobstep @job_id = @job_id,\n    ", ";\n");
            step.add("@step_id = " + s.stepId());
            step.add("@step_name = " + literal(s.name()));
            step.add("@subsystem = " + literal(s.subsystem()));
            step.add("@command = " + literal(s.command()));
            if (s.databaseName() != null) step.add("@database_name = " + literal(s.databaseName()));
            if (s.databaseUserName() != null) step.add("@database_user_name = " + literal(s.databaseUserName()));
            if (s.server() != null) step.add("@server = " + literal(s.server()));
            step.add("@flags = " + s.flags());
            step.add("@cmdexec_success_code = " + s.cmdexecSuccessCode());
            step.add("@on_success_action = " + s.onSuccessAction());
            step.add("@on_success_step_id = " + s.onSuccessStepId());
            step.add("@on_fail_action = " + s.onFailAction());
            step.add("@on_fail_step_id = " + s.onFailStepId());
            step.add("@retry_attempts = " + s.retryAttempts());
            step.add("@retry_interval = " + s.retryInterval());
            step.add("@os_run_priority = " + s.osRunPriority());
            if (s.outputFileName() != null) step.add("@output_file_name = " + literal(s.outputFileName()));
            if (s.proxy() != null) step.add("@proxy_name = " + literal(s.proxy()));
            sql.append(step);
        }
        for (SqlAgentJob.Schedule s : job.schedules()) {
            sql.append("EXEC msdb.dbo.sp_add_schedule @schedule_name = ")
                    .append(literal(s.name()))
                    .append(", @enabled = ")
                    .append(s.enabled() ? 1 : 0)
                    .append(", @freq_type = ")
                    .append(s.freqType())
                    .append(", @freq_interval = ")
                    .append(s.freqInterval())
                    .append(", @freq_subday_type = ")
                    .append(s.freqSubdayType())
                    .append(", @freq_subday_interval = ")
                    .append(s.freqSubdayInterval())
                    .append(", @freq_relative_interval = ")
                    .append(s.freqRelativeInterval())
                    .append(", @freq_recurrence_factor = ")
                    .append(s.freqRecurrenceFactor())
                    .append(", @active_start_date = ")
                    .append(s.activeStartDate())
                    .append(", @active_end_date = ")
                    .append(s.activeEndDate())
                    .append(", @active_start_time = ")
                    .append(s.activeStartTime())
                    .append(", @active_end_time = ")
                    .append(s.activeEndTime())
                    .append(", @schedule_id = @schedule_id OUTPUT;\n")
                    .append("EXEC msdb.dbo.sp_attach_schedule @job_id = @job_id, @schedule_id = @schedule_id;\n");
        }
        sql.append("EXEC msdb.dbo.sp_add_jobserver @job_id = @job_id, @server_name = N'(local)';\n")
                .append("COMMIT TRANSACTION;\n");
        return sql.toString();
    }

    /** An nvarchar literal ({@code N'...'} with quotes doubled), or NULL. */
    static String literal(String value) {
        return value == null ? "NULL" : "N'" + value.replace("'", "''") + "'";
    }
}
