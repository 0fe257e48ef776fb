package org.ssisbackup.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import picocli.CommandLine;

/** One run of the client in this JVM, with a given environment and a fixed clock: its exit code and what it printed. */
record CliRun(int exitCode, String out, String err) {
    static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

    static CliRun of(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = SsisBackupCli.commandLine(
                new SsisBackupCli(env, Clock.fixed(NOW, ZoneOffset.UTC), false, Duration.ofMillis(200)));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new CliRun(
                code, out.toString().replace("\r\n", "\n"), err.toString().replace("\r\n", "\n"));
    }
}
