package org.ssisbackup.systemtests;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.ssisbackup.storage.ObjectStore;
import org.ssisbackup.storage.repository.KeyMaterial;
import org.ssisbackup.storage.repository.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Repository format 2 against restic and rclone, end to end, on one generated SSIS host and one s3proxy (on disk), in
 * one run. This system is measured as a user gets it: the four services as processes (real Kafka, PostgreSQL,
 * s3proxy), a backup asked through the orchestrator's REST API and timed until the catalog lists the restore point as
 * COMPLETE; a restore asked through the API and timed until the orchestrator reports it done. restic (compression
 * auto) and rclone run on the same files against other buckets of the same s3proxy. Steps, for each tool: first
 * backup; unchanged re-backup; 5 % of the packages change one value, backup; full restore of the newest backup into
 * an empty folder. Bytes stored are the sizes of every object each tool left in its bucket.
 *
 * <p>Then the cost of per-host key scopes: two hosts sharing 10 % of their packages and their installer, stored as two
 * scopes and as one (in process: only bytes are compared).
 *
 * <p>Run with bench/repository.sh [packages=400] [large MiB=64]. Prints a Markdown table; docs/benchmarks.md has the
 * last run's.
 */
public final class RepositoryBenchmark {
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    public static void main(String[] args) throws Exception {
        int packages = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        int largeMiB = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        Path work = args.length > 2 ? Path.of(args[2]) : Files.createTempDirectory("repo-bench");
        Path root = work.resolve("host");
        // What the host holds when the agents are installed: their first backup runs on a JVM that has just started.
        GeneratedHost installed = GeneratedHost.generate(root, packages, largeMiB, 99);
        System.out.printf(
                Locale.ROOT, "generated host: %d files, %.1f MiB%n", installed.files, installed.bytes / 1048576.0);
        List<String> out = new ArrayList<>();
        out.add("| step | this system | restic " + version("restic", "version") + " | rclone "
                + version("rclone", "version") + " | system / restic | system / rclone |");
        out.add("|---|---|---|---|---|---|");

        // The services with the JVM options an operator gives them (the tests' small C1-only ones would understate).
        List<String> jvm = new ArrayList<>(List.of("-Xmx512m", "-XX:+UseG1GC"));
        if (System.getProperty("bench.profile") != null) { // one flight recording per service, in the work folder
            jvm.add("-XX:StartFlightRecording=filename=" + work.resolve("{service}.jfr") + ",settings=profile");
        }
        try (SystemStack stack = new SystemStack(Map.of(), root, work.resolve("s3"), jvm)) {
            Api api = new Api(stack);
            ObjectStore ours = api.bucket("ssis-backups");
            Tools tools = new Tools(stack.s3.endpoint(), stack.s3.accessKey(), stack.s3.secretKey(), work);
            tools.init();

            double[] cold = {api.backupSeconds(), tools.resticBackup(root), tools.rcloneSync(root)};
            int firstObjects = ours.list("").size();
            // Then every file of the host is new (another generation of it): a first backup of data nothing has seen,
            // by services that have been running, as every backup after the first day is.
            deleteTree(root);
            GeneratedHost host = GeneratedHost.generate(root, packages, largeMiB, 42);
            long[] before = {bytes(ours), bytes(api.bucket("restic")), bytes(api.bucket("rclone"))};
            double[] first = {api.backupSeconds(), tools.resticBackup(host.root), tools.rcloneSync(host.root)};
            long[] firstBytes = {
                bytes(ours) - before[0],
                bytes(api.bucket("restic")) - before[1],
                bytes(api.bucket("rclone")) - before[2]
            };
            double[] unchanged = {api.backupSeconds(), tools.resticBackup(host.root), tools.rcloneSync(host.root)};

            Random r = new Random(7);
            List<Path> edited = new ArrayList<>(host.packages);
            java.util.Collections.shuffle(edited, r);
            for (Path p : edited.subList(0, Math.max(1, host.packages.size() / 20))) {
                GeneratedHost.editOneValue(p);
            }
            long[] beforeEdit = {bytes(ours), bytes(api.bucket("restic")), bytes(api.bucket("rclone"))};
            double[] afterEdit = {api.backupSeconds(), tools.resticBackup(host.root), tools.rcloneSync(host.root)};
            long[] editBytes = {
                bytes(ours) - beforeEdit[0],
                bytes(api.bucket("restic")) - beforeEdit[1],
                bytes(api.bucket("rclone")) - beforeEdit[2]
            };
            Path restoreOurs = Files.createDirectories(work.resolve("restore-system"));
            double[] restore = {
                api.restoreSeconds(restoreOurs),
                tools.resticRestore(work.resolve("restore-restic")),
                tools.rcloneCopy(work.resolve("restore-rclone"))
            };
            long restoredFiles;
            try (Stream<Path> s = Files.walk(restoreOurs)) {
                restoredFiles = s.filter(Files::isRegularFile).count();
            }
            if (restoredFiles != host.files) {
                throw new IllegalStateException("the restore wrote " + restoredFiles + " files of " + host.files);
            }
            out.add(row("first backup, services just started (cold JVM), seconds", cold, "%.1f"));
            out.add(row("first backup of new data, services running, seconds", first, "%.1f"));
            out.add(row("first backup of new data, MiB stored", mib(firstBytes), "%.1f"));
            out.add(row("unchanged re-backup, seconds", unchanged, "%.1f"));
            out.add(row("after 5 % of packages change one value: backup, seconds", afterEdit, "%.1f"));
            out.add(row("after 5 % of packages change one value: MiB added", mib(editBytes), "%.2f"));
            out.add(row("full restore into an empty folder, seconds", restore, "%.1f"));
            out.add("");
            out.add(String.format(
                    Locale.ROOT,
                    "Host: %d files, %.1f MiB (%d packages with as many configuration files, 8 scripts, a %d MiB binary);"
                            + " this system's objects after its first backup: %d.",
                    host.files,
                    host.bytes / 1048576.0,
                    packages,
                    largeMiB,
                    firstObjects));
        }
        out.add("");
        out.addAll(scopeCost(work, packages, largeMiB));
        String table = String.join("\n", out);
        System.out.println(table);
        Files.writeString(work.resolve("repository-benchmark.md"), table + "\n");
    }

