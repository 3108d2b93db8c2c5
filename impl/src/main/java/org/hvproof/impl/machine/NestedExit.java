package org.hvproof.impl.machine;

import org.hvproof.model.common.AccessKind;

/**
 * An EPT-violation-like exit: a guest-physical access the nested page table refused, handed to
 * the hypervisor with the address, the access kind and the reason.
 *
 * @param duringWalk whether it was the guest page walk's own read of a table entry
 */
public record NestedExit(
        long guestPhysicalAddress, AccessKind access, NestedViolationCause cause, boolean duringWalk) {}
