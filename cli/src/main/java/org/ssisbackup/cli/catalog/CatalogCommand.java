package org.ssisbackup.cli.catalog;

import org.ssisbackup.cli.ApiCommand;
import org.ssisbackup.cli.ExitCode;
import org.ssisbackup.cli.api.ApiClient;
import org.ssisbackup.cli.api.ApiException;
import org.ssisbackup.cli.output.Output;
import org.ssisbackup.cli.output.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/** The catalog's maintenance (its admin key): verification, retention, rebuild from the bucket. */
@Command(
        name = "catalog",
        mixinStandardHelpOptions = true,
        description = "Catalog maintenance (the catalog's admin key): verify, retention, rebuild.",
        subcommands = {CatalogCommand.Verify.class, CatalogCommand.Retention.class, CatalogCommand.Rebuild.class})
public final class CatalogCommand {

    @Command(
            name = "verify",
            mixinStandardHelpOptions = true,
            description =
                    "Re-reads a share of the stored blobs and checks them (exit 1 when one is missing or corrupt).")
    static final class Verify extends ApiCommand {
        @Option(names = "--share", paramLabel = "FRACTION", description = "0 < share <= 1 (default: the catalog's)")
        Double share;

        @Override
        protected ExitCode run(ApiClient client, Output out) {
            if (share != null && (share <= 0 || share > 1)) {
                throw new ApiException("--share: more than 0, at most 1", ExitCode.USAGE);
            }
            JsonNode r = client.post(
                    ApiClient.Service.CATALOG_ADMIN,
                    ApiClient.query("/api/v1/admin/verification", ApiClient.params("share", share)),
                    null);
            out.print(r, n -> {
                out.out()
                        .println(n.path("blobsChecked").asLong() + " of "
                                + n.path("blobsStored").asLong()
                                + " blobs checked, "
                                + Output.bytes(n.path("bytesRead").asLong()) + " read; "
                                + n.path("problems").size() + " problem(s); "
                                + n.path("restorePointsMarked").asLong()
                                + " restore point(s) marked damaged");
                n.path("problems").forEach(p -> out.out().println(Table.clean("problem  " + p.toString())));
            });
            return r.path("problems").isEmpty() ? ExitCode.SUCCEEDED : ExitCode.FAILED;
        }
    }

    @Command(
            name = "retention",
            mixinStandardHelpOptions = true,
            description = "One retention pass now: expires restore points the policies no longer keep, deletes blobs"
                    + " nothing references (after their grace period).")
    static final class Retention extends ApiCommand {
        @Option(names = "--dry-run", description = "list what would go; change nothing")
        boolean dryRun;

        @Override
        protected ExitCode run(ApiClient client, Output out) {
            JsonNode r = client.post(
                    ApiClient.Service.CATALOG_ADMIN,
                    ApiClient.query("/api/v1/admin/retention", ApiClient.params("dryRun", dryRun)),
                    null);
            out.print(r, n -> {
                out.out()
                        .println((n.path("dryRun").asBoolean() ? "dry run: " : "")
                                + n.path("pointsExamined").asLong()
                                + " restore points examined, "
                                + n.path("pointsExpired").asLong() + " expired; "
                                + n.path("blobsDeleted").asLong() + " blobs ("
                                + Output.bytes(n.path("bytesDeleted").asLong())
                                + ") deleted, " + n.path("blobsHeld").asLong() + " held");
                Table t = new Table("EXPIRED POINT", "HOST", "CREATED");
                n.path("expired")
                        .forEach(p -> t.row(
                                Output.text(p, "id").isEmpty()
                                        ? Output.text(p, "restorePointId")
                                        : Output.text(p, "id"),
                                Output.text(p, "hostId"),
                                Output.time(Output.text(p, "createdAt"))));
                if (!t.isEmpty()) {
                    t.print(out.out());
                }
            });
            return ExitCode.SUCCEEDED;
        }
    }

    @Command(
            name = "rebuild",
            mixinStandardHelpOptions = true,
            description = "Rebuilds the catalog from the bucket's manifests (after losing its database).")
    static final class Rebuild extends ApiCommand {
        @Override
        protected ExitCode run(ApiClient client, Output out) {
            JsonNode r = client.post(ApiClient.Service.CATALOG_ADMIN, "/api/v1/admin/rebuild", null);
            out.print(r, n -> {
                out.out()
                        .println(n.path("manifestsRead").asLong() + " manifests read; "
                                + n.path("restorePointsAdded").size() + " restore points added, "
                                + n.path("restorePointsAlreadyKnown").asLong() + " already known, "
                                + n.path("unreadable").size() + " unreadable");
                n.path("unreadable").forEach(u -> out.out().println(Table.clean("unreadable  " + u.toString())));
            });
            return r.path("unreadable").isEmpty() ? ExitCode.SUCCEEDED : ExitCode.PARTIALLY_FAILED;
        }
    }
}
