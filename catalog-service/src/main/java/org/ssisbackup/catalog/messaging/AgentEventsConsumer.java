package org.ssisbackup.catalog.messaging;

import java.util.function.Consumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;
import org.ssisbackup.catalog.record.RestorePointRecorder;
import org.ssisbackup.contracts.MessageCodec;

@Configuration(proxyBeanMethods = false)
class AgentEventsConsumer {
    /** ssis.backup.events: a malformed record throws MalformedMessageException and is dead-lettered. */
    @Bean
    Consumer<Message<byte[]>> agentEvents(RestorePointRecorder recorder) {
        return message -> recorder.on(MessageCodec.decodeEvent(message.getPayload()));
    }
}
