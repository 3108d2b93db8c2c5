package org.hvproof.model.migration;

/** The error codes of the migration mechanism: each is reported with an alert, nothing is thrown. */
public enum MigrationCode {
    /** A guest access outside its data pages, of no bytes, or crossing a page. */
    OUT_OF_RANGE,
    /** The driver's ring is full: every slot holds a request the device has not taken. */
    RING_FULL,
    /** A doorbell whose tail equals the device's head: nothing to take. */
    EMPTY_RING,
    /** A VM write to the device's MMIO page that is not one 8-byte store to its doorbell register. */
    OUTSIDE_REGISTER,
    /** A doorbell whose tail lies behind the device's head or more than a ring ahead of it. */
    BAD_DOORBELL,
    /** A descriptor whose direction word is neither 0 nor 1. */
    BAD_DIRECTION,
    /** A descriptor of zero bytes. */
    ZERO_LENGTH,
    /** A descriptor longer than the whole DMA buffer. */
    TOO_LONG,
    /** A descriptor whose buffer reaches past guest memory (or wraps around the address space). */
    OUTSIDE_GUEST_MEMORY,
    /** A descriptor whose buffer overlaps the descriptor ring itself. */
    RING_ITSELF,
    /** A descriptor whose buffer lies in guest memory but outside the DMA buffer. */
    OUTSIDE_BUFFER,
    /** A descriptor whose buffer overlaps one the device still owns. */
    OVERLAPPING,
    /** A migration requested while one runs. */
    MIGRATION_IN_PROGRESS,
    /** A migration requested after the VM has already moved. */
    ALREADY_MIGRATED,
    /** A destination with fewer pages than the guest. */
    DESTINATION_TOO_SMALL,
    /** A migration round with no migration running. */
    NOT_MIGRATING
}
