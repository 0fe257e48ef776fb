package org.ssisbackup.cli;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.ssisbackup.cli.backup.BackupCommand;
import org.ssisbackup.cli.catalog.CatalogCommand;
import org.ssisbackup.cli.fleet.HostsCommand;
import org.ssisbackup.cli.fleet.PolicyCommand;
import org.ssisbackup.cli.fleet.StatusCommand;
import org.ssisbackup.cli.keys.KeysCommand;
import org.ssisbackup.cli.points.PackageCommand;
import org.ssisbackup.cli.points.PointsCommand;
import org.ssisbackup.cli.restore.DrillCommand;
import org.ssisbackup.cli.restore.RestoreCommand;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ssis-backup} command line: the fleet's APIs (backups, restores, drills, restore points, policies, the
 * catalog's maintenance) and the repository's keys. Exit codes ({@link ExitCode}, README): 0 succeeded, 2 partially
 * failed, 1 failed, 3 usage error, 4 refused (authentication or role), 5 unreachable, 6 not found.
 */
@Command(
        name = "ssis-backup",
        mixinStandardHelpOptions = true,
        versionProvider = SsisBackupCli.Version.class,
        description = "Backs up and restores SSIS packages across a fleet of servers.",
        footer = {
            "",
            "Where: a context of ~/.config/ssis-backup/config.yml (%APPDATA%\\ssis-backup\\config.yml on Windows),",
            "overridden by SSIS_BACKUP_ORCHESTRATOR, SSIS_BACKUP_CATALOG, SSIS_BACKUP_API_KEY, SSIS_BACKUP_CATALOG_KEY,",
            "SSIS_BACKUP_CATALOG_ADMIN_KEY, and by --context, --orchestrator, --catalog.",
            "Exit codes: 0 succeeded, 2 partially failed, 1 failed, 3 usage, 4 refused, 5 unreachable, 6 not found."
        },
        subcommands = {
            HostsCommand.class,
            StatusCommand.class,
            BackupCommand.class,
            PointsCommand.class,
            PackageCommand.class,
            RestoreCommand.class,
            DrillCommand.class,
            PolicyCommand.class,
            CatalogCommand.class,
            KeysCommand.class,
            AutoComplete.GenerateCompletion.class,
            CommandLine.HelpCommand.class
        })
public final class SsisBackupCli {
    public static final int FAILED = ExitCode.FAILED.code();
    public static final int USAGE = ExitCode.USAGE.code();
    public static final int REFUSED = ExitCode.REFUSED.code();
    public static final int UNREACHABLE = ExitCode.UNREACHABLE.code();
    public static final int NOT_FOUND = ExitCode.NOT_FOUND.code();

    private final Map<String, String> environment;
    private final Clock clock;
    private final boolean terminal;
    private final Duration pollInterval;

    /**
     * @param environment  where settings come from (the process's environment, or a test's)
     * @param terminal     whether output goes to a person's terminal (progress redrawn in place) or a pipe
     * @param pollInterval how often {@code --wait} asks how a job is doing
     */
    public SsisBackupCli(Map<String, String> environment, Clock clock, boolean terminal, Duration pollInterval) {
        this.environment = Map.copyOf(environment);
        this.clock = clock;
        this.terminal = terminal;
        this.pollInterval = pollInterval;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with the process's settings. */
    public static CommandLine commandLine() {
        return commandLine(new SsisBackupCli(System.getenv(), Clock.systemUTC(), onTerminal(), Duration.ofSeconds(1)));
    }

    /**
     * Whether standard output is a person's terminal: a console that is a terminal (JDK 22+ has a console even when
     * piped, and says so with {@code isTerminal}), and not {@code TERM=dumb}.
     */
    @SuppressWarnings("SystemConsoleNull") // JDK 22+ is asked isTerminal() below
    static boolean onTerminal() {
        if ("dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException beforeJdk22) {
            return true;
        }
    }

    /** The command line with this tool's exit codes and error messages (no stack traces for expected failures). */
    public static CommandLine commandLine(SsisBackupCli cli) {
        CommandLine line = new CommandLine(cli);
        line.setParameterExceptionHandler((e, args) -> {
            CommandLine failed = e.getCommandLine();
            failed.getErr().println("ssis-backup: " + e.getMessage());
            failed.usage(failed.getErr());
            return USAGE;
        });
        line.setExecutionExceptionHandler(new Failures());
        line.setExitCodeExceptionMapper(e -> FAILED);
        line.getSubcommands()
                .get("generate-completion")
                .getCommandSpec()
                .usageMessage()
                .hidden(false);
        return line;
    }

    public Map<String, String> environment() {
        return environment;
    }

    public Clock clock() {
        return clock;
    }

    public boolean terminal() {
        return terminal;
    }

    public Duration pollInterval() {
        return pollInterval;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = SsisBackupCli.class.getPackage().getImplementationVersion();
            return new String[] {"ssis-backup " + (v == null ? "(development build)" : v)};
        }
    }
}
