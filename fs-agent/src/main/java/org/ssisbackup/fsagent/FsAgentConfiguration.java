package org.ssisbackup.fsagent;

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
import org.ssisbackup.contracts.MessageCodec;
import org.ssisbackup.contracts.agent.AgentMetrics;
import org.ssisbackup.contracts.agent.BackupJobRunner;
import org.ssisbackup.contracts.agent.HeartbeatSender;
import org.ssisbackup.contracts.store.BlobStore;
import org.ssisbackup.contracts.wire.OutboundMessages;
import org.ssisbackup.fsagent.capture.FileSystemCapture;
import org.ssisbackup.fsagent.capture.HostPaths;
import org.ssisbackup.fsagent.capture.MsdbReferences;
import org.ssisbackup.fsagent.restore.FileRestorer;

@Configuration
class FsAgentConfiguration {
    static final String EVENTS_BINDING = "events-out-0";
    static final String HEARTBEATS_BINDING = "heartbeats-out-0";

    @Bean
    BlobStore blobStore(FsAgentProperties properties, io.micrometer.core.instrument.MeterRegistry registry) {
        FsAgentProperties.S3 s3 = properties.s3();
        return BlobStore.connect(s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.bucket()).countingRequests(registry);
    }

    @Bean
    MsdbReferences msdbReferences(FsAgentProperties properties) {
        return new MsdbReferences(properties.hostId());
    }

    /** The events topic: the host's msdb agent's configuration references, for the file capture of the same job. */
    @Bean
    Consumer<Message<byte[]>> agentEvents(MsdbReferences references) {
        return message -> references.on(MessageCodec.decodeEvent(message.getPayload()));
    }

    @Bean(destroyMethod = "close")
    BackupJobRunner backupJobRunner(FsAgentProperties properties, BlobStore store, StreamBridge bridge, MeterRegistry registry,
                                    MsdbReferences references) {
        FileSystemCapture capture = new FileSystemCapture(properties, store, references);
        return new BackupJobRunner(AgentKind.FILESYSTEM, properties.hostId(), version(), store,
                OutboundMessages.publisher(bridge::send, EVENTS_BINDING),
                (command, ctx) -> {
                    store.ensureBucket();
                    capture.capture(command, ctx);
                },
                new AgentMetrics(registry, properties.hostId(), "filesystem"),
                new FileRestorer(properties.hostId(), store, new HostPaths(properties.driveRoots()), registry,
                        properties.uploadParallelism()));
    }

    /** The commands topic: every host's commands arrive; the runner keeps this host's FILESYSTEM backups and restores. */
    @Bean
    Consumer<Message<byte[]>> backupCommands(BackupJobRunner runner) {
        return message -> runner.onCommand(message.getPayload());
    }

    /** Heartbeats on ssis.agent.heartbeats: the orchestrator's fleet registry marks a silent host unreachable. */
    @Bean(destroyMethod = "close")
    HeartbeatSender heartbeats(FsAgentProperties properties, BackupJobRunner runner, StreamBridge bridge,
                               @Value("${ssisbackup.heartbeat-interval:30s}") Duration interval) {
        return new HeartbeatSender(AgentKind.FILESYSTEM, properties.hostId(), version(), Set.of(BackupScope.FILESYSTEM.name(), "RESTORE"), interval,
                OutboundMessages.publisher(bridge::send, HEARTBEATS_BINDING), runner::lastReport);
    }

    private static String version() {
        String v = FsAgentConfiguration.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
