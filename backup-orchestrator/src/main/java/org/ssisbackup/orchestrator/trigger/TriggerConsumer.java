package org.ssisbackup.orchestrator.trigger;

import java.util.function.Consumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

@Configuration
class TriggerConsumer {
    /** ssis.triggers: a malformed or rejected event throws and is dead-lettered with the reason; the consumer goes on. */
    @Bean
    Consumer<Message<byte[]>> triggers(EventTriggers triggers) {
        return message -> triggers.on(CloudEvent.from(message));
    }
}
