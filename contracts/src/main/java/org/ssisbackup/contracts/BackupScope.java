package org.ssisbackup.contracts;

/**
 * What a backup covers; each scope is served by one agent kind. A job without an explicit scope takes
 * {@link #DEFAULT}: the package exports and files, which restore package by package. The native msdb backup
 * and SSISDB are asked for by policy or request.
 */
public enum BackupScope {
    /** msdb's folders and packages (sysssispackages), exported one by one. */
    MSDB(AgentKind.MSDB),
    /** A native {@code BACKUP DATABASE msdb ... COPY_ONLY, CHECKSUM}, verified, stored as one artifact. */
    MSDB_NATIVE(AgentKind.MSDB),
    /** SSISDB's projects (.ispac), environments and parameter values, where the catalog exists. */
    SSISDB(AgentKind.MSDB),
    /** Package folders, configuration files and the service configuration. */
    FILESYSTEM(AgentKind.FILESYSTEM);

    public static final java.util.Set<BackupScope> DEFAULT = java.util.Set.of(MSDB, FILESYSTEM);

    private final AgentKind agent;

    BackupScope(AgentKind agent) {
        this.agent = agent;
    }

    public AgentKind agent() {
        return agent;
    }

    /** A scope as a user writes it ("msdb", " FILESYSTEM "); the message names the known ones. */
    public static BackupScope parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("unknown scope '" + text + "'; known: " + java.util.List.of(values()));
        }
    }
}
