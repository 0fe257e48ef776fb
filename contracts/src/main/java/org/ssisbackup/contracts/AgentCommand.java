package org.ssisbackup.contracts;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** Messages on {@link Topics#COMMANDS}: orchestrator to agents. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = BackupCommand.class, name = "BackupCommand"),
    @JsonSubTypes.Type(value = RestoreCommand.class, name = "RestoreCommand")
})
public sealed interface AgentCommand extends VersionedMessage permits BackupCommand, RestoreCommand {}
