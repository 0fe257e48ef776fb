package org.ssisbackup.msdbagent.restore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.ssisbackup.agent.restore.DrillChecks;
import org.ssisbackup.agent.restore.RestoreContext;
import org.ssisbackup.agent.restore.RestoreHandler;
import org.ssisbackup.contracts.Artifact;
import org.ssisbackup.contracts.ArtifactKind;
import org.ssisbackup.contracts.MalformedMessageException;
import org.ssisbackup.contracts.MessageCodec;
import org.ssisbackup.msdbagent.jobs.SqlAgentJob;
import org.ssisbackup.msdbagent.jobs.SqlAgentJobReader;
import org.ssisbackup.msdbagent.msdb.MsdbConnector;
import org.ssisbackup.msdbagent.msdb.MsdbException;
import org.ssisbackup.msdbagent.msdb.MsdbMetrics;
import org.ssisbackup.ssis.DtexecCommandLine;
import org.ssisbackup.storage.Sha256;
import org.ssisbackup.storage.StoreException;

/**
 * Recreates SQL Server Agent jobs of a restore point with msdb's procedures: {@code sp_add_job}, one
 * {@code sp_add_jobstep} per step, {@code sp_add_schedule} and {@code sp_attach_schedule} per schedule (a schedule
 * shared by several restored jobs is created once), {@code sp_add_jobserver} for the local server.
 * <ul>
 *   <li>A recreated job is disabled unless the restore asks for jobs enabled ({@code enableJobs}): a restore never
 *       starts running packages on a server by itself.</li>
 *   <li>An existing job of the same name is kept unless the overwrite policy says otherwise ({@code IF_CHANGED}
 *       compares the definitions, not the enabled flags); a replaced job is deleted with {@code sp_delete_job}
 *       first.</li>
 *   <li>The owner login is kept when it exists on this server and the restoring login may assign it (sysadmin);
 *       otherwise the restoring login owns the job and the restore says so. A category missing here becomes
 *       "[Uncategorized (Local)]". A proxy missing here fails the job: running its steps as SQL Server Agent's own
 *       account instead would change what they may do.</li>
 *   <li>A job that fails half way is deleted again: no job is left with some of its steps.</li>
 * </ul>
 */
public final class SqlAgentJobRestoreHandler implements RestoreHandler {
    /** A job definition larger than this is not a job definition (commands are at most 1 MiB each). */
    static final long MAX_DEFINITION_BYTES = 64L << 20;

    private final MsdbConnector connector;
    private final MsdbMetrics metrics;

    public SqlAgentJobRestoreHandler(MsdbConnector connector, MsdbMetrics metrics) {
        this.connector = connector;
        this.metrics = metrics;
    }

    @Override
    public Set<ArtifactKind> kinds() {
        return Set.of(ArtifactKind.SQL_AGENT_JOB);
    }

    /** One restore's connection, what exists on the target, and the schedules it has created so far. */
    private record Target(
            Connection connection,
            Map<String, SqlAgentJob> existing,
            Set<String> jobNames,
            Set<String> proxies,
            Map<String, Integer> createdSchedules,
            RestoreContext ctx) {}

    @Override
    public void restore(List<Artifact> items, RestoreContext ctx) throws MsdbException {
        int timeout = connector.queryTimeoutSeconds();
        try (Connection c = connector.connect()) {
            Target t;
            try (Statement s = c.createStatement()) {
                s.setQueryTimeout(timeout);
                Map<String, SqlAgentJob> existing = new HashMap<>();
                for (SqlAgentJob j : SqlAgentJobReader.read(s, (name, reason) -> {})) {
                    existing.put(j.name().toLowerCase(Locale.ROOT), j);
                }
                Set<String> jobNames = new HashSet<>(); // every job, whether or not it runs packages
                try (ResultSet rs = s.executeQuery("SELECT name FROM msdb.dbo.sysjobs")) {
                    while (rs.next()) {
                        jobNames.add(rs.getString("name").toLowerCase(Locale.ROOT));
                    }
                }
                Set<String> proxies = new HashSet<>();
                try (ResultSet rs = s.executeQuery("SELECT proxy_id, name FROM msdb.dbo.sysproxies")) {
                    while (rs.next()) {
                        proxies.add(rs.getString("name").toLowerCase(Locale.ROOT));
                    }
                }
                t = new Target(c, existing, jobNames, proxies, new HashMap<>(), ctx);
            }
            for (Artifact a : items) {
                restoreJob(t, a);
            }
        } catch (SQLException e) {
            MsdbException failure = MsdbException.of(
                    "cannot restore SQL Server Agent jobs",
                    e,
                    "the login needs SELECT on msdb's job tables and SQLAgentOperatorRole (sysadmin to keep owners)");
            metrics.failure(failure.reason());
            throw failure;
        }
    }

