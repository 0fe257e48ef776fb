package org.ssisbackup.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.ssisbackup.contracts.Topics;
import org.ssisbackup.testkit.kafka.TopicProbe;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the services measure, made visible, checked against the running system ({@link SystemStack}: the four services
 * on a real broker, s3proxy, PostgreSQL and the msdb stand-in) after a backup, a dead-lettered message, a verification
 * and a retention dry run:
 * <ul>
 *   <li>every dashboard panel's query and every alert rule names only metrics the services expose;</li>
 *   <li>real Prometheus (Debian's package) scrapes all four services, evaluates the alert rules (the dead-letter alert
 *       fires) and answers every dashboard query with series;</li>
 *   <li>the fleet status page, in headless Chromium (Debian's package, driven through its chromedriver): the host, its
 *       agents, its last backup and history chart, the filters, a refused key.</li>
 * </ul>
 * Prometheus and Chromium come from Debian ({@code .ci/run} installs them); without them those two parts are skipped,
 * except under CI, where a missing one fails.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MonitoringIT {
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final Path DASHBOARDS = Path.of("../docker/grafana/dashboards");
    static final Path ALERTS = Path.of("../docker/prometheus/alerts.yml");
    /** The metric names a query can use: every service's own and the JVM, HTTP and binder metrics they all expose. */
    static final Pattern METRIC =
            Pattern.compile("\\b((?:ssis|jvm|http_server|spring_cloud_stream|process|kafka)_[a-zA-Z0-9_]+)\\b");

    static SystemStack stack;

    @BeforeAll
    static void start() throws Exception {
        stack = new SystemStack(Map.of(
                "ssisbackup.orchestrator.fleet-metrics-interval",
                "1s",
                "ssisbackup.catalog.metrics-interval",
                "1s",
                "ssisbackup.agent.heartbeat-interval",
                "2s",
                "ssisbackup.orchestrator.proof-refresh",
                "1s"));
        String key = SystemStack.API_KEY;
        // The host gets labels and a nightly policy (so it has an allowed backup age), then one backup runs.
        assertThat(send(
                                "PUT",
                                stack.orchestrator + "/api/v1/hosts/" + SystemStack.HOST + "/labels",
                                "{\"labels\":{\"env\":\"system\"}}",
                                key)
                        .statusCode())
                .isEqualTo(200);
        assertThat(send(
                                "POST",
                                stack.orchestrator + "/api/v1/policies",
                                "{\"name\":\"nightly\",\"selector\":\"env=system\","
                                        + "\"schedule\":\"0 2 * * *\",\"timeZone\":\"Europe/Berlin\",\"retention\":{\"keepLast\":7}}",
                                key)
                        .statusCode())
                .isEqualTo(201);
        String job = JSON.readTree(send(
                                "POST",
                                stack.orchestrator + "/api/v1/backups",
                                "{\"hosts\":[\"" + SystemStack.HOST + "\"]}",
                                key)
                        .body())
                .get("jobId")
                .asString();
        await().atMost(Duration.ofSeconds(90))
                .until(() -> !JSON.readTree(send("GET", stack.orchestrator + "/api/v1/backups/" + job, null, key)
                                .body())
                        .get("finishedAt")
                        .isNull());
        // A drill proves the host's point once the catalog has it COMPLETE (the status page shows the proof).
        String[] drill = new String[1];
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            var r = send(
                    "POST", stack.orchestrator + "/api/v1/drills", "{\"hosts\":[\"" + SystemStack.HOST + "\"]}", key);
            if (r.statusCode() != 202) {
                return false;
            }
            drill[0] = JSON.readTree(r.body()).get("drillId").asString();
            return true;
        });
        await().atMost(Duration.ofSeconds(90))
                .until(() -> JSON.readTree(send("GET", stack.orchestrator + "/api/v1/drills/" + drill[0], null, key)
                                .body())
                        .hasNonNull("finishedAt"));
        try (TopicProbe probe = new TopicProbe(stack.brokers(), Topics.deadLetter(Topics.EVENTS))) {
            probe.send(
                    Topics.EVENTS,
                    SystemStack.HOST,
                    "{\"not\":\"an event\"}".getBytes(StandardCharsets.UTF_8),
                    Map.of());
        }
        // Every consumer of the topic dead-letters it (the orchestrator, the catalog, ...): counted, at least once.
        await().atMost(Duration.ofSeconds(30))
                .until(() -> Pattern.compile(
                                "ssis_orchestrator_dead_letters_total\\{application=\"backup-orchestrator\",topic=\"ssis.backup.events.dlq\"} [1-9]")
                        .matcher(scrape(stack.orchestrator))
                        .find());
        assertThat(send("POST", stack.catalog + "/api/v1/admin/verification?share=1", "", SystemStack.CATALOG_ADMIN_KEY)
                        .statusCode())
                .isEqualTo(200);
        assertThat(send(
                                "POST",
                                stack.catalog + "/api/v1/admin/retention?dryRun=true",
                                "",
                                SystemStack.CATALOG_ADMIN_KEY)
                        .statusCode())
                .isEqualTo(200);
        // Gauges refreshed after all that.
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            String orchestrator = scrape(stack.orchestrator);
            String catalog = scrape(stack.catalog);
            return orchestrator.contains("ssis_orchestrator_backup_allowed_age_seconds{")
                    && orchestrator.contains("ssis_orchestrator_agent_up{")
                    && catalog.contains("ssis_catalog_restore_points{")
                    && catalog.contains("ssis_catalog_newest_restore_point_age_seconds{")
                    && catalog.contains("ssis_catalog_newest_complete_restore_point_age_seconds{");
        });
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    static HttpResponse<String> send(String method, String url, String body, String key)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("X-API-Key", key);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String scrape(String service) throws IOException, InterruptedException {
        return send("GET", service + "/actuator/prometheus", null, null).body();
    }

    /** Every metric name (sample name) the four services expose now. */
    static Set<String> exposed() throws Exception {
        Set<String> names = new TreeSet<>();
        for (String service : stack.services()) {
            for (String line : scrape(service).split("\n", -1)) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    names.add(line.split("[{ ]", 2)[0]);
                }
            }
        }
        return names;
    }

    /** Every dashboard query (panel targets and template variables), by "dashboard / panel". */
    static Map<String, String> dashboardQueries() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        try (var files = Files.list(DASHBOARDS)) {
            for (Path f :
                    files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                JsonNode d = JSON.readTree(f.toFile());
                for (JsonNode panel : d.get("panels")) {
                    int i = 0;
                    for (JsonNode t : panel.get("targets")) {
                        out.put(
                                d.get("title").asString() + " / "
                                        + panel.get("title").asString() + " #" + i++,
                                t.get("expr").asString());
                    }
                }
                for (JsonNode v : d.get("templating").get("list")) {
                    out.put(
                            d.get("title").asString() + " / variable "
                                    + v.get("name").asString(),
                            v.get("definition").asString());
                }
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static Map<String, String> alertRules() throws IOException {
        Map<String, Object> doc = new Yaml().load(Files.readString(ALERTS));
        Map<String, String> out = new LinkedHashMap<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) doc.get("groups")) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                out.put((String) rule.get("alert"), (String) rule.get("expr"));
            }
        }
        return out;
    }

    static Set<String> metricsIn(String expr) {
        Set<String> names = new TreeSet<>();
        Matcher m = METRIC.matcher(expr);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    @Test
    @Order(1)
    void everyDashboardQueryAndAlertRuleNamesMetricsTheServicesExpose() throws Exception {
        Set<String> exposed = exposed();
        Map<String, String> queries = new LinkedHashMap<>(dashboardQueries());
        assertThat(queries).hasSizeGreaterThan(25);
        alertRules().forEach((name, expr) -> queries.put("alert " + name, expr));
        assertThat(alertRules())
                .containsOnlyKeys(
                        "SsisBackupOverdue",
                        "SsisBackupFailureStreak",
                        "SsisVerificationFailures",
                        "SsisAgentSilent",
                        "SsisDeadLetters",
                        "SsisAgentKeyUnknown",
                        "SsisHostNotProven");
        List<String> problems = new ArrayList<>();
        queries.forEach((where, expr) -> {
            Set<String> names = metricsIn(expr);
            if (names.isEmpty()) {
                problems.add(where + ": names no metric: " + expr);
            }
            for (String n : names) {
                if (!exposed.contains(n)) {
                    problems.add(where + ": " + n + " is exposed by no service");
                }
            }
        });
        assertThat(problems).isEmpty();
    }

    static boolean required() {
        return "true".equals(System.getenv("CI"));
    }

    static void need(String binary, String debianPackage) {
        boolean present = new File(binary).canExecute();
        if (!present && required()) {
            throw new AssertionError(binary + " is missing: install Debian's " + debianPackage + " (.ci/run does)");
        }
        Assumptions.assumeTrue(present, binary + " is not installed (apt-get install " + debianPackage + "): skipped");
    }

    @Test
    @Order(2)
    void realPrometheusScrapesEveryServiceEvaluatesTheAlertsAndAnswersEveryDashboardQuery() throws Exception {
        need("/usr/bin/prometheus", "prometheus");
        Path dir = Files.createTempDirectory("prometheus");
        List<String> targets = stack.services().stream()
                .map(s -> "\"" + s.replace("http://", "") + "\"")
                .toList();
        Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files:
                  - %s
                scrape_configs:
                  - job_name: ssis-backup
                    metrics_path: /actuator/prometheus
                    static_configs:
                      - targets: [%s]
                """.formatted(
                        ALERTS.toAbsolutePath().normalize(), String.join(", ", targets)));
        if (new File("/usr/bin/promtool").canExecute()) {
            Process check = new ProcessBuilder("/usr/bin/promtool", "check", "rules", ALERTS.toString())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(check.waitFor()).as(out).isZero();
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String prometheus = "http://127.0.0.1:" + port;
        Process p = new ProcessBuilder(
                        "/usr/bin/prometheus",
                        "--config.file=" + dir.resolve("prometheus.yml"),
                        "--storage.tsdb.path=" + dir.resolve("data"),
                        "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("prometheus.log").toFile())
                .start();
        try {
            await().atMost(Duration.ofSeconds(60))
                    .ignoreExceptions()
                    .until(() ->
                            send("GET", prometheus + "/-/ready", null, null).statusCode() == 200);
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
                JsonNode active = JSON.readTree(send("GET", prometheus + "/api/v1/targets", null, null)
                                .body())
                        .get("data")
                        .get("activeTargets");
                int up = 0;
                for (JsonNode t : active) {
                    up += "up".equals(t.get("health").asString()) ? 1 : 0;
                }
                return up == 4;
            });
            // Every rule loaded and evaluated without error; a dead letter while Prometheus watches fires its alert
            // (the one
            // sent before it started is in the counter's first sample, so it is no increase).
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> !JSON.readTree(send(
                                            "GET",
                                            prometheus + "/api/v1/query?query="
                                                    + URLEncoder.encode(
                                                            "ssis_orchestrator_dead_letters_total",
                                                            StandardCharsets.UTF_8),
                                            null,
                                            null)
                                    .body())
                            .get("data")
                            .get("result")
                            .isEmpty());
            try (TopicProbe probe = new TopicProbe(stack.brokers(), Topics.deadLetter(Topics.EVENTS))) {
                probe.send(
                        Topics.EVENTS,
                        SystemStack.HOST,
                        "{\"still\":\"not an event\"}".getBytes(StandardCharsets.UTF_8),
                        Map.of());
            }
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
                JsonNode groups = JSON.readTree(send("GET", prometheus + "/api/v1/rules", null, null)
                                .body())
                        .get("data")
                        .get("groups");
                List<String> evaluated = new ArrayList<>();
                for (JsonNode g : groups) {
                    for (JsonNode r : g.get("rules")) {
                        assertThat(r.get("health").asString())
                                .as(r.get("name").asString() + ": "
                                        + r.path("lastError").asString())
                                .isEqualTo("ok");
                        evaluated.add(r.get("name").asString());
                    }
                }
                assertThat(evaluated)
                        .containsExactlyInAnyOrderElementsOf(alertRules().keySet());
                String alerts =
                        send("GET", prometheus + "/api/v1/alerts", null, null).body();
                assertThat(alerts).contains("\"alertname\":\"SsisDeadLetters\"").contains("\"state\":\"firing\"");
            });
            // Every dashboard query returns series once a few scrapes are in (rates need two samples).
            Map<String, String> queries = dashboardQueries();
            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofSeconds(2))
                    .untilAsserted(() -> {
                        List<String> empty = new ArrayList<>();
                        for (Map.Entry<String, String> q : queries.entrySet()) {
                            if (q.getKey().contains("/ variable ")) {
                                continue; // label_values() is Grafana's, not PromQL: checked through the series API
                                // below
                            }
                            String expr = q.getValue()
                                    .replace("$__rate_interval", "1m")
                                    .replace("$__range", "1h")
                                    .replace("$host", SystemStack.HOST);
                            JsonNode r = JSON.readTree(send(
                                            "GET",
                                            prometheus + "/api/v1/query?query="
                                                    + URLEncoder.encode(expr, StandardCharsets.UTF_8),
                                            null,
                                            null)
                                    .body());
                            if (!"success".equals(r.get("status").asString())
                                    || r.get("data").get("result").isEmpty()) {
                                empty.add(q.getKey() + ": " + expr + " -> " + r);
                            }
                        }
                        assertThat(empty).isEmpty();
                    });
            JsonNode hosts = JSON.readTree(send(
                            "GET",
                            prometheus + "/api/v1/label/host/values?match[]="
                                    + URLEncoder.encode(
                                            "ssis_orchestrator_last_success_age_seconds", StandardCharsets.UTF_8),
                            null,
                            null)
                    .body());
            assertThat(hosts.get("data").toString()).contains(SystemStack.HOST);
        } finally {
            p.destroy();
            p.waitFor();
        }
    }

    @Test
    @Order(3)
    void theStatusPageShowsTheFleetInHeadlessChromium() throws Exception {
        need("/usr/bin/chromium", "chromium");
        need("/usr/bin/chromedriver", "chromium-driver");
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        // As this machine needs them: no sandbox as root, no GPU, and no background connections to the outside.
        options.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--user-data-dir=" + Files.createTempDirectory("chromium"),
                "--window-size=1400,900");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver"))
                .usingAnyFreePort()
                .build();
        WebDriver browser = new ChromeDriver(service, options);
        try {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            browser.get(stack.orchestrator + "/status#key=" + SystemStack.VIEWER_KEY);
            wait.until(b -> "true".equals(b.findElement(By.tagName("body")).getDomAttribute("data-loaded")));
            assertThat(browser.getCurrentUrl()).as("the key leaves the address").doesNotContain("key=");
            WebElement row = browser.findElement(By.cssSelector("tr.host[data-host='" + SystemStack.HOST + "']"));
            assertThat(row.findElement(By.cssSelector(".state")).getText()).isEqualTo("REACHABLE");
            assertThat(row.getText()).contains("FILESYSTEM", "MSDB", "env=system", "SUCCEEDED");
            assertThat(row.findElements(By.cssSelector("svg.history rect"))).isNotEmpty();
            // The drill of the setup proved the host: the page says when (refreshed from the catalog every second).
            // A click reloads the rows: an element found before the reload is stale, so that is waited out too.
            wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                    .until(b -> {
                        b.findElement(By.id("refresh")).click();
                        return b.findElement(By.cssSelector(
                                        "tr.host[data-host='" + SystemStack.HOST + "'] td.proof .proven"))
                                .getText()
                                .endsWith("ago");
                    });
            assertThat(browser.findElements(By.cssSelector("td.proof .drill-failed")))
                    .isEmpty();
            assertThat(browser.findElement(By.id("summary")).getText()).contains("1 of 1 hosts", "1 proven restorable");
            ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).renameTo(new File("target/status-page.png"));

            WebElement filter = browser.findElement(By.id("filter"));
            filter.sendKeys("no-such-host");
            assertThat(browser.findElements(By.cssSelector("tr.host"))).isEmpty();
            filter.clear();
            filter.sendKeys("env=system");
            assertThat(browser.findElements(By.cssSelector("tr.host"))).hasSize(1);
            new Select(browser.findElement(By.id("state"))).selectByVisibleText("UNREACHABLE");
            assertThat(browser.findElements(By.cssSelector("tr.host"))).isEmpty();
            new Select(browser.findElement(By.id("state"))).selectByVisibleText("REACHABLE");
            assertThat(browser.findElements(By.cssSelector("tr.host"))).hasSize(1);

            // A key the API refuses: said on the page, nothing shown.
            browser.get("about:blank"); // a new load, not a jump within the page
            browser.get(stack.orchestrator + "/status#key=not-a-key");
            wait.until(b -> b.findElement(By.id("error")).getText().contains("refused"));
            assertThat(browser.findElements(By.cssSelector("tr.host"))).isEmpty();
        } finally {
            browser.quit();
        }
    }
}
