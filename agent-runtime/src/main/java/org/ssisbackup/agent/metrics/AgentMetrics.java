package org.ssisbackup.agent.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.ssisbackup.agent.capture.BackupReport;
import org.ssisbackup.agent.command.JobListener;
import org.ssisbackup.agent.restore.RestoreRun;
import org.ssisbackup.contracts.Outcome;
import org.ssisbackup.contracts.RestoreFinished;
import org.ssisbackup.platform.metrics.TaggedGauge;
import org.ssisbackup.storage.repository.Repository;

/**
 * The metrics every agent exposes, in base units, tagged with host and agent kind (and outcome where it applies):
 * items and bytes scanned, uploaded and deduplicated, capture and restore durations, bytes restored, last successful
 * capture.
 */
public final class AgentMetrics implements JobListener {
    private final MeterRegistry registry;
    private final AtomicLong lastSuccess = new AtomicLong();
    private final TaggedGauge keyInUse;

    public AgentMetrics(MeterRegistry registry, String hostId, String agent) {
        this.registry = registry;
        this.keyInUse = new TaggedGauge(
                registry, "ssis.agent.repository.key", null, "1 for the data key the agent's last backup wrote with");
        registry.gauge(
                "ssis.agent.last.success.timestamp.seconds",
                Tags.of("host", hostId, "agent", agent),
                lastSuccess,
                AtomicLong::doubleValue);
    }

    @Override
    public void restoreFinished(RestoreRun.RestoreReport report) {
        RestoreFinished f = report.finished();
        String host = f.meta().hostId();
        String agent = f.agent().name().toLowerCase(Locale.ROOT);
        Timer.builder("ssis.agent.restore.duration")
                .tags(
                        "host",
                        host,
                        "agent",
                        agent,
                        "outcome",
                        f.outcome().name().toLowerCase(Locale.ROOT))
                .register(registry)
                .record(report.duration());
        counter("ssis.agent.restored", host, agent, "bytes").increment((double) report.bytesWritten());
    }

    @Override
    public void backupFinished(BackupReport r) {
        String host = r.hostId();
        String agent = r.agent().name().toLowerCase(Locale.ROOT);
        String outcome = r.outcome().name().toLowerCase(Locale.ROOT);
        counter("ssis.agent.artifacts.scanned", host, agent, "artifacts").increment(r.artifacts());
        counter("ssis.agent.artifacts.uploaded", host, agent, "artifacts").increment((double) r.artifactsUploaded());
        counter("ssis.agent.artifacts.deduplicated", host, agent, "artifacts")
                .increment((double) (r.artifacts() - r.artifactsUploaded()));
        counter("ssis.agent.scanned", host, agent, "bytes").increment((double) r.bytesScanned());
        counter("ssis.agent.uploaded", host, agent, "bytes").increment((double) r.bytesUploaded());
        counter("ssis.agent.deduplicated", host, agent, "bytes")
                .increment((double) (r.bytesScanned() - r.bytesUploaded()));
        counter("ssis.agent.errors", host, agent, null).increment(r.errors().size());
        Timer.builder("ssis.agent.capture.duration")
                .tags("host", host, "agent", agent, "outcome", outcome)
                .register(registry)
                .record(r.duration());
        Counter.builder("ssis.agent.jobs")
                .tags("host", host, "agent", agent, "outcome", outcome)
                .register(registry)
                .increment();
        if (r.repository() != null) {
            Repository.Stats st = r.repository();
            counter("ssis.agent.repository.read", host, agent, "bytes").increment((double) st.bytesRead());
            counter("ssis.agent.repository.compressed", host, agent, "bytes")
                    .increment((double) st.bytesAfterCompression());
            counter("ssis.agent.repository.uploaded", host, agent, "bytes").increment((double) st.bytesUploaded());
            Counter.builder("ssis.agent.repository.chunks")
                    .baseUnit("chunks")
                    .tags("host", host, "agent", agent, "result", "new")
                    .register(registry)
                    .increment((double) st.chunksNew());
            Counter.builder("ssis.agent.repository.chunks")
                    .baseUnit("chunks")
                    .tags("host", host, "agent", agent, "result", "deduplicated")
                    .register(registry)
                    .increment((double) st.chunksDeduplicated());
            keyInUse.set(Map.of(
                    Tags.of("host", host, "agent", agent, "key_id", st.keyId().toString()), 1));
        }
        if (r.outcome() == Outcome.SUCCEEDED) {
            lastSuccess.set(Instant.now().getEpochSecond());
        }
    }

    private Counter counter(String name, String host, String agent, String unit) {
        return Counter.builder(name)
                .baseUnit(unit)
                .tags("host", host, "agent", agent)
                .register(registry);
    }
}
