package org.hvproof.model.common;

/**
 * Why the guest's own page tables refused an access (a #PF injected into the guest). When
 * several apply, the first in this order is reported: not-present, reserved bit,
 * user/supervisor, write-protect, no-execute.
 */
public enum PageFaultCause {
    /** Some level of the walk had its present bit clear. */
    NOT_PRESENT,
    /** A non-leaf entry set the page-size bit; large pages are not modelled, so it is reserved. */
    RESERVED_BIT,
    /** A user-mode access to a page some level marks supervisor-only. */
    USER_SUPERVISOR,
    /** A write to a page some level marks read-only (CR0.WP is set, so the kernel too). */
    WRITE_PROTECT,
    /** An instruction fetch from a page some level marks no-execute (EFER.NXE is set). */
    NO_EXECUTE
}
