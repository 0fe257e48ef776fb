package org.ssisbackup.orchestrator.job;

import java.util.function.Consumer;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.stereotype.Component;
import org.ssisbackup.contracts.VersionedMessage;
import org.ssisbackup.contracts.wire.OutboundMessages;

/** Puts commands on ssis.backup.commands, keyed by host; a refused send is an exception. */
@Component
public class CommandPublisher implements Consumer<VersionedMessage> {
    private final Consumer<VersionedMessage> publisher;

    public CommandPublisher(StreamBridge bridge) {
        this.publisher = OutboundMessages.publisher(bridge::send, "commands-out-0");
    }

    @Override
    public void accept(VersionedMessage message) {
        publisher.accept(message);
    }
}
