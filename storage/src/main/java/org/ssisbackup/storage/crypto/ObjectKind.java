package org.ssisbackup.storage.crypto;

/** What an encrypted object (or a part of a pack) holds; written in its header and checked when it is opened. */
public enum ObjectKind {
    /** One chunk of a file (or a whole small file), inside a pack. */
    BLOB(1),
    /** The index at the end of a pack. */
    PACK_INDEX(2),
    /** A list of blobs and where they are, written per job. */
    INDEX(3),
    /** What one agent stored for one restore point. */
    MANIFEST(4),
    /** A scope's keys, wrapped by a key-encryption key. */
    KEYRING(5),
    /** A scope's keys, wrapped to a public key (the catalog's or the recovery key). */
    KEYRING_ESCROW(6),
    /** A scope's keys, wrapped by a key derived from a passphrase. */
    KEYRING_PASSPHRASE(7);

    final int code;

    ObjectKind(int code) {
        this.code = code;
    }

    static ObjectKind of(int code) {
        for (ObjectKind k : values()) {
            if (k.code == code) {
                return k;
            }
        }
        throw new TamperedObjectException("unknown object kind " + code);
    }
}
