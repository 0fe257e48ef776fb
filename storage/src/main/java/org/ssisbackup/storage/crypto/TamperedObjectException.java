package org.ssisbackup.storage.crypto;

import org.ssisbackup.storage.StoreException;

/**
 * An object of the repository that does not open: its authentication tag does not match (a flipped byte, a truncated
 * object), it was written under another name or for another purpose (a swapped or replayed object), or its format is
 * not this repository's. Nothing read from it may be used.
 */
public class TamperedObjectException extends StoreException {
    public TamperedObjectException(String message) {
        super(message);
    }

    public TamperedObjectException(String message, Throwable cause) {
        super(message, cause);
    }
}
