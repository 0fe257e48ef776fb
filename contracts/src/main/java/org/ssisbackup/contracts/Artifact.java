package org.ssisbackup.contracts;

import java.util.List;
import java.util.Map;

/**
 * One captured item: where it came from (logical path: an msdb path such as {@code \Folder\Package} or a host file
 * path), what it is, its size and plain SHA-256 (for verification and package history), where its bytes are, and
 * metadata kept for restore.
 *
 * <p>Format 1 keeps each item whole at {@code objectKey} ({@code blobs/sha256/..}). Format 2 keeps it as encrypted
 * chunks in packs: {@code objects} names every pack it needs (what retention must keep; {@code objectKey} is the
 * first), {@code chunks} says where each chunk is. Chunks travel only in the encrypted manifest; events carry the
 * objects.
 */
public record Artifact(
        String logicalPath,
        ArtifactKind kind,
        long size,
        String sha256,
        String objectKey,
        Map<String, String> metadata,
        @OptionalField List<String> objects,
        @OptionalField List<ChunkRef> chunks) {

    public Artifact {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        objects = objects == null ? null : List.copyOf(objects);
        chunks = chunks == null ? null : List.copyOf(chunks);
        if (objects != null) {
            if (objects.isEmpty() || !objects.get(0).equals(objectKey)) {
                throw new IllegalArgumentException(logicalPath + ": objects must start with the object key");
            }
            for (String o : objects) {
                if (ObjectKeys.packIdOf(o) == null || ObjectKeys.objectIdOf(o) == null) {
                    throw new IllegalArgumentException(logicalPath + ": not a pack's key: " + o);
                }
            }
        }
    }

    /** An item kept whole under its content address (format 1). */
    public Artifact(
            String logicalPath,
            ArtifactKind kind,
            long size,
            String sha256,
            String objectKey,
            Map<String, String> metadata) {
        this(logicalPath, kind, size, sha256, objectKey, metadata, null, null);
    }

    /** Every object this item's bytes are in. */
    public List<String> storedIn() {
        return objects == null ? List.of(objectKey) : objects;
    }

    /** The same item without its chunk list (what an event carries: the manifest has the chunks). */
    public Artifact withoutChunks() {
        return chunks == null
                ? this
                : new Artifact(logicalPath, kind, size, sha256, objectKey, metadata, objects, null);
    }

    /** Whether its bytes are in format 2 packs. */
    public boolean chunked() {
        return chunks != null;
    }
}
