package org.ssisbackup.catalog.record;

import java.util.function.Consumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;
import org.ssisbackup.contracts.MessageCodec;

@Configuration
class AgentEventsConsumer {
    /** ssis.backup.events: a malformed record throws MalformedMessageException and is dead-lettered. */
    @Bean
    Consumer<Message<byte[]>> agentEvents(RestorePointRecorder recorder) {
        return message -> recorder.on(MessageCodec.decodeEvent(message.getPayload()));
    }
}
