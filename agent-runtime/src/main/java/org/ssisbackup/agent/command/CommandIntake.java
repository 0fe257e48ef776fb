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
 * at a time off the consumer thread (a long capture never stalls the Kafka consumer). Every command is in the
 * {@link JobJournal} before its offset is committed: a crash or restart loses none, runs none twice, and ends a job it
 * interrupted with "agent restarted" instead of leaving it open.
 */
public final class CommandIntake implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CommandIntake.class);
    private static final int REMEMBERED_JOBS = 10_000;

    private final AgentIdentity identity;
    private final BackupRun backups;
    private final RestoreRun restores;
    private final JobListener listener;
    private final JobJournal journal;
    private final java.security.PublicKey commandKey;
    private final java.time.Duration commandMaxAge;
    private final Map<UUID, Boolean> seenJobs = Collections.synchronizedMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, Boolean> eldest) {
            return size() > REMEMBERED_JOBS;
        }
    });
    private final ExecutorService jobs;
    private volatile BackupReport lastReport;
    /** Jobs taken and not yet ended (queued or running): heartbeats list them. */
    private final java.util.Set<UUID> open = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public CommandIntake(
            AgentIdentity identity,
            AgentRepository repository,
            BlobStore formatOne,
            Consumer<VersionedMessage> publisher,
            Capture capture,
            List<RestoreHandler> restoreHandlers,
            JobListener listener,
            JobJournal journal,
            java.security.PublicKey commandKey,
            java.time.Duration commandMaxAge) {
        this.identity = identity;
        this.journal = journal;
        this.commandKey = commandKey;
        this.commandMaxAge = commandMaxAge;
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
     * What the last run of this agent left: queued commands run again, in the order they came; a job that was
     * running is reported FAILED with "agent restarted" (what it wrote stays; the point cannot be COMPLETE), so that
     * the orchestrator closes it now instead of after its timeout, and the host's other agent stops waiting for it.
     * Called once the application is ready (its event bindings can send).
     */
    public void recover() {
        for (JobJournal.Pending p : journal.pending()) {
            AgentCommand command;
            try {
                command = MessageCodec.decodeCommand(p.command());
            } catch (RuntimeException e) {
                log.warn("job {}: its journalled command cannot be read ({}); dropped", p.jobId(), e.getMessage());
                journal.finished(p.jobId());
                continue;
            }
            seenJobs.put(p.jobId(), Boolean.TRUE);
            if (p.running()) {
                String reason = "agent restarted while the job ran; it did not finish";
                log.warn("{} job {}: {}", identity.kind(), p.jobId(), reason);
                boolean reported = command instanceof BackupCommand b
                        ? backups.abandoned(b, reason)
                        : command instanceof RestoreCommand r && restores.abandoned(r, reason);
                if (reported) {
                    journal.finished(p.jobId());
                } // else: still in the journal, reported at the next start

            } else {
                log.info("{} job {}: queued before the agent stopped; runs now", identity.kind(), p.jobId());
                jobs.execute(journalled(p.jobId(), job(command)));
            }
        }
    }

    private Runnable job(AgentCommand command) {
        if (command instanceof BackupCommand backup) {
            return () -> runBackup(backup);
        }
        RestoreCommand restore = (RestoreCommand) command;
        return () -> runRestore(restore);
    }

    private Runnable journalled(UUID jobId, Runnable job) {
        open.add(jobId);
        return () -> {
            journal.started(jobId);
            try {
                job.run();
            } finally {
                journal.finished(jobId);
                open.remove(jobId);
                if (open.isEmpty()) {
                    listener.idle();
                }
            }
        };
    }

    /** The jobs this agent holds now (at most a heartbeat's worth), for heartbeats. */
    public java.util.Set<UUID> openJobs() {
        return open.stream()
                .limit(org.ssisbackup.contracts.AgentHeartbeat.MAX_JOBS)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /**
     * Handles one record from the commands topic. Throws {@link org.ssisbackup.contracts.MalformedMessageException}
     * for a record that can never be handled (the binder dead-letters it); ignores other hosts' and agents' commands.
     * @return whether a job was queued
     */
    public boolean onCommand(byte[] body, String signature) {
        AgentCommand command = MessageCodec.decodeCommand(body);
        if (!identity.hostId().equals(command.meta().hostId())) {
            return false;
        }
        boolean mine = (command instanceof BackupCommand backup && backup.agent() == identity.kind())
                || (command instanceof RestoreCommand restore && restore.agent() == identity.kind());
        if (!mine) {
            return false;
        }
        // Only the orchestrator commands an agent: anyone who can write to the topic could otherwise make it restore
        // configuration files (with their passwords) to a folder of their choice. Checked for this agent's commands
        // only, so a forged command is dead-lettered once, not by every agent of the fleet.
        if (!org.ssisbackup.platform.messaging.MessageSignature.verify(commandKey, body, signature)) {
            throw new org.ssisbackup.contracts.MalformedMessageException(
                    command.getClass().getSimpleName() + " of job "
                            + command.meta().jobId() + " is not signed by the orchestrator: refused");
        }
        java.time.Instant sent = command.meta().occurredAt();
        java.time.Instant now = java.time.Instant.now();
        if (sent == null
                || sent.isBefore(now.minus(commandMaxAge))
                || sent.isAfter(now.plus(java.time.Duration.ofMinutes(10)))) {
            throw new org.ssisbackup.contracts.MalformedMessageException(
                    command.getClass().getSimpleName()
                            + " of job " + command.meta().jobId() + " was sent at " + sent + ", outside the "
                            + commandMaxAge + " a command is valid: refused");
        }
        return queueOnce(command.meta().jobId(), body, job(command));
    }

    /**
     * At-least-once delivery: a redelivered command of a job already taken (in this run, or done in an earlier one)
     * is ignored. The command is on disk before this returns, and so before its offset is committed.
     */
    private boolean queueOnce(UUID jobId, byte[] body, Runnable job) {
        if (seenJobs.putIfAbsent(jobId, Boolean.TRUE) != null || !journal.admit(jobId, body)) {
            log.info("job {} already taken; ignoring the redelivered command", jobId);
            return false;
        }
        jobs.execute(journalled(jobId, job));
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
