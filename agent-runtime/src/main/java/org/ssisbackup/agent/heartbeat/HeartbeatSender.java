package org.ssisbackup.agent.heartbeat;

import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ssisbackup.agent.AgentIdentity;
import org.ssisbackup.agent.capture.BackupReport;
import org.ssisbackup.contracts.AgentHeartbeat;
import org.ssisbackup.contracts.MessageMeta;
import org.ssisbackup.contracts.VersionedMessage;

/**
 * Sends an {@link AgentHeartbeat} at once and then every {@code interval} until closed. A heartbeat the broker
 * refuses is logged and the next one tried: missing beats are exactly what the orchestrator watches for.
 */
public final class HeartbeatSender implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HeartbeatSender.class);

    private final UUID runId = UUID.randomUUID();
    private final ScheduledExecutorService timer;
    private final ScheduledFuture<?> beats;

    public HeartbeatSender(
            AgentIdentity identity,
            Duration interval,
            Consumer<VersionedMessage> publisher,
            Supplier<BackupReport> lastJob,
            Supplier<Set<UUID>> openJobs) {
        Set<String> capabilities = new TreeSet<>();
        identity.scopes().forEach(s -> capabilities.add(s.name()));
        capabilities.add("RESTORE");
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, identity.label() + "-agent-heartbeat");
            t.setDaemon(true);
            return t;
        });
        this.beats = timer.scheduleAtFixedRate(
                () -> {
                    BackupReport last = lastJob.get();
                    try {
                        publisher.accept(new AgentHeartbeat(
                                MessageMeta.create(runId, identity.hostId()),
                                identity.kind(),
                                identity.version(),
                                capabilities,
                                interval,
                                last == null ? null : last.jobId(),
                                last == null ? null : last.outcome(),
                                openJobs.get()));
                    } catch (RuntimeException e) {
                        log.warn("{} agent: heartbeat not sent: {}", identity.kind(), e.toString());
                    }
                },
                0,
                interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        beats.cancel(false);
        timer.shutdownNow();
    }
}
