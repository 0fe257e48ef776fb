package org.ssisbackup.agent.restore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.ssisbackup.contracts.Artifact;

/**
 * An item of a drill fetched into the drill's scratch folder (the runner deletes that folder): its chunks authenticated
 * and its SHA-256 checked on the way, for handlers that check an item's content without writing it anywhere.
 */
public final class DrillFiles {
    private DrillFiles() {}

    /** The item's bytes in a file of the drill's scratch folder; throws when they are not what the point recorded. */
    public static Path fetch(Artifact item, RestoreContext ctx) throws IOException {
        String scratch = ctx.options().targetPath();
        if (scratch == null || !ctx.options().drilling()) {
            throw new IllegalStateException("not a drill: no scratch folder");
        }
        Path file = Files.createTempFile(Path.of(scratch), "item-", ".bin");
        ctx.download(item, file);
        return file;
    }
}
