package org.ssisbackup.contracts;

import java.util.List;
import java.util.UUID;

/**
 * A batch of items whose bytes are in the bucket. Batched (up to a few hundred per message) rather than one
 * message per item: a host with thousands of files would otherwise send thousands of records per backup.
 */
public record ArtifactsStored(MessageMeta meta, AgentKind agent, UUID restorePointId, List<Artifact> artifacts)
        implements AgentEvent {

    public ArtifactsStored {
        artifacts = List.copyOf(artifacts);
    }
}
