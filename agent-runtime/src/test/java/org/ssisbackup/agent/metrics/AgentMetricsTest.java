package org.ssisbackup.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.MessageMeta;
import org.ssisbackup.contracts.Outcome;
import org.ssisbackup.contracts.RestoreFinished;

class AgentMetricsTest {
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    static final UUID KEY_ID = UUID.randomUUID();
    final AgentMetrics metrics = new AgentMetrics(registry, "h1", "msdb");

    @Test
    void aBackupCountsItemsBytesAndTheLastSuccess() {
        metrics.backupFinished(new org.ssisbackup.agent.capture.BackupReport(
                UUID.randomUUID(),
                "h1",
                AgentKind.MSDB,
                Outcome.SUCCEEDED,
                3,
                300,
                100,
                1,
                List.of(),
                Duration.ofSeconds(2),
                new org.ssisbackup.storage.repository.Repository.Stats(300, 120, 100, 1, 3, KEY_ID, List.of())));
        assertThat(registry.get("ssis.agent.repository.read").counter().count()).isEqualTo(300);
        assertThat(registry.get("ssis.agent.repository.compressed").counter().count())
                .isEqualTo(120);
        assertThat(registry.get("ssis.agent.repository.chunks")
                        .tag("result", "deduplicated")
                        .counter()
                        .count())
                .isEqualTo(3);
        assertThat(registry.get("ssis.agent.repository.key")
                        .tag("key_id", KEY_ID.toString())
                        .gauge()
                        .value())
                .isEqualTo(1);
        assertThat(registry.get("ssis.agent.artifacts.deduplicated").counter().count())
                .isEqualTo(2);
        assertThat(registry.get("ssis.agent.deduplicated").counter().count()).isEqualTo(200);
        assertThat(registry.get("ssis.agent.capture.duration")
                        .tag("outcome", "succeeded")
                        .timer()
                        .totalTime(java.util.concurrent.TimeUnit.SECONDS))
                .isEqualTo(2.0);
        assertThat(registry.get("ssis.agent.last.success.timestamp.seconds")
                        .gauge()
                        .value())
                .isPositive();
    }

    @Test
    void aRestoreIsTimedByAgentAndOutcome() {
        metrics.restoreFinished(new org.ssisbackup.agent.restore.RestoreRun.RestoreReport(
                new RestoreFinished(
                        MessageMeta.create(UUID.randomUUID(), "h1"),
                        AgentKind.MSDB,
                        UUID.randomUUID(),
                        Outcome.PARTIALLY_FAILED,
                        false,
                        List.of("a"),
                        List.of(),
                        List.of(),
                        List.of()),
                4096,
                Duration.ofMillis(1500)));
        assertThat(registry.get("ssis.agent.restore.duration")
                        .tags("agent", "msdb", "outcome", "partially_failed", "host", "h1")
                        .timer()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("ssis.agent.restored")
                        .tags("agent", "msdb", "host", "h1")
                        .counter()
                        .count())
                .isEqualTo(4096);
        assertThat(registry.find("ssis.agent.last.success.timestamp.seconds")
                        .gauge()
                        .value())
                .isZero();
    }
}
