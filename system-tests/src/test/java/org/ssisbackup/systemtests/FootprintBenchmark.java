package org.ssisbackup.systemtests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import tools.jackson.databind.JsonNode;

/**
 * What the agents cost a server: resident memory and CPU of the fs-agent and the msdb-agent, each a process started
 * with the JVM options their Windows service and systemd unit use (agent-runtime/src/dist/jvm.options), on the four
 * services as processes (real Kafka, PostgreSQL, s3proxy, the msdb stand-in) and a generated SSIS host.
 *
 * <p>Phases: idle after start; a backup of the host (both agents) asked through the REST API; idle after it; a full
 * restore of its file-system point into an empty folder; idle after it. For an idle phase the agents are left alone
 * for a settling time, then the resident set ({@code VmRSS}) is read at the end of a window and the CPU time the
 * process used in the window ({@code utime + stime} of /proc/pid/stat, all threads) is divided by the window. For a
 * busy phase the peak resident set is the kernel's ({@code VmHWM} after resetting it through /proc/pid/clear_refs).
 * Linux only (it reads /proc).
 *
 * <p>Run with bench/footprint.sh [packages=2000] [large MiB=256] [settle s=120] [window s=60]; prints a Markdown
 * table, docs/operations.md ("Footprint") has the last run's. With {@code -Dfootprint.nmt=1} each idle phase also
 * leaves the JVM's native memory summary of each agent in the work folder.
 */
public final class FootprintBenchmark {
    /** USER_HZ: the unit of /proc/pid/stat's times on every Linux. */
    private static final double TICKS_PER_SECOND = 100.0;

    private static JsonNode lastBackup;

    private FootprintBenchmark() {}

    public static void main(String[] args) throws Exception {
        int packages = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int largeMiB = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        int settle = args.length > 2 ? Integer.parseInt(args[2]) : 120;
        int window = args.length > 3 ? Integer.parseInt(args[3]) : 60;
        Path work = args.length > 4 ? Path.of(args[4]) : Files.createTempDirectory("footprint");
        Path optionsFile = Path.of(System.getProperty("footprint.jvmOptions", "agent-runtime/src/dist/jvm.options"));
        boolean nmt = System.getProperty("footprint.nmt") != null;

        GeneratedHost host = GeneratedHost.generate(work.resolve("host"), packages, largeMiB, 5);
        List<String> jvm = new ArrayList<>(jvmOptions(optionsFile));
        if (nmt) {
            jvm.add("-XX:NativeMemoryTracking=summary");
        }
        // The orchestrator and the catalog get the same options (they are not measured here).
        try (SystemStack stack = new SystemStack(Map.of(), host.root, work.resolve("s3"), jvm)) {
            Map<String, Long> agents = new LinkedHashMap<>();
            agents.put("fs-agent", stack.fsAgentProcess.pid());
            agents.put("msdb-agent", stack.msdbAgentProcess.pid());
            Map<String, Map<String, String>> rows = new LinkedHashMap<>();
            agents.keySet().forEach(a -> rows.put(a, new LinkedHashMap<>()));

            idle("idle after start", agents, settle, window, rows, nmt ? work : null);
            busy("backup of the host (peak)", agents, rows, () -> backup(stack));
            idle("idle after the backup", agents, settle, window, rows, nmt ? work : null);
            Path target = Files.createDirectories(work.resolve("restored"));
            busy("full restore into an empty folder (peak)", agents, rows, () -> restore(stack, target));
            idle("idle after the restore", agents, settle, window, rows, nmt ? work : null);

            List<String> out = new ArrayList<>();
            out.add("| | " + String.join(" | ", agents.keySet()) + " |");
            out.add("|---" + "|---".repeat(agents.size()) + "|");
            for (String phase : rows.get("fs-agent").keySet()) {
                StringBuilder line = new StringBuilder("| " + phase + " |");
                for (String a : agents.keySet()) {
                    line.append(' ').append(rows.get(a).get(phase)).append(" |");
                }
                out.add(line.toString());
            }
            out.add("");
            out.add(String.format(
                    Locale.ROOT,
                    "Host: %d files, %.1f MiB (%d packages with as many configuration files, a %d MiB binary); the msdb"
                            + " stand-in's sample packages. Agents' JVM options: %s. Idle: settled %d s, measured over %d"
                            + " s. %d cores.",
                    host.files,
                    host.bytes / 1048576.0,
                    packages,
                    largeMiB,
                    String.join(" ", jvmOptions(optionsFile)),
                    settle,
                    window,
                    Runtime.getRuntime().availableProcessors()));
            String table = String.join("\n", out);
            System.out.println(table);
            Files.writeString(work.resolve("footprint.md"), table + "\n");
        }
    }

