package org.ssisbackup.orchestrator.messaging;

import java.security.PrivateKey;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.stereotype.Component;
import org.ssisbackup.contracts.AgentCommand;
import org.ssisbackup.orchestrator.OrchestratorProperties;
import org.ssisbackup.orchestrator.job.CommandSender;
import org.ssisbackup.platform.messaging.MessageSignature;
import org.ssisbackup.platform.messaging.OutboundMessages;

/**
 * Puts commands on ssis.backup.commands (binding {@code commands-out-0}), keyed by host, each signed with the
 * orchestrator's key (agents act on nothing else); a refused send is an exception.
 */
@Component
class KafkaCommandSender implements CommandSender {
    private final StreamBridge bridge;
    private final PrivateKey signingKey;

    KafkaCommandSender(StreamBridge bridge, OrchestratorProperties properties) {
        this.bridge = bridge;
        this.signingKey = properties.commandSigningKey();
    }

    @Override
    public void send(AgentCommand command) {
        Message<byte[]> unsigned = OutboundMessages.of(command);
        Message<byte[]> signed = MessageBuilder.fromMessage(unsigned)
                .setHeader(MessageSignature.HEADER, MessageSignature.sign(signingKey, unsigned.getPayload()))
                .build();
        if (!bridge.send("commands-out-0", signed)) {
            throw new IllegalStateException(
                    "the broker did not take " + command.getClass().getSimpleName());
        }
    }
}
