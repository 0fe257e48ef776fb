package org.ssisbackup.cli.api;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.ssisbackup.cli.ExitCode;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The orchestrator's and the catalog's REST APIs, as this client calls them: the right key for each, answers as JSON
 * trees (so {@code -o json} prints exactly what the API said), and every failure turned into one sentence and an exit
 * code (refused, not found, unreachable, ...). Answers are bounded: a service never makes the client hold more than
 * {@value #MAX_ANSWER_BYTES} bytes.
 */
public final class ApiClient {
    static final int MAX_ANSWER_BYTES = 64 << 20;
    public static final JsonMapper JSON = JsonMapper.builder().build();

    /** Which service, with which key. */
    public enum Service {
        ORCHESTRATOR,
        CATALOG,
        CATALOG_ADMIN
    }

    private final Endpoints endpoints;
    private final HttpClient http;

    public ApiClient(Endpoints endpoints) {
        this.endpoints = endpoints;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        if (endpoints.caCertificate() != null) {
            b.sslContext(trusting(endpoints));
        }
        this.http = b.build();
    }

    public Endpoints endpoints() {
        return endpoints;
    }

    public JsonNode get(Service service, String path) {
        return send(service, "GET", path, null);
    }

    public JsonNode post(Service service, String path, Object body) {
        return send(service, "POST", path, body);
    }

    public JsonNode put(Service service, String path, Object body) {
        return send(service, "PUT", path, body);
    }

    public JsonNode delete(Service service, String path) {
        return send(service, "DELETE", path, null);
    }

    /** A path with query parameters; null values are left out, the rest URL-encoded. */
    public static String query(String path, Map<String, ?> params) {
        StringBuilder s = new StringBuilder(path);
        char sep = path.contains("?") ? '&' : '?';
        for (Map.Entry<String, ?> e : params.entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            s.append(sep)
                    .append(e.getKey())
                    .append('=')
                    .append(URLEncoder.encode(e.getValue().toString(), StandardCharsets.UTF_8));
            sep = '&';
        }
        return s.toString();
    }

    /** Path segments are encoded too: a host or policy name never changes which resource is asked for. */
    public static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Query parameters in the order given. */
    public static Map<String, Object> params(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    private JsonNode send(Service service, String method, String path, Object body) {
        String base = service == Service.ORCHESTRATOR ? endpoints.orchestrator() : endpoints.catalog();
        String key = switch (service) {
            case ORCHESTRATOR -> endpoints.apiKey();
            case CATALOG -> endpoints.catalogKey();
            case CATALOG_ADMIN -> endpoints.catalogAdminKey();
        };
        if (key == null) {
            throw new ApiException(
                    "no key for the " + describe(service) + ": set " + keyVariable(service) + " or the context's "
                            + keyField(service) + context(),
                    ExitCode.REFUSED);
        }
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(60))
                .header("X-API-Key", key)
                .header("Accept", "application/json");
        if (body == null) {
            r.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            r.header("Content-Type", "application/json")
                    .method(
                            method,
                            HttpRequest.BodyPublishers.ofString(
                                    body instanceof String s ? s : JSON.writeValueAsString(body)));
        }
        HttpResponse<InputStream> response;
        try {
            response = http.send(r.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpConnectTimeoutException | ConnectException e) {
            throw unreachable(service, base, "connection refused or timed out");
        } catch (SSLHandshakeException e) {
            throw new ApiException(
                    "the " + describe(service) + " at " + base + " was not trusted: " + e.getMessage()
                            + " (set the context's ca-certificate)",
                    ExitCode.REFUSED);
        } catch (HttpTimeoutException e) {
            throw unreachable(service, base, "no answer within 60 s");
        } catch (IOException e) {
            throw unreachable(service, base, String.valueOf(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException("interrupted", ExitCode.FAILED);
        } catch (IllegalArgumentException e) {
            throw new ApiException("not a URL: " + base + path, ExitCode.USAGE);
        }
        String text;
        try (InputStream in = response.body()) {
            byte[] bytes = in.readNBytes(MAX_ANSWER_BYTES + 1);
            if (bytes.length > MAX_ANSWER_BYTES) {
                throw new ApiException(
                        "the " + describe(service) + "'s answer is larger than " + (MAX_ANSWER_BYTES >> 20)
                                + " MiB; ask for less (--limit)",
                        ExitCode.FAILED);
            }
            text = new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw unreachable(service, base, "the answer broke off: " + e.getMessage());
        }
        int status = response.statusCode();
        if (status >= 400) {
            String reason = reason(text, status);
            throw new ApiException(
                    describe(service) + " answered " + status + ": " + reason, ApiException.of(status, reason));
        }
        if (text.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(text);
        } catch (tools.jackson.core.JacksonException e) {
            throw new ApiException(
                    "the " + describe(service) + " answered something that is not JSON (is " + base
                            + " the right address?)",
                    ExitCode.FAILED);
        }
    }

    /** The service's own reason: a problem document's detail, or the error's message. */
    static String reason(String body, int status) {
        try {
            JsonNode n = JSON.readTree(body);
            for (String field : new String[] {"detail", "message", "error"}) {
                if (n.hasNonNull(field) && !n.get(field).asString().isBlank()) {
                    return n.get(field).asString();
                }
            }
        } catch (RuntimeException notJson) {
            // fall through
        }
        String plain = body.strip();
        return plain.isEmpty() || plain.length() > 300 ? "HTTP " + status : plain;
    }

    private ApiException unreachable(Service service, String base, String why) {
        return new ApiException(
                "cannot reach the " + describe(service) + " at " + base + ": " + why + context(), ExitCode.UNREACHABLE);
    }

    /** " (context prod)", or nothing when the settings came from the environment alone. */
    private String context() {
        return endpoints.context() == null ? "" : " (context " + endpoints.context() + ")";
    }

    private static String describe(Service service) {
        return service == Service.ORCHESTRATOR ? "orchestrator" : "catalog";
    }

    private static String keyVariable(Service service) {
        return switch (service) {
            case ORCHESTRATOR -> "SSIS_BACKUP_API_KEY";
            case CATALOG -> "SSIS_BACKUP_CATALOG_KEY";
            case CATALOG_ADMIN -> "SSIS_BACKUP_CATALOG_ADMIN_KEY";
        };
    }

    private static String keyField(Service service) {
        return switch (service) {
            case ORCHESTRATOR -> "api-key";
            case CATALOG -> "catalog-key";
            case CATALOG_ADMIN -> "catalog-admin-key";
        };
    }

    private static SSLContext trusting(Endpoints endpoints) {
        try (InputStream in = Files.newInputStream(endpoints.caCertificate())) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + i++, c);
            }
            if (i == 0) {
                throw new ApiException(endpoints.caCertificate() + " holds no certificate", ExitCode.USAGE);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            return ssl;
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new ApiException(
                    "the CA certificate " + endpoints.caCertificate() + " cannot be read: " + e.getMessage(),
                    ExitCode.USAGE);
        }
    }
}
