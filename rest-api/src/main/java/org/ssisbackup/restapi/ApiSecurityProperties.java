package org.ssisbackup.restapi;

import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Who may call a service's API without an OAuth2 token, the same for every service under {@code ssisbackup.security}.
 *
 * @param apiKeys     keys sent as {@code X-API-Key}; each has a name (shown as the caller, e.g. in "cancelled by") and a
 *                    role ({@link ApiRole}); give the key itself ({@code key}, e.g. from an environment variable) or only
 *                    its SHA-256 in hex ({@code key-sha256}), so that a configuration file need not hold it
 * @param rolesClaim  the JWT claim listing a bearer token's roles; scopes {@code ssis.viewer} / {@code ssis.operator} /
 *                    {@code ssis.admin} work too
 * @param publicPaths GET paths anyone may read besides health, info and the Prometheus endpoint (a static status page,
 *                    the OpenAPI description)
 * @param maxRequestBytes   the largest request body taken (default 1 MiB); larger ones get 413
 * @param maxParameterChars the longest query parameter value taken (default 4096)
 */
@ConfigurationProperties("ssisbackup.security")
public record ApiSecurityProperties(
        List<ApiKey> apiKeys,
        String rolesClaim,
        List<String> publicPaths,
        Long maxRequestBytes,
        Integer maxParameterChars) {

    public ApiSecurityProperties {
        apiKeys = apiKeys == null
                ? List.of()
                : apiKeys.stream().filter(ApiKey::isSet).toList();
        rolesClaim = rolesClaim == null || rolesClaim.isBlank() ? "roles" : rolesClaim;
        publicPaths = publicPaths == null ? List.of() : List.copyOf(publicPaths);
        maxRequestBytes = maxRequestBytes == null || maxRequestBytes < 1 ? 1024L * 1024 : maxRequestBytes;
        maxParameterChars = maxParameterChars == null || maxParameterChars < 1 ? 4096 : maxParameterChars;
    }

    public record ApiKey(String name, String key, String keySha256, String role) {
        public ApiKey {
            if (keySha256 != null && !keySha256.isBlank() && !keySha256.matches("[0-9a-fA-F]{64}")) {
                throw new IllegalArgumentException("API key " + name + ": key-sha256 must be 64 hex digits");
            }
            if (role != null) {
                ApiRole.parse(role);
            }
        }

        boolean isSet() {
            return (key != null && !key.isBlank()) || (keySha256 != null && !keySha256.isBlank());
        }

        ApiRole apiRole() {
            return role == null ? ApiRole.VIEWER : ApiRole.parse(role);
        }

        /** The SHA-256 the presented key must hash to. */
        byte[] digest() {
            return key != null && !key.isBlank()
                    ? ApiKeyFilter.sha256(key)
                    : HexFormat.of().parseHex(keySha256.toLowerCase(Locale.ROOT));
        }

        @Override
        public String toString() { // never the key
            return "ApiKey[" + name + ", " + role + "]";
        }
    }
}
