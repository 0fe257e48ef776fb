package org.ssisbackup.contracts;

import java.util.List;
import java.util.UUID;

/** The configurations that a host's msdb packages refer to, so the host's fs-agent can capture the files. */
public record ConfigReferencesFound(
        MessageMeta meta, AgentKind agent, UUID restorePointId, List<ConfigReference> references)
        implements AgentEvent {

    public ConfigReferencesFound {
        references = List.copyOf(references);
    }
}
