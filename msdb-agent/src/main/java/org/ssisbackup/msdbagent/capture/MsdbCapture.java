package org.ssisbackup.msdbagent.capture;

import java.util.List;
import java.util.Set;
import org.ssisbackup.agent.capture.Capture;
import org.ssisbackup.agent.capture.CaptureContext;
import org.ssisbackup.contracts.BackupCommand;
import org.ssisbackup.contracts.BackupScope;

/**
 * One msdb-agent job: the parts its scope asks for, in order: msdb's packages (first, so the host's fs-agent gets
 * the configuration references early), SSISDB, then the native backup (the slowest). A part that fails is reported
 * under its own name and the other parts still run: a refused BACKUP must not cost the package exports.
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

    private final Part packages;
    private final Part ssisdb;
    private final Part nativeBackup;

    public MsdbCapture(MsdbPackageExporter packages, SsisdbProjectExporter ssisdb, NativeMsdbBackup nativeBackup) {
        this(packages::capture, (command, ctx) -> ssisdb.capture(ctx), nativeBackup::capture);
    }

    MsdbCapture(Part packages, Part ssisdb, Part nativeBackup) {
        this.packages = packages;
        this.ssisdb = ssisdb;
        this.nativeBackup = nativeBackup;
    }

    @Override
    public void capture(BackupCommand command, CaptureContext ctx) throws Exception {
        Set<BackupScope> scope = command.scope();
        if (scope.contains(BackupScope.MSDB)) {
            run(PACKAGES, packages, command, ctx);
        } else {
            // Nothing to wait for: the host's fs-agent may go on with its own files at once.
            ctx.configReferencesFound(List.of());
        }
        if (scope.contains(BackupScope.SSISDB)) {
            run(SSISDB, ssisdb, command, ctx);
        }
        if (scope.contains(BackupScope.MSDB_NATIVE)) {
            run(NATIVE, nativeBackup, command, ctx);
        }
    }

    private static void run(String name, Part part, BackupCommand command, CaptureContext ctx) {
        try {
            part.run(command, ctx);
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
