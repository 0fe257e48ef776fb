package org.ssisbackup.contracts;

/** Every message: an envelope plus its own fields. */
public interface VersionedMessage {
    MessageMeta meta();
}
