package org.ssisbackup.agent.restore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ssisbackup.agent.AgentIdentity;
import org.ssisbackup.agent.AgentRepository;
import org.ssisbackup.agent.capture.BackupRun;
import org.ssisbackup.contracts.AgentError;
import org.ssisbackup.contracts.Artifact;
import org.ssisbackup.contracts.ArtifactKind;
import org.ssisbackup.contracts.DrillReport;
import org.ssisbackup.contracts.JobAccepted;
import org.ssisbackup.contracts.Manifest;
import org.ssisbackup.contracts.MessageMeta;
import org.ssisbackup.contracts.ObjectKeys;
import org.ssisbackup.contracts.Outcome;
import org.ssisbackup.contracts.RestoreCommand;
import org.ssisbackup.contracts.RestoreFinished;
import org.ssisbackup.contracts.VersionedMessage;
import org.ssisbackup.storage.BlobStore;
import org.ssisbackup.storage.repository.PackCache;
import org.ssisbackup.storage.repository.Repository;

/**
 * One agent's part of a restore, the same for every agent kind: say JobAccepted, read the source host's manifest of
 * this agent's kind, hand each {@link RestoreHandler} the selected items of its kinds, report RestoreFinished.
 */
public final class RestoreRun {
    private static final Logger log = LoggerFactory.getLogger(RestoreRun.class);
    /** Where a restore's packs are fetched to (the service account's temporary folder). */
    private static final Path TEMP = Path.of(System.getProperty("java.io.tmpdir"));

    private final AgentIdentity identity;
    private final AgentRepository repository;
    private final BlobStore store;
    private final Consumer<VersionedMessage> publisher;
    private final List<RestoreHandler> handlers;

    public RestoreRun(
            AgentIdentity identity,
            AgentRepository repository,
            BlobStore formatOne,
            Consumer<VersionedMessage> publisher,
            List<RestoreHandler> handlers) {
        this.identity = identity;
        this.repository = repository;
        this.store = formatOne;
        this.publisher = publisher;
        this.handlers = List.copyOf(handlers);
        int swept = PackCache.sweepLeftovers(TEMP);
        if (swept > 0) {
            log.info("removed {} folders of packs left by restores that did not end", swept);
        }
        sweepDrills();
    }

    /** How a restore ended, for the agent's metrics: what it reported and the bytes it really wrote. */
    public record RestoreReport(RestoreFinished finished, long bytesWritten, Duration duration) {}

