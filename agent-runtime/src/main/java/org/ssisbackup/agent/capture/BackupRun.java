package org.ssisbackup.agent.capture;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ssisbackup.agent.AgentIdentity;
import org.ssisbackup.agent.AgentRepository;
import org.ssisbackup.contracts.AgentError;
import org.ssisbackup.contracts.AgentJobFinished;
import org.ssisbackup.contracts.ArtifactsStored;
import org.ssisbackup.contracts.BackupCommand;
import org.ssisbackup.contracts.ConfigReferencesFound;
import org.ssisbackup.contracts.JobAccepted;
import org.ssisbackup.contracts.Manifest;
import org.ssisbackup.contracts.MessageMeta;
import org.ssisbackup.contracts.Outcome;
import org.ssisbackup.contracts.VersionedMessage;
import org.ssisbackup.storage.repository.Repository;

/**
 * One agent's part of a backup job, the same for every agent kind: say JobAccepted, run the capture, announce
 * artifacts in batches as they are stored, write the manifest, say AgentJobFinished with the outcome and the reasons.
 */
public final class BackupRun {
    private static final Logger log = LoggerFactory.getLogger(BackupRun.class);

    private final AgentIdentity identity;
    private final AgentRepository store;
    private final Consumer<VersionedMessage> publisher;
    private final Capture capture;

    public BackupRun(
            AgentIdentity identity, AgentRepository store, Consumer<VersionedMessage> publisher, Capture capture) {
        this.identity = identity;
        this.store = store;
        this.publisher = publisher;
        this.capture = capture;
    }

    /**
     * Reports a job this agent took but cannot finish (it was interrupted by a restart) as FAILED, with the reason;
     * false when the report could not be sent.
     */
    public boolean abandoned(BackupCommand command, String reason) {
        try {
            publisher.accept(new AgentJobFinished(
                    MessageMeta.create(command.meta().jobId(), identity.hostId()),
                    identity.kind(),
                    command.restorePointId(),
                    command.agents(),
                    Outcome.FAILED,
                    0,
                    0,
                    0,
                    null,
                    List.of(new AgentError("(job)", reason)),
                    List.of(),
                    command.policy(),
                    List.of()));
            return true;
        } catch (RuntimeException e) {
            log.error(
                    "{} job {}: cannot report it: {}",
                    identity.kind(),
                    command.meta().jobId(),
                    e.toString());
            return false;
        }
    }

    /** Runs one job to its end and reports it; never throws. */
    public BackupReport run(BackupCommand command) {
        Instant started = Instant.now();
        UUID jobId = command.meta().jobId();
        String hostId = identity.hostId();
        CaptureContext ctx = new CaptureContext(
                // Events carry items without their chunk lists (a big file's would not fit a message); the manifest has
                // them.
                batch -> publisher.accept(new ArtifactsStored(
                        MessageMeta.create(jobId, hostId),
                        identity.kind(),
                        command.restorePointId(),
                        batch.stream()
                                .map(org.ssisbackup.contracts.Artifact::withoutChunks)
                                .toList())),
                (refs, jobFiles) -> publisher.accept(new ConfigReferencesFound(
                        MessageMeta.create(jobId, hostId), identity.kind(), command.restorePointId(), refs, jobFiles)));
        String manifestKey = null;
        Outcome outcome;
        Repository.Stats stats = null;
        log.info("{} job {} on {}: started", identity.kind(), jobId, hostId);
        try {
            publisher.accept(new JobAccepted(
                    MessageMeta.create(jobId, hostId),
                    identity.kind(),
                    identity.version(),
                    JobAccepted.JobType.BACKUP));
            Repository.Session session = store.get().session();
            ctx.begin(session);
            capture.capture(command, ctx);
            // Every pack and the job's index are in the bucket before any manifest or end claims what they hold.
            stats = session.finish();
            ctx.flush();
            outcome = Outcome.of(!ctx.errors().isEmpty(), !ctx.artifacts().isEmpty());
            manifestKey = session.writeManifest(new Manifest(
                    MessageMeta.CURRENT_SCHEMA_VERSION,
                    hostId,
                    jobId,
                    command.restorePointId(),
                    identity.kind(),
                    outcome,
                    Instant.now(),
                    ctx.artifacts(),
                    ctx.errors(),
                    ctx.warnings(),
                    command.agents(),
                    command.policy(),
                    store.scope()));
        } catch (Exception e) {
            // Whatever stopped the job (S3 or msdb unreachable, Kafka refusing a batch) ends it as FAILED with the
            // reason; artifacts announced before the failure stay recorded but the point cannot be COMPLETE.
            log.warn("{} job {} failed: {}", identity.kind(), jobId, e.toString());
            ctx.failed("(job)", reason(e));
            outcome = Outcome.FAILED;
        }
        AgentJobFinished finished = new AgentJobFinished(
                MessageMeta.create(jobId, hostId),
                identity.kind(),
                command.restorePointId(),
                command.agents(),
                outcome,
                ctx.announced(),
                ctx.bytesScanned(),
                stats == null ? 0 : stats.bytesUploaded(),
                manifestKey,
                ctx.errors(),
                ctx.warnings(),
                command.policy(),
                stats == null ? List.of() : stats.packsWritten());
        try {
            publisher.accept(finished);
        } catch (RuntimeException e) {
            log.error("{} job {}: cannot report the end of the job: {}", identity.kind(), jobId, e.toString());
        }
        BackupReport report = new BackupReport(
                jobId,
                hostId,
                identity.kind(),
                outcome,
                ctx.artifacts().size(),
                ctx.bytesScanned(),
                stats == null ? 0 : stats.bytesUploaded(),
                ctx.artifactsUploaded(),
                ctx.errors(),
                Duration.between(started, Instant.now()),
                stats);
        log.info(
                "{} job {} on {}: {} ({} artifacts, {} bytes uploaded, {} errors)",
                identity.kind(),
                jobId,
                hostId,
                outcome,
                report.artifacts(),
                report.bytesUploaded(),
                report.errors().size());
        return report;
    }

    /** A failure as an admin reads it: its type and message (which never hold secrets or contents). */
    public static String reason(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
