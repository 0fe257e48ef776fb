package org.ssisbackup.orchestrator.security;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Who may call the API without an OAuth2 token.
 *
 * @param apiKeys keys sent as {@code X-API-Key}; each has a name (shown as the caller, e.g. in "cancelled by") and a
 *                role: {@code operator} (backups, restores, policies, labels) or {@code viewer} (reads)
 * @param rolesClaim the JWT claim listing a bearer token's roles ({@code operator}, {@code viewer}); scopes
 *                   {@code ssis.operator} / {@code ssis.viewer} work too
 */
@ConfigurationProperties("ssisbackup.orchestrator.security")
public record ApiSecurityProperties(List<ApiKey> apiKeys, String rolesClaim) {
    public ApiSecurityProperties {
        apiKeys = apiKeys == null ? List.of() : apiKeys.stream().filter(k -> k.key() != null && !k.key().isBlank()).toList();
        rolesClaim = rolesClaim == null || rolesClaim.isBlank() ? "roles" : rolesClaim;
    }

    public record ApiKey(String name, String key, String role) {
        public ApiKey {
            if (role != null && !role.equalsIgnoreCase("operator") && !role.equalsIgnoreCase("viewer")) {
                throw new IllegalArgumentException("API key " + name + ": role must be operator or viewer, not " + role);
            }
        }

        @Override
        public String toString() {
            return "ApiKey[" + name + ", " + role + "]";
        }
    }
}
