package org.ssisbackup.storage;

/** A blob's bytes do not hash to its name: it must never be restored. */
public class CorruptBlobException extends StoreException {
    public CorruptBlobException(String message) {
        super(message);
    }
}
