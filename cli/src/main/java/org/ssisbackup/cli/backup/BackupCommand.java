package org.ssisbackup.cli.backup;

import java.util.ArrayList;
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

/** Backups: start one (of hosts, a label selector or a policy's hosts), follow it, look at past ones, cancel one. */
@Command(
        name = "backup",
        mixinStandardHelpOptions = true,
        description = "Start, follow, list and cancel backups.",
        subcommands = {
            BackupCommand.Create.class,
            BackupCommand.Get.class,
            BackupCommand.ListJobs.class,
            BackupCommand.Cancel.class
        })
public final class BackupCommand {

    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description =
                    "Backs up hosts now; --wait follows the job to its end (exit 0, 2 partially failed, 1 failed).")
    static final class Create extends ApiCommand {
        static final class Which {
            @Option(
                    names = "--host",
                    split = ",",
                    paramLabel = "HOST",
                    required = true,
                    description = "hosts by id (repeat or comma-separate)")
            List<String> hosts;

            @Option(
                    names = "--selector",
                    paramLabel = "SELECTOR",
                    description = "hosts by label, e.g. env=prod,team!=bi")
            String selector;

            @Option(names = "--policy", paramLabel = "POLICY", description = "the hosts and scope of a policy")
            String policy;
        }

        @ArgGroup(multiplicity = "1")
        Which which;

        @Option(
                names = "--scope",
                split = ",",
                paramLabel = "SCOPE",
                description = "MSDB, FILESYSTEM, MSDB_NATIVE, SSISDB (default: MSDB and FILESYSTEM, or the policy's)")
        List<String> scope;

        @Option(names = "--allow-unknown-hosts", description = "back up hosts the fleet has not heard from yet")
        boolean allowUnknownHosts;

        @Option(names = "--wait", description = "follow the job until it ends")
        boolean await;

        @Override
        protected ExitCode run(ApiClient client, Output out) {
            ObjectNode body = ApiClient.JSON.createObjectNode();
            if (which.hosts != null) {
                body.putPOJO("hosts", which.hosts);
            }
            if (which.selector != null) {
                body.put("selector", which.selector);
            }
            if (which.policy != null) {
                body.put("policy", which.policy);
            }
            if (scope != null) {
                body.putPOJO("scope", scope);
            }
            if (allowUnknownHosts) {
                body.put("allowUnknownHosts", true);
            }
            JsonNode job = client.post(ApiClient.Service.ORCHESTRATOR, "/api/v1/backups", body);
            String id = Output.text(job, "jobId");
            if (!await) {
                out.print(job, j -> {
                    out.out().println("backup " + id + " " + Output.text(j, "state"));
                    Table t = new Table("HOST", "RESTORE POINT");
                    j.path("hosts").forEach(h -> t.row(Output.text(h, "hostId"), Output.text(h, "restorePointId")));
                    t.print(out.out());
                });
                return ExitCode.SUCCEEDED;
            }
            return followToEnd(
                    client,
                    out,
                    "backup " + id + " of " + job.path("hosts").size() + " host(s); following it",
                    "/api/v1/backups/" + id,
                    BackupCommand::parts,
                    BackupCommand::progress,
                    "ssis-backup backup get " + id,
                    j -> show(j, out));
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "One backup: its state and every part.")
    static final class Get extends ApiCommand {
        @Parameters(paramLabel = "JOB", description = "the backup's job id")
        String id;

        @Override
        protected ExitCode run(ApiClient client, Output out) {
            return showOne(client, out, "/api/v1/backups/" + ApiClient.segment(id), j -> show(j, out));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Backups, newest first.")
    static final class ListJobs extends ApiCommand {
        @Option(names = "--host", paramLabel = "HOST", description = "only backups of this host")
        String host;

        @Option(names = "--state", paramLabel = "STATE", description = "only backups in this state (e.g. FAILED)")
        String state;

        @Option(names = "--limit", paramLabel = "N", description = "at most N (default 20, up to 500)")
        int limit = 20;

        @Override
        protected ExitCode run(ApiClient client, Output out) {
            JsonNode jobs = client.get(
                    ApiClient.Service.ORCHESTRATOR,
                    ApiClient.query(
                            "/api/v1/backups",
                            ApiClient.params("host", host, "state", state, "limit", limit, "agentLimit", 1)));
            out.print(jobs, js -> {
                Table t = new Table("JOB", "STATE", "TRIGGER", "PARTS", "STARTED", "FINISHED");
                js.forEach(j -> t.row(
                        Output.text(j, "jobId"),
                        Output.text(j, "state"),
                        Output.text(j, "trigger"),
                        j.path("agentCount").asLong(),
                        out.ago(Output.text(j, "createdAt")),
                        Output.text(j, "finishedAt").isEmpty() ? "" : out.ago(Output.text(j, "finishedAt"))));
                t.print(out.out());
            });
            return ExitCode.SUCCEEDED;
        }
    }

    @Command(
            name = "cancel",
            mixinStandardHelpOptions = true,
            description = "Cancels a backup: queued hosts are dropped, running parts end CANCELLED.")
    static final class Cancel extends ApiCommand {
        @Parameters(paramLabel = "JOB", description = "the backup's job id")
        String id;

        @Override
        protected ExitCode run(ApiClient client, Output out) {
            JsonNode job = client.post(
                    ApiClient.Service.ORCHESTRATOR, "/api/v1/backups/" + ApiClient.segment(id) + "/cancel", null);
            out.print(job, j -> show(j, out));
            return ExitCode.SUCCEEDED;
        }
    }

    /** A job and its parts (the first page of them), errors and warnings listed under the table. */
    static void show(JsonNode j, Output out) {
        out.out()
                .println("backup " + Output.text(j, "jobId") + "  " + Output.text(j, "state") + "  trigger "
                        + Output.text(j, "trigger") + "  started " + Output.time(Output.text(j, "createdAt"))
                        + (Output.text(j, "finishedAt").isEmpty()
                                ? ""
                                : "  finished " + Output.time(Output.text(j, "finishedAt"))));
        Table t = new Table("HOST", "AGENT", "STATE", "FILES", "SCANNED", "UPLOADED", "RESTORE POINT");
        List<String> problems = new ArrayList<>();
        for (JsonNode a : j.path("agents")) {
            t.row(
                    Output.text(a, "hostId"),
                    Output.text(a, "agent"),
                    Output.text(a, "state"),
                    a.path("artifactCount").asLong(0),
                    Output.bytes(a.path("bytesScanned").asLong(0)),
                    Output.bytes(a.path("bytesUploaded").asLong(0)),
                    Output.text(a, "restorePointId"));
            String who = Output.text(a, "hostId") + " " + Output.text(a, "agent");
            a.path("errors")
                    .forEach(e -> problems.add(
                            "error    " + who + "  " + Output.text(e, "path") + ": " + Output.text(e, "reason")));
            a.path("warnings")
                    .forEach(e -> problems.add(
                            "warning  " + who + "  " + Output.text(e, "path") + ": " + Output.text(e, "reason")));
        }
        t.print(out.out());
        long shown = j.path("agents").size();
        long all = j.path("agentCount").asLong(shown);
        if (all > shown) {
            out.out().println("(" + shown + " of " + all + " parts shown; -o json with the API's agentOffset pages)");
        }
        problems.forEach(p -> out.out().println(Table.clean(p)));
        out.out().flush();
    }

    static Map<String, String> parts(JsonNode job) {
        Map<String, String> parts = new LinkedHashMap<>();
        for (JsonNode a : job.path("agents")) {
            String state = Output.text(a, "state");
            parts.put(
                    Output.text(a, "hostId") + " " + Output.text(a, "agent"),
                    state
                            + (JobFollower.ended(state)
                                    ? "  " + a.path("artifactCount").asLong(0) + " files, "
                                            + Output.bytes(
                                                    a.path("bytesScanned").asLong(0)) + " scanned, "
                                            + Output.bytes(
                                                    a.path("bytesUploaded").asLong(0)) + " uploaded"
                                            + (a.path("errors").isEmpty()
                                                    ? ""
                                                    : ", " + a.path("errors").size() + " error(s)")
                                    : ""));
        }
        return parts;
    }

    static JobFollower.Progress progress(JsonNode job) {
        long parts = job.path("agentCount").asLong(0);
        long done = 0;
        for (Map.Entry<String, JsonNode> e : job.path("agentStates").properties()) {
            if (JobFollower.ended(e.getKey())) {
                done += e.getValue().asLong(0);
            }
        }
        JsonNode agents = job.path("agents");
        return new JobFollower.Progress(
                Output.text(job, "state"),
                !Output.text(job, "finishedAt").isEmpty(),
                done,
                parts,
                JobFollower.sum(agents, "artifactCount") + " files, "
                        + JobFollower.bytes(JobFollower.sum(agents, "bytesScanned")) + " scanned");
    }
}
