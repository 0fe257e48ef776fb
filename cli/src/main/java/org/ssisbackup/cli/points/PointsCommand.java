package org.ssisbackup.cli.points;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.ssisbackup.cli.ApiCommand;
import org.ssisbackup.cli.ExitCode;
import org.ssisbackup.cli.api.ApiClient;
import org.ssisbackup.cli.api.ApiException;
import org.ssisbackup.cli.output.Output;
import org.ssisbackup.cli.output.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/** What can be restored: a host's restore points, one point item by item, and what changed between two. */
@Command(
        name = "points",
        mixinStandardHelpOptions = true,
        description = "Restore points: list a host's, show one, diff two.",
        subcommands = {PointsCommand.ListPoints.class, PointsCommand.Show.class, PointsCommand.Diff.class})
public final class PointsCommand {

    @Command(name = "list", mixinStandardHelpOptions = true, description = "A host's restore points, newest first.")
    static final class ListPoints extends ApiCommand {
        @Option(names = "--host", required = true, paramLabel = "HOST", description = "the host")
        String host;

        @Option(
                names = "--since",
                paramLabel = "WHEN",
                description = "only points since then: a time (2026-12-01T00:00:00Z) or an age (36h, 7d, 30m)")
        String since;

        @Option(names = "--status", paramLabel = "STATUS", description = "only COMPLETE, PARTIAL or FAILED points")
        String status;

        @Option(names = "--limit", paramLabel = "N", description = "at most N (default 20)")
        int limit = 20;

        @Override
        protected ExitCode run(ApiClient client, Output out) {
            if (limit < 1 || limit > 10_000) {
                throw new ApiException("--limit: 1 to 10000", ExitCode.USAGE);
            }
            Instant from = since == null ? null : since(since, root().clock().instant());
            // The catalog pages by cursor; follow it until the limit.
            ArrayNode items = ApiClient.JSON.createArrayNode();
            String cursor = null;
            do {
                JsonNode page = client.get(
                        ApiClient.Service.CATALOG,
                        ApiClient.query(
                                "/api/v1/restore-points",
                                ApiClient.params(
                                        "host", host,
                                        "from", from,
                                        "status", status,
                                        "limit", Math.min(500, limit - items.size()),
                                        "cursor", cursor)));
                page.path("items").forEach(items::add);
                cursor = page.hasNonNull("nextCursor") ? page.get("nextCursor").asString() : null;
            } while (cursor != null && items.size() < limit);
            out.print(items, ps -> {
                Table t = new Table("RESTORE POINT", "STATUS", "CREATED", "ITEMS", "SIZE", "POLICY", "NOTE");
                ps.forEach(p -> t.row(
                        Output.text(p, "id"),
                        Output.text(p, "status"),
                        Output.time(Output.text(p, "createdAt")) + " (" + out.ago(Output.text(p, "createdAt")) + ")",
                        p.path("artifactCount").asLong(),
                        Output.bytes(p.path("totalBytes").asLong()),
                        Output.text(p, "policy"),
                        p.path("damaged").asBoolean(false) ? "DAMAGED" : ""));
                t.print(out.out());
            });
            return ExitCode.SUCCEEDED;
        }
    }

