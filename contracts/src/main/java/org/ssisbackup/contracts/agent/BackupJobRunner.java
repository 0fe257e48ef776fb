package org.ssisbackup.contracts.agent;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ssisbackup.contracts.AgentCommand;
import org.ssisbackup.contracts.AgentError;
import org.ssisbackup.contracts.AgentJobFinished;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.Artifact;
import org.ssisbackup.contracts.ArtifactsStored;
import org.ssisbackup.contracts.BackupCommand;
import org.ssisbackup.contracts.ConfigReference;
import org.ssisbackup.contracts.ConfigReferencesFound;
import org.ssisbackup.contracts.JobAccepted;
import org.ssisbackup.contracts.Manifest;
import org.ssisbackup.contracts.MessageCodec;
import org.ssisbackup.contracts.MessageMeta;
import org.ssisbackup.contracts.Outcome;
import org.ssisbackup.contracts.RestoreCommand;
import org.ssisbackup.contracts.RestoreFinished;
import org.ssisbackup.contracts.VersionedMessage;
import org.ssisbackup.contracts.store.BlobStore;

/**
 * The life of one agent's part of a backup job, the same for every agent kind: take the command (only this
 * host's, only this agent kind's, each job once), say JobAccepted, run the capture, announce artifacts in
 * batches as they are stored, write the manifest, say AgentJobFinished with the outcome and the reasons.
 * Jobs run one at a time off the consumer thread, so a long capture never stalls the Kafka consumer.
 */
