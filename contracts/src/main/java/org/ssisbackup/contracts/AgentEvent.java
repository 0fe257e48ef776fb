package org.ssisbackup.contracts;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** Messages on {@link Topics#EVENTS}: agents to orchestrator, catalog and the host's other agent. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = JobAccepted.class, name = "JobAccepted"),
    @JsonSubTypes.Type(value = ArtifactsStored.class, name = "ArtifactsStored"),
    @JsonSubTypes.Type(value = ConfigReferencesFound.class, name = "ConfigReferencesFound"),
    @JsonSubTypes.Type(value = AgentJobFinished.class, name = "AgentJobFinished"),
    @JsonSubTypes.Type(value = RestoreFinished.class, name = "RestoreFinished")
})
public sealed interface AgentEvent extends VersionedMessage
        permits JobAccepted, ArtifactsStored, ConfigReferencesFound, AgentJobFinished, RestoreFinished {
    AgentKind agent();
}
