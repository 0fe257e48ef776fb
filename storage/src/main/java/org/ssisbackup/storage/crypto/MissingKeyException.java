package org.ssisbackup.storage.crypto;

import org.ssisbackup.storage.StoreException;

/** An object was written with a key this process does not hold (retired, another scope's, or never given). */
public class MissingKeyException extends StoreException {
    public MissingKeyException(String message) {
        super(message);
    }
}
