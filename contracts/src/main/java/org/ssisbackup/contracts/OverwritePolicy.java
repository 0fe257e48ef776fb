package org.ssisbackup.contracts;

/** What a restore does with an item that already exists at its destination. */
public enum OverwritePolicy {
    /** Leave it alone and say so. */
    NEVER,
    /** Replace it only when its bytes differ from the restore point's. */
    IF_CHANGED,
    /** Always replace it. */
    ALWAYS
}
