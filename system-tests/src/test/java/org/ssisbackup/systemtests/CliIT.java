package org.ssisbackup.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ssisbackup.cli.SsisBackupCli;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 15: the command-line client against the whole running system (four services as processes, a real broker,
 * s3proxy, PostgreSQL, the msdb stand-in), no fakes: back up with --wait, list and show restore points, a package's
 * history, diff two points, a dry-run restore and a drill followed to their end, a policy applied from YAML, the fleet
 * and its status, the catalog's verification; and the exit codes of an unknown point, an unknown host and a bad key.
 */
class CliIT {
    static final JsonMapper JSON = JsonMapper.builder().build();
    static SystemStack stack;
    static Map<String, String> env;

    @TempDir
    static Path dir;

    record Run(int exitCode, String out, String err) {}

    @BeforeAll
    static void start() throws Exception {
        stack = new SystemStack(Map.of());
        env = new HashMap<>(Map.of(
                "SSIS_BACKUP_CONFIG", dir.resolve("no-config.yml").toString(),
                "SSIS_BACKUP_ORCHESTRATOR", stack.orchestrator,
                "SSIS_BACKUP_CATALOG", stack.catalog,
                "SSIS_BACKUP_API_KEY", SystemStack.API_KEY,
                "SSIS_BACKUP_CATALOG_KEY", SystemStack.VIEWER_KEY,
                "SSIS_BACKUP_CATALOG_ADMIN_KEY", SystemStack.CATALOG_ADMIN_KEY));
    }

    @AfterAll
    static void stop() throws Exception {
        stack.close();
    }

    static Run cli(Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine line = SsisBackupCli.commandLine(
                new SsisBackupCli(environment, Clock.systemUTC(), false, Duration.ofMillis(300)));
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        return new Run(line.execute(args), out.toString(), err.toString());
    }

    static Run cli(String... args) {
        return cli(env, args);
    }

    static JsonNode json(String... args) {
        Run r = cli(args);
        assertThat(r.exitCode()).as(r.err()).isZero();
        return JSON.readTree(r.out());
    }

    @Test
    void anAdminsDayThroughTheClient() throws Exception {
        Run hosts = cli("hosts");
        assertThat(hosts.exitCode()).as(hosts.err()).isZero();
        assertThat(hosts.out()).contains("HOST", SystemStack.HOST, "FILESYSTEM");

        // Two backups followed to their end: exit 0, each part's line and the final table.
        for (int i = 0; i < 2; i++) {
            Run backup = cli("backup", "create", "--host", SystemStack.HOST, "--scope", "FILESYSTEM,MSDB", "--wait");
            assertThat(backup.exitCode()).as(backup.out() + backup.err()).isZero();
            assertThat(backup.out()).contains("following it", SystemStack.HOST + " FILESYSTEM  SUCCEEDED", "SUCCEEDED");
        }
        assertThat(cli("backup", "list", "--host", SystemStack.HOST).out()).contains("SUCCEEDED", "rest");

        // The catalog records the points as their events arrive.
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            JsonNode points = json("points", "list", "--host", SystemStack.HOST, "--status", "COMPLETE", "-o", "json");
            return points.size() >= 2;
        });
        JsonNode points = json("points", "list", "--host", SystemStack.HOST, "--since", "1h", "-o", "json");
        String newest = points.get(0).get("id").asString();
        String older = points.get(1).get("id").asString();
        assertThat(cli("points", "list", "--host", SystemStack.HOST).out()).contains(newest, "COMPLETE");

        JsonNode point = json("points", "show", newest, "-o", "json");
        String packagePath = null;
        for (JsonNode a : point.get("artifacts")) {
            if (a.get("kind").asString().equals("MSDB_PACKAGE")) {
                packagePath = a.get("logicalPath").asString();
                break;
            }
        }
        assertThat(packagePath).isNotNull();
        assertThat(cli("points", "show", newest).out()).contains("MSDB_PACKAGE", packagePath);
        Run history = cli("package", "history", packagePath, "--host", SystemStack.HOST);
        assertThat(history.exitCode()).as(history.err()).isZero();
        assertThat(history.out()).contains(packagePath, SystemStack.HOST);
        Run diff = cli("points", "diff", older, newest);
        assertThat(diff.exitCode()).as(diff.err()).isZero();
        assertThat(diff.out()).contains("0 added, 0 removed, 0 changed");

        // A dry-run restore and a drill, followed to their end.
        Run restore = cli("restore", "create", "--point", newest, "--overwrite", "always", "--dry-run", "--wait");
        assertThat(restore.exitCode()).as(restore.out() + restore.err()).isZero();
        assertThat(restore.out()).contains("(dry run)", "FILESYSTEM", "SUCCEEDED");
        assertThat(cli("restore", "list", "--host", SystemStack.HOST).out()).contains(newest);
        Run drill = cli("drill", "create", "--host", SystemStack.HOST, "--wait");
        assertThat(drill.exitCode()).as(drill.out() + drill.err()).isZero();
        assertThat(drill.out()).contains("SUCCEEDED", "yes");

        // Policies as files.
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                name: cli-nightly
                selector: ""
                scope: [FILESYSTEM, MSDB]
                schedule: "30 1 * * *"
                timeZone: Europe/Berlin
                retention: {keepLast: 7, daily: 14}
                drillSchedule: "0 6 * * 0"
                """);
        Run applied = cli("policy", "apply", "-f", policy.toString());
        assertThat(applied.exitCode()).as(applied.err()).isZero();
        assertThat(applied.out()).contains("policy cli-nightly created");
        assertThat(cli("policy", "apply", "-f", policy.toString()).out()).contains("policy cli-nightly updated");
        assertThat(cli("policy", "list").out()).contains("cli-nightly", "30 1 * * * Europe/Berlin", "0 6 * * 0");
        assertThat(cli("policy", "get", "cli-nightly").out()).contains("name: cli-nightly", "keepLast: 7");

        Run status = cli("status");
        assertThat(status.out()).contains(SystemStack.HOST, "REACHABLE");
        assertThat(status.exitCode()).as(status.out()).isZero();
        Run verify = cli("catalog", "verify", "--share", "1");
        assertThat(verify.exitCode()).as(verify.err()).isZero();
        assertThat(verify.out()).contains("0 problem(s)");
        assertThat(cli("policy", "delete", "cli-nightly").exitCode()).isZero();
    }

    @Test
    void theExitCodesSayWhatWentWrong() {
        Run unknownPoint = cli("points", "show", "00000000-0000-4000-8000-000000000000");
        assertThat(unknownPoint.exitCode()).isEqualTo(6);
        Run unknownHost = cli("backup", "create", "--host", "no-such-host");
        assertThat(unknownHost.exitCode()).isEqualTo(6);
        assertThat(unknownHost.err()).contains("the fleet does not know: no-such-host");

        Map<String, String> badKey = new HashMap<>(env);
        badKey.put("SSIS_BACKUP_API_KEY", "not-a-key");
        Run refused = cli(badKey, "hosts");
        assertThat(refused.exitCode()).isEqualTo(4);
        Map<String, String> viewerOnly = new HashMap<>(env);
        viewerOnly.put("SSIS_BACKUP_API_KEY", SystemStack.VIEWER_KEY);
        Run notAllowed = cli(viewerOnly, "backup", "create", "--host", SystemStack.HOST);
        assertThat(notAllowed.exitCode()).as(notAllowed.err()).isEqualTo(4);
        assertThat(cli("restore", "create", "--point", "x", "--target-path", "relative\\path")
                        .exitCode())
                .isEqualTo(3);
    }
}
