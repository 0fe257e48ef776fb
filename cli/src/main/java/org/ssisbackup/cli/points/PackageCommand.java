package org.ssisbackup.cli.points;

import org.ssisbackup.cli.ApiCommand;
import org.ssisbackup.cli.ExitCode;
import org.ssisbackup.cli.api.ApiClient;
import org.ssisbackup.cli.output.Output;
import org.ssisbackup.cli.output.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** One package through time: every stored version of it, across the fleet or on one host. */
@Command(
        name = "package",
        mixinStandardHelpOptions = true,
        description = "Packages across restore points.",
        subcommands = {PackageCommand.History.class})
public final class PackageCommand {

    @Command(
            name = "history",
            mixinStandardHelpOptions = true,
            description = "Every stored version of a package (\\Folder\\Package in msdb, or a file path; any case).")
    static final class History extends ApiCommand {
        @Parameters(paramLabel = "PATH", description = "e.g. '\\ETL\\NightlyLoad' or 'D:\\SSIS\\Load.dtsx'")
        String path;

        @Option(names = "--host", paramLabel = "HOST", description = "only this host")
        String host;

        @Override
        protected ExitCode run(ApiClient client, Output out) {
            JsonNode versions = client.get(
                    ApiClient.Service.CATALOG,
                    ApiClient.query("/api/v1/packages/history", ApiClient.params("path", path, "host", host)));
            out.print(versions, vs -> {
                Table t =
                        new Table("HOST", "PATH", "SHA-256", "SIZE", "FIRST SEEN", "LAST SEEN", "POINTS", "LAST POINT");
                vs.forEach(v -> t.row(
                        Output.text(v, "hostId"),
                        Output.text(v, "logicalPath"),
                        PointsCommand.shortHash(Output.text(v, "sha256")),
                        Output.bytes(v.path("size").asLong()),
                        Output.time(Output.text(v, "firstSeen")),
                        Output.time(Output.text(v, "lastSeen")),
                        v.path("restorePoints").asLong(),
                        Output.text(v, "lastRestorePoint")));
                t.print(out.out());
            });
            return versions.isEmpty() ? ExitCode.NOT_FOUND : ExitCode.SUCCEEDED;
        }
    }
}