    /** Two hosts sharing 10 % of their packages and the installer: bytes stored in two scopes and in one. */
    static List<String> scopeCost(Path work, int packages, int largeMiB) throws Exception {
        GeneratedHost a = GeneratedHost.generate(work.resolve("scope-a"), packages, largeMiB, 1);
        GeneratedHost b = GeneratedHost.generate(work.resolve("scope-b"), packages, largeMiB, 2);
        // B's installer and a tenth of its packages are A's (a shared framework, the same component on every server).
        Files.copy(
                a.root.resolve(GeneratedHost.PACKAGES).resolve("Tools/CustomComponents.msi"),
                b.root.resolve(GeneratedHost.PACKAGES).resolve("Tools/CustomComponents.msi"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        for (int i = 0; i < packages / 10; i++) {
            Files.copy(a.packages.get(i), b.packages.get(i), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        long separate = storeAll(new String[] {"host-a", "host-b"}, a.root, b.root);
        long shared = storeAll(new String[] {"fleet", "fleet"}, a.root, b.root);
        return List.of(
                "Key scopes: two hosts sharing their installer and 10 % of their packages.",
                "",
                "| scopes | MiB stored |",
                "|---|---|",
                String.format(Locale.ROOT, "| one per host (default) | %.1f |", separate / 1048576.0),
                String.format(Locale.ROOT, "| one for both | %.1f |", shared / 1048576.0),
                String.format(
                        Locale.ROOT, "| cost of per-host scopes | +%.1f %% |", 100.0 * (separate - shared) / shared));
    }

    /** Bytes in the bucket after each host's files are stored in its scope (hosts of one scope deduplicate). */
    private static long storeAll(String[] scopes, Path... roots) throws Exception {
        org.ssisbackup.storage.InMemoryObjectStore bucket = new org.ssisbackup.storage.InMemoryObjectStore("scopes");
        org.ssisbackup.storage.repository.WrappingKey kek = KeyMaterial.secret(KeyMaterial.newSecret());
        Map<String, Repository> open = new java.util.HashMap<>();
        try {
            for (int i = 0; i < roots.length; i++) {
                Repository repo = open.computeIfAbsent(
                        scopes[i], s -> Repository.open(bucket, s, kek, List.of(), Duration.ofHours(6)));
                Repository.Session session = repo.session();
                try (Stream<Path> files = Files.walk(roots[i])) {
                    for (Path f : files.filter(Files::isRegularFile).toList()) {
                        try (var in = Files.newInputStream(f)) {
                            session.store(in);
                        }
                    }
                }
                session.finish();
            }
        } finally {
            open.values().forEach(Repository::close);
        }
        long total = 0;
        for (String key : bucket.list("")) {
            total += bucket.stat(key).orElseThrow().size();
        }
        return total;
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    static long bytes(ObjectStore store) {
        long total = 0;
        for (String key : store.list("")) {
            total += store.stat(key).map(o -> o.size()).orElse(0L);
        }
        return total;
    }

    static double[] mib(long[] bytes) {
        double[] out = new double[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[i] / 1048576.0;
        }
        return out;
    }

    static String row(String step, double[] v, String format) {
        return String.format(
                Locale.ROOT,
                "| %s | " + format + " | " + format + " | " + format + " | %.2fx | %.2fx |",
                step,
                v[0],
                v[1],
                v[2],
                v[0] / v[1],
                v[0] / v[2]);
    }

    static String version(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String first = new String(p.getInputStream().readAllBytes(), UTF_8)
                    .lines()
                    .findFirst()
                    .orElse("");
            p.waitFor();
            return first.replaceAll("^(rclone|restic) v?", "").split(" ", -1)[0];
        } catch (IOException | InterruptedException e) {
            return "?";
        }
    }

    /** This system through its REST API, timed as a user waits for it. */
    static final class Api {
        private final SystemStack stack;

        Api(SystemStack stack) {
            this.stack = stack;
        }

        ObjectStore bucket(String name) {
            ObjectStore b = org.ssisbackup.storage.S3ObjectStore.connect(
                    stack.s3.endpoint(), stack.s3.accessKey(), stack.s3.secretKey(), name);
            b.ensureBucket();
            return b;
        }

        /** POST /api/v1/backups until the catalog lists the new restore point COMPLETE. */
        double backupSeconds() throws Exception {
            long t0 = System.nanoTime();
            String job = send(
                            "POST",
                            stack.orchestrator + "/api/v1/backups",
                            SystemStack.API_KEY,
                            "{\"hosts\":[\"" + SystemStack.HOST + "\"],\"scope\":[\"FILESYSTEM\"]}")
                    .get("jobId")
                    .asString();
            JsonNode point = null;
            while (point == null) {
                JsonNode page = send(
                        "GET",
                        stack.catalog + "/api/v1/restore-points?host=" + SystemStack.HOST + "&limit=1",
                        SystemStack.VIEWER_KEY,
                        null);
                for (JsonNode p : page.get("items")) {
                    if (p.get("jobId").asString().equals(job)) {
                        point = p;
                    }
                }
                JsonNode j = send("GET", stack.orchestrator + "/api/v1/backups/" + job, SystemStack.API_KEY, null);
                String state = j.get("state").asString();
                if (point == null && (state.equals("FAILED") || state.equals("TIMED_OUT"))) {
                    throw new IllegalStateException("backup " + job + " ended " + j);
                }
                if (!stack.fsAgentProcess.isAlive()) {
                    throw new IllegalStateException(
                            "the fs-agent ended during backup " + job + ":\n" + stack.fsAgentProcess.tail(40));
                }
                if (point == null) {
                    Thread.sleep(50);
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (!point.get("status").asString().equals("COMPLETE")) {
                throw new IllegalStateException("restore point " + point);
            }
            lastPoint = point.get("id").asString();
            return seconds;
        }

        private String lastPoint;

        /** POST /api/v1/restores of the newest point into an empty folder, until the orchestrator says it is done. */
        double restoreSeconds(Path target) throws Exception {
            long t0 = System.nanoTime();
            String id = send(
                            "POST",
                            stack.orchestrator + "/api/v1/restores",
                            SystemStack.API_KEY,
                            "{\"restorePointId\":\"" + lastPoint + "\",\"targetPath\":\""
                                    + target.toString().replace("\\", "\\\\") + "\",\"scope\":[\"FILESYSTEM\"]}")
                    .get("restoreId")
                    .asString();
            while (true) {
                JsonNode r = send("GET", stack.orchestrator + "/api/v1/restores/" + id, SystemStack.API_KEY, null);
                if (!r.get("finishedAt").isNull()) {
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    if (!r.get("state").asString().equals("SUCCEEDED")) {
                        throw new IllegalStateException("restore " + r);
                    }
                    return seconds;
                }
                Thread.sleep(50);
            }
        }

        static JsonNode send(String method, String url, String key, String body) throws Exception {
            HttpRequest.Builder b =
                    HttpRequest.newBuilder(java.net.URI.create(url)).header("X-API-Key", key);
            b = body == null
                    ? b.method(method, HttpRequest.BodyPublishers.noBody())
                    : b.header("Content-Type", "application/json")
                            .method(method, HttpRequest.BodyPublishers.ofString(body));
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new IllegalStateException(method + " " + url + ": " + r.statusCode() + " " + r.body());
            }
            return JSON.readTree(r.body());
        }
    }

    /** restic and rclone, driven as their users drive them, against buckets of the same s3proxy. */
    static final class Tools {
        private final String endpoint;
        private final String access;
        private final String secret;
        private final Path work;

        Tools(String endpoint, String access, String secret, Path work) {
            this.endpoint = endpoint;
            this.access = access;
            this.secret = secret;
            this.work = work;
        }

        private Map<String, String> restic() {
            return Map.of(
                    "AWS_ACCESS_KEY_ID",
                    access,
                    "AWS_SECRET_ACCESS_KEY",
                    secret,
                    "RESTIC_PASSWORD",
                    "bench-only",
                    "RESTIC_REPOSITORY",
                    "s3:" + endpoint + "/restic",
                    "RESTIC_CACHE_DIR",
                    work.resolve("restic-cache").toString(),
                    "RESTIC_COMPRESSION",
                    "auto");
        }

        private Map<String, String> rclone() {
            return Map.of(
                    "RCLONE_CONFIG_BENCH_TYPE",
                    "s3",
                    "RCLONE_CONFIG_BENCH_PROVIDER",
                    "Other",
                    "RCLONE_CONFIG_BENCH_ENDPOINT",
                    endpoint,
                    "RCLONE_CONFIG_BENCH_ACCESS_KEY_ID",
                    access,
                    "RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY",
                    secret,
                    "RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE",
                    "true");
        }

        void init() throws Exception {
            run(restic(), "restic", "init");
            run(rclone(), "rclone", "mkdir", "bench:rclone");
        }

        double resticBackup(Path root) throws Exception {
            return timed(restic(), "restic", "backup", "--quiet", root.toString());
        }

        double resticRestore(Path to) throws Exception {
            return timed(restic(), "restic", "restore", "latest", "--target", to.toString());
        }

        double rcloneSync(Path root) throws Exception {
            return timed(rclone(), "rclone", "sync", "--transfers", "4", root.toString(), "bench:rclone/host");
        }

        double rcloneCopy(Path to) throws Exception {
            return timed(rclone(), "rclone", "copy", "--transfers", "4", "bench:rclone/host", to.toString());
        }

        private static double timed(Map<String, String> env, String... command) throws Exception {
            long t0 = System.nanoTime();
            run(env, command);
            return (System.nanoTime() - t0) / 1e9;
        }

        private static void run(Map<String, String> env, String... command) throws IOException, InterruptedException {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().remove("AWS_CA_BUNDLE"); // plain HTTP on loopback
            pb.environment().putAll(env);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
            }
        }
    }

    private RepositoryBenchmark() {}
}
