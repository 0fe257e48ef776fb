package org.ssisbackup.cli;

import java.util.concurrent.Callable;
import org.ssisbackup.cli.api.ApiClient;
import org.ssisbackup.cli.api.ClientConfig;
import org.ssisbackup.cli.output.Output;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/**
 * A command that talks to the fleet's APIs: where (a context of the config file, the environment, or these flags) and
 * how to print (a table, or the API's JSON or YAML). Subclasses do one call (or a few) and say how it went.
 */
public abstract class ApiCommand implements Callable<Integer> {
    @Spec
    protected CommandSpec spec;

    @Option(
            names = "--context",
            paramLabel = "NAME",
            description = "the config file's context (default: its current-context, or $SSIS_BACKUP_CONTEXT)")
    String context;

    @Option(
            names = "--orchestrator",
            paramLabel = "URL",
            description = "the orchestrator's address (overrides the context and $SSIS_BACKUP_ORCHESTRATOR)")
    String orchestrator;

    @Option(
            names = "--catalog",
            paramLabel = "URL",
            description = "the catalog's address (overrides the context and $SSIS_BACKUP_CATALOG)")
    String catalog;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FORMAT",
            description = "table (default), json (the API's answer) or yaml",
            converter = FormatConverter.class)
    Output.Format format = Output.Format.TABLE;

    @Override
    public final Integer call() {
        SsisBackupCli root = (SsisBackupCli) spec.root().userObject();
        ApiClient client = new ApiClient(
                ClientConfig.resolve(root.environment(), new ClientConfig.Overrides(context, orchestrator, catalog)));
        Output out =
                new Output(format, spec.commandLine().getOut(), root.clock().instant());
        return run(client, out).code();
    }

    protected abstract ExitCode run(ApiClient client, Output out);

    /**
     * {@code --wait}: says {@code announce}, follows the job at {@code path} until it ends (see {@link JobFollower}),
     * prints it as {@code show} does, and exits with its outcome. With {@code -o json|yaml} only the end is printed.
     */
    protected ExitCode followToEnd(
            ApiClient client,
            Output out,
            String announce,
            String path,
            java.util.function.Function<JsonNode, java.util.Map<String, String>> parts,
            java.util.function.Function<JsonNode, JobFollower.Progress> progress,
            String again,
            java.util.function.Consumer<JsonNode> show) {
        boolean table = out.format() == Output.Format.TABLE;
        if (table) {
            out.out().println(announce);
        }
        JsonNode done = new JobFollower(
                        client,
                        table ? out.out() : new java.io.PrintWriter(java.io.Writer.nullWriter()),
                        root().terminal(),
                        root().pollInterval())
                .follow(path, parts, progress, again);
        out.print(done, show);
        return ExitCode.ofJobState(Output.text(done, "state"));
    }

    /** {@code get}: one resource of the orchestrator, shown by {@code show} (or as the API's JSON or YAML). */
    protected ExitCode showOne(ApiClient client, Output out, String path, java.util.function.Consumer<JsonNode> show) {
        out.print(client.get(ApiClient.Service.ORCHESTRATOR, path), show);
        return ExitCode.SUCCEEDED;
    }

    /** The root command: its environment, clock and whether output goes to a terminal. */
    protected SsisBackupCli root() {
        return (SsisBackupCli) spec.root().userObject();
    }

    static final class FormatConverter implements picocli.CommandLine.ITypeConverter<Output.Format> {
        @Override
        public Output.Format convert(String value) {
            try {
                return Output.Format.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(
                        "'" + value + "' is not an output format: table, json or yaml");
            }
        }
    }
}
