package org.ssisbackup.orchestrator.job;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;
import org.ssisbackup.contracts.AgentEvent;
import org.ssisbackup.contracts.AgentHeartbeat;
import org.ssisbackup.orchestrator.fleet.FleetRegistry;
import org.ssisbackup.contracts.JobAccepted;
import org.ssisbackup.contracts.MessageCodec;
import org.ssisbackup.contracts.RestoreFinished;
import org.ssisbackup.orchestrator.restore.RestoreJobs;

@Configuration
class AgentEventsConsumer {
    private static final Logger log = LoggerFactory.getLogger(AgentEventsConsumer.class);

    /**
     * Every dead-letter topic of the system: counted by topic for dashboards and alerts, the reason logged. Never
     * throws, so nothing it reads is dead-lettered again.
     */
    @Bean
    Consumer<Message<byte[]>> deadLetters(MeterRegistry registry, org.springframework.core.env.Environment env) {
        // Every watched topic at 0 from the start: dashboards and alerts see them before the first dead letter.
        for (String topic : env.getProperty("spring.cloud.stream.bindings.deadLetters-in-0.destination", "").split(",")) {
            if (!topic.isBlank()) {
                registry.counter("ssis.orchestrator.dead.letters", "topic", topic.trim());
            }
        }
        return message -> {
            String topic = String.valueOf(message.getHeaders().get(KafkaHeaders.RECEIVED_TOPIC));
            Object reason = message.getHeaders().get("x-exception-message");
            registry.counter("ssis.orchestrator.dead.letters", "topic", topic).increment();
            log.warn("dead-lettered on {}: {}", topic, reason instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : reason);
        };
    }

    /** ssis.agent.heartbeats: a malformed beat is dead-lettered like any other message. */
    @Bean
    Consumer<Message<byte[]>> heartbeats(FleetRegistry fleet) {
        return message -> fleet.on(MessageCodec.decode(message.getPayload(), AgentHeartbeat.class));
    }

    /** ssis.backup.events: a malformed record throws MalformedMessageException and is dead-lettered. */
    @Bean
    Consumer<Message<byte[]>> agentEvents(BackupJobs jobs, RestoreJobs restores) {
        return message -> {
            AgentEvent event = MessageCodec.decodeEvent(message.getPayload());
            if (event instanceof RestoreFinished) {
                restores.on(event);
            } else if (event instanceof JobAccepted) {
                jobs.on(event); // a job id is either a backup's or a restore's; the other ignores it
                restores.on(event);
            } else {
                jobs.on(event);
            }
        };
    }
}