    /** Runs one restore to its end and reports it; never throws. */
    public RestoreReport run(RestoreCommand asked) {
        Instant started = Instant.now();
        boolean drill = asked.options().drilling();
        Path scratch = null;
        RestoreCommand command = asked;
        DrillChecks checks = new DrillChecks();
        if (drill) {
            try {
                scratch = Files.createTempDirectory(TEMP, DRILL_PREFIX);
            } catch (IOException e) {
                RestoreFinished failed = failed(asked, "no scratch folder for the drill: " + e.getMessage());
                report(failed);
                return new RestoreReport(failed, 0, Duration.between(started, Instant.now()));
            }
            // A drill's scratch places, never production ones: a folder of its own and an msdb folder of its own.
            command = new RestoreCommand(
                    asked.meta(),
                    asked.agent(),
                    asked.sourceHostId(),
                    asked.restorePointId(),
                    asked.options().scratch(scratch.toString(), "\\__drill\\" + asked.restorePointId()),
                    asked.manifestFormat());
        }
        UUID jobId = command.meta().jobId();
        RestoreContext ctx = null;
        PackCache packs = null;
        log.info("{} restore {} of point {}: started", identity.kind(), jobId, command.restorePointId());
        try {
            publisher.accept(new JobAccepted(
                    MessageMeta.create(jobId, identity.hostId()),
                    identity.kind(),
                    identity.version(),
                    JobAccepted.JobType.RESTORE));
            Repository scope = repository.get();
            Manifest manifest = manifest(scope, command);
            ctx = new RestoreContext(command, manifest, Contents.of(scope, store));
            packs = fetchPacks(scope, manifest, ctx);
            if (packs != null) {
                log.info("{} restore {}: packs fetched", identity.kind(), jobId);
                ctx = new RestoreContext(command, manifest, Contents.of(scope, store, packs));
            }
            Set<ArtifactKind> handled = EnumSet.noneOf(ArtifactKind.class);
            for (RestoreHandler handler : handlers) {
                handled.addAll(handler.kinds());
                RestoreContext c = ctx;
                List<Artifact> items = manifest.artifacts().stream()
                        .filter(a -> handler.kinds().contains(a.kind()) && c.selects(a))
                        .toList();
                if (!items.isEmpty()) {
                    try {
                        if (drill) {
                            handler.drill(items, ctx, checks);
                        } else {
                            handler.restore(items, ctx);
                        }
                    } catch (Exception e) {
                        // What the handler wrote before it stopped stays written and reported.
                        log.warn("{} restore {} stopped: {}", identity.kind(), jobId, e.toString());
                        ctx.failed("(restore)", BackupRun.reason(e));
                    }
                }
            }
            for (Artifact a : manifest.artifacts()) {
                if (!handled.contains(a.kind()) && ctx.selects(a)) {
                    ctx.skipped(
                            a.logicalPath(),
                            "this " + identity.label() + " agent does not restore " + a.kind() + " items");
                }
            }
        } catch (Exception e) {
            log.warn("{} restore {} failed: {}", identity.kind(), jobId, e.toString());
            if (ctx == null) {
                RestoreFinished failed = failed(command, BackupRun.reason(e));
                report(failed);
                if (packs != null) {
                    packs.close();
                }
                delete(scratch);
                return new RestoreReport(failed, 0, Duration.between(started, Instant.now()));
            }
            ctx.failed("(restore)", BackupRun.reason(e));
        }
        if (packs != null) {
            packs.close();
        }
        DrillReport drillReport = null;
        Outcome outcome = ctx.outcome();
        if (drill) {
            if (!delete(scratch)) {
                checks.notCleaned("the scratch folder " + scratch + " could not be removed");
            }
            if (checks.notCleaned() != null) {
                ctx.failed("(drill)", "not cleaned up: " + checks.notCleaned());
                outcome = ctx.outcome();
            }
            // A drill that could not check every item did not prove the point.
            if (outcome == Outcome.SUCCEEDED && !ctx.skippedItems().isEmpty()) {
                outcome = Outcome.PARTIALLY_FAILED;
            }
            drillReport = new DrillReport(
                    asked.options().drill(),
                    checks.itemsChecked(),
                    checks.documentsParsed(),
                    checks.referencesChecked(),
                    checks.notCleaned() == null,
                    scratch.toString());
        }
        RestoreFinished finished = new RestoreFinished(
                MessageMeta.create(jobId, identity.hostId()),
                identity.kind(),
                command.restorePointId(),
                outcome,
                ctx.dryRun(),
                drill ? List.of() : ctx.written(),
                ctx.skippedItems(),
                ctx.refusedItems(),
                ctx.failedItems(),
                drillReport);
        report(finished);
        log.info(
                "{} restore {}: {} ({} written, {} failed)",
                identity.kind(),
                jobId,
                finished.outcome(),
                finished.written().size(),
                finished.failed().size());
        return new RestoreReport(finished, ctx.bytesWritten(), Duration.between(started, Instant.now()));
    }

    private static final String DRILL_PREFIX = ".ssis-drill-";

    /** Deletes a drill's scratch folder and everything in it; false when something stays. */
    static boolean delete(Path scratch) {
        if (scratch == null || !Files.exists(scratch)) {
            return true;
        }
        try (java.util.stream.Stream<Path> all = Files.walk(scratch)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            log.warn("drill scratch folder {} not removed: {}", scratch, e.toString());
        }
        return !Files.exists(scratch);
    }

