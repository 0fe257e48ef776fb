package org.ssisbackup.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.ssisbackup.testkit.infra.TestDatabases;

/**
 * The API's authentication and roles, on the running orchestrator: no credential and a wrong key get 401; a viewer
 * (API key or bearer token) reads but cannot change (403); an operator can; bearer tokens that are expired or signed
 * by another key get 401; monitoring endpoints stay open. A restore needs the operator role, and while the catalog cannot
 * be asked about its restore point it is refused with 503 and the reason, nothing dispatched.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.cloud.stream.kafka.binder.brokers=${spring.embedded.kafka.brokers}",
            "ssisbackup.security.api-keys[0].name=ops-key",
            "ssisbackup.security.api-keys[0].key=operator-secret-1",
            "ssisbackup.security.api-keys[0].role=operator",
            "ssisbackup.security.api-keys[1].name=dash-key",
            "ssisbackup.security.api-keys[1].key=viewer-secret-2",
            "ssisbackup.security.api-keys[1].role=viewer",
            "ssisbackup.orchestrator.catalog-url=http://127.0.0.1:1"
        })
@EmbeddedKafka(partitions = 1)
class ApiSecurityIT {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final KeyPair ISSUER = rsa();
    static final KeyPair STRANGER = rsa();
    static final String POLICY = "{\"name\":\"sec-%s\",\"retention\":{\"keepLast\":1}}";

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) throws Exception {
        TestDatabases.register(r, "orchestrator");
        Path pem = Files.createTempFile("issuer", ".pub");
        Files.writeString(
                pem,
                "-----BEGIN PUBLIC KEY-----\n"
                        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                                .encodeToString(ISSUER.getPublic().getEncoded())
                        + "\n-----END PUBLIC KEY-----\n");
        r.add("spring.security.oauth2.resourceserver.jwt.public-key-location", () -> "file:" + pem);
    }

    @LocalServerPort
    int port;

    static KeyPair rsa() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String token(KeyPair key, List<String> roles, long expiresInSeconds) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject("alice")
                .issuer("https://idp.example")
                .claim("roles", roles)
                .expirationTime(Date.from(
                        java.time.Instant.now().plusSeconds(expiresInSeconds))) // the JWT library takes a Date
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
        jwt.sign(new RSASSASigner((RSAPrivateKey) key.getPrivate()));
        return jwt.serialize();
    }

    private int call(String method, String path, String header, String value, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (header != null) {
            b.header(header, value);
        }
        b = body == null
                ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void apiKeysAuthenticateAndTheirRoleDecides() throws Exception {
        assertThat(call("GET", "/api/v1/hosts", null, null, null)).isEqualTo(401);
        assertThat(call("GET", "/api/v1/hosts", "X-API-Key", "wrong", null)).isEqualTo(401);
        assertThat(call("GET", "/api/v1/hosts", "X-API-Key", "viewer-secret-2", null))
                .isEqualTo(200);
        assertThat(call("POST", "/api/v1/policies", "X-API-Key", "viewer-secret-2", POLICY.formatted("v")))
                .isEqualTo(403);
        assertThat(call("POST", "/api/v1/backups", "X-API-Key", "viewer-secret-2", "{\"hosts\":[\"h\"]}"))
                .isEqualTo(403);
        assertThat(call("POST", "/api/v1/policies", "X-API-Key", "operator-secret-1", POLICY.formatted("o")))
                .isEqualTo(201);
        assertThat(call("GET", "/actuator/prometheus", null, null, null)).isEqualTo(200);
        assertThat(call("GET", "/actuator/health", null, null, null)).isEqualTo(200);
        assertThat(call("GET", "/actuator/env", null, null, null)).isIn(401, 403, 404);
    }

    @Test
    void bearerTokensCarryTheirRoles() throws Exception {
        String viewer = "Bearer " + token(ISSUER, List.of("viewer"), 300);
        String operator = "Bearer " + token(ISSUER, List.of("operator"), 300);
        assertThat(call("GET", "/api/v1/policies", "Authorization", viewer, null))
                .isEqualTo(200);
        assertThat(call("PUT", "/api/v1/hosts/jwt-h1/labels", "Authorization", viewer, "{\"labels\":{}}"))
                .isEqualTo(403);
        assertThat(call(
                        "PUT",
                        "/api/v1/hosts/jwt-h1/labels",
                        "Authorization",
                        operator,
                        "{\"labels\":{\"env\":\"prod\"}}"))
                .isEqualTo(200);
        assertThat(call("GET", "/api/v1/policies", "Authorization", "Bearer " + token(ISSUER, List.of(), 300), null))
                .isEqualTo(403);
        assertThat(call(
                        "GET",
                        "/api/v1/policies",
                        "Authorization",
                        "Bearer " + token(ISSUER, List.of("operator"), -60),
                        null))
                .isEqualTo(401);
        assertThat(call(
                        "GET",
                        "/api/v1/policies",
                        "Authorization",
                        "Bearer " + token(STRANGER, List.of("operator"), 300),
                        null))
                .isEqualTo(401);
    }

    @Test
    void aRestoreNeedsAnOperatorAndACatalogThatAnswers() throws Exception {
        String body = "{\"restorePointId\":\"" + java.util.UUID.randomUUID() + "\"}";
        assertThat(call("POST", "/api/v1/restores", "X-API-Key", "viewer-secret-2", body))
                .isEqualTo(403);
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/restores"))
                        .header("X-API-Key", "operator-secret-1")
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("the catalog cannot be reached");
    }
}
