package org.ssisbackup.contracts;

/** An agent took a command and started on it. */
public record JobAccepted(MessageMeta meta, AgentKind agent, @OptionalField String agentVersion) implements AgentEvent {
}
