package org.ssisbackup.contracts;

/** An object a job wrote to the bucket that restore points will reference (a pack of format 2), and its size. */
public record StoredObject(String key, long size) {
    public StoredObject {
        if (ObjectKeys.packIdOf(key) == null) {
            throw new IllegalArgumentException("not a pack's key: " + key);
        }
        if (size < 0) {
            throw new IllegalArgumentException("an object's size cannot be negative: " + key);
        }
    }
}
