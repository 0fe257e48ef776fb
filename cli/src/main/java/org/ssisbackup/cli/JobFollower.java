package org.ssisbackup.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.ssisbackup.cli.api.ApiClient;
import org.ssisbackup.cli.output.Output;
import org.ssisbackup.cli.output.Table;
import tools.jackson.databind.JsonNode;

/**
 * {@code --wait}: follows a job (a backup, a restore, a drill) live until it ends. On a terminal one status line is
 * redrawn in place (a progress bar of its finished parts, files and bytes); piped, only changes are printed, one line
 * each, so a log stays readable. Each part's change of state is printed as a line either way. Ctrl-C stops following,
 * never the job: the job goes on and the line printed says how to look at it again.
 */
public final class JobFollower {
    /** What one poll of the job shows. */
    public record Progress(String state, boolean finished, long partsDone, long parts, String detail) {}

    private final ApiClient client;
    private final PrintWriter out;
    private final boolean terminal;
    private final Duration interval;

    public JobFollower(ApiClient client, PrintWriter out, boolean terminal, Duration interval) {
        this.client = client;
        this.out = out;
        this.terminal = terminal;
        this.interval = interval;
    }

    /**
     * Polls {@code path} until the job has finished, printing as it goes; returns the last answer.
     *
     * @param parts   each part of an answer by a name ("sql01 FILESYSTEM") with its state and what it did so far
     * @param summary the answer's overall progress
     * @param again   the command that shows the job again (said when following stops early)
     */
    public JsonNode follow(
            String path,
            Function<JsonNode, Map<String, String>> parts,
            Function<JsonNode, Progress> summary,
            String again) {
        Thread hook = new Thread(() -> {
            out.println();
            out.println("stopped following; the job goes on: " + again);
            out.flush();
        });
        Runtime.getRuntime().addShutdownHook(hook);
        Map<String, String> seen = new HashMap<>();
        String lastLine = null;
        try {
            while (true) {
                JsonNode job = client.get(ApiClient.Service.ORCHESTRATOR, path);
                Progress p = summary.apply(job);
                for (Map.Entry<String, String> part : parts.apply(job).entrySet()) {
                    if (!part.getValue().equals(seen.put(part.getKey(), part.getValue()))) {
                        if (terminal && lastLine != null) {
                            out.print("\r\033[K");
                        }
                        out.println(Table.clean("  " + part.getKey() + "  " + part.getValue()));
                        lastLine = null;
                    }
                }
                String line = line(p);
                if (terminal) {
                    out.print("\r\033[K" + line);
                    lastLine = line;
                } else if (!line.equals(lastLine)) {
                    out.println(line);
                    lastLine = line;
                }
                out.flush();
                if (p.finished()) {
                    if (terminal) {
                        out.println();
                    }
                    out.flush();
                    return job;
                }
                sleep();
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running
            }
        }
    }

    String line(Progress p) {
        StringBuilder s = new StringBuilder(p.state());
        if (p.parts() > 0) {
            s.append("  ");
            if (terminal) {
                int width = 20;
                int done = (int) (width * p.partsDone() / p.parts());
                s.append('[')
                        .append("#".repeat(done))
                        .append("-".repeat(width - done))
                        .append("] ");
            }
            s.append(p.partsDone()).append('/').append(p.parts()).append(" parts done");
        }
        if (!p.detail().isEmpty()) {
            s.append("  ").append(p.detail());
        }
        return Table.clean(s.toString());
    }

    private void sleep() {
        try {
            Thread.sleep(interval.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new org.ssisbackup.cli.api.ApiException("interrupted", ExitCode.FAILED);
        }
    }

    /** Parts that have ended: in a terminal state of the orchestrator's job model. */
    public static boolean ended(String state) {
        return switch (state) {
            case "SUCCEEDED", "PARTIALLY_FAILED", "FAILED", "TIMED_OUT", "CANCELLED" -> true;
            default -> false;
        };
    }

    /** "1.2 MiB" of a count field summed over an array's elements. */
    public static long sum(JsonNode items, String field) {
        long total = 0;
        if (items != null) {
            for (JsonNode i : items) {
                total += i.path(field).asLong(0);
            }
        }
        return total;
    }

    public static String bytes(long n) {
        return Output.bytes(n);
    }
}