    /**
     * A drill reads each job back from the bucket (SHA-256 checked), parses its definition and every package step's
     * dtexec arguments; it creates nothing on a server (a job, even disabled, is visible to the server's admins and
     * its schedules are shared state).
     */
    @Override
    public void drill(List<Artifact> items, RestoreContext ctx, DrillChecks checks) {
        for (Artifact a : items) {
            Optional<SqlAgentJob> job = definition(a, ctx);
            if (job.isEmpty()) {
                continue;
            }
            checks.itemChecked();
            for (SqlAgentJob.Step step : job.get().steps()) {
                if (step.runsPackage()) {
                    try {
                        DtexecCommandLine.parse(step.command());
                        checks.referenceChecked();
                    } catch (IllegalArgumentException e) {
                        ctx.failed(a.logicalPath(), "step " + step.stepId() + ": " + e.getMessage());
                    }
                }
            }
            checks.documentParsed();
        }
    }

    private void restoreJob(Target t, Artifact a) throws SQLException {
        RestoreContext ctx = t.ctx();
        Optional<SqlAgentJob> read = definition(a, ctx);
        if (read.isEmpty()) {
            return;
        }
        SqlAgentJob job = read.get();
        String dest = job.logicalPath();
        Optional<String> missingProxy = job.steps().stream()
                .map(SqlAgentJob.Step::proxy)
                .filter(p -> p != null && !t.proxies().contains(p.toLowerCase(Locale.ROOT)))
                .findFirst();
        if (missingProxy.isPresent()) {
            ctx.failed(
                    dest,
                    "proxy '" + missingProxy.get() + "' does not exist on this server: create it (and its"
                            + " credential) and restore the job again; the job was not created");
            return;
        }
        String key = job.name().toLowerCase(Locale.ROOT);
        SqlAgentJob current = t.existing().get(key);
        boolean exists = t.jobNames().contains(key);
        if (!ctx.mayWrite(dest, exists, () -> current == null ? "" : comparable(current), comparable(job))) {
            return;
        }
        boolean enabled = job.enabled() && ctx.options().enablesJobs();
        if (ctx.dryRun()) {
            ctx.written(dest + (enabled ? "" : " (disabled)"), 0);
            return;
        }
        try {
            if (exists) {
                call(t, "EXEC msdb.dbo.sp_delete_job @job_name = ?, @delete_unused_schedule = 1", job.name());
                t.jobNames().remove(key);
            }
            List<String> notes = new ArrayList<>();
            addJob(t, job, enabled, notes);
            try {
                for (SqlAgentJob.Step s : job.steps()) {
                    addStep(t, job, s);
                }
                for (SqlAgentJob.Schedule s : job.schedules()) {
                    attachSchedule(t, job, s);
                }
                call(t, "EXEC msdb.dbo.sp_add_jobserver @job_name = ?, @server_name = N'(local)'", job.name());
            } catch (SQLException e) {
                deleteQuietly(t, job.name());
                throw e;
            }
            t.existing().put(key, job);
            t.jobNames().add(key);
            metrics.jobRestored();
            notes.add(0, enabled ? "enabled" : "disabled");
            ctx.written(dest + " (" + String.join("; ", notes) + ")", a.size());
        } catch (SQLException e) {
            lostConnection(e);
            MsdbException failure = MsdbException.of("cannot create job", e);
            metrics.failure(failure.reason());
            ctx.failed(dest, failure.getMessage());
        }
    }

    /** sp_add_job with the original owner and category, falling back to the restoring login and no category. */
    private void addJob(Target t, SqlAgentJob job, boolean enabled, List<String> notes) throws SQLException {
        String owner = job.owner();
        String category = job.category();
        for (int attempt = 0; ; attempt++) {
            try (PreparedStatement ps = t.connection()
                    .prepareStatement("EXEC msdb.dbo.sp_add_job @job_name = ?, @enabled = ?, @description = ?,"
                            + " @start_step_id = ?, @category_name = ?, @owner_login_name = ?")) {
                ps.setQueryTimeout(connector.queryTimeoutSeconds());
                ps.setString(1, job.name());
                ps.setInt(2, enabled ? 1 : 0);
                nullable(ps, 3, job.description());
                ps.setInt(4, job.startStepId());
                nullable(ps, 5, category);
                nullable(ps, 6, owner);
                ps.execute();
                return;
            } catch (SQLException e) {
                String m = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
                if (attempt < 2 && owner != null && (e.getErrorCode() == 14515 || m.contains("@owner_login_name"))) {
                    notes.add("owner '" + owner + "' could not be kept (" + e.getMessage()
                            + "): owned by the restoring login");
                    owner = null;
                } else if (attempt < 2 && category != null && m.contains("@category_name")) {
                    notes.add("category '" + category + "' does not exist here: uncategorized");
                    category = null;
                } else {
                    throw e;
                }
            }
        }
    }

