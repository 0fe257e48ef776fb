package org.ssisbackup.cli.restore;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ssisbackup.cli.ApiCommand;
import org.ssisbackup.cli.ExitCode;
import org.ssisbackup.cli.JobFollower;
import org.ssisbackup.cli.api.ApiClient;
import org.ssisbackup.cli.output.Output;
import org.ssisbackup.cli.output.Table;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Restore drills: could we restore these hosts right now? (docs/restore.md, "Restore drills") */
@Command(
        name = "drill",
        mixinStandardHelpOptions = true,
        description = "Prove hosts restorable: restore into scratch places, check, clean up.",
        subcommands = {DrillCommand.Create.class, DrillCommand.Get.class, DrillCommand.ListDrills.class})
public final class DrillCommand {

    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = "Drills each host's newest COMPLETE point, or one chosen point; --wait follows it"
                    + " (exit 0 proven, 1 not).")
    static final class Create extends ApiCommand {
        static final class Which {
            @Option(
                    names = "--host",
                    split = ",",
                    paramLabel = "HOST",
                    required = true,
                    description = "hosts (their newest COMPLETE points)")
            List<String> hosts;

            @Option(names = "--point", paramLabel = "ID", description = "one restore point")
            String point;
        }

        @ArgGroup(multiplicity = "1")
        Which which;

        @Option(names = "--wait", description = "follow the drill until it ends")
        boolean await;

        @Override
        protected ExitCode run(ApiClient client, Output out) {
            ObjectNode body = ApiClient.JSON.createObjectNode();
            if (which.hosts != null) {
                body.putPOJO("hosts", which.hosts);
            } else {
                body.put("restorePointId", which.point);
            }
            JsonNode accepted = client.post(ApiClient.Service.ORCHESTRATOR, "/api/v1/drills", body);
            String id = Output.text(accepted, "drillId");
            if (!await) {
                out.print(
                        accepted,
                        a -> out.out()
                                .println(
                                        "drill " + id + " of " + a.path("hosts").size() + " host(s)"));
                return ExitCode.SUCCEEDED;
            }
            return followToEnd(
                    client,
                    out,
                    "drill " + id + "; following it",
                    "/api/v1/drills/" + ApiClient.segment(id),
                    DrillCommand::parts,
                    DrillCommand::progress,
                    "ssis-backup drill get " + id,
                    n -> show(n, out));
        }
    }

    @Command(
            name = "get",
            mixinStandardHelpOptions = true,
            description = "One drill: per host and agent, what was checked.")
    static final class Get extends ApiCommand {
        @Parameters(paramLabel = "ID", description = "the drill's id")
        String id;

        @Override
        protected ExitCode run(ApiClient client, Output out) {
            return showOne(client, out, "/api/v1/drills/" + ApiClient.segment(id), n -> show(n, out));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Drills, newest first.")
    static final class ListDrills extends ApiCommand {
        @Option(
                names = "--requested-by",
                paramLabel = "WHO",
                description = "only drills asked for by this (e.g. policy:nightly-prod)")
        String requestedBy;

        @Option(names = "--limit", paramLabel = "N", description = "at most N (default 20, up to 200)")
        int limit = 20;

        @Override
        protected ExitCode run(ApiClient client, Output out) {
            JsonNode list = client.get(
                    ApiClient.Service.ORCHESTRATOR,
                    ApiClient.query("/api/v1/drills", ApiClient.params("requestedBy", requestedBy, "limit", limit)));
            out.print(list, ds -> {
                Table t = new Table("DRILL", "STATE", "HOSTS", "REQUESTED BY", "STARTED", "FINISHED");
                ds.forEach(d -> t.row(
                        Output.text(d, "drillId"),
                        Output.text(d, "state"),
                        d.path("hosts").size(),
                        Output.text(d, "requestedBy"),
                        out.ago(Output.text(d, "createdAt")),
                        Output.text(d, "finishedAt").isEmpty() ? "" : out.ago(Output.text(d, "finishedAt"))));
                t.print(out.out());
            });
            return ExitCode.SUCCEEDED;
        }
    }

    static void show(JsonNode d, Output out) {
        out.out()
                .println("drill " + Output.text(d, "drillId") + "  " + Output.text(d, "state") + "  requested by "
                        + Output.text(d, "requestedBy"));
        Table t = new Table("HOST", "POINT", "AGENT", "STATE", "CHECKED", "PARSED", "REFERENCES", "CLEANED UP");
        for (JsonNode h : d.path("hosts")) {
            for (JsonNode a : h.path("agents")) {
                t.row(
                        Output.text(h, "hostId"),
                        Output.text(h, "restorePointId"),
                        Output.text(a, "agent"),
                        Output.text(a, "state"),
                        Output.text(a, "itemsChecked"),
                        Output.text(a, "documentsParsed"),
                        Output.text(a, "referencesChecked"),
                        a.path("cleanedUp").isBoolean() ? (a.path("cleanedUp").asBoolean() ? "yes" : "NO") : "");
            }
        }
        t.print(out.out());
        for (JsonNode h : d.path("hosts")) {
            for (JsonNode a : h.path("agents")) {
                a.path("problems")
                        .forEach(p -> out.out()
                                .println(Table.clean("problem  " + Output.text(h, "hostId") + " "
                                        + Output.text(a, "agent") + "  " + p.asString())));
            }
        }
        out.out().flush();
    }

    static Map<String, String> parts(JsonNode d) {
        Map<String, String> parts = new LinkedHashMap<>();
        for (JsonNode h : d.path("hosts")) {
            for (JsonNode a : h.path("agents")) {
                parts.put(
                        Output.text(h, "hostId") + " " + Output.text(a, "agent"),
                        Output.text(a, "state")
                                + (a.hasNonNull("itemsChecked")
                                        ? "  " + a.path("itemsChecked").asLong() + " checked"
                                        : ""));
            }
        }
        return parts;
    }

    static JobFollower.Progress progress(JsonNode d) {
        long parts = 0;
        long done = 0;
        for (JsonNode h : d.path("hosts")) {
            for (JsonNode a : h.path("agents")) {
                parts++;
                if (JobFollower.ended(Output.text(a, "state"))) {
                    done++;
                }
            }
        }
        return new JobFollower.Progress(
                Output.text(d, "state"), !Output.text(d, "finishedAt").isEmpty(), done, parts, "");
    }
}
