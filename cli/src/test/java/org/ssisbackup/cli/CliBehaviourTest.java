package org.ssisbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the client sends, where it finds its settings, and the exit code each kind of failure gives. */
class CliBehaviourTest {
    FakeApi api;
    Map<String, String> env;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws IOException {
        api = new FakeApi();
        env = new HashMap<>(Map.of(
                "SSIS_BACKUP_ORCHESTRATOR",
                api.url(),
                "SSIS_BACKUP_CATALOG",
                api.url() + "/",
                "SSIS_BACKUP_API_KEY",
                "op-key",
                "SSIS_BACKUP_CATALOG_KEY",
                "view-key",
                "SSIS_BACKUP_CATALOG_ADMIN_KEY",
                "admin-key",
                "SSIS_BACKUP_CONFIG",
                dir.resolve("none.yml").toString()));
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @ParameterizedTest(name = "HTTP {0} -> exit {2}")
    @CsvSource({
        "401, '{\"detail\":\"no valid API key\"}', 4",
        "403, '{\"detail\":\"role operator needed\"}', 4",
        "404, '{\"detail\":\"no backup job x\"}', 6",
        "422, '{\"detail\":\"1 host(s) the fleet does not know: sqlx\"}', 6",
        "400, '{\"detail\":\"limit must be 1-500\"}', 3",
        "503, '{\"detail\":\"the catalog cannot be reached\"}', 5",
        "500, '{\"detail\":\"internal error\"}', 1"
    })
    void eachFailureHasItsExitCodeAndTheServicesReason(int status, String body, int exit) {
        api.answer("GET /api/v1/backups", status, body);
        CliRun run = CliRun.of(env, "backup", "list");
        assertThat(run.exitCode()).isEqualTo(exit);
        assertThat(run.err()).startsWith("ssis-backup: orchestrator answered " + status + ": ");
        assertThat(run.err()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void anUnreachableServiceAUsageErrorAndAMissingKeySayWhatToDo() throws IOException {
        int closed;
        try (var s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        env.put("SSIS_BACKUP_ORCHESTRATOR", "http://127.0.0.1:" + closed);
        CliRun unreachable = CliRun.of(env, "hosts");
        assertThat(unreachable.exitCode()).isEqualTo(5);
        assertThat(unreachable.err()).contains("cannot reach the orchestrator at http://127.0.0.1:" + closed);

        CliRun usage = CliRun.of(env, "backup", "create", "--hots", "sql01");
        assertThat(usage.exitCode()).isEqualTo(3);
        assertThat(usage.err()).contains("Unknown options: '--hots'").contains("Usage: ssis-backup backup create");

        CliRun badOverwrite = CliRun.of(env, "restore", "create", "--point", "p", "--overwrite", "sometimes");
        assertThat(badOverwrite.exitCode()).isEqualTo(3);
        assertThat(badOverwrite.err()).contains("--overwrite: never, if-changed or always");

        env.remove("SSIS_BACKUP_CATALOG_KEY");
        CliRun noKey = CliRun.of(env, "points", "list", "--host", "sql01");
        assertThat(noKey.exitCode()).isEqualTo(4);
        assertThat(noKey.err()).contains("no key for the catalog: set SSIS_BACKUP_CATALOG_KEY");
        assertThat(api.requests).isEmpty();
    }

    @Test
    void requestsCarryTheRightKeyAndTheirArgumentsEncoded() {
        api.answer("GET /api/v1/hosts", 200, "[]")
                .answer("POST /api/v1/backups", 202, "{\"jobId\":\"j1\",\"state\":\"DISPATCHED\",\"hosts\":[]}")
                .answer("POST /api/v1/restores", 202, "{\"restoreId\":\"r1\",\"agents\":[\"FILESYSTEM\"]}")
                .answer("GET /api/v1/restore-points?", 200, "{\"items\":[],\"nextCursor\":null}")
                .answer("POST /api/v1/admin/retention", 200, "{\"dryRun\":true,\"expired\":[]}");

        assertThat(CliRun.of(env, "hosts", "-l", "env=prod", "-l", "team!=bi").exitCode())
                .isZero();
        assertThat(CliRun.of(env, "backup", "create", "--host", "sql01,sql02", "--scope", "MSDB", "--host", "sql03")
                        .exitCode())
                .isZero();
        assertThat(CliRun.of(
                                env,
                                "restore",
                                "create",
                                "--point",
                                "0b8f5a2e-31c7-4d0e-a5b2-6a1c9e4f7d21",
                                "--include",
                                "**/Finance/*",
                                "--target-path",
                                "D:\\Restored",
                                "--overwrite",
                                "if-changed",
                                "--enable-jobs",
                                "--copy-to",
                                "SQL;\\Imported",
                                "--dry-run")
                        .exitCode())
                .isZero();
        assertThat(CliRun.of(env, "points", "list", "--host", "sql 01&x", "--since", "36h")
                        .exitCode())
                .isZero();
        assertThat(CliRun.of(env, "catalog", "retention", "--dry-run").exitCode())
                .isZero();

        assertThat(api.requests)
                .satisfiesExactly(
                        hosts -> {
                            assertThat(hosts.uri()).isEqualTo("/api/v1/hosts?selector=env%3Dprod%2Cteam%21%3Dbi");
                            assertThat(hosts.key()).isEqualTo("op-key");
                        },
                        backup -> assertThat(backup.body())
                                .isEqualTo("{\"hosts\":[\"sql01\",\"sql02\",\"sql03\"],\"scope\":[\"MSDB\"]}"),
                        restore -> assertThat(restore.body())
                                .contains("\"include\":[\"**/Finance/*\"]")
                                .contains("\"targetPath\":\"D:\\\\Restored\"")
                                .contains("\"overwrite\":\"ifChanged\"")
                                .contains("\"dryRun\":true")
                                .contains("\"enableJobs\":true")
                                .contains("\"copyTo\":\"SQL;\\\\Imported\""),
                        points -> {
                            assertThat(points.uri())
                                    .startsWith("/api/v1/restore-points?host=sql+01%26x&from=2026-12-02T00%3A00%3A00Z");
                            assertThat(points.key()).isEqualTo("view-key");
                        },
                        retention -> {
                            assertThat(retention.uri()).isEqualTo("/api/v1/admin/retention?dryRun=true");
                            assertThat(retention.key()).isEqualTo("admin-key");
                        });
    }

    @Test
    void contextsOfTheConfigFileWithKeysFromTheEnvironmentOrAFile() throws IOException {
        Path keyFile = Files.writeString(dir.resolve("operator.key"), "file-key\n");
        Path config =
                Files.writeString(dir.resolve("config.yml"), """
                current-context: prod
                contexts:
                  prod:
                    orchestrator: %s
                    catalog: %s
                    api-key: env:PROD_KEY
                  lab:
                    orchestrator: %s
                    api-key: file:%s
                """.formatted(api.url(), api.url(), api.url(), keyFile));
        Map<String, String> fromFile = Map.of("SSIS_BACKUP_CONFIG", config.toString(), "PROD_KEY", "prod-key");
        api.answer("GET /api/v1/hosts", 200, "[]");

        assertThat(CliRun.of(fromFile, "hosts").exitCode()).isZero();
        assertThat(CliRun.of(fromFile, "hosts", "--context", "lab").exitCode()).isZero();
        assertThat(api.requests).extracting(FakeApi.Request::key).containsExactly("prod-key", "file-key");

        CliRun unknown = CliRun.of(fromFile, "hosts", "--context", "staging");
        assertThat(unknown.exitCode()).isEqualTo(3);
        assertThat(unknown.err()).contains("no context 'staging' in " + config);

        CliRun unset = CliRun.of(Map.of("SSIS_BACKUP_CONFIG", config.toString()), "hosts");
        assertThat(unset.exitCode()).isEqualTo(3);
        assertThat(unset.err()).contains("names the environment variable PROD_KEY, which is not set");
    }

    @Test
    void aFinishedJobFollowedWithWaitExitsWithItsOutcome() throws IOException {
        api.answer(
                        "POST /api/v1/backups",
                        202,
                        "{\"jobId\":\"7d3c9a52-1c4e-4b61-9f0a-2f6d1b7e8a11\",\"state\":\"DISPATCHED\","
                                + "\"hosts\":[{\"hostId\":\"sql01\"},{\"hostId\":\"sql02\"}]}")
                .fixture("GET /api/v1/backups/7d3c9a52", "backup.json");
        CliRun run = CliRun.of(env, "backup", "create", "--selector", "env=prod", "--wait");
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.out())
                .contains("following it")
                .contains("sql02 MSDB  FAILED  0 files")
                .contains("PARTIALLY_FAILED  4/4 parts done")
                .doesNotContain("[####"); // piped: no progress bar
    }

    @Test
    void policiesAreAppliedFromYamlByName() throws IOException {
        Path file = Files.writeString(dir.resolve("policies.yaml"), """
                - name: nightly-prod
                  selector: env=prod
                  schedule: "30 1 * * *"
                  retention: {keepLast: 7}
                - name: weekly-lab
                  selector: env=lab
                  retention: {keepLast: 4}
                  drillSchedule: "0 6 * * 0"
                """);
        api.answer("GET /api/v1/policies/nightly-prod", 200, "{\"name\":\"nightly-prod\"}")
                .answer("PUT /api/v1/policies/nightly-prod", 200, "{\"name\":\"nightly-prod\",\"nextRunAt\":null}")
                .answer("GET /api/v1/policies/weekly-lab", 404, "{\"detail\":\"no policy weekly-lab\"}")
                .answer("POST /api/v1/policies", 201, "{\"name\":\"weekly-lab\",\"nextRunAt\":null}");
        CliRun run = CliRun.of(env, "policy", "apply", "-f", file.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("policy nightly-prod updated").contains("policy weekly-lab created");
        assertThat(api.requests)
                .extracting(r -> r.method() + " " + r.uri())
                .containsExactly(
                        "GET /api/v1/policies/nightly-prod",
                        "PUT /api/v1/policies/nightly-prod",
                        "GET /api/v1/policies/weekly-lab",
                        "POST /api/v1/policies");
        assertThat(api.requests.get(3).body()).contains("\"drillSchedule\":\"0 6 * * 0\"");

        Path hostile = Files.writeString(
                dir.resolve("bomb.yaml"), "a: &a [x,x]\nb: &b [*a,*a]\nc: [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n");
        CliRun bomb = CliRun.of(env, "policy", "apply", "-f", hostile.toString());
        assertThat(bomb.exitCode()).isEqualTo(3);
        assertThat(bomb.err()).contains("is not YAML or JSON");
    }

    @Test
    void everyCommandHasHelpAndCompletionIsGenerated() {
        for (String[] args : new String[][] {
            {"--help"},
            {"backup", "create", "--help"},
            {"restore", "create", "--help"},
            {"points", "diff", "--help"},
            {"policy", "apply", "--help"},
            {"catalog", "verify", "--help"},
            {"drill", "create", "--help"}
        }) {
            CliRun run = CliRun.of(env, args);
            assertThat(run.exitCode()).as(String.join(" ", args)).isZero();
            assertThat(run.out()).contains("Usage: ssis-backup");
        }
        CliRun completion = CliRun.of(env, "generate-completion");
        assertThat(completion.exitCode()).isZero();
        assertThat(completion.out()).contains("complete -F").contains("backup").contains("restore");
    }
}
