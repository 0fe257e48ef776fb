package org.ssisbackup.cli.fleet;

import org.ssisbackup.cli.ApiCommand;
import org.ssisbackup.cli.ExitCode;
import org.ssisbackup.cli.api.ApiClient;
import org.ssisbackup.cli.output.Output;
import org.ssisbackup.cli.output.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/**
 * What the status page shows, in a terminal: per host its state, last success against what its policies allow,
 * failures in a row and when a drill last proved it. Exit 0 when every host is healthy, 1 when any is overdue,
 * failing or has a failed drill: a cron job or a monitoring check can run it as is.
 */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = "The fleet's health (exit 1 when a host is overdue, failing or failed its latest drill).")
public final class StatusCommand extends ApiCommand {
    @Option(
            names = {"-l", "--selector"},
            paramLabel = "SELECTOR",
            description = "hosts by label")
    String selector;

    @Option(names = "--state", paramLabel = "STATE", description = "REACHABLE, DEGRADED, UNREACHABLE or UNKNOWN")
    String state;

    @Override
    protected ExitCode run(ApiClient client, Output out) {
        JsonNode hosts = client.get(
                ApiClient.Service.ORCHESTRATOR,
                ApiClient.query("/api/v1/status", ApiClient.params("selector", selector, "state", state)));
        int troubled = 0;
        for (JsonNode h : hosts) {
            if (troubled(h)) {
                troubled++;
            }
        }
        final int unhealthy = troubled;
        out.print(hosts, hs -> {
            Table t = new Table("HOST", "STATE", "AGENTS", "LAST SUCCESS", "ALLOWED", "FAILED IN A ROW", "PROVEN", "");
            hs.forEach(h -> {
                JsonNode proof = h.path("proof");
                String proven =
                        proof.path("proven").isObject() ? out.ago(Output.text(proof.get("proven"), "at")) : "never";
                t.row(
                        Output.text(h, "hostId"),
                        Output.text(h, "state"),
                        HostsCommand.agents(h.path("agents")),
                        out.ago(Output.text(h, "lastSuccessfulBackup")),
                        h.hasNonNull("allowedAgeSeconds")
                                ? Output.age(java.time.Duration.ofSeconds(
                                        h.get("allowedAgeSeconds").asLong()))
                                : "",
                        h.path("failureStreak").asInt(0),
                        proven,
                        String.join(
                                        " ",
                                        h.path("overdue").asBoolean(false) ? "OVERDUE" : "",
                                        proof.path("failure").isObject() ? "DRILL FAILED" : "")
                                .trim());
            });
            t.print(out.out());
            out.out().println(hs.size() + " host(s), " + unhealthy + " needing attention");
        });
        return unhealthy == 0 ? ExitCode.SUCCEEDED : ExitCode.FAILED;
    }

    static boolean troubled(JsonNode h) {
        return h.path("overdue").asBoolean(false)
                || h.path("failureStreak").asInt(0) > 0
                || h.path("proof").path("failure").isObject();
    }
}
