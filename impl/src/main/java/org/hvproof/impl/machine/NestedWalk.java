package org.hvproof.impl.machine;

/** The result of walking a nested page table for one guest-physical access. */
public sealed interface NestedWalk {
    /** The access is allowed and lands at {@code hostPhysicalAddress}. */
    record Translated(long hostPhysicalAddress) implements NestedWalk {}

    /** The access is refused. */
    record Violation(NestedViolationCause cause) implements NestedWalk {}
}
