package org.ssisbackup.orchestrator.messaging;

import java.util.function.Consumer;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.stereotype.Component;
import org.ssisbackup.contracts.AgentCommand;
import org.ssisbackup.contracts.VersionedMessage;
import org.ssisbackup.orchestrator.job.CommandSender;
import org.ssisbackup.platform.messaging.OutboundMessages;

/** Puts commands on ssis.backup.commands (binding {@code commands-out-0}), keyed by host; a refused send is an exception. */
@Component
class KafkaCommandSender implements CommandSender {
    private final Consumer<VersionedMessage> publisher;

    KafkaCommandSender(StreamBridge bridge) {
        this.publisher = OutboundMessages.publisher(bridge::send, "commands-out-0");
    }

    @Override
    public void send(AgentCommand command) {
        publisher.accept(command);
    }
}
