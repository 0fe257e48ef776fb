package org.ssisbackup.fsagent.capture;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.ssisbackup.contracts.AgentEvent;
import org.ssisbackup.contracts.AgentJobFinished;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.ConfigReferencesFound;

/**
 * The configuration references that this host's msdb agent reports for a job, handed to the fs-agent's
 * capture of the same job. The msdb agent's AgentJobFinished (same partition, so after its references)
 * ends the wait too, so a failed msdb export never leaves the file capture waiting for its timeout.
 */
public final class MsdbReferences {
    private static final int REMEMBERED_JOBS = 1_000;

    private final String hostId;
    private final Map<UUID, CompletableFuture<ConfigReferencesFound>> byJob = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, CompletableFuture<ConfigReferencesFound>> eldest) {
            return size() > REMEMBERED_JOBS;
        }
    };

    public MsdbReferences(String hostId) {
        this.hostId = hostId;
    }

    /** Called for every event on ssis.backup.events. */
    public void on(AgentEvent event) {
        if (!hostId.equals(event.meta().hostId()) || event.agent() != AgentKind.MSDB) {
            return;
        }
        if (event instanceof ConfigReferencesFound found) {
            future(found.meta().jobId()).complete(found);
        } else if (event instanceof AgentJobFinished finished) {
            future(finished.meta().jobId()).complete(null); // no-op when the references came first
        }
    }

    /**
     * Waits for the msdb agent's references of a job. Empty when the msdb agent ended without reporting any
     * (it failed) or did not answer in time; the caller warns.
     */
    public Optional<ConfigReferencesFound> await(UUID jobId, Duration timeout) throws InterruptedException {
        CompletableFuture<ConfigReferencesFound> f = future(jobId);
        try {
            return Optional.ofNullable(f.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException | ExecutionException e) {
            return Optional.empty();
        } finally {
            synchronized (byJob) {
                byJob.remove(jobId);
            }
        }
    }

    private CompletableFuture<ConfigReferencesFound> future(UUID jobId) {
        synchronized (byJob) {
            return byJob.computeIfAbsent(jobId, k -> new CompletableFuture<>());
        }
    }
}
