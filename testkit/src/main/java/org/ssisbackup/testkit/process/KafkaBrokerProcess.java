package org.ssisbackup.testkit.process;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A KRaft Kafka broker in a process of its own, from the Kafka jars on this JVM's class path, as the local stack runs
 * one: unlike an embedded broker it can be paused ({@code SIGSTOP}), which is what a broker that stops answering looks
 * like to its clients (a long GC, a frozen VM, a network that drops packets). For fault-injection tests.
 */
public final class KafkaBrokerProcess implements AutoCloseable {
    private final Process process;
    private final int port;

    private KafkaBrokerProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Formats a data folder under {@code dir} and starts the broker; returns once it accepts connections. */
    public static KafkaBrokerProcess start(Path dir) throws IOException, InterruptedException {
        int port = ServiceProcess.freePort();
        int controller = ServiceProcess.freePort();
        Files.createDirectories(dir);
        Path properties = Files.writeString(dir.resolve("server.properties"), """
                process.roles=broker,controller
                node.id=1
                controller.quorum.bootstrap.servers=127.0.0.1:%2$d
                listeners=PLAINTEXT://127.0.0.1:%1$d,CONTROLLER://127.0.0.1:%2$d
                advertised.listeners=PLAINTEXT://127.0.0.1:%1$d
                controller.listener.names=CONTROLLER
                listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
                log.dirs=%3$s
                offsets.topic.replication.factor=1
                transaction.state.log.replication.factor=1
                transaction.state.log.min.isr=1
                group.initial.rebalance.delay.ms=0
                num.partitions=1
                """.formatted(
                        port, controller, dir.resolve("data").toString().replace("\\", "/")));
        Path log = dir.resolve("kafka.log");
        Process format = java(List.of(
                        "kafka.tools.StorageTool", "format", "--standalone", "-t", uuid(), "-c", properties.toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        if (!format.waitFor(2, TimeUnit.MINUTES) || format.exitValue() != 0) {
            throw new IOException("formatting the broker's storage failed; see " + log);
        }
        Process broker = java(List.of("kafka.Kafka", properties.toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        KafkaBrokerProcess started = new KafkaBrokerProcess(broker, port);
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (true) {
            try (Socket s = new Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
                return started;
            } catch (IOException notYet) {
                if (!broker.isAlive() || Instant.now().isAfter(deadline)) {
                    broker.destroyForcibly();
                    throw new IOException("the broker did not start; see " + log);
                }
                Thread.sleep(200);
            }
        }
    }

    /** A cluster id as Kafka makes them: 16 random bytes, URL-safe base64 without padding. */
    private static String uuid() {
        UUID u = UUID.randomUUID();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16);
        b.putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    }

    private static ProcessBuilder java(List<String> mainAndArgs) {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-cp",
                System.getProperty("java.class.path")));
        command.addAll(mainAndArgs);
        return new ProcessBuilder(command);
    }

    public String brokers() {
        return "127.0.0.1:" + port;
    }

    /** Stops the broker in its tracks (SIGSTOP): connections stay open, nothing is answered. POSIX systems only. */
    public void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** Lets a paused broker go on (SIGCONT). */
    public void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                .redirectErrorStream(true)
                .start();
        if (!kill.waitFor(30, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
