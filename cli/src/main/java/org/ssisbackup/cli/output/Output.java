package org.ssisbackup.cli.output;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.function.Consumer;
import org.ssisbackup.cli.api.ApiClient;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.representer.Representer;
import tools.jackson.databind.JsonNode;

/**
 * How a command prints what the API answered: a table (or a few lines) for people, or for scripts the API's own JSON,
 * pretty-printed, or the same document as YAML. JSON and YAML print the answer whole, table or not.
 */
public final class Output {
    /** {@code -o}: table, json or yaml. */
    public enum Format {
        TABLE,
        JSON,
        YAML
    }

    private final Format format;
    private final PrintWriter out;
    private final Instant now;

    public Output(Format format, PrintWriter out, Instant now) {
        this.format = format;
        this.out = out;
        this.now = now;
    }

    public Format format() {
        return format;
    }

    public PrintWriter out() {
        return out;
    }

    /** The API's answer as asked: {@code forPeople} draws the table; JSON and YAML print the answer itself. */
    public void print(JsonNode answer, Consumer<JsonNode> forPeople) {
        switch (format) {
            case JSON ->
                out.println(ApiClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(answer));
            case YAML -> out.print(yaml(answer));
            case TABLE -> forPeople.accept(answer);
        }
        out.flush();
    }

    /** The answer as a YAML document. */
    public static String yaml(JsonNode answer) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndicatorIndent(2);
        options.setIndentWithIndicator(true);
        Object plain = ApiClient.JSON.treeToValue(answer, Object.class);
        return new Yaml(new Representer(options), options).dump(plain);
    }

    /** A node's text, or "" when it is missing or null. */
    public static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() || v.isMissingNode() ? "" : v.asString();
    }

    /** "5m ago", "3h ago", "2d ago"; "never" for no time. */
    public String ago(String instant) {
        if (instant == null || instant.isBlank()) {
            return "never";
        }
        try {
            return age(Duration.between(Instant.parse(instant), now)) + " ago";
        } catch (DateTimeParseException e) {
            return instant;
        }
    }

    public static String age(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 90) {
            return s + "s";
        }
        if (s < 90 * 60) {
            return (s / 60) + "m";
        }
        if (s < 48 * 3600) {
            return (s / 3600) + "h";
        }
        return (s / 86400) + "d";
    }

    /** Bytes as people read them: 1.5 KiB, 12.0 MiB. */
    public static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /** A time as it is stored, to the second: 2026-12-03T19:30:00Z. */
    public static String time(String instant) {
        if (instant == null || instant.isBlank()) {
            return "";
        }
        try {
            return Instant.parse(instant)
                    .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                    .toString();
        } catch (DateTimeParseException e) {
            return instant;
        }
    }
}
