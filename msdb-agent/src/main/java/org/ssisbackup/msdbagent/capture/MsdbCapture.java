package org.ssisbackup.msdbagent.capture;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.ssisbackup.agent.capture.Capture;
import org.ssisbackup.agent.capture.CaptureContext;
import org.ssisbackup.contracts.BackupCommand;
import org.ssisbackup.contracts.BackupScope;
import org.ssisbackup.contracts.ConfigReference;
import org.ssisbackup.contracts.JobFileReference;

/**
 * One msdb-agent job: the parts its scope asks for, in order: msdb's packages, then the SQL Server Agent jobs that
 * run packages (after the packages, so a job's msdb package can be checked against what was captured), then the
 * configuration and job file references go to the host's fs-agent (which waits for them), then SSISDB, then the
 * native backup (the slowest). A part that fails is reported under its own name and the other parts still run: a
 * refused BACKUP must not cost the package exports, nor a login without SELECT on sysjobs the packages.
 */
public final class MsdbCapture implements Capture {
    /** Names under which a part's failure is reported. */
    static final String PACKAGES = "(msdb packages)";

    static final String SSISDB = "(SSISDB)";
    static final String NATIVE = "(native msdb backup)";

    @FunctionalInterface
    interface Part {
        void run(BackupCommand command, CaptureContext ctx) throws Exception;
    }

    @FunctionalInterface
    interface Finder<T> {
        List<T> find(CaptureContext ctx) throws Exception;
    }

    private final Finder<ConfigReference> packages;
    private final Finder<JobFileReference> jobs;
    private final Part ssisdb;
    private final Part nativeBackup;

    public MsdbCapture(
            MsdbPackageExporter packages,
            SqlAgentJobExporter jobs,
            SsisdbProjectExporter ssisdb,
            NativeMsdbBackup nativeBackup) {
        this(packages::export, jobs::capture, (command, ctx) -> ssisdb.capture(ctx), nativeBackup::capture);
    }

    MsdbCapture(Finder<ConfigReference> packages, Finder<JobFileReference> jobs, Part ssisdb, Part nativeBackup) {
        this.packages = packages;
        this.jobs = jobs;
        this.ssisdb = ssisdb;
        this.nativeBackup = nativeBackup;
    }

    @Override
    public void capture(BackupCommand command, CaptureContext ctx) throws Exception {
        Set<BackupScope> scope = command.scope();
        List<ConfigReference> references = new ArrayList<>();
        List<JobFileReference> jobFiles = new ArrayList<>();
        if (scope.contains(BackupScope.MSDB)) {
            run(PACKAGES, ctx, () -> references.addAll(packages.find(ctx)));
            run(SqlAgentJobExporter.JOBS, ctx, () -> jobFiles.addAll(jobs.find(ctx)));
        }
        // Sent even when empty: the host's fs-agent waits for it before it captures the files.
        ctx.referencesFound(references, jobFiles);
        if (scope.contains(BackupScope.SSISDB)) {
            run(SSISDB, ctx, () -> ssisdb.run(command, ctx));
        }
        if (scope.contains(BackupScope.MSDB_NATIVE)) {
            run(NATIVE, ctx, () -> nativeBackup.run(command, ctx));
        }
    }

    @FunctionalInterface
    private interface Work {
        void run() throws Exception;
    }

    private static void run(String name, CaptureContext ctx, Work work) {
        try {
            work.run();
        } catch (Exception e) {
            // An msdb failure's message already says what was done and why; anything else is named by its type.
            String m = e.getMessage();
            ctx.failed(
                    name,
                    e instanceof org.ssisbackup.msdbagent.msdb.MsdbException
                            ? m
                            : e.getClass().getSimpleName() + (m == null ? "" : ": " + m));
        }
    }
}
