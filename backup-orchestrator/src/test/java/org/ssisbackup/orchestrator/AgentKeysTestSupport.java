package org.ssisbackup.orchestrator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.ssisbackup.contracts.AgentHeartbeat;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.MessageCodec;
import org.ssisbackup.contracts.MessageMeta;
import org.ssisbackup.platform.messaging.MessageSignature;

/** What the agent-key tests (first use, approval) share: a heartbeat, an API call, what the fleet recorded. */
final class AgentKeysTestSupport {
    static final HttpClient HTTP = HttpClient.newHttpClient();

    private AgentKeysTestSupport() {}

    static byte[] beat(String host, AgentKind agent, String version) {
        return MessageCodec.encode(new AgentHeartbeat(
                MessageMeta.create(UUID.randomUUID(), host),
                agent,
                version,
                Set.of("MSDB", "RESTORE"),
                Duration.ofMinutes(1),
                null,
                null));
    }

    static HttpResponse<String> http(int port, String key, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("X-API-Key", key);
        b = body == null
                ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** The version the fleet recorded for the host's msdb agent (null: none, its heartbeat was not taken). */
    static String msdbVersion(JdbcClient jdbc, String host) {
        return jdbc.sql("SELECT version FROM host_agent WHERE host_id = ? AND agent = 'MSDB'")
                .param(host)
                .query(String.class)
                .optional()
                .orElse(null);
    }

    static String fingerprintOf(String privateKey) {
        return MessageSignature.fingerprint(MessageSignature.publicKey(MessageSignature.publicKeyOf(privateKey)));
    }
}
