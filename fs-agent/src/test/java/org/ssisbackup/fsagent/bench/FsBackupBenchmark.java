package org.ssisbackup.fsagent.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.ssisbackup.agent.AgentIdentity;
import org.ssisbackup.agent.capture.BackupReport;
import org.ssisbackup.agent.capture.BackupRun;
import org.ssisbackup.agent.restore.RestoreRun;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.BackupCommand;
import org.ssisbackup.contracts.BackupScope;
import org.ssisbackup.contracts.MessageMeta;
import org.ssisbackup.contracts.OverwritePolicy;
import org.ssisbackup.contracts.RestoreCommand;
import org.ssisbackup.contracts.RestoreFinished;
import org.ssisbackup.contracts.RestoreOptions;
import org.ssisbackup.fsagent.capture.FileSystemCapture;
import org.ssisbackup.fsagent.capture.FsAgentProperties;
import org.ssisbackup.fsagent.capture.HostPaths;
import org.ssisbackup.fsagent.capture.MsdbReferences;
import org.ssisbackup.fsagent.restore.FileRestoreHandler;
import org.ssisbackup.storage.BlobStore;
import org.ssisbackup.testkit.infra.EmbeddedS3;

/**
 * Benchmark: the fs-agent's capture and restore against rclone and restic, on the same generated SSIS host and
 * the same local s3proxy, in one run. Run by bench/fs-backup.sh; prints a Markdown table.
 * Arguments: packages (default 300), large files (default 2), large file MiB (default 500), work dir.
 */
public final class FsBackupBenchmark {
    private static final String ACCESS = "bench-access";
    private static final String SECRET = "bench-secret-key-0123456789";

    public static void main(String[] args) throws Exception {
        int packages = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int large = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int largeMiB = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        Path work = args.length > 3 ? Path.of(args[3]) : Files.createTempDirectory("fs-bench");
        Path host = work.resolve("host");
        long bytes = generate(host, packages, large, largeMiB);
        try (EmbeddedS3 s3 = EmbeddedS3.startOnDisk(work.resolve("s3"), 0, ACCESS, SECRET)) {
            // Warm-up on a small separate host: the agent is a long-running JVM, so JIT and client start-up are
            // not part of a backup's cost; rclone and restic are native binaries and need none.
            generate(work.resolve("warmup"), 20, 0, 0);
            ours(s3, work.resolve("warmup"), work.resolve("restore-warmup"), "warmup");
            Map<String, Duration[]> results = new LinkedHashMap<>();
            results.put("ssis-backup fs-agent", ours(s3, host, work.resolve("restore-ours"), "ours"));
            results.put(
                    "rclone sync " + version("rclone", "version"), rclone(s3, host, work.resolve("restore-rclone")));
            results.put(
                    "restic backup " + version("restic", "version"),
                    restic(s3, host, work.resolve("restore-restic"), work));
            System.out.printf("%n| tool | first backup | unchanged re-backup | full restore |%n|---|---|---|---|%n");
            results.forEach((tool, d) ->
                    System.out.printf("| %s | %s | %s | %s |%n", tool, secs(d[0]), secs(d[1]), secs(d[2])));
            System.out.printf(
                    "%nData: %d packages (10 KB-5 MB, log-uniform) + %d files of %d MiB + one .dtsConfig per 10 packages; %.1f MiB in all.%n",
                    packages, large, largeMiB, bytes / 1048576.0);
        }
    }

