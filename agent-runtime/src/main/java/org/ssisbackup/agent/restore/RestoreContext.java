package org.ssisbackup.agent.restore;

import java.util.ArrayList;
import java.util.List;
import org.ssisbackup.contracts.AgentError;
import org.ssisbackup.contracts.Artifact;
import org.ssisbackup.contracts.LogicalPathGlob;
import org.ssisbackup.contracts.Manifest;
import org.ssisbackup.contracts.Outcome;
import org.ssisbackup.contracts.RestoreCommand;
import org.ssisbackup.contracts.RestoreOptions;

/**
 * One restore as its handlers see it: the options, the whole manifest (for context, such as the msdb folders above a
 * package), which items are selected, the overwrite decision, and what happened to each item: written (or, in a dry
 * run, would be), skipped (exists and the overwrite policy keeps it), refused (a destination that may not be written),
 * failed (with the reason). Safe to use from several threads.
 */
public final class RestoreContext {
    private final RestoreCommand command;
    private final Manifest manifest;
    private final Contents contents;
    private final List<LogicalPathGlob> include;
    private final List<String> written = new ArrayList<>();
    private final List<AgentError> skipped = new ArrayList<>();
    private final List<AgentError> refused = new ArrayList<>();
    private final List<AgentError> failed = new ArrayList<>();
    private long bytesWritten;

    public RestoreContext(RestoreCommand command, Manifest manifest, Contents contents) {
        this.command = command;
        this.manifest = manifest;
        this.contents = contents;
        this.include = command.options().includeGlobs();
    }

    public RestoreOptions options() {
        return command.options();
    }

    public RestoreCommand command() {
        return command;
    }

    public boolean dryRun() {
        return command.options().isDryRun();
    }

    /** Every item of the restore point's manifest, selected or not. */
    public Manifest manifest() {
        return manifest;
    }

    /**
     * Writes an item's bytes to a temporary file, checked against its SHA-256 (whatever the point's format); a
     * mismatch throws and the file must not be used.
     */
    public void download(Artifact item, java.nio.file.Path target) throws java.io.IOException {
        contents.download(item, target);
    }

    /** Whether an item is in the restore's scope and matches its globs (every item when there are none). */
    public boolean selects(Artifact a) {
        return command.options().covers(a.kind()) && selectsPath(a.logicalPath());
    }

    /** Whether a logical path matches the restore's globs (every path when there are none). */
    public boolean selectsPath(String logicalPath) {
        return include.isEmpty() || include.stream().anyMatch(g -> g.matches(logicalPath));
    }

    /** The hash of what is at a destination now; computed only when the decision needs it. */
    @FunctionalInterface
    public interface CurrentSha256<E extends Exception> {
        /** Returns the lower-case hex SHA-256 of what is there, or null when it cannot be compared (not a regular file). */
        String get() throws E;
    }

    /**
     * The overwrite decision, one place for every agent: whether an item may be written over what is at its
     * destination. When it may not, the skip is recorded with the reason.
     */
    public <E extends Exception> boolean mayWrite(
            String destination, boolean exists, CurrentSha256<E> current, String sha256) throws E {
        if (!exists) {
            return true;
        }
        switch (command.options().overwrite()) {
            case NEVER -> {
                skipped(destination, "exists; overwrite is NEVER");
                return false;
            }
            case IF_CHANGED -> {
                if (sha256.equals(current.get())) {
                    skipped(destination, "unchanged");
                    return false;
                }
                return true;
            }
            default -> {
                return true;
            }
        }
    }

    /** Written (in a dry run: would be written); {@code bytes} counts what really went to disk or server. */
    public synchronized void written(String destination, long bytes) {
        written.add(destination);
        bytesWritten += dryRun() ? 0 : bytes;
    }

    public synchronized void skipped(String destination, String reason) {
        skipped.add(new AgentError(destination, reason));
    }

    public synchronized void refused(String path, String reason) {
        refused.add(new AgentError(path, reason));
    }

    public synchronized void failed(String path, String reason) {
        failed.add(new AgentError(path, reason));
    }

    /** Failures or refusals beside something written are a partial failure; nothing written with them a failure. */
    public synchronized Outcome outcome() {
        return Outcome.of(!failed.isEmpty() || !refused.isEmpty(), !written.isEmpty());
    }

    public synchronized long bytesWritten() {
        return bytesWritten;
    }

    synchronized List<String> written() {
        List<String> sorted = new ArrayList<>(written);
        sorted.sort(null);
        return sorted;
    }

    synchronized List<AgentError> skippedItems() {
        return List.copyOf(skipped);
    }

    synchronized List<AgentError> refusedItems() {
        return List.copyOf(refused);
    }

    synchronized List<AgentError> failedItems() {
        return List.copyOf(failed);
    }
}