    private void addStep(Target t, SqlAgentJob job, SqlAgentJob.Step s) throws SQLException {
        try (PreparedStatement ps = t.connection()
                .prepareStatement("EXEC msdb.dbo.sp_add_jobstep @job_name = ?, @step_id = ?, @step_name = ?,"
                        + " @subsystem = ?, @command = ?, @database_name = ?, @database_user_name = ?, @server = ?,"
                        + " @flags = ?, @cmdexec_success_code = ?, @on_success_action = ?, @on_success_step_id = ?,"
                        + " @on_fail_action = ?, @on_fail_step_id = ?, @retry_attempts = ?, @retry_interval = ?,"
                        + " @os_run_priority = ?, @output_file_name = ?, @proxy_name = ?")) {
            ps.setQueryTimeout(connector.queryTimeoutSeconds());
            ps.setString(1, job.name());
            ps.setInt(2, s.stepId());
            ps.setString(3, s.name());
            ps.setString(4, s.subsystem());
            nullable(ps, 5, s.command());
            nullable(ps, 6, s.databaseName());
            nullable(ps, 7, s.databaseUserName());
            nullable(ps, 8, s.server());
            ps.setInt(9, s.flags());
            ps.setInt(10, s.cmdexecSuccessCode());
            ps.setInt(11, s.onSuccessAction());
            ps.setInt(12, s.onSuccessStepId());
            ps.setInt(13, s.onFailAction());
            ps.setInt(14, s.onFailStepId());
            ps.setInt(15, s.retryAttempts());
            ps.setInt(16, s.retryInterval());
            ps.setInt(17, s.osRunPriority());
            nullable(ps, 18, s.outputFileName());
            nullable(ps, 19, s.proxy());
            ps.execute();
        }
    }