    private static Duration[] ours(EmbeddedS3 s3, Path host, Path restoreTo, String bucket) throws Exception {
        BlobStore store = BlobStore.connect(s3.endpoint(), ACCESS, SECRET, bucket);
        store.ensureBucket();
        Path ini = host.resolve("MsDtsSrvr.ini.xml");
        FsAgentProperties props = new FsAgentProperties(
                ini, List.of(), Map.of(), Map.of(), Duration.ofSeconds(1), 4, null, List.of(), List.of());
        AgentIdentity identity =
                new AgentIdentity(AgentKind.FILESYSTEM, "bench-host", "bench", Set.of(BackupScope.FILESYSTEM));
        BackupRun runner = new BackupRun(
                identity, store, m -> {}, new FileSystemCapture(props, store, new MsdbReferences("bench-host")));
        UUID first = UUID.randomUUID();
        long t0 = System.nanoTime();
        check(runner.run(command(first)));
        long t1 = System.nanoTime();
        check(runner.run(command(UUID.randomUUID())));
        long t2 = System.nanoTime();
        RestoreRun restorer = new RestoreRun(
                identity, store, m -> {}, List.of(new FileRestoreHandler(store, new HostPaths(Map.of()), 4)));
        RestoreFinished r = restorer.run(new RestoreCommand(
                        MessageMeta.create(UUID.randomUUID(), "bench-host"),
                        AgentKind.FILESYSTEM,
                        "bench-host",
                        first,
                        new RestoreOptions(
                                null, null, restoreTo.toString(), OverwritePolicy.ALWAYS, false, null, null)))
                .finished();
        long t3 = System.nanoTime();
        if (!r.failed().isEmpty() || !r.refused().isEmpty()) {
            throw new IllegalStateException("restore failed: " + r);
        }
        return new Duration[] {Duration.ofNanos(t1 - t0), Duration.ofNanos(t2 - t1), Duration.ofNanos(t3 - t2)};
    }

    private static BackupCommand command(UUID job) {
        return new BackupCommand(
                MessageMeta.create(job, "bench-host"),
                AgentKind.FILESYSTEM,
                job,
                Set.of(AgentKind.FILESYSTEM),
                Set.of(BackupScope.FILESYSTEM));
    }

    private static void check(BackupReport report) {
        if (report.outcome() != org.ssisbackup.contracts.Outcome.SUCCEEDED) {
            throw new IllegalStateException("backup did not succeed: " + report.errors());
        }
    }

    private static Duration[] rclone(EmbeddedS3 s3, Path host, Path restoreTo) throws Exception {
        Map<String, String> env = Map.of(
                "RCLONE_CONFIG_BENCH_TYPE",
                "s3",
                "RCLONE_CONFIG_BENCH_PROVIDER",
                "Other",
                "RCLONE_CONFIG_BENCH_ENDPOINT",
                s3.endpoint(),
                "RCLONE_CONFIG_BENCH_ACCESS_KEY_ID",
                ACCESS,
                "RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY",
                SECRET,
                "RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE",
                "true");
        run(env, "rclone", "mkdir", "bench:rclone");
        long t0 = System.nanoTime();
        run(env, "rclone", "sync", "--transfers", "4", host.toString(), "bench:rclone/host");
        long t1 = System.nanoTime();
        run(env, "rclone", "sync", "--transfers", "4", host.toString(), "bench:rclone/host");
        long t2 = System.nanoTime();
        run(env, "rclone", "copy", "--transfers", "4", "bench:rclone/host", restoreTo.toString());
        long t3 = System.nanoTime();
        return new Duration[] {Duration.ofNanos(t1 - t0), Duration.ofNanos(t2 - t1), Duration.ofNanos(t3 - t2)};
    }

    private static Duration[] restic(EmbeddedS3 s3, Path host, Path restoreTo, Path work) throws Exception {
        Map<String, String> env = Map.of(
                "AWS_ACCESS_KEY_ID",
                ACCESS,
                "AWS_SECRET_ACCESS_KEY",
                SECRET,
                "RESTIC_PASSWORD",
                "bench-only",
                "RESTIC_REPOSITORY",
                "s3:" + s3.endpoint() + "/restic",
                "RESTIC_CACHE_DIR",
                work.resolve("restic-cache").toString());
        run(env, "restic", "init");
        long t0 = System.nanoTime();
        run(env, "restic", "backup", "--quiet", host.toString());
        long t1 = System.nanoTime();
        run(env, "restic", "backup", "--quiet", host.toString());
        long t2 = System.nanoTime();
        run(env, "restic", "restore", "latest", "--target", restoreTo.toString());
        long t3 = System.nanoTime();
        return new Duration[] {Duration.ofNanos(t1 - t0), Duration.ofNanos(t2 - t1), Duration.ofNanos(t3 - t2)};
    }

