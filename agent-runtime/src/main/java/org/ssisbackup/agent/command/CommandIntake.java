package org.ssisbackup.agent.command;

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
import org.ssisbackup.agent.AgentIdentity;
import org.ssisbackup.agent.AgentRepository;
import org.ssisbackup.agent.capture.BackupReport;
import org.ssisbackup.agent.capture.BackupRun;
import org.ssisbackup.agent.capture.Capture;
import org.ssisbackup.agent.restore.RestoreHandler;
import org.ssisbackup.agent.restore.RestoreRun;
import org.ssisbackup.contracts.AgentCommand;
import org.ssisbackup.contracts.BackupCommand;
import org.ssisbackup.contracts.MessageCodec;
import org.ssisbackup.contracts.RestoreCommand;
import org.ssisbackup.contracts.VersionedMessage;
import org.ssisbackup.storage.BlobStore;

/**
 * Takes commands off the commands topic: only this host's, only this agent kind's, each job once, and runs them one
 * at a time off the consumer thread (a long capture never stalls the Kafka consumer).
 */
public final class CommandIntake implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CommandIntake.class);
    private static final int REMEMBERED_JOBS = 10_000;

    private final AgentIdentity identity;
    private final BackupRun backups;
    private final RestoreRun restores;
    private final JobListener listener;
    private final Map<UUID, Boolean> seenJobs = Collections.synchronizedMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, Boolean> eldest) {
            return size() > REMEMBERED_JOBS;
        }
    });
    private final ExecutorService jobs;
    private volatile BackupReport lastReport;

    public CommandIntake(
            AgentIdentity identity,
            AgentRepository repository,
            BlobStore formatOne,
            Consumer<VersionedMessage> publisher,
            Capture capture,
            List<RestoreHandler> restoreHandlers,
            JobListener listener) {
        this.identity = identity;
        this.backups = new BackupRun(identity, repository, publisher, capture);
        this.restores = new RestoreRun(identity, repository, formatOne, publisher, restoreHandlers);
        this.listener = listener;
        this.jobs = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, identity.label() + "-agent-job");
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
        if (!identity.hostId().equals(command.meta().hostId())) {
            return false;
        }
        if (command instanceof BackupCommand backup && backup.agent() == identity.kind()) {
            return queueOnce(backup.meta().jobId(), () -> runBackup(backup));
        }
        if (command instanceof RestoreCommand restore && restore.agent() == identity.kind()) {
            return queueOnce(restore.meta().jobId(), () -> runRestore(restore));
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

    /** Runs one backup to its end, synchronously; never throws. Tests drive the agent through it. */
    public BackupReport runBackup(BackupCommand command) {
        BackupReport report = backups.run(command);
        lastReport = report;
        listener.backupFinished(report);
        return report;
    }

    /** Runs one restore to its end, synchronously; never throws. */
    public RestoreRun.RestoreReport runRestore(RestoreCommand command) {
        RestoreRun.RestoreReport report = restores.run(command);
        listener.restoreFinished(report);
        return report;
    }

    /** The last backup job this agent finished, or null: heartbeats report it. */
    public BackupReport lastReport() {
        return lastReport;
    }

    @Override
    public void close() throws InterruptedException {
        jobs.shutdownNow();
        jobs.awaitTermination(10, TimeUnit.SECONDS);
    }
}
