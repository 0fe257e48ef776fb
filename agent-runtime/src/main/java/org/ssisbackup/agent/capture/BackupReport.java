package org.ssisbackup.agent.capture;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.ssisbackup.contracts.AgentError;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.Outcome;
import org.ssisbackup.storage.repository.Repository;

/**
 * How an agent's part of a backup ended: for its metrics and its heartbeats. {@code repository} is what the repository
 * did (null when the job ended before it wrote anything).
 */
public record BackupReport(
        UUID jobId,
        String hostId,
        AgentKind agent,
        Outcome outcome,
        int artifacts,
        long bytesScanned,
        long bytesUploaded,
        long artifactsUploaded,
        List<AgentError> errors,
        Duration duration,
        Repository.Stats repository) {}
