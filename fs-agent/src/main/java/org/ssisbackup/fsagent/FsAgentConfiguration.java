package org.ssisbackup.fsagent;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;
import java.util.function.Consumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;
import org.ssisbackup.agent.AgentIdentity;
import org.ssisbackup.agent.AgentProperties;
import org.ssisbackup.agent.capture.Capture;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.BackupScope;
import org.ssisbackup.contracts.MessageCodec;
import org.ssisbackup.fsagent.capture.FileSystemCapture;
import org.ssisbackup.fsagent.capture.FsAgentProperties;
import org.ssisbackup.fsagent.capture.HostPaths;
import org.ssisbackup.fsagent.capture.MsdbReferences;
import org.ssisbackup.fsagent.capture.StrayPackageScan;
import org.ssisbackup.fsagent.restore.FileRestoreHandler;
import org.ssisbackup.storage.BlobStore;

/** What the file-system agent brings to the shared agent runtime: its capture and its restore. */
@Configuration(proxyBeanMethods = false)
class FsAgentConfiguration {

    @Bean
    AgentIdentity agentIdentity(AgentProperties agent) {
        return new AgentIdentity(
                AgentKind.FILESYSTEM,
                agent.hostId(),
                AgentIdentity.versionOf(FsAgentApplication.class),
                Set.of(BackupScope.FILESYSTEM));
    }

    @Bean
    MsdbReferences msdbReferences(AgentIdentity identity) {
        return new MsdbReferences(identity.hostId());
    }

    /** The events topic: the host's msdb agent's configuration references, for the file capture of the same job. */
    @Bean
    Consumer<Message<byte[]>> agentEvents(MsdbReferences references) {
        return message -> references.on(MessageCodec.decodeEvent(message.getPayload()));
    }

    @Bean
    StrayPackageScan strayPackageScan(FsAgentProperties properties, AgentIdentity identity, MeterRegistry registry) {
        StrayPackageScan scan = new StrayPackageScan(properties.discoveryRoots());
        Gauge.builder(
                        "ssis.fs.packages.outside.captured",
                        scan.lastFound(),
                        java.util.concurrent.atomic.AtomicLong::get)
                .description("packages and configuration files the last discovery found outside every captured folder")
                .baseUnit("files")
                .tag("host", identity.hostId())
                .register(registry);
        return scan;
    }

    @Bean
    Capture fileSystemCapture(FsAgentProperties properties, MsdbReferences references, StrayPackageScan strays) {
        return new FileSystemCapture(properties, references, strays);
    }

    @Bean
    FileRestoreHandler fileRestoreHandler(FsAgentProperties properties, BlobStore store) {
        HostPaths hostPaths = new HostPaths(properties.driveRoots());
        return new FileRestoreHandler(
                hostPaths,
                properties.uploadParallelism(),
                new org.ssisbackup.fsagent.restore.InPlaceRoots(properties, hostPaths));
    }
}
