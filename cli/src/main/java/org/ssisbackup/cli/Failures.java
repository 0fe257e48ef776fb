package org.ssisbackup.cli;

import org.ssisbackup.storage.StoreException;
import org.ssisbackup.storage.crypto.MissingKeyException;
import org.ssisbackup.storage.crypto.TamperedObjectException;
import picocli.CommandLine;

/** A failure as an operator reads it: one line on stderr, and the exit code that says what kind it was. */
final class Failures implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        cli.getErr().println("ssis-backup: " + e.getMessage());
        cli.getErr().flush();
        if (e instanceof org.ssisbackup.cli.api.ApiException a) {
            return a.exitCode().code();
        }
        if (e instanceof MissingKeyException) {
            return SsisBackupCli.REFUSED;
        }
        if (e instanceof TamperedObjectException) {
            return SsisBackupCli.FAILED;
        }
        if (e instanceof StoreException s) {
            return s.notFound()
                    ? SsisBackupCli.NOT_FOUND
                    : s.refusal() || s.code() != null ? SsisBackupCli.REFUSED : SsisBackupCli.UNREACHABLE;
        }
        if (e instanceof IllegalArgumentException) {
            return SsisBackupCli.USAGE;
        }
        return SsisBackupCli.FAILED;
    }
}
