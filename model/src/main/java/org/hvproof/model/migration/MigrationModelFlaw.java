package org.hvproof.model.migration;

/**
 * Deliberately wrong model steps, for showing in model tests and in {@code migration.als} that the
 * invariants catch them; {@link #NONE} is the correct model.
 */
public enum MigrationModelFlaw {
    /** The correct model. */
    NONE,
    /** The completion's copy-back does not mark the pages it changes dirty (MIG-3, MIG-1). */
    COPY_BACK_NOT_DIRTY,
    /** Stop-and-copy sends the dirty set without first copying back what the device wrote of unfinished requests (MIG-1). */
    NO_FINAL_SYNC
}
