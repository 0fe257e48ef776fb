package org.ssisbackup.agent;

import java.util.Set;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.BackupScope;
import org.ssisbackup.contracts.ObjectKeys;

/**
 * Which agent this process is: its kind, the host it serves, its version, and the scopes it captures (heartbeats
 * announce them with {@code RESTORE}).
 */
public record AgentIdentity(AgentKind kind, String hostId, String version, Set<BackupScope> scopes) {

    public AgentIdentity {
        ObjectKeys.requireValidHostId(hostId);
        scopes = Set.copyOf(scopes);
    }

    /** The kind in lower case, as metrics and thread names show it. */
    public String label() {
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The version from the jar's manifest, or "dev" when run from classes. */
    public static String versionOf(Class<?> application) {
        String v = application.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
