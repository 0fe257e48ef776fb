package org.ssisbackup.contracts;

import java.util.Map;

/**
 * One captured item: where it came from (logical path: an msdb path such as {@code \Folder\Package} or a
 * host file path), what it is, its size and SHA-256, the object key of its bytes, and metadata kept for restore.
 */
public record Artifact(
        String logicalPath,
        ArtifactKind kind,
        long size,
        String sha256,
        String objectKey,
        Map<String, String> metadata) {

    public Artifact {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
}
