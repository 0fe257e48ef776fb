package org.ssisbackup.cli;

import org.ssisbackup.cli.keys.KeysCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ssis-backup} command line. Exit codes (README): 0 succeeded, 1 failed, 3 usage error, 4 refused (a key
 * that does not open, a role), 5 unreachable, 6 not found.
 */
@Command(
        name = "ssis-backup",
        mixinStandardHelpOptions = true,
        versionProvider = SsisBackupCli.Version.class,
        description = "Backs up and restores SSIS packages across a fleet of servers.",
        subcommands = {KeysCommand.class, CommandLine.HelpCommand.class})
public final class SsisBackupCli {
    public static final int FAILED = 1;
    public static final int USAGE = 3;
    public static final int REFUSED = 4;
    public static final int UNREACHABLE = 5;
    public static final int NOT_FOUND = 6;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with this tool's exit codes and error messages (no stack traces for expected failures). */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new SsisBackupCli());
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine failed = e.getCommandLine();
            failed.getErr().println("ssis-backup: " + e.getMessage());
            failed.usage(failed.getErr());
            return USAGE;
        });
        cli.setExecutionExceptionHandler(new Failures());
        return cli;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = SsisBackupCli.class.getPackage().getImplementationVersion();
            return new String[] {"ssis-backup " + (v == null ? "(development build)" : v)};
        }
    }
}
