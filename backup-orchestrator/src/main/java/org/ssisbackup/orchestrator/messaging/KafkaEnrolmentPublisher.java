package org.ssisbackup.orchestrator.messaging;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.stereotype.Component;
import org.ssisbackup.contracts.AgentEnrolment;
import org.ssisbackup.orchestrator.OrchestratorProperties;
import org.ssisbackup.orchestrator.enrolment.EnrolmentPublisher;
import org.ssisbackup.platform.messaging.MessageSignature;
import org.ssisbackup.platform.messaging.OutboundMessages;

/**
 * Enrolments on ssis.agent.enrolments (binding {@code enrolments-out-0}, a compacted topic), keyed by host and agent
 * so the topic keeps the last word on each, signed with the orchestrator's key for the purpose of enrolments.
 */
@Component
class KafkaEnrolmentPublisher implements EnrolmentPublisher {
    private final StreamBridge bridge;
    private final PrivateKey signingKey;

    KafkaEnrolmentPublisher(StreamBridge bridge, OrchestratorProperties properties) {
        this.bridge = bridge;
        this.signingKey = properties.commandSigningKey();
    }

    @Override
    public void publish(AgentEnrolment enrolment) {
        Message<byte[]> unsigned = OutboundMessages.of(enrolment);
        Message<byte[]> signed = MessageBuilder.fromMessage(unsigned)
                .setHeader(
                        KafkaHeaders.KEY,
                        AgentEnrolment.topicKey(enrolment.meta().hostId(), enrolment.agent())
                                .getBytes(StandardCharsets.UTF_8))
                .setHeader(
                        MessageSignature.HEADER,
                        MessageSignature.sign(MessageSignature.Purpose.ENROLMENT, signingKey, unsigned.getPayload()))
                .build();
        if (!bridge.send("enrolments-out-0", signed)) {
            throw new IllegalStateException("the broker did not take the enrolment");
        }
    }
}
