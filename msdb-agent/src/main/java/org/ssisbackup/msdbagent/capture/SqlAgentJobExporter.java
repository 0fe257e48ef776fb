package org.ssisbackup.msdbagent.capture;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.ssisbackup.agent.capture.CaptureContext;
import org.ssisbackup.contracts.Artifact;
import org.ssisbackup.contracts.ArtifactKind;
import org.ssisbackup.contracts.JobFileReference;
import org.ssisbackup.contracts.MessageCodec;
import org.ssisbackup.msdbagent.jobs.SqlAgentJob;
import org.ssisbackup.msdbagent.jobs.SqlAgentJobReader;
import org.ssisbackup.msdbagent.msdb.MsdbConnector;
import org.ssisbackup.msdbagent.msdb.MsdbException;
import org.ssisbackup.msdbagent.msdb.MsdbMetrics;
import org.ssisbackup.ssis.DtexecCommandLine;
import org.ssisbackup.storage.StoreException;

/**
 * Captures the SQL Server Agent jobs that run packages (a step of subsystem SSIS, or CmdExec calling dtexec) as
 * {@code SQL_AGENT_JOB} artifacts ({@code job:<name>}), and reads their steps' dtexec arguments for the files they run
 * or load, which the host's fs-agent then captures wherever they are. Step commands may carry /DECRYPT passwords and
 * /SET values: they go only into the encrypted artifact, never into metadata, warnings or logs.
 */
public final class SqlAgentJobExporter {
    static final String SERVER_SQL = "SELECT CAST(SERVERPROPERTY('ServerName') AS nvarchar(128)) AS server_name,"
            + " CAST(SERVERPROPERTY('MachineName') AS nvarchar(128)) AS machine_name";

    /** Where a failure of this part is reported. */
    static final String JOBS = "(SQL Server Agent jobs)";

    private final MsdbConnector connector;
    private final MsdbMetrics metrics;

    public SqlAgentJobExporter(MsdbConnector connector, MsdbMetrics metrics) {
        this.connector = connector;
        this.metrics = metrics;
    }

    /** Captures the jobs; returns the files their steps run or load. */
    public List<JobFileReference> capture(CaptureContext ctx) throws MsdbException {
        int timeout = connector.queryTimeoutSeconds();
        List<SqlAgentJob> jobs;
        Set<String> localNames;
        try (Connection c = connector.connect();
                Statement s = c.createStatement()) {
            s.setQueryTimeout(timeout);
            localNames = localNames(s);
            jobs = SqlAgentJobReader.read(s, (name, reason) -> ctx.failed(name, reason));
        } catch (SQLException e) {
            MsdbException failure = MsdbException.of(
                    "cannot read SQL Server Agent's jobs",
                    e,
                    "the login needs SELECT on msdb.dbo.sysjobs, sysjobsteps, sysschedules, sysjobschedules,"
                            + " sysproxies and syscategories to capture jobs");
            metrics.failure(failure.reason());
            throw failure;
        }
        Set<String> msdbPackages = ctx.artifacts().stream()
                .filter(a -> a.kind() == ArtifactKind.MSDB_PACKAGE)
                .map(Artifact::logicalPath)
                .map(p -> p.toLowerCase(Locale.ROOT))
                .collect(Collectors.toSet());
        List<JobFileReference> files = new ArrayList<>();
        for (SqlAgentJob job : jobs) {
            List<String> runs = new ArrayList<>();
            for (SqlAgentJob.Step step : job.steps()) {
                if (step.runsPackage()) {
                    runs.addAll(readStep(job, step, localNames, msdbPackages, files, ctx));
                }
            }
            store(job, runs, ctx);
        }
        return files;
    }