    /** Scratch folders of drills that a stop interrupted are removed at the next start. */
    private static void sweepDrills() {
        try (java.util.stream.Stream<Path> left = Files.list(TEMP)) {
            left.filter(p -> p.getFileName().toString().startsWith(DRILL_PREFIX))
                    .forEach(p -> {
                        if (delete(p)) {
                            log.info("removed the scratch folder {} of a drill that did not end", p);
                        }
                    });
        } catch (IOException e) {
            log.warn("cannot list {} for drills' leftovers: {}", TEMP, e.toString());
        }
    }

    /**
     * The packs the selected items' chunks are in, fetched whole before the handlers run (null for a dry run or
     * nothing of format 2 to write).
     */
    private PackCache fetchPacks(Repository scope, Manifest manifest, RestoreContext ctx)
            throws IOException, InterruptedException {
        if (ctx.dryRun()) {
            return null;
        }
        List<org.ssisbackup.contracts.ChunkRef> chunks = manifest.artifacts().stream()
                .filter(a -> a.chunked() && ctx.selects(a))
                .flatMap(a -> a.chunks().stream())
                .toList();
        return chunks.isEmpty() ? null : PackCache.fetch(store.objects(), scope.scope(), chunks, TEMP);
    }

    /**
     * The source host's manifest of this agent's kind: format 2 (encrypted; another scope's is refused for want of its
     * key, which an admin grants) or, only where the catalog recorded a format 1 manifest for the point (written before
     * the upgrade), format 1: a plaintext manifest put in the bucket in place of an encrypted one is never read.
     */
    private Manifest manifest(Repository scope, RestoreCommand command) {
        // A cross-store copy reads the other agent's manifest of the point (its msdb or its file-system packages).
        org.ssisbackup.contracts.AgentKind kind = command.options()
                .copyTarget()
                .map(org.ssisbackup.contracts.RestoreOptions.CopyTarget::source)
                .orElse(identity.kind());
        String encrypted = ObjectKeys.encryptedManifest(command.sourceHostId(), command.restorePointId(), kind);
        if (store.exists(encrypted)) {
            try {
                return scope.readManifest(encrypted);
            } catch (org.ssisbackup.storage.crypto.MissingKeyException e) {
                throw new org.ssisbackup.storage.crypto.MissingKeyException(
                        e.getMessage() + ": the point was written in"
                                + " another key scope than this host's (" + repository.scope()
                                + "); an admin gives this host that scope's key with 'ssis-backup keys add --scope"
                                + " <scope> --new-key-file <this host's key file>'");
            }
        }
        if (command.manifestFormat() != 1) {
            throw new org.ssisbackup.storage.crypto.TamperedObjectException(encrypted
                    + ": the encrypted manifest of this restore point is not in the bucket (a plaintext manifest is"
                    + " read only for points the catalog recorded as format 1)");
        }
        return store.readManifest(ObjectKeys.manifest(command.sourceHostId(), command.restorePointId(), kind));
    }

    /**
     * Reports a restore this agent took but cannot finish (it was interrupted by a restart) as FAILED, after each
     * handler has removed what it may have left half done.
     */
    public boolean abandoned(RestoreCommand command, String reason) {
        for (RestoreHandler h : handlers) {
            try {
                h.interrupted(command);
            } catch (RuntimeException e) {
                log.warn(
                        "{} restore {}: cleaning up after it: {}",
                        identity.kind(),
                        command.meta().jobId(),
                        e.toString());
            }
        }
        return report(failed(command, reason));
    }

    /** The end of a restore that wrote nothing: FAILED, with the one reason. */
    private RestoreFinished failed(RestoreCommand command, String reason) {
        return new RestoreFinished(
                MessageMeta.create(command.meta().jobId(), identity.hostId()),
                identity.kind(),
                command.restorePointId(),
                Outcome.FAILED,
                command.options().isDryRun(),
                List.of(),
                List.of(),
                List.of(),
                List.of(new AgentError("(restore)", reason)));
    }

    private boolean report(RestoreFinished finished) {
        try {
            publisher.accept(finished);
            return true;
        } catch (RuntimeException e) {
            log.error(
                    "{} restore {}: cannot report its end: {}",
                    identity.kind(),
                    finished.meta().jobId(),
                    e.toString());
            return false;
        }
    }
}
