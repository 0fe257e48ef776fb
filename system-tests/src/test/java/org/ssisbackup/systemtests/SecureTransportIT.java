package org.ssisbackup.systemtests;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ssisbackup.contracts.Topics;
import org.ssisbackup.testkit.infra.TestCertificates;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 12, item 7, transports: the product as docker-compose secures it, on real parts. The broker takes only mutual
 * TLS and checks ACLs (each service and agent its own certificate, the least rights); the bucket and every service's
 * API answer over TLS only, all trusting one private CA. A backup and a restore go through; plain HTTP, a client
 * without a certificate, an unknown certificate, and an agent's certificate used to write commands or enrolments are
 * all refused.
 */
class SecureTransportIT {
    static final JsonMapper JSON = JsonMapper.builder().build();
    static SystemStack stack;
    static HttpClient https;

    @BeforeAll
    static void start() throws Exception {
        stack = new SystemStack(Map.of(), null, null, null, SystemStack.Infrastructure.SECURED);
        https = HttpClient.newBuilder()
                .sslContext(stack.certificates.context(null))
                .build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aBackupAndARestoreGoThroughMutualTlsAclsAndHttpsOnly() throws Exception {
        assertThat(stack.orchestrator).startsWith("https://");
        HttpResponse<String> started = post(
                stack.orchestrator + "/api/v1/backups",
                "{\"hosts\":[\"" + SystemStack.HOST + "\"],\"scope\":[\"FILESYSTEM\",\"MSDB\"]}");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String jobId = JSON.readTree(started.body()).get("jobId").asString();
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> !get(stack.orchestrator + "/api/v1/backups/" + jobId, SystemStack.API_KEY)
                        .get("finishedAt")
                        .isNull());
        JsonNode job = get(stack.orchestrator + "/api/v1/backups/" + jobId, SystemStack.API_KEY);
        assertThat(job.get("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        String point = job.get("agents").get(0).get("restorePointId").asString();
        await().atMost(Duration.ofMinutes(1))
                .ignoreExceptions()
                .until(() -> get(stack.catalog + "/api/v1/restore-points/" + point, SystemStack.VIEWER_KEY)
                        .get("status")
                        .asString()
                        .equals("COMPLETE"));

        Path target = Files.createTempDirectory("secure-restore");
        HttpResponse<String> restore = post(
                stack.orchestrator + "/api/v1/restores",
                "{\"restorePointId\":\"" + point + "\",\"scope\":[\"FILESYSTEM\"],\"targetPath\":\""
                        + target.toString().replace("\\", "\\\\") + "\"}");
        assertThat(restore.statusCode()).as(restore.body()).isEqualTo(202);
        String restoreId = JSON.readTree(restore.body()).get("restoreId").asString();
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> !get(stack.orchestrator + "/api/v1/restores/" + restoreId, SystemStack.API_KEY)
                        .get("finishedAt")
                        .isNull());
        JsonNode restored = get(stack.orchestrator + "/api/v1/restores/" + restoreId, SystemStack.API_KEY);
        assertThat(restored.get("state").asString()).as(restored.toString()).isEqualTo("SUCCEEDED");
        try (var files = Files.walk(target)) {
            assertThat(files.filter(Files::isRegularFile).count()).isPositive();
        }

        // No secret in any service's log: store passwords, the bucket's secret key, the msdb password, the repository
        // key, and the passwords inside the configuration files just backed up and restored.
        for (var process : stack.processes()) {
            String log = Files.readString(process.log());
            assertThat(log)
                    .as(process.name() + "'s log")
                    .doesNotContain(TestCertificates.PASSWORD)
                    .doesNotContain(stack.s3.secretKey())
                    .doesNotContain(SystemStack.MSDB_PASSWORD)
                    .doesNotContain(org.ssisbackup.testkit.infra.TestKeys.KEK)
                    .doesNotContain("Sample-Only-Not-A-Secret");
        }
    }

    @Test
    void plainHttpToAServiceIsRefused() {
        String plain = stack.orchestrator.replace("https://", "http://") + "/api/v1/backups";
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> r;
        try {
            r = http.send(
                    HttpRequest.newBuilder(URI.create(plain))
                            .header("X-API-Key", SystemStack.API_KEY)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception refused) {
            return; // the TLS port closed the plaintext connection
        }
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).doesNotContain("jobId");
    }

    @Test
    void theBrokerRefusesClientsWithoutACertificateOfItsCaAndAgentsOutsideTheirRights() throws Exception {
        // No certificate: the handshake fails.
        assertThatThrownBy(() -> send(null, Topics.EVENTS)).isNotNull();
        // A certificate of another CA would fail the same way; one of this CA without rights is refused per topic.
        assertThatThrownBy(() -> send("intruder", Topics.EVENTS)).hasCauseInstanceOf(TopicAuthorizationException.class);
        // A host's agent writes its events, and neither commands nor enrolments.
        send(SystemStack.FS_AGENT_PRINCIPAL, Topics.HEARTBEATS);
        assertThatThrownBy(() -> send(SystemStack.FS_AGENT_PRINCIPAL, Topics.COMMANDS))
                .hasCauseInstanceOf(TopicAuthorizationException.class);
        assertThatThrownBy(() -> send(SystemStack.FS_AGENT_PRINCIPAL, Topics.ENROLMENTS))
                .hasCauseInstanceOf(TopicAuthorizationException.class);
    }

    /** Sends one record over the TLS listener with {@code principal}'s certificate (null: none). */
    private static void send(String principal, String topic) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaProcess.brokers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "15000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        p.put("security.protocol", "SSL");
        p.put("ssl.truststore.type", "PKCS12");
        p.put("ssl.truststore.location", stack.certificates.trustStore().toString());
        p.put("ssl.truststore.password", TestCertificates.PASSWORD);
        if (principal != null) {
            p.put("ssl.keystore.type", "PKCS12");
            p.put(
                    "ssl.keystore.location",
                    stack.certificates.keyStore(principal).toString());
            p.put("ssl.keystore.password", TestCertificates.PASSWORD);
            p.put("ssl.key.password", TestCertificates.PASSWORD);
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            producer.send(new ProducerRecord<>(topic, "probe".getBytes(UTF_8), "{}".getBytes(UTF_8)))
                    .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e;
        }
    }

    private static HttpResponse<String> post(String url, String body) throws Exception {
        return https.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/json")
                        .header("X-API-Key", SystemStack.API_KEY)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString(UTF_8));
    }

    private static JsonNode get(String url, String key) throws Exception {
        HttpResponse<String> r = https.send(
                HttpRequest.newBuilder(URI.create(url)).header("X-API-Key", key).build(),
                HttpResponse.BodyHandlers.ofString(UTF_8));
        assertThat(r.statusCode()).as(url + " -> " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }
}
