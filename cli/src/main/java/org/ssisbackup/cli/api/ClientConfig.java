package org.ssisbackup.cli.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.ssisbackup.cli.ExitCode;

/**
 * The client's configuration file, with named contexts like kubectl's (several fleets, one current):
 *
 * <pre>
 * current-context: prod
 * contexts:
 *   prod:
 *     orchestrator: https://ssis-orchestrator.example:8081
 *     catalog: https://ssis-catalog.example:8084
 *     api-key: env:SSIS_PROD_OPERATOR_KEY        # or file:C:\keys\operator.key, or the key itself
 *     catalog-key: file:/etc/ssis-backup/catalog-viewer.key
 *     catalog-admin-key: env:SSIS_PROD_CATALOG_ADMIN_KEY
 *     ca-certificate: /etc/ssis-backup/ca.pem
 * </pre>
 *
 * <p>Found at {@code SSIS_BACKUP_CONFIG}, else {@code %APPDATA%\ssis-backup\config.yml} on Windows, else
 * {@code $XDG_CONFIG_HOME/ssis-backup/config.yml} ({@code ~/.config/...}). The environment ({@code SSIS_BACKUP_*})
 * overrides the context, and flags override both. Keys are never taken from flags: a command line is visible to every
 * user of the machine and stays in shell histories.
 */
public final class ClientConfig {
    /** Bigger than any real configuration: a file this size is not one. */
    static final long MAX_BYTES = 1 << 20;

    private ClientConfig() {}

    /** The flags that override the file and the environment (null: not given). */
    public record Overrides(String context, String orchestrator, String catalog) {}

    /** The config file this environment points at (it need not exist). */
    public static Path file(Map<String, String> env) {
        String explicit = env.get("SSIS_BACKUP_CONFIG");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String appData = env.get("APPDATA");
        boolean windows =
                System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
        if (windows && appData != null && !appData.isBlank()) {
            return Path.of(appData, "ssis-backup", "config.yml");
        }
        String xdg = env.get("XDG_CONFIG_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "ssis-backup", "config.yml");
        }
        return Path.of(System.getProperty("user.home"), ".config", "ssis-backup", "config.yml");
    }

    public static Endpoints resolve(Map<String, String> env, Overrides flags) {
        Path file = file(env);
        Map<String, Object> doc = read(file);
        String contextName = first(flags.context(), env.get("SSIS_BACKUP_CONTEXT"), string(doc, "current-context"));
        Map<String, Object> context = Map.of();
        if (contextName != null) {
            Object contexts = doc.get("contexts");
            Object c = contexts instanceof Map<?, ?> m ? m.get(contextName) : null;
            if (!(c instanceof Map<?, ?>)) {
                throw new ApiException(
                        "no context '" + contextName + "' in " + file
                                + (doc.isEmpty() ? " (the file does not exist or is empty)" : ""),
                        ExitCode.USAGE);
            }
            context = asMap(c);
        }
        String orchestrator =
                first(flags.orchestrator(), env.get("SSIS_BACKUP_ORCHESTRATOR"), string(context, "orchestrator"));
        String catalog = first(flags.catalog(), env.get("SSIS_BACKUP_CATALOG"), string(context, "catalog"));
        String ca = first(env.get("SSIS_BACKUP_CA_CERTIFICATE"), string(context, "ca-certificate"));
        return new Endpoints(
                contextName,
                orchestrator == null ? "http://127.0.0.1:8081" : trimSlash(orchestrator),
                catalog == null ? "http://127.0.0.1:8084" : trimSlash(catalog),
                secret(first(env.get("SSIS_BACKUP_API_KEY"), string(context, "api-key")), env, "api-key"),
                secret(first(env.get("SSIS_BACKUP_CATALOG_KEY"), string(context, "catalog-key")), env, "catalog-key"),
                secret(
                        first(env.get("SSIS_BACKUP_CATALOG_ADMIN_KEY"), string(context, "catalog-admin-key")),
                        env,
                        "catalog-admin-key"),
                ca == null ? null : Path.of(ca));
    }

    /** {@code env:NAME}, {@code file:PATH} or the key itself; the message never shows a key. */
    static String secret(String value, Map<String, String> env, String what) {
        if (value == null || value.isBlank()) {
            return null;
        }
        if (value.startsWith("env:")) {
            String v = env.get(value.substring(4));
            if (v == null || v.isBlank()) {
                throw new ApiException(
                        what + " names the environment variable " + value.substring(4) + ", which is not set",
                        ExitCode.USAGE);
            }
            return v.trim();
        }
        if (value.startsWith("file:")) {
            Path p = Path.of(value.substring(5));
            try {
                if (Files.size(p) > 64 * 1024) {
                    throw new ApiException(what + " file " + p + " is too large to be a key", ExitCode.USAGE);
                }
                return Files.readString(p).trim();
            } catch (IOException e) {
                throw new ApiException(what + " file " + p + " cannot be read: " + e.getMessage(), ExitCode.USAGE);
            }
        }
        return value.trim();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        return (Map<String, Object>) o;
    }

    static Map<String, Object> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new ApiException(file + " is too large for a configuration file", ExitCode.USAGE);
            }
            Object doc = SafeYaml.load(Files.readString(file));
            if (doc == null) {
                return Map.of();
            }
            if (!(doc instanceof Map<?, ?>)) {
                throw new ApiException(file + ": expected a map with 'contexts'", ExitCode.USAGE);
            }
            return new LinkedHashMap<>(asMap(doc));
        } catch (IOException e) {
            throw new ApiException(file + " cannot be read: " + e.getMessage(), ExitCode.USAGE);
        } catch (org.yaml.snakeyaml.error.YAMLException e) {
            throw new ApiException(file + " is not valid YAML: " + e.getMessage(), ExitCode.USAGE);
        }
    }

    private static String string(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v == null ? null : v.toString();
    }

    private static String first(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        return null;
    }

    private static String trimSlash(String url) {
        return url.replaceAll("/+$", "");
    }
}
