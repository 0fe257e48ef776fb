package org.ssisbackup.contracts;

/** A restore point is COMPLETE only when every agent succeeded and every artifact it announced was recorded. */
public enum RestorePointStatus {
    COMPLETE,
    PARTIAL,
    FAILED
}
