package org.ssisbackup.contracts;

/**
 * Where one chunk of an item is in a repository of format 2: the blob's id (a keyed hash of its bytes), the pack that
 * holds it, the blob's place in the pack (offset and length of its encrypted form) and its length in plain bytes.
 */
public record ChunkRef(String blob, String pack, long offset, int length, int size) {
    public ChunkRef {
        ObjectKeys.requireHex64(blob);
        ObjectKeys.requireHex64(pack);
        if (offset < 0 || length <= 0 || size < 0) {
            throw new IllegalArgumentException("chunk " + blob + ": offset, length or size out of range");
        }
    }
}
