package org.ssisbackup.systemtests;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ssisbackup.testkit.infra.SampleHost;

/**
 * Issue 14's size check: a host of 100,000 small files and one 2 GiB file, backed up through the REST API by the
 * services as processes with a given heap (default {@code -Xmx1g}, what {@code ./ssis-backup} gives the agents).
 * The agent must finish the job (a COMPLETE point) without running out of heap; its GC log says how much it used.
 * Run with {@code bench/scale.sh [files] [large MiB]}; prints a Markdown table row.
 */
public final class ScaleBenchmark {
    private static final Pattern GC = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    public static void main(String[] args) throws Exception {
        int files = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int largeMiB = args.length > 1 ? Integer.parseInt(args[1]) : 2048;
        Path work = Path.of(args.length > 2 ? args[2] : "target/bench-scale");
        String heap = args.length > 3 ? args[3] : "1g";
        Path root = SampleHost.copyHostTo(Files.createDirectories(work.resolve("host")));
        long t0 = System.nanoTime();
        long bytes = generate(root.resolve(GeneratedHost.PACKAGES).resolve("Scale"), files, largeMiB);
        System.out.printf(
                "generated %d files and a %d MiB file (%.1f MiB) in %.1f s%n",
                files, largeMiB, bytes / 1048576.0, (System.nanoTime() - t0) / 1e9);
        List<String> jvm = new ArrayList<>(List.of(
                "-Xmx" + heap, "-XX:+ExitOnOutOfMemoryError", "-Xlog:gc:file=" + work.resolve("{service}-gc.log")));
        try (SystemStack stack = new SystemStack(Map.of(), root, work.resolve("s3"), jvm)) {
            RepositoryBenchmark.Api api = new RepositoryBenchmark.Api(stack);
            double seconds = api.backupSeconds();
            long[] fs = heap(work.resolve("fs-agent-gc.log"));
            long[] catalog = heap(work.resolve("catalog-service-gc.log"));
            String row = String.format(
                    "| %,d files + %,d MiB | %s | %.1f s | COMPLETE | %d / %d / %d of %d MiB, %d full GCs | %d MiB | %s |",
                    files,
                    largeMiB,
                    heap,
                    seconds,
                    fs[0],
                    fs[1],
                    fs[2],
                    fs[3],
                    fs[4],
                    catalog[2],
                    stack.fsAgentProcess.isAlive() ? "alive" : "DIED");
            System.out.println(
                    "| host | agents' heap | first backup (REST to COMPLETE point) | point | fs-agent heap after"
                            + " young GCs: median / p90 / max of limit | catalog heap, max after young GCs | fs-agent |");
            System.out.println("|---|---|---|---|---|---|---|");
            System.out.println(row);
            Files.writeString(work.resolve("scale-benchmark.md"), row + "\n");
        }
    }

    /**
     * From a -Xlog:gc file, in MiB: the heap left after young collections (median, 90th percentile, largest), the
     * heap limit, and how many full collections there were (a heap too small shows as many).
     */
    static long[] heap(Path gcLog) throws IOException {
        List<Long> after = new ArrayList<>();
        long limit = 0;
        long full = 0;
        for (String line : Files.readAllLines(gcLog)) {
            Matcher m = GC.matcher(line);
            if (line.contains("Pause Full")) {
                full++;
            }
            if (m.find() && line.contains("Pause Young")) {
                after.add(Long.parseLong(m.group(2)));
                limit = Math.max(limit, Long.parseLong(m.group(3)));
            }
        }
        after.sort(null);
        if (after.isEmpty()) {
            return new long[] {0, 0, 0, limit, full};
        }
        return new long[] {
            after.get(after.size() / 2), after.get((int) (after.size() * 0.9)), after.get(after.size() - 1), limit, full
        };
    }

    /** Small text files in folders of 1,000 (1-4 KiB, each different), and one large file of random bytes. */
    static long generate(Path dir, int files, int largeMiB) throws IOException {
        SplittableRandom r = new SplittableRandom(14);
        long total = 0;
        StringBuilder sb = new StringBuilder(5000);
        for (int i = 0; i < files; i++) {
            Path folder = dir.resolve(String.format("batch-%03d", i / 1000));
            if (i % 1000 == 0) {
                Files.createDirectories(folder);
            }
            sb.setLength(0);
            int size = 1024 + r.nextInt(3072);
            sb.append("-- step ").append(i).append('\n');
            while (sb.length() < size) {
                sb.append("INSERT INTO dbo.Stage")
                        .append(r.nextInt(500))
                        .append(" SELECT ")
                        .append(r.nextLong())
                        .append(" FROM dbo.Source WHERE id > ")
                        .append(r.nextInt())
                        .append(";\n");
            }
            byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
            Files.write(folder.resolve(String.format("step-%06d.sql", i)), b);
            total += b.length;
        }
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(dir.resolve("installer.bin"))) {
            for (int i = 0; i < largeMiB; i++) {
                for (int j = 0; j < block.length; j += 8) {
                    long v = r.nextLong();
                    for (int k = 0; k < 8; k++) {
                        block[j + k] = (byte) (v >>> (8 * k));
                    }
                }
                out.write(block);
            }
        }
        return total + (long) largeMiB * block.length;
    }

    private ScaleBenchmark() {}
}