    private static void run(Map<String, String> env, String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        // The endpoint is plain HTTP on loopback; a machine-wide AWS_CA_BUNDLE breaks rclone's S3 client.
        pb.environment().remove("AWS_CA_BUNDLE");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
    }

    private static String version(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String first = new String(p.getInputStream().readAllBytes(), UTF_8)
                    .lines()
                    .findFirst()
                    .orElse("");
            p.waitFor();
            return first.replaceAll("^(rclone|restic) ", "").split(" ", -1)[0];
        } catch (IOException | InterruptedException e) {
            return "?";
        }
    }

    /** A host tree shaped like a real one: packages of 10 KB to 5 MB, config files, a few very large files. */
    static long generate(Path host, int packages, int large, int largeMiB) throws IOException {
        Path pkgs = Files.createDirectories(host.resolve("Packages"));
        Files.writeString(host.resolve("MsDtsSrvr.ini.xml"), """
                <?xml version="1.0" encoding="utf-8"?>
                <DtsServiceConfiguration xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
                  <TopLevelFolders>
                    <Folder xsi:type="FileSystemFolder"><Name>File System</Name><StorePath>Packages</StorePath></Folder>
                  </TopLevelFolders>
                </DtsServiceConfiguration>""");
        Random random = new Random(42);
        byte[] chunk = new byte[1 << 20];
        for (int i = 0; i < packages; i++) {
            Path dir = Files.createDirectories(pkgs.resolve("Folder" + (i % 20)));
            long size =
                    (long) Math.exp(Math.log(10_000) + random.nextDouble() * (Math.log(5_000_000) - Math.log(10_000)));
            String head = "<?xml version=\"1.0\"?>\n<DTS:Executable xmlns:DTS=\"www.microsoft.com/SqlServer/Dts\" "
                    + "DTS:ExecutableType=\"Microsoft.Package\" DTS:ObjectName=\"P" + i
                    + "\" DTS:ProtectionLevel=\"0\">\n<!-- ";
            try (OutputStream out = Files.newOutputStream(dir.resolve("Package" + i + ".dtsx"))) {
                out.write(head.getBytes(UTF_8));
                long left = size;
                while (left > 0) {
                    // Text-like filler: compressible the way package XML is.
                    for (int k = 0; k < chunk.length; k++) {
                        chunk[k] = (byte) ('a' + random.nextInt(16));
                    }
                    int n = (int) Math.min(left, chunk.length);
                    out.write(chunk, 0, n);
                    left -= n;
                }
                out.write(" -->\n</DTS:Executable>\n".getBytes(UTF_8));
            }
            if (i % 10 == 0) {
                Files.writeString(
                        dir.resolve("Package" + i + ".dtsConfig"),
                        "<?xml version=\"1.0\"?><DTSConfiguration><Configuration ConfiguredType=\"Property\" Path=\"\\Package.Variables[User::N].Properties[Value]\" ValueType=\"Int32\"><ConfiguredValue>"
                                + i + "</ConfiguredValue></Configuration></DTSConfiguration>");
            }
        }
        Path big = Files.createDirectories(pkgs.resolve("Large"));
        for (int i = 0; i < large; i++) {
            try (OutputStream out = Files.newOutputStream(big.resolve("extract" + i + ".raw"))) {
                for (int m = 0; m < largeMiB; m++) {
                    random.nextBytes(chunk);
                    out.write(chunk);
                }
            }
        }
        long total = 0;
        try (Stream<Path> walk = Files.walk(host)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (Files.isRegularFile(p)) {
                    total += Files.size(p);
                }
            }
        }
        return total;
    }

    private static String secs(Duration d) {
        return String.format("%.2f s", d.toMillis() / 1000.0);
    }

    private FsBackupBenchmark() {}
}
