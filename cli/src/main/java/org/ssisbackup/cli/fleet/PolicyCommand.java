package org.ssisbackup.cli.fleet;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ssisbackup.cli.ApiCommand;
import org.ssisbackup.cli.ExitCode;
import org.ssisbackup.cli.api.ApiClient;
import org.ssisbackup.cli.api.ApiException;
import org.ssisbackup.cli.api.SafeYaml;
import org.ssisbackup.cli.output.Output;
import org.ssisbackup.cli.output.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/** Backup policies as files: apply creates or updates them by name, like kubectl apply. */
@Command(
        name = "policy",
        mixinStandardHelpOptions = true,
        description = "Backup policies: apply from a file, list, get, delete.",
        subcommands = {
            PolicyCommand.Apply.class,
            PolicyCommand.ListPolicies.class,
            PolicyCommand.Get.class,
            PolicyCommand.Delete.class
        })
public final class PolicyCommand {
    static final long MAX_FILE_BYTES = 1 << 20;

    @Command(
            name = "apply",
            mixinStandardHelpOptions = true,
            description = "Creates or updates the policies of a YAML or JSON file (one policy, or a list), by name.")
    static final class Apply extends ApiCommand {
        @Option(
                names = {"-f", "--file"},
                required = true,
                paramLabel = "FILE",
                description = "the file ('-': standard input)")
        String file;

        @Override
        protected ExitCode run(ApiClient client, Output out) {
            List<JsonNode> policies = read(file);
            ArrayNode applied = ApiClient.JSON.createArrayNode();
            List<String> lines = new ArrayList<>();
            for (JsonNode p : policies) {
                String name = Output.text(p, "name");
                if (name.isBlank()) {
                    throw new ApiException("every policy in " + file + " needs a name", ExitCode.USAGE);
                }
                String path = "/api/v1/policies/" + ApiClient.segment(name);
                boolean exists;
                try {
                    client.get(ApiClient.Service.ORCHESTRATOR, path);
                    exists = true;
                } catch (ApiException e) {
                    if (e.exitCode() != ExitCode.NOT_FOUND) {
                        throw e;
                    }
                    exists = false;
                }
                JsonNode result = exists
                        ? client.put(ApiClient.Service.ORCHESTRATOR, path, p)
                        : client.post(ApiClient.Service.ORCHESTRATOR, "/api/v1/policies", p);
                applied.add(result);
                lines.add("policy " + name + (exists ? " updated" : " created") + "; next run "
                        + (Output.text(result, "nextRunAt").isEmpty()
                                ? "none (triggered only)"
                                : Output.time(Output.text(result, "nextRunAt"))));
            }
            out.print(applied, a -> lines.forEach(l -> out.out().println(Table.clean(l))));
            return ExitCode.SUCCEEDED;
        }
    }

    /** The policies of a file: one map, or a list of maps (YAML, so JSON too); bounded and without YAML tags. */
    static List<JsonNode> read(String file) {
        Object doc;
        try (InputStream in = "-".equals(file) ? System.in : Files.newInputStream(Path.of(file))) {
            byte[] bytes = in.readNBytes((int) MAX_FILE_BYTES + 1);
            if (bytes.length > MAX_FILE_BYTES) {
                throw new ApiException(file + " is larger than 1 MiB: not a policy file", ExitCode.USAGE);
            }
            doc = SafeYaml.load(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ApiException(file + " cannot be read: " + e.getMessage(), ExitCode.USAGE);
        } catch (org.yaml.snakeyaml.error.YAMLException e) {
            throw new ApiException(file + " is not YAML or JSON: " + e.getMessage(), ExitCode.USAGE);
        }
        List<JsonNode> out = new ArrayList<>();
        if (doc instanceof List<?> list) {
            for (Object o : list) {
                out.add(policy(o, file));
            }
        } else {
            out.add(policy(doc, file));
        }
        return out;
    }

    private static JsonNode policy(Object o, String file) {
        if (!(o instanceof java.util.Map<?, ?>)) {
            throw new ApiException(
                    file + ": a policy is a map of fields (name, selector, schedule, ...)", ExitCode.USAGE);
        }
        // YAML reads times and dates as objects; the API wants the text back.
        return ApiClient.JSON.valueToTree(o);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every policy.")
    static final class ListPolicies extends ApiCommand {
        @Override
        protected ExitCode run(ApiClient client, Output out) {
            JsonNode policies = client.get(ApiClient.Service.ORCHESTRATOR, "/api/v1/policies");
            out.print(policies, ps -> {
                Table t =
                        new Table("NAME", "SELECTOR", "SCOPE", "SCHEDULE", "NEXT RUN", "RETRIES", "DRILLS", "ENABLED");
                ps.forEach(p -> t.row(
                        Output.text(p, "name"),
                        Output.text(p, "selector"),
                        join(p.path("scope")),
                        Output.text(p, "schedule")
                                + (Output.text(p, "timeZone").isEmpty() ? "" : " " + Output.text(p, "timeZone")),
                        Output.time(Output.text(p, "nextRunAt")),
                        p.path("maxRetries").asInt(0),
                        drills(p),
                        p.path("enabled").asBoolean(true) ? "yes" : "no"));
                t.print(out.out());
            });
            return ExitCode.SUCCEEDED;
        }
    }

    static String drills(JsonNode p) {
        List<String> d = new ArrayList<>();
        if (p.hasNonNull("drillEvery")) {
            d.add("every " + p.get("drillEvery").asInt() + " backups");
        }
        if (p.hasNonNull("drillSchedule")) {
            d.add(p.get("drillSchedule").asString());
        }
        return String.join("; ", d);
    }

    static String join(JsonNode array) {
        List<String> s = new ArrayList<>();
        array.forEach(n -> s.add(n.asString()));
        return String.join(",", s);
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "One policy (by name or id).")
    static final class Get extends ApiCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        protected ExitCode run(ApiClient client, Output out) {
            JsonNode p = client.get(ApiClient.Service.ORCHESTRATOR, "/api/v1/policies/" + ApiClient.segment(name));
            // For people too the whole policy: YAML reads best and can be applied again.
            out.print(p, n -> out.out().print(Output.yaml(n)));
            return ExitCode.SUCCEEDED;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Deletes a policy (by name or id).")
    static final class Delete extends ApiCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        protected ExitCode run(ApiClient client, Output out) {
            client.delete(ApiClient.Service.ORCHESTRATOR, "/api/v1/policies/" + ApiClient.segment(name));
            out.out().println("policy " + Table.clean(name) + " deleted");
            out.out().flush();
            return ExitCode.SUCCEEDED;
        }
    }
}
