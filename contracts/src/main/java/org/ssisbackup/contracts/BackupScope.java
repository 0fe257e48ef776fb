package org.ssisbackup.contracts;

/** What a backup covers; each scope is served by one agent kind. */
public enum BackupScope {
    MSDB(AgentKind.MSDB),
    FILESYSTEM(AgentKind.FILESYSTEM);

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
