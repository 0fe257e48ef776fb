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
    private final int internalPort;

    private KafkaBrokerProcess(Process process, int port, int internalPort) {
        this.process = process;
        this.port = port;
        this.internalPort = internalPort;
    }

    /** Formats a data folder under {@code dir} and starts the broker; returns once it accepts connections. */
    public static KafkaBrokerProcess start(Path dir) throws IOException, InterruptedException {
        return start(dir, null);
    }

    /**
     * The same, secured as docker-compose secures its broker when {@code certificates} is given (they must hold a
     * {@code kafka} key store): clients connect over TLS with a certificate of the test CA (mutual TLS; the principal is
     * the certificate's CN), and every request is checked against ACLs (none: refused). A second, plaintext listener on
     * the loopback address ({@link #internalBrokers()}) serves the broker itself and the test's own administration as a
     * super user: test only.
     */
    public static KafkaBrokerProcess start(Path dir, org.ssisbackup.testkit.infra.TestCertificates certificates)
            throws IOException, InterruptedException {
        int port = ServiceProcess.freePort();
        int controller = ServiceProcess.freePort();
        int internal = certificates == null ? port : ServiceProcess.freePort();
        Files.createDirectories(dir);
        String data = slashes(dir.resolve("data"));
        String config = certificates == null
                ? """
                process.roles=broker,controller
                node.id=1
                controller.quorum.bootstrap.servers=127.0.0.1:%2$d
                listeners=PLAINTEXT://127.0.0.1:%1$d,CONTROLLER://127.0.0.1:%2$d
                advertised.listeners=PLAINTEXT://127.0.0.1:%1$d
                controller.listener.names=CONTROLLER
                listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
                log.dirs=%3$s
                """.formatted(port, controller, data)
                : """
                process.roles=broker,controller
                node.id=1
                controller.quorum.bootstrap.servers=127.0.0.1:%2$d
                listeners=SSL://127.0.0.1:%1$d,INTERNAL://127.0.0.1:%4$d,CONTROLLER://127.0.0.1:%2$d
                advertised.listeners=SSL://127.0.0.1:%1$d,INTERNAL://127.0.0.1:%4$d
                controller.listener.names=CONTROLLER
                inter.broker.listener.name=INTERNAL
                listener.security.protocol.map=SSL:SSL,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT
                log.dirs=%3$s
                ssl.keystore.type=PKCS12
                ssl.keystore.location=%5$s
                ssl.keystore.password=%7$s
                ssl.key.password=%7$s
                ssl.truststore.type=PKCS12
                ssl.truststore.location=%6$s
                ssl.truststore.password=%7$s
                ssl.client.auth=required
                ssl.principal.mapping.rules=RULE:^CN=([^,]+)$/$1/,DEFAULT
                authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
                allow.everyone.if.no.acl.found=false
                super.users=User:ANONYMOUS
                """.formatted(
                                port,
                                controller,
                                data,
                                internal,
                                slashes(certificates.keyStore("kafka")),
                                slashes(certificates.trustStore()),
                                org.ssisbackup.testkit.infra.TestCertificates.PASSWORD);
        Path properties = Files.writeString(dir.resolve("server.properties"), config + """
                offsets.topic.replication.factor=1
                transaction.state.log.replication.factor=1
                transaction.state.log.min.isr=1
                group.initial.rebalance.delay.ms=0
                num.partitions=1
                """);
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
        KafkaBrokerProcess started = new KafkaBrokerProcess(broker, port, internal);
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

    /** Where clients connect (over TLS when the broker is secured). */
    public String brokers() {
        return "127.0.0.1:" + port;
    }

    /** The plaintext listener of a secured broker, for the test's own administration (a super user); else brokers(). */
    public String internalBrokers() {
        return "127.0.0.1:" + internalPort;
    }

    /** A path as Kafka's properties file takes it (a backslash there is an escape). */
    private static String slashes(Path path) {
        return path.toAbsolutePath().toString().replace('\\', '/');
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
