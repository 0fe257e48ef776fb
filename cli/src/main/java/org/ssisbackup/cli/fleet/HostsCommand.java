package org.ssisbackup.cli.fleet;

import java.util.List;
import org.ssisbackup.cli.ApiCommand;
import org.ssisbackup.cli.ExitCode;
import org.ssisbackup.cli.api.ApiClient;
import org.ssisbackup.cli.output.Output;
import org.ssisbackup.cli.output.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/** The fleet: every host the orchestrator knows, its labels, agents and last backup. */
@Command(name = "hosts", mixinStandardHelpOptions = true, description = "The fleet's hosts, optionally by label.")
public final class HostsCommand extends ApiCommand {
    @Option(
            names = {"-l", "--selector"},
            split = ",",
            paramLabel = "LABEL",
            description = "key=value, key!=value or key (all must hold), like kubectl's -l")
    List<String> selector;

    @Option(names = "--state", paramLabel = "STATE", description = "REACHABLE, DEGRADED, UNREACHABLE or UNKNOWN")
    String state;

    @Override
    protected ExitCode run(ApiClient client, Output out) {
        JsonNode hosts = client.get(
                ApiClient.Service.ORCHESTRATOR,
                ApiClient.query(
                        "/api/v1/hosts",
                        ApiClient.params(
                                "selector", selector == null ? null : String.join(",", selector), "state", state)));
        out.print(hosts, hs -> {
            Table t = new Table("HOST", "STATE", "LABELS", "AGENTS", "LAST BACKUP", "LAST SUCCESS");
            hs.forEach(h -> t.row(
                    Output.text(h, "hostId"),
                    Output.text(h, "state"),
                    labels(h.path("labels")),
                    agents(h.path("agents")),
                    h.path("lastBackup").isObject()
                            ? Output.text(h.get("lastBackup"), "state") + " "
                                    + out.ago(Output.text(h.get("lastBackup"), "finishedAt"))
                            : "",
                    out.ago(Output.text(h, "lastSuccessfulBackup"))));
            t.print(out.out());
        });
        return ExitCode.SUCCEEDED;
    }

    static String labels(JsonNode labels) {
        StringBuilder s = new StringBuilder();
        labels.properties().forEach(e -> {
            if (s.length() > 0) {
                s.append(',');
            }
            s.append(e.getKey()).append('=').append(e.getValue().asString());
        });
        return s.toString();
    }

    /** "FILESYSTEM,MSDB" with a '!' after each agent that is silent. */
    static String agents(JsonNode agents) {
        StringBuilder s = new StringBuilder();
        for (JsonNode a : agents) {
            if (s.length() > 0) {
                s.append(',');
            }
            s.append(Output.text(a, "agent")).append(a.path("reachable").asBoolean(true) ? "" : "!");
        }
        return s.toString();
    }
}
