package org.hvproof.model.migration;

/** Where the VM is in its migration. */
public enum MigrationPhase {
    /** Running on the source with its passthrough device; no migration started. */
    RUNNING,
    /** Running on the source while pre-copy rounds send its memory to the destination. */
    PRE_COPY,
    /** Switched over: running on the destination, with the device's ring state moved there. */
    MIGRATED
}
