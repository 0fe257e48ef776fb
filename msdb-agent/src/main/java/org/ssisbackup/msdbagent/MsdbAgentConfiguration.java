package org.ssisbackup.msdbagent;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.function.Consumer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.BackupScope;
import org.ssisbackup.contracts.agent.AgentMetrics;
import org.ssisbackup.contracts.agent.BackupJobRunner;
import org.ssisbackup.contracts.agent.HeartbeatSender;
import org.ssisbackup.contracts.store.BlobStore;
import org.ssisbackup.contracts.wire.OutboundMessages;
import org.ssisbackup.msdbagent.capture.MsdbCapture;
import org.ssisbackup.msdbagent.capture.MsdbPackageExporter;
import org.ssisbackup.msdbagent.capture.NativeMsdbBackup;
import org.ssisbackup.msdbagent.capture.SsisdbProjectExporter;
import org.ssisbackup.msdbagent.msdb.MsdbConnector;
import org.ssisbackup.msdbagent.restore.MsdbPackageRestorer;

@Configuration
class MsdbAgentConfiguration {
    static final String EVENTS_BINDING = "events-out-0";
    static final String HEARTBEATS_BINDING = "heartbeats-out-0";

    @Bean
    BlobStore blobStore(MsdbAgentProperties properties, io.micrometer.core.instrument.MeterRegistry registry) {
        MsdbAgentProperties.S3 s3 = properties.s3();
        return BlobStore.connect(s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.bucket()).countingRequests(registry);
    }

    @Bean(destroyMethod = "close")
    BackupJobRunner backupJobRunner(MsdbAgentProperties properties, BlobStore store, StreamBridge bridge, MeterRegistry registry) {
        MsdbConnector connector = new MsdbConnector(properties);
        MsdbMetrics metrics = new MsdbMetrics(registry, properties.hostId());
        MsdbCapture capture = new MsdbCapture(store, new MsdbPackageExporter(connector, store, metrics),
                new SsisdbProjectExporter(connector, store, metrics),
                new NativeMsdbBackup(properties.hostId(), connector, store, metrics, properties.nativeBackup()));
        return new BackupJobRunner(AgentKind.MSDB, properties.hostId(), version(), store,
                OutboundMessages.publisher(bridge::send, EVENTS_BINDING), capture,
                new AgentMetrics(registry, properties.hostId(), "msdb"),
                new MsdbPackageRestorer(properties.hostId(), store, connector, metrics));
    }

    /** The commands topic: every host's commands arrive; the runner keeps this host's MSDB backups and restores. */
    @Bean
    Consumer<Message<byte[]>> backupCommands(BackupJobRunner runner) {
        return message -> runner.onCommand(message.getPayload());
    }

    /** Heartbeats on ssis.agent.heartbeats: the orchestrator's fleet registry marks a silent host unreachable. */
    @Bean(destroyMethod = "close")
    HeartbeatSender heartbeats(MsdbAgentProperties properties, BackupJobRunner runner, StreamBridge bridge,
                               @Value("${ssisbackup.heartbeat-interval:30s}") Duration interval) {
        return new HeartbeatSender(AgentKind.MSDB, properties.hostId(), version(), Set.of(BackupScope.MSDB.name(), BackupScope.MSDB_NATIVE.name(), BackupScope.SSISDB.name(), "RESTORE"), interval,
                OutboundMessages.publisher(bridge::send, HEARTBEATS_BINDING), runner::lastReport);
    }

    private static String version() {
        String v = MsdbAgentConfiguration.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
