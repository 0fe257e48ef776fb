package org.ssisbackup.contracts;

/**
 * An agent took a command and started on it. {@code job} says whether the command was a backup or a restore, so the
 * orchestrator routes it to one of them (absent in messages of older agents: then both look it up).
 */
public record JobAccepted(
        MessageMeta meta,
        AgentKind agent,
        @OptionalField String agentVersion,
        @OptionalField JobType job) implements AgentEvent {

    /** The two kinds of job an agent runs. */
    public enum JobType {
        BACKUP,
        RESTORE
    }
}
