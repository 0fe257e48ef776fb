package org.ssisbackup.storage;

/** A source changed between hashing and uploading; nothing was kept under the old hash. */
public class ContentChangedException extends StoreException {
    public ContentChangedException(String message) {
        super(message);
    }
}
