package org.ssisbackup.catalog.messaging;

import java.util.function.Consumer;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.stereotype.Component;
import org.ssisbackup.catalog.record.CatalogEvents;
import org.ssisbackup.contracts.RestorePointRecorded;
import org.ssisbackup.contracts.VersionedMessage;
import org.ssisbackup.platform.messaging.OutboundMessages;

/** Tells anyone on ssis.catalog.events (binding {@code catalogEvents-out-0}) what the catalog recorded. */
@Component
class KafkaCatalogEvents implements CatalogEvents {
    private final Consumer<VersionedMessage> publisher;

    KafkaCatalogEvents(StreamBridge bridge) {
        this.publisher = OutboundMessages.publisher(bridge::send, "catalogEvents-out-0");
    }

    @Override
    public void recorded(RestorePointRecorded event) {
        publisher.accept(event);
    }
}