public final class BackupJobRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BackupJobRunner.class);
    static final int BATCH_SIZE = 200;
    private static final int REMEMBERED_JOBS = 10_000;

    /** What an agent kind does inside a job. Per-item problems go to {@link CaptureContext#failed}. */
    @FunctionalInterface
    public interface Capture {
        void capture(BackupCommand command, CaptureContext context) throws Exception;
    }

    /** What an agent kind does for a restore; it reports every item, and never throws for one item's problem. */
    @FunctionalInterface
    public interface Restore {
        RestoreFinished restore(RestoreCommand command) throws Exception;
    }

    /** Told how each job ended: the agent's metrics, in one place for every agent kind. */
    @FunctionalInterface
    public interface JobListener {
        void backupFinished(JobReport report);

        default void restoreFinished(RestoreFinished finished, Duration took) {
        }
    }

    /** How a job ended, for the agent's metrics. */
    public record JobReport(UUID jobId, String hostId, AgentKind agent, Outcome outcome, int artifacts,
                            long bytesScanned, long bytesUploaded, long artifactsUploaded, List<AgentError> errors,
                            Duration duration) {
    }

    private final AgentKind kind;
    private final String hostId;
    private final String version;
    private final BlobStore store;
    private final Consumer<VersionedMessage> publisher;
    private final Capture capture;
    private final JobListener onFinished;
    private final Restore restore;
    private final Map<UUID, Boolean> seenJobs = Collections.synchronizedMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, Boolean> eldest) {
            return size() > REMEMBERED_JOBS;
        }
    });
    private final ExecutorService jobs;
    private volatile JobReport lastReport;

    public BackupJobRunner(AgentKind kind, String hostId, String version, BlobStore store,
                           Consumer<VersionedMessage> publisher, Capture capture, JobListener onFinished) {
        this(kind, hostId, version, store, publisher, capture, onFinished, null);
    }

    /** @param restore null for an agent kind that cannot restore yet: its restore commands end FAILED, saying so */
    public BackupJobRunner(AgentKind kind, String hostId, String version, BlobStore store,
                           Consumer<VersionedMessage> publisher, Capture capture, JobListener onFinished,
                           Restore restore) {
        this.restore = restore;
        this.kind = kind;
        this.hostId = hostId;
        this.version = version;
        this.store = store;
        this.publisher = publisher;
        this.capture = capture;
        this.onFinished = onFinished;
        this.jobs = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, kind.name().toLowerCase() + "-agent-job");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Handles one record from the commands topic. Throws {@link org.ssisbackup.contracts.MalformedMessageException}
     * for a record that can never be handled (the binder dead-letters it); ignores other hosts' and agents' commands.
     * @return whether a job was queued
     */
    public boolean onCommand(byte[] body) {
        AgentCommand command = MessageCodec.decodeCommand(body);
        if (!hostId.equals(command.meta().hostId())) {
            return false;
        }
        if (command instanceof BackupCommand backup && backup.agent() == kind) {
            return queueOnce(backup.meta().jobId(), () -> run(backup));
        }
        if (command instanceof RestoreCommand restoreCommand && restoreCommand.agent() == kind) {
            return queueOnce(restoreCommand.meta().jobId(), () -> runRestore(restoreCommand));
        }
        return false;
    }

    /** At-least-once delivery: a redelivered command of a job already taken is ignored. */
    private boolean queueOnce(UUID jobId, Runnable job) {
        if (seenJobs.putIfAbsent(jobId, Boolean.TRUE) != null) {
            log.info("job {} already taken; ignoring the redelivered command", jobId);
            return false;
        }
        jobs.execute(job);
        return true;
    }

    /** Runs one restore to its end and reports it; never throws. */
    public RestoreFinished runRestore(RestoreCommand command) {
        Instant started = Instant.now();
        UUID jobId = command.meta().jobId();
        RestoreFinished finished;
        try {
            publisher.accept(new JobAccepted(MessageMeta.create(jobId, hostId), kind, version));
            if (restore == null) {
                throw new UnsupportedOperationException("this " + kind + " agent cannot restore yet");
            }
            finished = restore.restore(command);
        } catch (Exception e) {
            log.warn("{} restore {} failed: {}", kind, jobId, e.toString());
            finished = new RestoreFinished(MessageMeta.create(jobId, hostId), kind, command.restorePointId(), Outcome.FAILED,
                    command.dryRun(), List.of(), List.of(), List.of(), List.of(new AgentError("(restore)", reason(e))));
        }
        try {
            publisher.accept(finished);
        } catch (RuntimeException e) {
            log.error("{} restore {}: cannot report its end: {}", kind, jobId, e.toString());
        }
        onFinished.restoreFinished(finished, Duration.between(started, Instant.now()));
        return finished;
    }

    /** Runs one job to its end; never throws. Visible for tests that drive the runner synchronously. */
    public JobReport run(BackupCommand command) {
        Instant started = Instant.now();
        UUID jobId = command.meta().jobId();
        CaptureContext ctx = new CaptureContext(batch -> publisher.accept(
                new ArtifactsStored(MessageMeta.create(jobId, hostId), kind, command.restorePointId(), batch)),
                refs -> publisher.accept(new ConfigReferencesFound(MessageMeta.create(jobId, hostId), kind,
                        command.restorePointId(), refs)));
        String manifestKey = null;
        Outcome outcome;
        try {
            publisher.accept(new JobAccepted(MessageMeta.create(jobId, hostId), kind, version));
            capture.capture(command, ctx);
            ctx.flush();
            outcome = Outcome.of(!ctx.errors().isEmpty(), !ctx.artifacts().isEmpty());
            manifestKey = store.putManifest(new Manifest(MessageMeta.CURRENT_SCHEMA_VERSION, hostId, jobId,
                    command.restorePointId(), kind, outcome, Instant.now(), ctx.artifacts(), ctx.errors(), ctx.warnings(), command.agents(),
                    command.policy()));
        } catch (Exception e) {
            // Whatever stopped the job (S3 or msdb unreachable, Kafka refusing a batch) ends it as FAILED with the
            // reason; artifacts announced before the failure stay recorded but the point cannot be COMPLETE.
            log.warn("{} job {} failed: {}", kind, jobId, e.toString());
            ctx.failed("(job)", reason(e));
            outcome = Outcome.FAILED;
        }
        AgentJobFinished finished = new AgentJobFinished(MessageMeta.create(jobId, hostId), kind, command.restorePointId(),
                command.agents(), outcome, ctx.announced(), ctx.bytesScanned(), ctx.bytesUploaded(), manifestKey, ctx.errors(),
                ctx.warnings(), command.policy());
        try {
            publisher.accept(finished);
        } catch (RuntimeException e) {
            log.error("{} job {}: cannot report the end of the job: {}", kind, jobId, e.toString());
        }
        JobReport report = new JobReport(jobId, hostId, kind, outcome, ctx.artifacts().size(), ctx.bytesScanned(),
                ctx.bytesUploaded(), ctx.artifactsUploaded(), ctx.errors(), Duration.between(started, Instant.now()));
        lastReport = report;
        onFinished.backupFinished(report);
        log.info("{} job {} on {}: {} ({} artifacts, {} bytes uploaded, {} errors)", kind, jobId, hostId, outcome,
                report.artifacts(), report.bytesUploaded(), report.errors().size());
        return report;
    }

    /** The last backup job this runner finished, or null: heartbeats report it. */
    public JobReport lastReport() {
        return lastReport;
    }

    static String reason(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    @Override
    public void close() throws InterruptedException {
        jobs.shutdownNow();
        jobs.awaitTermination(10, TimeUnit.SECONDS);
    }

    /** What the capture reports while it works. */
    public static final class CaptureContext {
        private final Consumer<List<Artifact>> batchSink;
        private final Consumer<List<ConfigReference>> referenceSink;
        private final List<Artifact> artifacts = new ArrayList<>();
        private final List<AgentError> errors = new ArrayList<>();
        private final List<AgentError> warnings = new ArrayList<>();
        private final List<Artifact> pending = new ArrayList<>();
        private long announced;
        private long bytesScanned;
        private long bytesUploaded;
        private long artifactsUploaded;

        CaptureContext(Consumer<List<Artifact>> batchSink, Consumer<List<ConfigReference>> referenceSink) {
            this.batchSink = batchSink;
            this.referenceSink = referenceSink;
        }

        /** Configuration files the host's other agent should capture in the same job. */
        public void configReferencesFound(List<ConfigReference> references) {
            referenceSink.accept(List.copyOf(references));
        }

        /** An item whose bytes are in the bucket. */
        public synchronized void stored(Artifact artifact, boolean uploadedNow) {
            artifacts.add(artifact);
            pending.add(artifact);
            bytesScanned += artifact.size();
            if (uploadedNow) {
                bytesUploaded += artifact.size();
                artifactsUploaded++;
            }
            if (pending.size() >= BATCH_SIZE) {
                flush();
            }
        }

        /** An item that could not be captured, with a reason fit for an admin (no secrets, no contents). */
        public synchronized void failed(String path, String reason) {
            errors.add(new AgentError(path, reason));
        }

        /** Something an admin should know that does not make the capture fail. */
        public synchronized void warn(String path, String reason) {
            warnings.add(new AgentError(path, reason));
        }

        public synchronized List<AgentError> warnings() {
            return List.copyOf(warnings);
        }

        synchronized void flush() {
            if (!pending.isEmpty()) {
                batchSink.accept(List.copyOf(pending));
                announced += pending.size();
                pending.clear();
            }
        }

        public synchronized List<Artifact> artifacts() {
            return List.copyOf(artifacts);
        }

        public synchronized List<AgentError> errors() {
            return List.copyOf(errors);
        }

        synchronized long announced() {
            return announced;
        }

        synchronized long bytesScanned() {
            return bytesScanned;
        }

        synchronized long bytesUploaded() {
            return bytesUploaded;
        }

        synchronized long artifactsUploaded() {
            return artifactsUploaded;
        }
    }
}
