package org.ssisbackup.catalog.messaging;

import java.util.function.Consumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;
import org.ssisbackup.catalog.trust.AgentTrust;

@Configuration(proxyBeanMethods = false)
class AgentEventsConsumer {
    /**
     * ssis.backup.events: recorded when the agent's enrolled key signed it; a malformed, unsigned or forged record
     * throws MalformedMessageException and is dead-lettered.
     */
    @Bean
    Consumer<Message<byte[]>> agentEvents(AgentTrust trust) {
        return message -> trust.onEvent(message.getPayload(), message.getHeaders());
    }

    /** ssis.agent.enrolments: the orchestrator's word on agents' keys; one not signed by it is dead-lettered. */
    @Bean
    Consumer<Message<byte[]>> agentEnrolments(AgentTrust trust) {
        return message -> trust.onEnrolment(message.getPayload(), message.getHeaders());
    }
}
