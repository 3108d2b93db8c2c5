package org.hvproof.impl.machine;

/** The result of walking a nested page table for one guest-physical access. */
public sealed interface NestedWalk {
    /**
     * The access is allowed and lands at {@code hostPhysicalAddress}, through a leaf mapping
     * {@code 1 << sizeShift} bytes (12: 4 KiB, 21: 2 MiB, 30: 1 GiB).
     */
    record Translated(long hostPhysicalAddress, int sizeShift) implements NestedWalk {
        /** Through a 4 KiB leaf. */
        public Translated(long hostPhysicalAddress) {
            this(hostPhysicalAddress, 12);
        }
    }

    /** The access is refused. */
    record Violation(NestedViolationCause cause) implements NestedWalk {}
}
