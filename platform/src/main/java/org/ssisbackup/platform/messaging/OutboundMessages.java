package org.ssisbackup.platform.messaging;

import java.nio.charset.StandardCharsets;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.util.MimeTypeUtils;
import org.ssisbackup.contracts.MessageCodec;
import org.ssisbackup.contracts.Topics;
import org.ssisbackup.contracts.VersionedMessage;

/** How every message goes on the wire: JSON body, keyed by host id, its type in a header. */
public final class OutboundMessages {

    public static Message<byte[]> of(VersionedMessage message) {
        return MessageBuilder.withPayload(MessageCodec.encode(message))
                .setHeader(KafkaHeaders.KEY, message.meta().hostId().getBytes(StandardCharsets.UTF_8))
                .setHeader(Topics.TYPE_HEADER, message.getClass().getSimpleName())
                .setHeader(MessageHeaders.CONTENT_TYPE, MimeTypeUtils.APPLICATION_JSON_VALUE)
                .build();
    }

    /**
     * A publisher that fails loudly: {@code send} is a binder's send (e.g. {@code streamBridge::send}) and a
     * refused message becomes an exception, so the caller's job ends FAILED instead of losing the event.
     */
    public static Consumer<VersionedMessage> publisher(BiPredicate<String, Object> send, String binding) {
        return publisher(send, binding, UnaryOperator.identity());
    }

    /** The same, each message passed through {@code sign} (an agent's key adds its signature headers). */
    public static Consumer<VersionedMessage> publisher(
            BiPredicate<String, Object> send, String binding, UnaryOperator<Message<byte[]>> sign) {
        return message -> {
            if (!send.test(binding, sign.apply(of(message)))) {
                throw new IllegalStateException(
                        "the broker did not take " + message.getClass().getSimpleName());
            }
        };
    }

    private OutboundMessages() {}
}
