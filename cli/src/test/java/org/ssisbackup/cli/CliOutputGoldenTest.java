package org.ssisbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden tests of what people and scripts read: each command's table, and its {@code -o json} / {@code -o yaml}, for
 * recorded API answers, compared with the files in src/test/resources/golden/expected. After a deliberate change,
 * {@code ./mvnw -pl cli test -Dtest=CliOutputGoldenTest -Dgolden.update=true} rewrites them (review the diff).
 */
class CliOutputGoldenTest {
    static final String POINT = "0b8f5a2e-31c7-4d0e-a5b2-6a1c9e4f7d21";
    static final String OLDER = "a1c2e3f4-0000-4000-8000-000000000001";
    static FakeApi api;

    @BeforeAll
    static void recordedAnswers() throws IOException {
        api = new FakeApi()
                .fixture("GET /api/v1/hosts", "hosts.json")
                .fixture("GET /api/v1/status", "status.json")
                .fixture("GET /api/v1/backups/7d3c9a52", "backup.json")
                .fixture("GET /api/v1/restore-points?host=sql01", "points.json")
                .fixture("GET /api/v1/restore-points/" + POINT, "point.json")
                .fixture("GET /api/v1/restore-points/diff", "diff.json")
                .fixture("GET /api/v1/restores/3c4d5e6f", "restore.json")
                .fixture("GET /api/v1/drills/d7e1a9c3", "drill.json")
                .fixture("GET /api/v1/policies", "policies.json");
        // one policy, not the list, for "policy get"
        String list = read("/golden/api/policies.json").strip();
        api.answer("GET /api/v1/policies/nightly-prod", 200, list.substring(1, list.length() - 1));
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    static Stream<Arguments> commands() {
        return Stream.of(
                Arguments.of("hosts", 0, new String[] {"hosts"}),
                Arguments.of("hosts.json", 0, new String[] {"hosts", "-o", "json"}),
                Arguments.of("hosts.yaml", 0, new String[] {"hosts", "-o", "yaml"}),
                Arguments.of("status", 1, new String[] {"status"}),
                Arguments.of("backup-get", 0, new String[] {"backup", "get", "7d3c9a52-1c4e-4b61-9f0a-2f6d1b7e8a11"}),
                Arguments.of("points-list", 0, new String[] {"points", "list", "--host", "sql01"}),
                Arguments.of("points-show", 0, new String[] {"points", "show", POINT}),
                Arguments.of("points-diff", 0, new String[] {"points", "diff", OLDER, POINT}),
                Arguments.of("restore-get", 0, new String[] {"restore", "get", "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f"}),
                Arguments.of("drill-get", 0, new String[] {"drill", "get", "d7e1a9c3-5b2f-4e8d-a6c4-1f3b5d7e9a02"}),
                Arguments.of("drill-get.yaml", 0, new String[] {
                    "drill", "get", "d7e1a9c3-5b2f-4e8d-a6c4-1f3b5d7e9a02", "-o", "yaml"
                }),
                Arguments.of("policy-list", 0, new String[] {"policy", "list"}),
                Arguments.of("policy-get", 0, new String[] {"policy", "get", "nightly-prod"}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void printsWhatTheGoldenFileSays(String golden, int exitCode, String[] args) throws IOException {
        CliRun run = CliRun.of(
                Map.of(
                        "SSIS_BACKUP_ORCHESTRATOR", api.url(),
                        "SSIS_BACKUP_CATALOG", api.url(),
                        "SSIS_BACKUP_API_KEY", "op-key",
                        "SSIS_BACKUP_CATALOG_KEY", "view-key",
                        "SSIS_BACKUP_CONFIG", "/nonexistent/config.yml"),
                args);
        assertThat(run.err()).isEmpty();
        assertThat(run.exitCode()).isEqualTo(exitCode);
        Path expected = Path.of("src/test/resources/golden/expected/" + golden + ".txt");
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(expected, run.out());
        }
        assertThat(run.out()).isEqualTo(Files.readString(expected));
        assertThat(run.out())
                .as("no terminal escape from the API reaches the terminal")
                .doesNotContain("\u001b");
    }

    private static String read(String resource) throws IOException {
        try (InputStream in = CliOutputGoldenTest.class.getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
