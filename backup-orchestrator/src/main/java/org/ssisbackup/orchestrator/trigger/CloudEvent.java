package org.ssisbackup.orchestrator.trigger;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.springframework.messaging.Message;
import org.ssisbackup.contracts.MalformedMessageException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The attributes of a CloudEvent (spec 1.0) that a trigger needs, read in either mode of the Kafka protocol binding:
 * binary (attributes in {@code ce_*} headers, data in the value) or structured (the whole event as JSON in the
 * value, content type {@code application/cloudevents+json}).
 */
public record CloudEvent(String id, String source, String type, String subject) {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * The prefixes binary-mode attributes arrive with: {@code ce_} is the Kafka binding's; Spring Cloud Function
     * rewrites them to {@code ce-} (the HTTP binding's) when a message has no content type, which is how a valid event
     * without {@code content-type} was refused for "no ce_specversion header".
     */
    private static final java.util.List<String> PREFIXES = java.util.List.of("ce_", "ce-", "ce.");

    public static CloudEvent from(Message<byte[]> message) {
        Map<String, Object> headers = message.getHeaders();
        for (String p : PREFIXES) {
            if (headers.containsKey(p + "specversion")) {
                return validated(
                        text(headers.get(p + "specversion")),
                        text(headers.get(p + "id")),
                        text(headers.get(p + "source")),
                        text(headers.get(p + "type")),
                        text(headers.get(p + "subject")),
                        "binary");
            }
        }
        byte[] body = message.getPayload();
        if (body == null || body.length == 0) {
            throw new MalformedMessageException("not a CloudEvent: no ce_specversion header and an empty body");
        }
        JsonNode e;
        try {
            e = JSON.readTree(body);
        } catch (RuntimeException ex) {
            throw new MalformedMessageException("not a CloudEvent: no ce_specversion header and the body is not JSON");
        }
        if (e == null || !e.isObject()) {
            throw new MalformedMessageException("not a CloudEvent: the structured event must be a JSON object");
        }
        return validated(
                field(e, "specversion"),
                field(e, "id"),
                field(e, "source"),
                field(e, "type"),
                field(e, "subject"),
                "structured");
    }

    private static CloudEvent validated(
            String specVersion, String id, String source, String type, String subject, String mode) {
        if (!"1.0".equals(specVersion)) {
            throw new MalformedMessageException(
                    "CloudEvent (" + mode + " mode): specversion must be 1.0, not " + specVersion);
        }
        for (Map.Entry<String, String> required :
                Map.of("id", nz(id), "source", nz(source), "type", nz(type)).entrySet()) {
            if (required.getValue().isBlank()) {
                throw new MalformedMessageException(
                        "CloudEvent (" + mode + " mode) lacks the required attribute '" + required.getKey() + "'");
            }
        }
        return new CloudEvent(id, source, type, subject == null || subject.isBlank() ? null : subject);
    }

    private static String field(JsonNode e, String name) {
        JsonNode v = e.get(name);
        return v == null || v.isNull() ? null : v.asString();
    }

    private static String text(Object header) {
        if (header == null) {
            return null;
        }
        return header instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : header.toString();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
