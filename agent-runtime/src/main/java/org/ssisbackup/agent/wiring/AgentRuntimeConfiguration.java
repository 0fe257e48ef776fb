package org.ssisbackup.agent.wiring;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.function.Consumer;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;
import org.ssisbackup.agent.AgentIdentity;
import org.ssisbackup.agent.AgentProperties;
import org.ssisbackup.agent.AgentRepository;
import org.ssisbackup.agent.AgentSigningKey;
import org.ssisbackup.agent.capture.Capture;
import org.ssisbackup.agent.command.CommandIntake;
import org.ssisbackup.agent.heartbeat.HeartbeatSender;
import org.ssisbackup.agent.metrics.AgentMetrics;
import org.ssisbackup.agent.restore.RestoreHandler;
import org.ssisbackup.platform.messaging.OutboundMessages;
import org.ssisbackup.storage.BlobStore;
import org.ssisbackup.storage.S3ObjectStore;

/**
 * The Spring wiring both agents share: the bucket, the command intake on {@code ssis.backup.commands} (function
 * {@code backupCommands}), events and heartbeats out, the agent metrics. An agent brings its {@link AgentIdentity},
 * its {@link Capture} and its {@link RestoreHandler}s; the Kafka bindings are in {@code agent-runtime.yml}, which
 * each agent imports.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AgentProperties.class)
public class AgentRuntimeConfiguration {
    static final String EVENTS_BINDING = "events-out-0";
    static final String HEARTBEATS_BINDING = "heartbeats-out-0";

    @Bean
    BlobStore blobStore(AgentProperties properties, MeterRegistry registry) {
        AgentProperties.S3 s3 = properties.s3();
        return new BlobStore(S3ObjectStore.connect(s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.bucket())
                .countingRequests(registry));
    }

    /** This host's scope of the repository; a missing or wrong key stops the agent here, at start. */
    @Bean(destroyMethod = "close")
    AgentRepository agentRepository(AgentProperties properties, BlobStore store) {
        return new AgentRepository(store.objects(), properties.hostId(), properties.repository());
    }

    /** This agent's key: made at its first start in its state folder; everything it sends is signed with it. */
    @Bean
    AgentSigningKey agentSigningKey(AgentIdentity identity, AgentProperties properties) {
        AgentSigningKey key =
                AgentSigningKey.load(properties.signingKeyFile(), properties.stateDirOf(identity.label()));
        org.slf4j.LoggerFactory.getLogger(AgentRuntimeConfiguration.class)
                .info("{} agent of host {} signs with key {}", identity.kind(), identity.hostId(), key.fingerprint());
        return key;
    }

    /** Events go to ssis.backup.events; a message the broker refuses is an exception, never a silent loss. */
    @Bean(destroyMethod = "close")
    CommandIntake commandIntake(
            AgentIdentity identity,
            AgentRepository repository,
            BlobStore store,
            StreamBridge bridge,
            Capture capture,
            List<RestoreHandler> restoreHandlers,
            MeterRegistry registry,
            AgentProperties properties,
            AgentSigningKey signingKey) {
        return new CommandIntake(
                identity,
                repository,
                store,
                OutboundMessages.publisher(bridge::send, EVENTS_BINDING, signingKey::sign),
                capture,
                restoreHandlers,
                new IdleMemoryRelease(new AgentMetrics(registry, identity.hostId(), identity.label())),
                new org.ssisbackup.agent.command.JobJournal(properties.stateDirOf(identity.label())),
                properties.commandKey(),
                properties.commandMaxAge());
    }

    /** What the last run of the agent left in its journal is handled once the event bindings can send. */
    @Bean
    org.springframework.context.ApplicationListener<org.springframework.boot.context.event.ApplicationReadyEvent>
            journalRecovery(CommandIntake intake) {
        return event -> intake.recover();
    }

    /**
     * An agent idles on an SQL Server most of the day: once started, the heap its start filled (the repository's
     * self-test stores and reads 32 MiB several times) is given back. The serial collector, which agents run with
     * (docs/operations.md, "Footprint"), returns memory only after full collections, and shrinks in steps: a few of
     * them, once, at start.
     */
    @Bean
    org.springframework.context.ApplicationListener<org.springframework.boot.context.event.ApplicationReadyEvent>
            startupHeapReturned() {
        return event -> IdleMemoryRelease.release();
    }

    /** The commands topic: every host's commands arrive; the intake keeps this host's, of this agent's kind. */
    @Bean
    Consumer<Message<byte[]>> backupCommands(CommandIntake intake) {
        return message -> intake.onCommand(
                message.getPayload(),
                org.ssisbackup.platform.messaging.MessageSignature.headerText(
                        message.getHeaders().get(org.ssisbackup.platform.messaging.MessageSignature.HEADER)));
    }

    /** Heartbeats on ssis.agent.heartbeats: the orchestrator's fleet registry marks a silent host unreachable. */
    @Bean(destroyMethod = "close")
    HeartbeatSender heartbeats(
            AgentIdentity identity,
            AgentProperties properties,
            CommandIntake intake,
            StreamBridge bridge,
            AgentSigningKey signingKey) {
        return new HeartbeatSender(
                identity,
                properties.heartbeatInterval(),
                OutboundMessages.publisher(bridge::send, HEARTBEATS_BINDING, signingKey::sign),
                intake::lastReport,
                intake::openJobs);
    }
}
