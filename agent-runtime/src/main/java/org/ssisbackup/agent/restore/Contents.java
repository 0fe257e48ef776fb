package org.ssisbackup.agent.restore;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.ssisbackup.contracts.Artifact;
import org.ssisbackup.storage.BlobStore;
import org.ssisbackup.storage.CorruptBlobException;
import org.ssisbackup.storage.repository.PackCache;
import org.ssisbackup.storage.repository.Repository;

/**
 * An item's bytes, from whichever format its restore point was written in: format 2 (encrypted chunks in packs) or
 * format 1 (the whole item under its SHA-256). Either way the bytes are checked against the item's SHA-256 before a
 * handler may use them: a handler downloads to a temporary file and moves it into place only after this returns.
 */
@FunctionalInterface
public interface Contents {

    /** Writes the item to {@code target}; a {@link CorruptBlobException} (nothing to be used) when its bytes do not check. */
    void download(Artifact item, Path target) throws IOException;

    static Contents of(Repository repository, BlobStore formatOne) {
        return of(repository, formatOne, null);
    }

    /** The same, reading format 2 chunks from the packs {@code packs} fetched for this restore (null: by range). */
    static Contents of(Repository repository, BlobStore formatOne, PackCache packs) {
        return (item, target) -> {
            if (!item.chunked()) {
                formatOne.download(item.sha256(), target);
                return;
            }
            String sha;
            try (OutputStream out = Files.newOutputStream(target)) {
                sha = repository.restore(item.chunks(), out, packs);
            }
            if (!sha.equals(item.sha256())) {
                throw new CorruptBlobException(item.logicalPath() + ": the chunks' bytes hash to " + sha + ", not to "
                        + item.sha256() + "; nothing written");
            }
        };
    }
}
