package org.ssisbackup.orchestrator.job;

import org.ssisbackup.contracts.AgentCommand;

/** Where commands to agents go (ssis.backup.commands, keyed by host). A command the broker refuses is an exception. */
@FunctionalInterface
public interface CommandSender {
    void send(AgentCommand command);
}
