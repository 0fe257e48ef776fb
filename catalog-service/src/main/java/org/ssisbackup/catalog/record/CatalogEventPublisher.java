package org.ssisbackup.catalog.record;

import java.util.function.Consumer;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.stereotype.Component;
import org.ssisbackup.contracts.VersionedMessage;
import org.ssisbackup.contracts.wire.OutboundMessages;

/** Tells anyone on ssis.catalog.events what the catalog recorded. */
@Component
public class CatalogEventPublisher implements Consumer<VersionedMessage> {
    private final Consumer<VersionedMessage> publisher;

    public CatalogEventPublisher(StreamBridge bridge) {
        this.publisher = OutboundMessages.publisher(bridge::send, "catalogEvents-out-0");
    }

    @Override
    public void accept(VersionedMessage message) {
        publisher.accept(message);
    }
}