    /**
     * Attaches the schedule by id: one this restore created for another job that shared it, else an identical one
     * already on the server (same name and timing: a job restored alone rejoins the schedule it shared), else a new
     * one.
     */
    private void attachSchedule(Target t, SqlAgentJob job, SqlAgentJob.Schedule s) throws SQLException {
        Integer id = t.createdSchedules().get(s.uid());
        if (id == null) {
            id = identicalSchedule(t, s).orElse(null);
        }
        if (id == null) {
            try (PreparedStatement ps = t.connection()
                    .prepareStatement("EXEC msdb.dbo.sp_add_schedule @schedule_name = ?, @enabled = ?,"
                            + " @freq_type = ?, @freq_interval = ?, @freq_subday_type = ?, @freq_subday_interval = ?,"
                            + " @freq_relative_interval = ?, @freq_recurrence_factor = ?, @active_start_date = ?,"
                            + " @active_end_date = ?, @active_start_time = ?, @active_end_time = ?")) {
                ps.setQueryTimeout(connector.queryTimeoutSeconds());
                ps.setString(1, s.name());
                ps.setInt(2, s.enabled() ? 1 : 0);
                ps.setInt(3, s.freqType());
                ps.setInt(4, s.freqInterval());
                ps.setInt(5, s.freqSubdayType());
                ps.setInt(6, s.freqSubdayInterval());
                ps.setInt(7, s.freqRelativeInterval());
                ps.setInt(8, s.freqRecurrenceFactor());
                ps.setInt(9, s.activeStartDate());
                ps.setInt(10, s.activeEndDate());
                ps.setInt(11, s.activeStartTime());
                ps.setInt(12, s.activeEndTime());
                ps.execute();
            }
            // Schedule ids are an identity: the newest of that name is the one just created by this connection.
            try (PreparedStatement ps = t.connection()
                    .prepareStatement("SELECT schedule_id FROM msdb.dbo.sysschedules WHERE name = ?"
                            + " ORDER BY schedule_id DESC")) {
                ps.setQueryTimeout(connector.queryTimeoutSeconds());
                ps.setString(1, s.name());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new SQLException("schedule '" + s.name() + "' was not created", "42000");
                    }
                    id = rs.getInt(1);
                }
            }
            t.createdSchedules().put(s.uid(), id);
        }
        try (PreparedStatement ps =
                t.connection().prepareStatement("EXEC msdb.dbo.sp_attach_schedule @job_name = ?, @schedule_id = ?")) {
            ps.setQueryTimeout(connector.queryTimeoutSeconds());
            ps.setString(1, job.name());
            ps.setInt(2, id);
            ps.execute();
        }
    }

    private Optional<Integer> identicalSchedule(Target t, SqlAgentJob.Schedule s) throws SQLException {
        try (PreparedStatement ps = t.connection()
                .prepareStatement("SELECT schedule_id, enabled, freq_type, freq_interval, freq_subday_type,"
                        + " freq_subday_interval, freq_relative_interval, freq_recurrence_factor, active_start_date,"
                        + " active_end_date, active_start_time, active_end_time FROM msdb.dbo.sysschedules"
                        + " WHERE name = ? ORDER BY schedule_id")) {
            ps.setQueryTimeout(connector.queryTimeoutSeconds());
            ps.setString(1, s.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    boolean same = (rs.getInt("enabled") != 0) == s.enabled()
                            && rs.getInt("freq_type") == s.freqType()
                            && rs.getInt("freq_interval") == s.freqInterval()
                            && rs.getInt("freq_subday_type") == s.freqSubdayType()
                            && rs.getInt("freq_subday_interval") == s.freqSubdayInterval()
                            && rs.getInt("freq_relative_interval") == s.freqRelativeInterval()
                            && rs.getInt("freq_recurrence_factor") == s.freqRecurrenceFactor()
                            && rs.getInt("active_start_date") == s.activeStartDate()
                            && rs.getInt("active_end_date") == s.activeEndDate()
                            && rs.getInt("active_start_time") == s.activeStartTime()
                            && rs.getInt("active_end_time") == s.activeEndTime();
                    if (same) {
                        return Optional.of(rs.getInt("schedule_id"));
                    }
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The job's definition, read from the bucket (SHA-256 checked), bounded and validated, and named as the point
     * recorded it; empty (and reported) otherwise.
     */
    private static Optional<SqlAgentJob> definition(Artifact a, RestoreContext ctx) {
        if (a.size() > MAX_DEFINITION_BYTES) {
            ctx.failed(a.logicalPath(), "a job definition of " + a.size() + " bytes is not one");
            return Optional.empty();
        }
        Path temp = null;
        try {
            temp = Files.createTempFile("sql-agent-job", ".json");
            ctx.download(a, temp);
            SqlAgentJob job = MessageCodec.decodeDocument(Files.readAllBytes(temp), SqlAgentJob.class);
            if (!job.logicalPath().equals(a.logicalPath())) {
                ctx.failed(a.logicalPath(), "the stored definition is of another job");
                return Optional.empty();
            }
            return Optional.of(job);
        } catch (IOException | StoreException e) {
            ctx.failed(a.logicalPath(), e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (MalformedMessageException | IllegalArgumentException e) {
            ctx.failed(a.logicalPath(), "not a job definition: " + e.getMessage());
        } finally {
            try {
                if (temp != null) {
                    Files.deleteIfExists(temp);
                }
            } catch (IOException ignored) {
                // a leftover in the temporary folder
            }
        }
        return Optional.empty();
    }

    /** What IF_CHANGED compares: the definition without what differs between servers or restores. */
    static String comparable(SqlAgentJob j) {
        SqlAgentJob plain = new SqlAgentJob(
                j.format(),
                null,
                j.name(),
                false,
                j.description(),
                j.category(),
                null,
                j.startStepId(),
                j.steps(),
                j.schedules().stream()
                        .map(s -> new SqlAgentJob.Schedule(
                                "00000000-0000-0000-0000-000000000000",
                                s.name(),
                                s.enabled(),
                                s.freqType(),
                                s.freqInterval(),
                                s.freqSubdayType(),
                                s.freqSubdayInterval(),
                                s.freqRelativeInterval(),
                                s.freqRecurrenceFactor(),
                                s.activeStartDate(),
                                s.activeEndDate(),
                                s.activeStartTime(),
                                s.activeEndTime()))
                        .toList(),
                null);
        try {
            return Sha256.copy(
                            new java.io.ByteArrayInputStream(MessageCodec.encode(plain)),
                            java.io.OutputStream.nullOutputStream())
                    .hex();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void call(Target t, String sql, String jobName) throws SQLException {
        try (PreparedStatement ps = t.connection().prepareStatement(sql)) {
            ps.setQueryTimeout(connector.queryTimeoutSeconds());
            ps.setString(1, jobName);
            ps.execute();
        }
    }

    private void deleteQuietly(Target t, String jobName) {
        try {
            call(t, "EXEC msdb.dbo.sp_delete_job @job_name = ?, @delete_unused_schedule = 1", jobName);
        } catch (SQLException ignored) {
            // the connection is gone; the failure that brought us here is reported
        }
    }

    private static void lostConnection(SQLException e) throws SQLException {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.startsWith("08")) {
            throw e;
        }
    }

    private static void nullable(PreparedStatement ps, int i, String v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.NVARCHAR);
        } else {
            ps.setString(i, v);
        }
    }
}
