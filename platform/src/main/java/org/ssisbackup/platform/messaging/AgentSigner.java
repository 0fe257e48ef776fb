package org.ssisbackup.platform.messaging;

import java.security.PublicKey;
import org.springframework.messaging.MessageHeaders;
import org.ssisbackup.contracts.Topics;

/**
 * The agent key that signed a message, checked against the message's value: what the orchestrator and the catalog both
 * establish before they ask whether that key is enrolled for the host it speaks for (ADR 0007).
 */
public record AgentSigner(PublicKey key, String fingerprint) {

    /** Why a message's agent signature does not hold; {@code metricReason} tags the services' refusal counters. */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        private final String metricReason;

        Refused(String metricReason, String message) {
            super(message);
            this.metricReason = metricReason;
        }

        public String metricReason() {
            return metricReason;
        }
    }

    /** The signer of {@code value}, from the headers an agent puts on it; {@link Refused} says what is wrong. */
    public static AgentSigner of(byte[] value, MessageHeaders headers) throws Refused {
        String signature = MessageSignature.headerText(headers.get(MessageSignature.HEADER));
        String keyText = MessageSignature.headerText(headers.get(Topics.AGENT_KEY_HEADER));
        if (signature == null || keyText == null || keyText.length() > 200) {
            throw new Refused("unsigned", "without its signature or key");
        }
        PublicKey key;
        try {
            key = MessageSignature.publicKey(keyText);
        } catch (IllegalArgumentException e) {
            throw new Refused("bad_signature", "whose key header is not an Ed25519 public key");
        }
        if (!MessageSignature.verify(MessageSignature.Purpose.AGENT_MESSAGE, key, value, signature)) {
            throw new Refused("bad_signature", "whose signature does not match its content and key");
        }
        return new AgentSigner(key, MessageSignature.fingerprint(key));
    }
}
