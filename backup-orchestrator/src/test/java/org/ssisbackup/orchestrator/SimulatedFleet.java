package org.ssisbackup.orchestrator;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.ssisbackup.contracts.AgentCommand;
import org.ssisbackup.contracts.AgentHeartbeat;
import org.ssisbackup.contracts.AgentJobFinished;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.BackupCommand;
import org.ssisbackup.contracts.JobAccepted;
import org.ssisbackup.contracts.MessageCodec;
import org.ssisbackup.contracts.MessageMeta;
import org.ssisbackup.contracts.Outcome;
import org.ssisbackup.contracts.Topics;
import org.ssisbackup.contracts.VersionedMessage;

/**
 * Lightweight simulated agents for any number of hosts on one broker: every BackupCommand on the commands topic is
 * answered as a real agent would (JobAccepted, then AgentJobFinished SUCCEEDED after {@code work}), and heartbeats
 * can be sent for every host. For the orchestrator's tests and its fleet benchmark.
 */
final class SimulatedFleet implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final Thread agents;
    private final AtomicLong answered = new AtomicLong();
    private volatile boolean running = true;

    SimulatedFleet(String brokers, Duration work) {
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        pp.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        this.producer = new KafkaProducer<>(pp);
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        cp.put(ConsumerConfig.GROUP_ID_CONFIG, "simulated-fleet-" + UUID.randomUUID());
        cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        cp.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        cp.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cp);
        consumer.subscribe(List.of(Topics.COMMANDS));
        // Join the group before returning, so no command sent after construction is missed.
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (consumer.assignment().isEmpty() && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(100));
        }
        this.agents = new Thread(
                () -> {
                    try (consumer) {
                        while (running) {
                            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                                AgentCommand c = MessageCodec.decodeCommand(r.value());
                                if (c instanceof BackupCommand b) {
                                    answer(b, work);
                                }
                            }
                        }
                    }
                },
                "simulated-fleet");
        agents.setDaemon(true);
        agents.start();
    }

    private void answer(BackupCommand b, Duration work) {
        String host = b.meta().hostId();
        send(
                Topics.EVENTS,
                new JobAccepted(
                        MessageMeta.create(b.meta().jobId(), host),
                        b.agent(),
                        "simulated",
                        JobAccepted.JobType.BACKUP));
        if (!work.isZero()) {
            try {
                Thread.sleep(work.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (b.policy() != null) {
            policies.put(host, b.policy());
        }
        send(
                Topics.EVENTS,
                new AgentJobFinished(
                        MessageMeta.create(b.meta().jobId(), host),
                        b.agent(),
                        b.restorePointId(),
                        b.agents(),
                        Outcome.SUCCEEDED,
                        0,
                        0,
                        0,
                        "simulated",
                        List.of(),
                        List.of(),
                        b.policy()));
        answered.incrementAndGet();
    }

    /** One heartbeat per host and agent kind. */
    public void heartbeats(List<String> hosts, Set<AgentKind> kinds, Duration interval) {
        for (String host : hosts) {
            for (AgentKind kind : kinds) {
                send(
                        Topics.HEARTBEATS,
                        new AgentHeartbeat(
                                MessageMeta.create(UUID.randomUUID(), host),
                                kind,
                                "simulated",
                                Set.of(kind == AgentKind.MSDB ? "MSDB" : "FILESYSTEM"),
                                interval,
                                null,
                                null));
            }
        }
        producer.flush();
    }

    /** Sends any record (a CloudEvent, say) through the fleet's producer. */
    public void send(String topic, String key, byte[] value, Map<String, String> headers) {
        ProducerRecord<byte[], byte[]> record =
                new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value);
        headers.forEach((k, v) -> record.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
        Future<?> unused = producer.send(record); // sent in the background; a lost one shows as a job that never ends
    }

    public void flush() {
        producer.flush();
    }

    /** The policy the last backup command for this host carried, if any. */
    public org.ssisbackup.contracts.PolicyRef policyOf(String host) {
        return policies.get(host);
    }

    private final Map<String, org.ssisbackup.contracts.PolicyRef> policies =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** Backup commands answered so far. */
    public long answered() {
        return answered.get();
    }

    /** Each simulated host's agents sign with a key of the host's own, enrolled on first use as a real one is. */
    private final Map<String, java.security.PrivateKey> keys = new java.util.concurrent.ConcurrentHashMap<>();

    private final Map<String, String> publicKeys = new java.util.concurrent.ConcurrentHashMap<>();

    private void send(String topic, VersionedMessage m) {
        String host = m.meta().hostId();
        java.security.PrivateKey key = keys.computeIfAbsent(host, h -> {
            String[] pair = org.ssisbackup.platform.messaging.MessageSignature.newKeyPair();
            publicKeys.put(h, pair[1]);
            return org.ssisbackup.platform.messaging.MessageSignature.privateKey(pair[0]);
        });
        byte[] value = MessageCodec.encode(m);
        ProducerRecord<byte[], byte[]> record =
                new ProducerRecord<>(topic, host.getBytes(StandardCharsets.UTF_8), value);
        record.headers()
                .add(
                        org.ssisbackup.platform.messaging.MessageSignature.HEADER,
                        org.ssisbackup.platform.messaging.MessageSignature.sign(
                                        org.ssisbackup.platform.messaging.MessageSignature.Purpose.AGENT_MESSAGE,
                                        key,
                                        value)
                                .getBytes(StandardCharsets.US_ASCII));
        record.headers().add(Topics.AGENT_KEY_HEADER, publicKeys.get(host).getBytes(StandardCharsets.US_ASCII));
        Future<?> unused = producer.send(record);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        agents.join(5000);
        producer.close();
    }
}
