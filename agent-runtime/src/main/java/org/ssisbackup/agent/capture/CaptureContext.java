package org.ssisbackup.agent.capture;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.ssisbackup.contracts.AgentError;
import org.ssisbackup.contracts.Artifact;
import org.ssisbackup.contracts.ArtifactKind;
import org.ssisbackup.contracts.ConfigReference;
import org.ssisbackup.contracts.JobFileReference;
import org.ssisbackup.storage.repository.Repository;

/**
 * What a capture reports while it works, safe to call from several threads. Stored items are announced in batches
 * of {@link #BATCH_SIZE} as they come (a host of thousands of files sends a few dozen messages, not thousands).
 */
public final class CaptureContext {
    public static final int BATCH_SIZE = 200;

    private final Consumer<List<Artifact>> batchSink;
    private final BiConsumer<List<ConfigReference>, List<JobFileReference>> referenceSink;
    private final List<Artifact> artifacts = new ArrayList<>();
    private final List<AgentError> errors = new ArrayList<>();
    private final List<AgentError> warnings = new ArrayList<>();
    private final List<Artifact> pending = new ArrayList<>();
    private long announced;
    private long bytesScanned;
    private long bytesUploaded;
    private long artifactsUploaded;
    private Repository.Session session;

    public CaptureContext(
            Consumer<List<Artifact>> batchSink,
            BiConsumer<List<ConfigReference>, List<JobFileReference>> referenceSink) {
        this.batchSink = batchSink;
        this.referenceSink = referenceSink;
    }

    void begin(Repository.Session session) {
        this.session = session;
    }

    /** Where this job stores bytes: the scope's repository, for this job. */
    public Repository.Session repository() {
        if (session == null) {
            throw new IllegalStateException("the job has not opened the repository");
        }
        return session;
    }

    /**
     * Stores an item's bytes in the job's repository session and records the item: the usual end of capturing one.
     * An interrupted job is an {@link java.io.InterruptedIOException}.
     */
    public Repository.StoredContent store(
            String logicalPath, ArtifactKind kind, java.io.InputStream bytes, java.util.Map<String, String> metadata)
            throws java.io.IOException {
        Repository.StoredContent content;
        try {
            content = repository().store(bytes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while storing " + logicalPath);
        }
        stored(content.artifact(logicalPath, kind, metadata), content.anythingNew());
        return content;
    }

    public Repository.StoredContent store(
            String logicalPath, ArtifactKind kind, byte[] bytes, java.util.Map<String, String> metadata)
            throws java.io.IOException {
        return store(logicalPath, kind, new java.io.ByteArrayInputStream(bytes), metadata);
    }

    /** Configuration files the host's other agent should capture in the same job. */
    public void configReferencesFound(List<ConfigReference> references) {
        referencesFound(references, List.of());
    }

    /**
     * Configuration files of packages and files that SQL Server Agent jobs run or load, which the host's other agent
     * should capture in the same job. Sent once per job: the other agent waits for it.
     */
    public void referencesFound(List<ConfigReference> references, List<JobFileReference> jobFiles) {
        referenceSink.accept(List.copyOf(references), List.copyOf(jobFiles));
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

    /** Announces what is not announced yet. */
    public synchronized void flush() {
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

    public synchronized List<AgentError> warnings() {
        return List.copyOf(warnings);
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
