package org.ssisbackup.testkit.process;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One service of the product run as its operators run it: {@code java -jar <service>-exec.jar --setting=value ...}, in a
 * process of its own, on a port of its own, with its log in a file. Tests can stop it gracefully (SIGTERM), kill it
 * ({@code kill -9}) and start it again with the same settings, which is what the fault tests need and what one shared
 * JVM could never show.
 */
public final class ServiceProcess implements AutoCloseable {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** Null: plain HTTP; else the service answers over TLS, and its health is read trusting this context. */
    private final javax.net.ssl.SSLContext tls;

    private final HttpClient http;

    /** Environment variables of the process besides this JVM's (settings an operator gives that way). */
    private final Map<String, String> environment;

    private final String name;
    private final Path jar;
    private final Map<String, String> settings;
    private final List<String> jvmOptions;
    private final Path log;
    private final int port;
    private Process process;

    private ServiceProcess(
            String name,
            Path jar,
            Map<String, String> settings,
            List<String> jvmOptions,
            Path logDir,
            int port,
            javax.net.ssl.SSLContext tls,
            Map<String, String> environment) {
        this.tls = tls;
        this.environment = Map.copyOf(environment);
        this.http = tls == null
                ? HTTP
                : HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(2))
                        .sslContext(tls)
                        .build();
        this.name = name;
        this.jar = jar;
        this.settings = settings;
        this.jvmOptions = jvmOptions;
        this.log = logDir.resolve(name + ".log");
        this.port = port;
    }

    /**
     * Starts a service from the jar that the build of its module left ({@code -Dssisbackup.jar.<module>=...}, set by the
     * system tests' failsafe configuration) and waits until its health endpoint answers.
     */
    public static ServiceProcess start(String module, String name, Map<String, String> settings, Path logDir)
            throws IOException {
        return start(module, name, settings, logDir, TEST_JVM_OPTIONS);
    }

    /** Small and quick to start: four services and the infrastructure share a CI machine. */
    public static final List<String> TEST_JVM_OPTIONS = List.of(
            "-Xmx384m", "-XX:+ExitOnOutOfMemoryError", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k");

    /** The same with the JVM options an operator would give (a benchmark measures the product as it runs). */
    public static ServiceProcess start(
            String module, String name, Map<String, String> settings, Path logDir, List<String> jvmOptions)
            throws IOException {
        return start(module, name, settings, logDir, jvmOptions, null);
    }

    /**
     * The same for a service whose settings turn on TLS for its API ({@code server.ssl.*}): its URL is {@code https}
     * and its health is read trusting {@code tls}.
     */
    public static ServiceProcess start(
            String module,
            String name,
            Map<String, String> settings,
            Path logDir,
            List<String> jvmOptions,
            javax.net.ssl.SSLContext tls)
            throws IOException {
        return start(module, name, settings, logDir, jvmOptions, tls, Map.of());
    }

    /** The same with environment variables for the process (as docker-compose gives settings). */
    public static ServiceProcess start(
            String module,
            String name,
            Map<String, String> settings,
            Path logDir,
            List<String> jvmOptions,
            javax.net.ssl.SSLContext tls,
            Map<String, String> environment)
            throws IOException {
        String jar = System.getProperty("ssisbackup.jar." + module);
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("no jar of " + module + " (system property ssisbackup.jar." + module + " = "
                    + jar + "): build it first (./mvnw package)");
        }
        Map<String, String> all = new LinkedHashMap<>(settings);
        int port = freePort();
        all.put("server.port", String.valueOf(port));
        all.putIfAbsent("server.address", "127.0.0.1");
        ServiceProcess p = new ServiceProcess(name, Path.of(jar), all, jvmOptions, logDir, port, tls, environment);
        p.launch();
        return p;
    }

    public String name() {
        return name;
    }

    public String url() {
        return (tls == null ? "http" : "https") + "://127.0.0.1:" + port;
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The process id, for tools outside (a CPU or memory reading). */
    public long pid() {
        return process.pid();
    }

    private void launch() throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        // Settings as command-line arguments: they outrank the service's own yml, as an operator's flags would.
        settings.forEach((k, v) -> command.add("--" + k + "=" + v));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        process = builder.redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        awaitHealthy(Duration.ofMinutes(2));
    }

    /** Waits until {@code /actuator/health} answers UP; a process that dies first fails with the tail of its log. */
    public void awaitHealthy(Duration timeout) throws IOException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        name + " exited with " + process.exitValue() + " while starting:\n" + tail(60));
            }
            try {
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(URI.create(url() + "/actuator/health"))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("\"UP\"")) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            sleep(Duration.ofMillis(250));
        }
        throw new IllegalStateException(name + " did not become healthy within " + timeout + ":\n" + tail(60));
    }

    /** {@code kill -9}: no shutdown hook runs, nothing is flushed, offsets are not committed. */
    public void kill() {
        process.destroyForcibly();
        waitFor();
    }

    /** A graceful stop (SIGTERM): Spring closes the context, consumers leave their groups. */
    public void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            waitFor();
        }
    }

    /** Starts it again with the same settings, on the same port. */
    public void restart() throws IOException {
        stop();
        launch();
    }

    private void waitFor() {
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The last lines of the service's log. */
    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        stop();
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
