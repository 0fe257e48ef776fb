package org.ssisbackup.contracts;

import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON for every message and manifest. Decoding validates: a message that is not JSON, names an unknown type,
 * comes from a newer schema, or lacks a required field is rejected with a {@link MalformedMessageException}
 * whose text says which.
 */
public final class MessageCodec {
    private static final JsonMapper JSON = JsonMapper.builder()
            // Readers ignore fields added by newer minor versions of the same schema.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    public static byte[] encode(Object message) {
        return JSON.writeValueAsBytes(message);
    }

    public static String encodeToString(Object message) {
        return new String(encode(message), StandardCharsets.UTF_8);
    }

    public static AgentCommand decodeCommand(byte[] body) {
        return decode(body, AgentCommand.class);
    }

    public static AgentEvent decodeEvent(byte[] body) {
        return decode(body, AgentEvent.class);
    }

    public static CatalogEvent decodeCatalogEvent(byte[] body) {
        return decode(body, CatalogEvent.class);
    }

    public static Manifest decodeManifest(byte[] body) {
        Manifest manifest = read(body, Manifest.class);
        requireComponents(manifest);
        if (manifest.schemaVersion() < 1 || manifest.schemaVersion() > MessageMeta.CURRENT_SCHEMA_VERSION) {
            throw new MalformedMessageException("unsupported manifest schema version " + manifest.schemaVersion());
        }
        return manifest;
    }

    /** A JSON document the agents store as an artifact (SSISDB parameters, environments), as its record type. */
    public static <T> T decodeDocument(byte[] body, Class<T> type) {
        return read(body, type);
    }

    /** A JSON list of errors, as stored beside a job or a restore point. */
    public static java.util.List<AgentError> decodeErrors(String json) {
        return java.util.List.of(read(json.getBytes(StandardCharsets.UTF_8), AgentError[].class));
    }

    /** A JSON object of strings (artifact metadata as stored). */
    @SuppressWarnings("unchecked")
    public static java.util.Map<String, String> decodeMap(String json) {
        return read(json.getBytes(StandardCharsets.UTF_8), java.util.LinkedHashMap.class);
    }

    /** A JSON list of strings (reasons as stored). */
    public static java.util.List<String> decodeStrings(String json) {
        return java.util.List.of(read(json.getBytes(StandardCharsets.UTF_8), String[].class));
    }

    /** Decodes and validates any message type. */
    public static <T extends VersionedMessage> T decode(byte[] body, Class<T> type) {
        T message = read(body, type);
        MessageMeta meta = message.meta();
        if (meta == null) {
            throw new MalformedMessageException("message has no 'meta' envelope");
        }
        requireComponents(meta);
        if (meta.schemaVersion() < 1 || meta.schemaVersion() > MessageMeta.CURRENT_SCHEMA_VERSION) {
            throw new MalformedMessageException("unsupported schema version " + meta.schemaVersion()
                    + " (this reader knows 1.." + MessageMeta.CURRENT_SCHEMA_VERSION + ")");
        }
        if (!ObjectKeys.isValidHostId(meta.hostId())) {
            throw new MalformedMessageException("invalid host id in meta: " + abbreviate(meta.hostId()));
        }
        requireComponents((Record) message);
        return message;
    }

    private static <T> T read(byte[] body, Class<T> type) {
        if (body == null || body.length == 0) {
            throw new MalformedMessageException("empty message body");
        }
        try {
            return JSON.readValue(body, type);
        } catch (JacksonException e) {
            // The parser's own message names the position and the problem but not the (possibly secret) content.
            throw new MalformedMessageException(
                    "not a valid " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new MalformedMessageException("not a valid " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    private static void requireComponents(Record record) {
        for (RecordComponent component : record.getClass().getRecordComponents()) {
            if (component.isAnnotationPresent(OptionalField.class)) {
                continue;
            }
            Object value;
            try {
                value = component.getAccessor().invoke(record);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            if (value == null) {
                throw new MalformedMessageException(
                        record.getClass().getSimpleName() + " lacks required field '" + component.getName() + "'");
            }
            if (value instanceof Record nested) {
                requireComponents(nested);
            } else if (value instanceof java.util.Collection<?> items) {
                for (Object item : items) {
                    if (item == null) {
                        throw new MalformedMessageException(record.getClass().getSimpleName() + "."
                                + component.getName() + " holds a null element");
                    }
                    if (item instanceof Record nested) {
                        requireComponents(nested);
                    }
                }
            }
        }
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "null";
        }
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }

    private MessageCodec() {}
}
