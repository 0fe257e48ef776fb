package org.ssisbackup.testkit.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Reads every record of some topics from the beginning, in the background, and writes raw records: for tests. */
public final class TopicProbe implements AutoCloseable {
    /** One record as seen on the wire. */
    @SuppressWarnings("ArrayRecordComponent") // a test fixture: never compared, tests read its bytes
    public record Seen(String topic, String key, byte[] value, Map<String, String> headers) {
        public String text() {
            return value == null ? null : new String(value, StandardCharsets.UTF_8);
        }
    }

    private final String brokers;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private volatile boolean running = true;

    public TopicProbe(String brokers, String... topics) {
        this.brokers = brokers;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "probe-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "500");
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p);
        consumer.subscribe(java.util.regex.Pattern.compile(String.join(
                "|",
                java.util.Arrays.stream(topics)
                        .map(java.util.regex.Pattern::quote)
                        .toList())));
        reader = new Thread(
                () -> {
                    try (consumer) {
                        while (running) {
                            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                                Map<String, String> headers = new java.util.LinkedHashMap<>();
                                for (Header h : r.headers()) {
                                    headers.put(
                                            h.key(),
                                            h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
                                }
                                seen.add(new Seen(
                                        r.topic(),
                                        r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8),
                                        r.value(),
                                        headers));
                            }
                        }
                    }
                },
                "topic-probe");
        reader.setDaemon(true);
        reader.start();
    }

    public List<Seen> seen(String topic) {
        List<Seen> out = new ArrayList<>();
        for (Seen s : seen) {
            if (s.topic().equals(topic)) {
                out.add(s);
            }
        }
        return out;
    }

    public List<Seen> seen(String topic, Predicate<Seen> filter) {
        return seen(topic).stream().filter(filter).toList();
    }

    /** Sends a command as the orchestrator would: signed with the test signing key (TestKeys), plus these headers. */
    public void sendSignedCommand(String key, byte[] value, Map<String, String> headers) throws Exception {
        Map<String, String> all = new java.util.HashMap<>(headers);
        all.putAll(org.ssisbackup.testkit.infra.TestKeys.signedByOrchestrator(value));
        send(org.ssisbackup.contracts.Topics.COMMANDS, key, value, all);
    }

    /**
     * Sends an event or heartbeat as the host's own agent would: signed with that host's test key
     * ({@code TestKeys.agentKeyOf}), which the orchestrator enrols on first use.
     */
    public void sendAsAgent(String topic, String hostId, byte[] value) throws Exception {
        send(topic, hostId, value, org.ssisbackup.testkit.infra.TestKeys.signedByAgentOf(hostId, value));
    }

    /** Writes one record, waiting for the broker's acknowledgement. */
    public void send(String topic, String key, byte[] value, Map<String, String> headers) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            ProducerRecord<byte[], byte[]> record =
                    new ProducerRecord<>(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
            headers.forEach((k, v) -> record.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
            producer.send(record).get();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        reader.join(5000);
    }
}
