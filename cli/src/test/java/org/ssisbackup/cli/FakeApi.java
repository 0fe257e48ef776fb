package org.ssisbackup.cli;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Recorded API answers served over real HTTP on loopback, for the client's unit and golden tests (the client against
 * the real services is CliIT in system-tests). Answers by "METHOD /path?query" prefix; records every request.
 */
final class FakeApi implements AutoCloseable {
    record Request(String method, String uri, String key, String body) {}

    record Answer(int status, String body) {}

    private final HttpServer server;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();

    FakeApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String uri = exchange.getRequestURI().toString();
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            requests.add(new Request(
                    exchange.getRequestMethod(),
                    uri,
                    exchange.getRequestHeaders().getFirst("X-API-Key"),
                    body));
            String asked = exchange.getRequestMethod() + " " + uri;
            Answer answer = answers.entrySet().stream()
                    .filter(e -> asked.startsWith(e.getKey()))
                    .max(java.util.Comparator.comparingInt(e -> e.getKey().length()))
                    .map(Map.Entry::getValue)
                    .orElse(new Answer(404, "{\"detail\":\"no such resource: " + uri + "\"}"));
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                exchange.getResponseBody().write(bytes);
            }
            exchange.close();
        });
        server.start();
    }

    FakeApi answer(String methodAndPath, int status, String body) {
        answers.put(methodAndPath, new Answer(status, body));
        return this;
    }

    /** An answer recorded in src/test/resources/golden/api. */
    FakeApi fixture(String methodAndPath, String file) throws IOException {
        try (InputStream in = FakeApi.class.getResourceAsStream("/golden/api/" + file)) {
            return answer(methodAndPath, 200, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