    /** An ISO time, or an age before now such as 30m, 36h, 7d. */
    static Instant since(String value, Instant now) {
        String v = value.trim();
        try {
            if (v.matches("\\d+[smhd]")) {
                long n = Long.parseLong(v.substring(0, v.length() - 1));
                Duration d = switch (v.charAt(v.length() - 1)) {
                    case 's' -> Duration.ofSeconds(n);
                    case 'm' -> Duration.ofMinutes(n);
                    case 'h' -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
                return now.minus(d);
            }
            return Instant.parse(v);
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new ApiException(
                    "--since: a time like 2026-12-01T00:00:00Z or an age like 36h or 7d, not '" + value + "'",
                    ExitCode.USAGE);
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One restore point, item by item.")
    static final class Show extends ApiCommand {
        @Parameters(paramLabel = "ID", description = "the restore point")
        String id;

        @Override
        protected ExitCode run(ApiClient client, Output out) {
            JsonNode p = client.get(ApiClient.Service.CATALOG, "/api/v1/restore-points/" + ApiClient.segment(id));
            out.print(p, n -> {
                out.out()
                        .println("restore point " + Output.text(n, "id") + "  " + Output.text(n, "hostId") + "  "
                                + Output.text(n, "status") + "  " + Output.time(Output.text(n, "createdAt")) + "  "
                                + n.path("artifactCount").asLong() + " items, "
                                + Output.bytes(n.path("totalBytes").asLong()));
                n.path("reasons").forEach(r -> out.out().println(Table.clean("reason  " + r.asString())));
                if (n.hasNonNull("proven")) {
                    out.out()
                            .println("proven  " + Output.time(Output.text(n.get("proven"), "at")) + " by drill "
                                    + Output.text(n.get("proven"), "drillId"));
                }
                if (n.hasNonNull("drillFailure")) {
                    JsonNode f = n.get("drillFailure");
                    out.out()
                            .println("drill failed  " + Output.time(Output.text(f, "at")) + " (drill "
                                    + Output.text(f, "drillId") + ")");
                    f.path("reasons").forEach(r -> out.out().println(Table.clean("  " + r.asString())));
                }
                Table t = new Table("AGENT", "KIND", "PATH", "SIZE", "SHA-256");
                n.path("artifacts")
                        .forEach(a -> t.row(
                                Output.text(a, "agent"),
                                Output.text(a, "kind"),
                                Output.text(a, "logicalPath"),
                                Output.bytes(a.path("size").asLong()),
                                shortHash(Output.text(a, "sha256"))));
                t.print(out.out());
            });
            return ExitCode.SUCCEEDED;
        }
    }

    @Command(
            name = "diff",
            mixinStandardHelpOptions = true,
            description = "What changed from restore point A (older) to B (newer): added, removed, changed items.")
    static final class Diff extends ApiCommand {
        @Parameters(index = "0", paramLabel = "A", description = "the older restore point")
        String from;

        @Parameters(index = "1", paramLabel = "B", description = "the newer restore point")
        String to;

        @Override
        protected ExitCode run(ApiClient client, Output out) {
            JsonNode d = client.get(
                    ApiClient.Service.CATALOG,
                    ApiClient.query("/api/v1/restore-points/diff", ApiClient.params("from", from, "to", to)));
            out.print(d, n -> {
                Table t = new Table("CHANGE", "AGENT", "KIND", "PATH", "SIZE");
                for (String change : new String[] {"added", "removed"}) {
                    n.path(change)
                            .forEach(a -> t.row(
                                    change,
                                    Output.text(a, "agent"),
                                    Output.text(a, "kind"),
                                    Output.text(a, "logicalPath"),
                                    Output.bytes(a.path("size").asLong())));
                }
                n.path("changed")
                        .forEach(c -> t.row(
                                "changed",
                                Output.text(c, "agent"),
                                Output.text(c, "kind"),
                                Output.text(c, "logicalPath"),
                                Output.bytes(c.path("fromSize").asLong()) + " -> "
                                        + Output.bytes(c.path("toSize").asLong())));
                if (!t.isEmpty()) {
                    t.print(out.out());
                }
                out.out()
                        .println(n.path("added").size() + " added, "
                                + n.path("removed").size() + " removed, "
                                + n.path("changed").size() + " changed, "
                                + n.path("unchanged").asLong() + " unchanged");
            });
            return ExitCode.SUCCEEDED;
        }
    }

    /** The first 12 hex digits: enough to tell versions apart in a table; -o json has them whole. */
    static String shortHash(String sha) {
        return sha.length() > 12 ? sha.substring(0, 12) : sha;
    }
}
