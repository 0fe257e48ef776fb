package org.ssisbackup.cli.restore;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ssisbackup.cli.ApiCommand;
import org.ssisbackup.cli.ExitCode;
import org.ssisbackup.cli.JobFollower;
import org.ssisbackup.cli.api.ApiClient;
import org.ssisbackup.cli.output.Output;
import org.ssisbackup.cli.output.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Restores: of a whole point or of packages picked by glob, in place or elsewhere, dry run first if you like. */
@Command(
        name = "restore",
        mixinStandardHelpOptions = true,
        description = "Start, follow and list restores.",
        subcommands = {RestoreCommand.Create.class, RestoreCommand.Get.class, RestoreCommand.ListRestores.class})
public final class RestoreCommand {

    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = "Restores a restore point (or the packages --include picks) onto its host or another;"
                    + " --wait follows it (exit 0, 2 partially failed, 1 failed).")
    static final class Create extends ApiCommand {
        @Option(names = "--point", required = true, paramLabel = "ID", description = "the restore point")
        String point;

        @Option(names = "--target-host", paramLabel = "HOST", description = "another host to restore onto")
        String targetHost;

        @Option(
                names = "--include",
                split = ",",
                paramLabel = "GLOB",
                description = "only what these globs match (logical paths, any case, \\ or /): e.g. '**/Finance/*'")
        List<String> include;

        @Option(
                names = "--scope",
                split = ",",
                paramLabel = "SCOPE",
                description = "only these parts: MSDB, FILESYSTEM, SSISDB, MSDB_NATIVE")
        List<String> scope;

        @Option(
                names = "--target-path",
                paramLabel = "PATH",
                description = "files re-rooted under this absolute folder (C:\\x -> PATH\\C\\x)")
        String targetPath;

        @Option(
                names = "--target-folder",
                paramLabel = "FOLDER",
                description = "msdb packages re-rooted under this msdb folder (e.g. \\Restored)")
        String targetFolder;

        @Option(names = "--overwrite", paramLabel = "POLICY", description = "never (default), if-changed or always")
        String overwrite = "never";

        @Option(names = "--restore-roles", description = "msdb: set packages' read and write roles as they were")
        boolean restoreRoles;

        @Option(
                names = "--no-protection",
                description = "files: do not give them the owner, ACL or mode and attributes recorded at backup (each"
                        + " keeps what the file it replaces had, or its owner's alone)")
        boolean noProtection;

        @Option(
                names = "--copy-to",
                paramLabel = "STORE;DEST",
                description = "a cross-store copy, as dtutil /COPY: FILE;D:\\Copied writes the point's msdb packages as"
                        + " .dtsx files there, SQL;\\Imported its file-system packages into that msdb folder")
        String copyTo;

        @Option(
                names = "--enable-jobs",
                description = "SQL Server Agent jobs: recreate them enabled as they were (default: disabled, so a"
                        + " restore never starts packages by itself)")
        boolean enableJobs;

        @Option(names = "--dry-run", description = "say what would be written; write nothing")
        boolean dryRun;

        @Option(names = "--allow-unknown-hosts", description = "restore onto a host the fleet has not heard from")
        boolean allowUnknownHosts;

        @Option(names = "--wait", description = "follow the restore until it ends")
        boolean await;

        @Override
        protected ExitCode run(ApiClient client, Output out) {
            ObjectNode body = ApiClient.JSON.createObjectNode();
            body.put("restorePointId", point);
            putIf(body, "targetHost", targetHost);
            if (include != null) {
                body.putPOJO("include", include);
            }
            if (scope != null) {
                body.putPOJO("scope", scope);
            }
            putIf(body, "targetPath", targetPath);
            putIf(body, "targetFolder", targetFolder);
            putIf(body, "copyTo", copyTo);
            body.put("overwrite", overwritePolicy(overwrite));
            body.put("dryRun", dryRun);
            body.put("restoreRoles", restoreRoles);
            if (noProtection) {
                body.put("keepProtection", false);
            }
            if (enableJobs) {
                body.put("enableJobs", true);
            }
            if (allowUnknownHosts) {
                body.put("allowUnknownHosts", true);
            }
            JsonNode accepted = client.post(ApiClient.Service.ORCHESTRATOR, "/api/v1/restores", body);
            String id = Output.text(accepted, "restoreId");
            if (!await) {
                out.print(
                        accepted,
                        a -> out.out()
                                .println("restore " + id + " of " + Output.text(a, "sourceHost") + " onto "
                                        + Output.text(a, "targetHost") + " started ("
                                        + a.path("agents").size()
                                        + " agent(s))" + (dryRun ? ", dry run" : "")));
                return ExitCode.SUCCEEDED;
            }
            return followToEnd(
                    client,
                    out,
                    "restore " + id + (dryRun ? " (dry run)" : "") + "; following it",
                    "/api/v1/restores/" + ApiClient.segment(id),
                    RestoreCommand::parts,
                    RestoreCommand::progress,
                    "ssis-backup restore get " + id,
                    n -> show(n, out));
        }

        private static void putIf(ObjectNode body, String field, String value) {
            if (value != null && !value.isBlank()) {
                body.put(field, value);
            }
        }
    }

    /** never, if-changed, always (the API's never, ifChanged, always); anything else is a usage error. */
    static String overwritePolicy(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "never" -> "never";
            case "if-changed", "ifchanged", "if_changed" -> "ifChanged";
            case "always" -> "always";
            default ->
                throw new org.ssisbackup.cli.api.ApiException(
                        "--overwrite: never, if-changed or always, not '" + value + "'", ExitCode.USAGE);
        };
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "One restore: per agent, item by item.")
    static final class Get extends ApiCommand {
        @Parameters(paramLabel = "ID", description = "the restore's id")
        String id;

        @Override
        protected ExitCode run(ApiClient client, Output out) {
            return showOne(client, out, "/api/v1/restores/" + ApiClient.segment(id), n -> show(n, out));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Restores, newest first (drills left out).")
    static final class ListRestores extends ApiCommand {
        @Option(names = "--host", paramLabel = "HOST", description = "only restores onto or from this host")
        String host;

        @Option(names = "--limit", paramLabel = "N", description = "at most N (default 20, up to 500)")
        int limit = 20;

        @Override
        protected ExitCode run(ApiClient client, Output out) {
            JsonNode list = client.get(
                    ApiClient.Service.ORCHESTRATOR,
                    ApiClient.query("/api/v1/restores", ApiClient.params("host", host, "limit", limit)));
            out.print(list, rs -> {
                Table t = new Table("RESTORE", "STATE", "POINT", "FROM", "ONTO", "STARTED", "FINISHED");
                rs.forEach(r -> t.row(
                        Output.text(r, "restoreId"),
                        Output.text(r, "state"),
                        Output.text(r, "restorePointId"),
                        Output.text(r, "sourceHost"),
                        Output.text(r, "targetHost"),
                        out.ago(Output.text(r, "createdAt")),
                        Output.text(r, "finishedAt").isEmpty() ? "" : out.ago(Output.text(r, "finishedAt"))));
                t.print(out.out());
            });
            return ExitCode.SUCCEEDED;
        }
    }

    static void show(JsonNode r, Output out) {
        out.out()
                .println("restore " + Output.text(r, "restoreId") + "  " + Output.text(r, "state") + "  point "
                        + Output.text(r, "restorePointId") + "  " + Output.text(r, "sourceHost") + " -> "
                        + Output.text(r, "targetHost"));
        Table t = new Table("AGENT", "STATE", "WRITTEN", "SKIPPED", "REFUSED", "FAILED");
        for (JsonNode a : r.path("agents")) {
            JsonNode res = a.path("result");
            t.row(
                    Output.text(a, "agent"),
                    Output.text(a, "state"),
                    res.path("written").size() + (res.path("dryRun").asBoolean(false) ? " (dry run)" : ""),
                    res.path("skipped").size(),
                    res.path("refused").size(),
                    res.path("failed").size());
        }
        t.print(out.out());
        for (JsonNode a : r.path("agents")) {
            JsonNode res = a.path("result");
            String agent = Output.text(a, "agent");
            res.path("written").forEach(w -> out.out().println(Table.clean("written  " + agent + "  " + w.asString())));
            for (String kind : new String[] {"skipped", "refused", "failed"}) {
                res.path(kind)
                        .forEach(e -> out.out()
                                .println(Table.clean(kind + "  " + agent + "  " + Output.text(e, "path") + ": "
                                        + Output.text(e, "reason"))));
            }
        }
        out.out().flush();
    }

    static Map<String, String> parts(JsonNode r) {
        Map<String, String> parts = new LinkedHashMap<>();
        for (JsonNode a : r.path("agents")) {
            JsonNode res = a.path("result");
            String state = Output.text(a, "state");
            parts.put(
                    Output.text(a, "agent"),
                    state
                            + (res.isObject()
                                    ? "  " + res.path("written").size() + " written, "
                                            + res.path("skipped").size() + " skipped, "
                                            + res.path("failed").size() + " failed"
                                    : ""));
        }
        return parts;
    }

    static JobFollower.Progress progress(JsonNode r) {
        long parts = r.path("agents").size();
        long done = 0;
        for (JsonNode a : r.path("agents")) {
            if (JobFollower.ended(Output.text(a, "state"))) {
                done++;
            }
        }
        return new JobFollower.Progress(
                Output.text(r, "state"), !Output.text(r, "finishedAt").isEmpty(), done, parts, "");
    }
}