    /** The options of a java argument file: whitespace-separated, {@code #} to the end of a line is a comment. */
    static List<String> jvmOptions(Path file) throws IOException {
        List<String> options = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int hash = line.indexOf('#');
            String content = hash < 0 ? line : line.substring(0, hash);
            for (String o : content.trim().split("\\s+", -1)) {
                if (!o.isEmpty()) {
                    options.add(o);
                }
            }
        }
        return options;
    }

    private static void idle(
            String phase,
            Map<String, Long> agents,
            int settle,
            int window,
            Map<String, Map<String, String>> rows,
            Path nmt)
            throws Exception {
        Thread.sleep(settle * 1000L);
        Map<String, Long> cpu0 = new LinkedHashMap<>();
        for (var a : agents.entrySet()) {
            cpu0.put(a.getKey(), cpuTicks(a.getValue()));
        }
        long t0 = System.nanoTime();
        Thread.sleep(window * 1000L);
        double seconds = (System.nanoTime() - t0) / 1e9;
        for (var a : agents.entrySet()) {
            double cpu = (cpuTicks(a.getValue()) - cpu0.get(a.getKey())) / TICKS_PER_SECOND;
            rows.get(a.getKey())
                    .put(
                            phase,
                            String.format(
                                    Locale.ROOT,
                                    "%d MiB, %.2f%% of a core",
                                    status(a.getValue(), "VmRSS") / 1024,
                                    100 * cpu / seconds));
            if (nmt != null) {
                Process p = new ProcessBuilder("jcmd", String.valueOf(a.getValue()), "VM.native_memory", "summary")
                        .redirectErrorStream(true)
                        .redirectOutput(nmt.resolve(a.getKey() + "-nmt-" + phase.replace(' ', '-') + ".txt")
                                .toFile())
                        .start();
                p.waitFor();
            }
        }
    }

    private static void busy(
            String phase, Map<String, Long> agents, Map<String, Map<String, String>> rows, Callable<String> work)
            throws Exception {
        Map<String, Long> cpu0 = new LinkedHashMap<>();
        for (var a : agents.entrySet()) {
            // Resets the kernel's peak resident set (VmHWM) to the current one.
            Files.writeString(Path.of("/proc/" + a.getValue() + "/clear_refs"), "5");
            cpu0.put(a.getKey(), cpuTicks(a.getValue()));
        }
        long t0 = System.nanoTime();
        String what = work.call();
        double seconds = (System.nanoTime() - t0) / 1e9;
        for (var a : agents.entrySet()) {
            double cpu = (cpuTicks(a.getValue()) - cpu0.get(a.getKey())) / TICKS_PER_SECOND;
            rows.get(a.getKey())
                    .put(
                            phase,
                            String.format(
                                    Locale.ROOT, "%d MiB, %.1f s of CPU", status(a.getValue(), "VmHWM") / 1024, cpu));
        }
        System.out.printf(Locale.ROOT, "%s: %s in %.1f s%n", phase, what, seconds);
    }

    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        // Fields after the command name (which may hold spaces), from field 3: utime is field 14, stime 15.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ", -1);
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** A kB value of /proc/pid/status. */
    private static long status(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no " + field + " for process " + pid);
    }

    private static String backup(SystemStack stack) throws Exception {
        String job = send(
                        "POST",
                        stack.orchestrator + "/api/v1/backups",
                        "{\"hosts\":[\"" + SystemStack.HOST + "\"],\"scope\":[\"FILESYSTEM\",\"MSDB\"]}")
                .get("jobId")
                .asString();
        JsonNode j = awaitFinished(stack.orchestrator + "/api/v1/backups/" + job);
        if (j.get("state").asString().equals("FAILED")) {
            throw new IllegalStateException("backup " + j);
        }
        lastBackup = j;
        return "backup " + j.get("state").asString();
    }

    private static String restore(SystemStack stack, Path target) throws Exception {
        String point = null;
        for (JsonNode a : lastBackup.get("agents")) {
            if (a.get("agent").asString().equals("FILESYSTEM")) {
                point = a.get("restorePointId").asString();
            }
        }
        String id = send(
                        "POST",
                        stack.orchestrator + "/api/v1/restores",
                        "{\"restorePointId\":\"" + point + "\",\"targetPath\":\""
                                + target.toString().replace("\\", "\\\\") + "\",\"scope\":[\"FILESYSTEM\"]}")
                .get("restoreId")
                .asString();
        JsonNode r = awaitFinished(stack.orchestrator + "/api/v1/restores/" + id);
        if (!r.get("state").asString().equals("SUCCEEDED")) {
            throw new IllegalStateException("restore " + r);
        }
        return "restore SUCCEEDED";
    }

    private static JsonNode awaitFinished(String url) throws Exception {
        while (true) {
            JsonNode r = send("GET", url, null);
            if (!r.get("finishedAt").isNull()) {
                return r;
            }
            Thread.sleep(100);
        }
    }

    private static JsonNode send(String method, String url, String body) throws Exception {
        return RepositoryBenchmark.Api.send(method, url, SystemStack.API_KEY, body);
    }
}
