package org.ssisbackup.orchestrator.messaging;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;
import org.ssisbackup.contracts.AgentEvent;
import org.ssisbackup.contracts.AgentHeartbeat;
import org.ssisbackup.contracts.JobAccepted;
import org.ssisbackup.contracts.MessageCodec;
import org.ssisbackup.contracts.RestoreFinished;
import org.ssisbackup.orchestrator.backup.BackupJobs;
import org.ssisbackup.orchestrator.enrolment.AgentEnrolments;
import org.ssisbackup.orchestrator.fleet.FleetRegistry;
import org.ssisbackup.orchestrator.restore.RestoreJobs;
import org.ssisbackup.orchestrator.trigger.CloudEvent;
import org.ssisbackup.orchestrator.trigger.EventTriggers;

/**
 * What the orchestrator reads from Kafka, each a Spring Cloud Stream function: agent events, heartbeats, triggers and
 * every dead-letter topic. A record that can never be handled throws {@link org.ssisbackup.contracts.MalformedMessageException}
 * (or the trigger's rejection) and the binder dead-letters it with the reason; the consumer goes on.
 */
@Configuration(proxyBeanMethods = false)
class MessageConsumers {
    private static final Logger log = LoggerFactory.getLogger(MessageConsumers.class);

    /** ssis.backup.events: a job id is a backup's or a restore's; JobAccepted says which (older agents' does not). */
    @Bean
    Consumer<Message<byte[]>> agentEvents(BackupJobs backups, RestoreJobs restores, AgentEnrolments enrolments) {
        return message -> {
            AgentEvent event = MessageCodec.decodeEvent(message.getPayload());
            // Only the host's own agent speaks for it: a forged event would end jobs or make restore points.
            if (!enrolments.trusts(event.meta().hostId(), event.agent(), message.getPayload(), message.getHeaders())) {
                return;
            }
            if (event instanceof RestoreFinished
                    || (event instanceof JobAccepted a && a.job() == JobAccepted.JobType.RESTORE)) {
                restores.on(event);
            } else if (event instanceof JobAccepted a && a.job() == null) {
                backups.on(event);
                restores.on(event);
            } else {
                backups.on(event);
            }
        };
    }

    /** ssis.agent.heartbeats: a malformed beat is dead-lettered like any other message. */
    @Bean
    Consumer<Message<byte[]>> heartbeats(
            FleetRegistry fleet, BackupJobs backups, RestoreJobs restores, AgentEnrolments enrolments) {
        return message -> {
            AgentHeartbeat beat = MessageCodec.decode(message.getPayload(), AgentHeartbeat.class);
            // A forged beat could fail another host's jobs (their ids missing from its list): only enrolled keys count.
            if (!enrolments.trusts(beat.meta().hostId(), beat.agent(), message.getPayload(), message.getHeaders())) {
                return;
            }
            fleet.on(beat);
            // The jobs the agent says it holds: what it was sent and no longer holds ends now, not at the deadline.
            backups.heartbeat(beat);
            restores.heartbeat(beat);
        };
    }

    /** ssis.triggers: a malformed or rejected event throws and is dead-lettered with the reason. */
    @Bean
    Consumer<Message<byte[]>> triggers(EventTriggers triggers) {
        return message -> triggers.on(CloudEvent.from(message));
    }

    /**
     * Every dead-letter topic of the system: counted by topic for dashboards and alerts, the reason logged. Never
     * throws, so nothing it reads is dead-lettered again.
     */
    @Bean
    Consumer<Message<byte[]>> deadLetters(MeterRegistry registry, Environment env) {
        // Every watched topic at 0 from the start: dashboards and alerts see them before the first dead letter.
        for (String topic : env.getProperty("spring.cloud.stream.bindings.deadLetters-in-0.destination", "")
                .split(",", -1)) {
            if (!topic.isBlank()) {
                registry.counter("ssis.orchestrator.dead.letters", "topic", topic.trim());
            }
        }
        return message -> {
            String topic = String.valueOf(message.getHeaders().get(KafkaHeaders.RECEIVED_TOPIC));
            Object reason = message.getHeaders().get("x-exception-message");
            registry.counter("ssis.orchestrator.dead.letters", "topic", topic).increment();
            log.warn(
                    "dead-lettered on {}: {}",
                    topic,
                    reason instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : reason);
        };
    }
}