    private void store(SqlAgentJob job, List<String> runs, CaptureContext ctx) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("name", job.name());
        meta.put("enabled", String.valueOf(job.enabled()));
        meta.put("owner", job.owner() == null ? "" : job.owner());
        meta.put("category", job.category() == null ? "" : job.category());
        meta.put("steps", String.valueOf(job.steps().size()));
        meta.put("schedules", String.valueOf(job.schedules().size()));
        meta.put("runs", String.join("; ", runs));
        try {
            ctx.store(job.logicalPath(), ArtifactKind.SQL_AGENT_JOB, MessageCodec.encode(job), meta);
            metrics.jobCaptured();
        } catch (IOException | StoreException e) {
            ctx.failed(job.logicalPath(), e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** What one package step runs, for the job's metadata; the files it names go to {@code files}. */
    private static List<String> readStep(
            SqlAgentJob job,
            SqlAgentJob.Step step,
            Set<String> localNames,
            Set<String> msdbPackages,
            List<JobFileReference> files,
            CaptureContext ctx) {
        String where = "step " + step.stepId() + " (" + step.name() + ")";
        DtexecCommandLine line;
        try {
            line = DtexecCommandLine.parse(step.command());
        } catch (IllegalArgumentException e) {
            // The parser's message names the problem, never an argument's value.
            ctx.warn(
                    job.logicalPath(),
                    where + ": command not read as dtexec arguments (" + e.getMessage()
                            + "): the files it uses were not captured");
            return List.of();
        }
        List<String> runs = new ArrayList<>();
        line.packageFile().ifPresent(f -> {
            runs.add(where + ": file " + f);
            files.add(new JobFileReference(job.name(), step.stepId(), step.name(), JobFileReference.Kind.PACKAGE, f));
        });
        for (String config : line.configFiles()) {
            files.add(new JobFileReference(
                    job.name(), step.stepId(), step.name(), JobFileReference.Kind.CONFIG_FILE, config));
        }
        line.value(DtexecCommandLine.Option.COMMAND_FILE)
                .ifPresent(f -> files.add(new JobFileReference(
                        job.name(), step.stepId(), step.name(), JobFileReference.Kind.COMMAND_FILE, f)));
        Optional<String> server = line.server();
        boolean local = server.isEmpty() || isLocal(server.get(), localNames);
        line.msdbPackage().ifPresent(p -> {
            String path = p.startsWith("\\") ? p : "\\" + p;
            runs.add(where + ": msdb " + path + (local ? "" : " on " + server.get()));
            if (!local) {
                ctx.warn(
                        job.logicalPath(),
                        where + " runs msdb package " + path + " of server " + server.get()
                                + ": that server's agents capture it, not this one's");
            } else if (!msdbPackages.contains(path.toLowerCase(Locale.ROOT))) {
                ctx.warn(job.logicalPath(), where + " runs msdb package " + path + ", which is not in this msdb");
            }
        });
        line.storePackage().ifPresent(p -> runs.add(where + ": package store " + p));
        line.catalogPackage().ifPresent(p -> runs.add(where + ": SSISDB " + p + (local ? "" : " on " + server.get())));
        return runs;
    }

    /** The names this instance answers to ({@code .}, {@code (local)}, its machine and server names, ...). */
    private static Set<String> localNames(Statement s) throws SQLException {
        Set<String> names = new java.util.HashSet<>(Set.of(".", "(local)", "localhost", "127.0.0.1", "::1"));
        try (ResultSet rs = s.executeQuery(SERVER_SQL)) {
            if (rs.next()) {
                String server = rs.getString("server_name");
                String machine = rs.getString("machine_name");
                if (server != null) names.add(server.toLowerCase(Locale.ROOT));
                if (machine != null) names.add(machine.toLowerCase(Locale.ROOT));
                if (server != null && machine != null && server.contains("\\")) {
                    String instance = server.substring(server.indexOf('\\'));
                    for (String alias : List.of(".", "(local)", "localhost")) {
                        names.add((alias + instance).toLowerCase(Locale.ROOT));
                    }
                }
            }
        }
        return names;
    }

    static boolean isLocal(String server, Set<String> localNames) {
        String s = server.trim()
                .toLowerCase(Locale.ROOT)
                .replaceFirst("^(tcp|np|lpc):", "")
                .replaceFirst(",\\d+$", "");
        return localNames.contains(s);
    }
}
