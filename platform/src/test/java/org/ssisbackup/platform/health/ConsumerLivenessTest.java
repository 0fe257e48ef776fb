package org.ssisbackup.platform.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ApplicationAvailabilityBean;
import org.springframework.boot.availability.LivenessState;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.kafka.mock.MockConsumerFactory;

/**
 * The probe's case: a listener that runs out of heap stops its container. A real listener container (over Kafka's
 * MockConsumer, the edge faked) must take liveness DOWN; a container stopped on shutdown must not.
 */
class ConsumerLivenessTest {

    @Test
    void aConsumerThatStopsOnAnErrorTakesLivenessDown() {
        try (AnnotationConfigApplicationContext context = context()) {
            KafkaMessageListenerContainer<String, String> container = container(context, record -> {
                throw new OutOfMemoryError("Java heap space (thrown by the test)");
            });
            container.start();
            await().atMost(Duration.ofSeconds(30))
                    .until(() ->
                            context.getBean(ApplicationAvailability.class).getLivenessState() == LivenessState.BROKEN);
            assertThat(container.isRunning()).isFalse();
        }
    }

    @Test
    void aContainerStoppedOnPurposeLeavesLivenessAlone() {
        try (AnnotationConfigApplicationContext context = context()) {
            KafkaMessageListenerContainer<String, String> container = container(context, record -> {});
            container.start();
            await().atMost(Duration.ofSeconds(30)).until(container::isRunning);
            container.stop();
            assertThat(context.getBean(ApplicationAvailability.class).getLivenessState())
                    .isEqualTo(LivenessState.CORRECT);
        }
    }

    private static AnnotationConfigApplicationContext context() {
        AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
        context.registerBean(ApplicationAvailabilityBean.class);
        context.registerBean(ConsumerLiveness.class, () -> new ConsumerLiveness(context, false));
        context.refresh();
        org.springframework.boot.availability.AvailabilityChangeEvent.publish(context, LivenessState.CORRECT);
        return context;
    }

    private static KafkaMessageListenerContainer<String, String> container(
            AnnotationConfigApplicationContext context, MessageListener<String, String> listener) {
        TopicPartition tp = new TopicPartition("ssis.backup.events", 0);
        MockConsumer<String, String> consumer = new MockConsumer<>("earliest");
        consumer.updateBeginningOffsets(Map.of(tp, 0L));
        consumer.schedulePollTask(() -> consumer.addRecord(new ConsumerRecord<>(tp.topic(), 0, 0L, "h1", "{}")));
        ContainerProperties props =
                new ContainerProperties(new org.springframework.kafka.support.TopicPartitionOffset(tp.topic(), 0, 0L));
        props.setGroupId("test");
        props.setMessageListener(listener);
        props.setPollTimeout(50);
        KafkaMessageListenerContainer<String, String> container =
                new KafkaMessageListenerContainer<>(new MockConsumerFactory<>(() -> consumer), props);
        container.setApplicationEventPublisher(context);
        return container;
    }
}
