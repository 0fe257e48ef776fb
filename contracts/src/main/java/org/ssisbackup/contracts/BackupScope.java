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
}
