package org.hvproof.impl.machine;

import org.hvproof.model.common.AccessKind;

/**
 * An EPT-violation-like exit: a guest-physical access the nested page table refused, handed to
 * the hypervisor with the address, the access kind and the reason. Like hardware's exit
 * qualification, it tells an access to a guest paging-structure entry during the walk from one
 * to the final address, and a walk's accessed/dirty update (a write to the entry, with nested A/D
 * flags on) from its read of the entry.
 *
 * @param duringWalk whether it was the guest page walk's own access to a table entry
 * @param accessedDirtyBits the accessed and dirty bits the walk was setting in the entry at
 *     {@code guestPhysicalAddress} when the nested table refused the update; 0 for any other exit
 */
public record NestedExit(
        long guestPhysicalAddress,
        AccessKind access,
        NestedViolationCause cause,
        boolean duringWalk,
        long accessedDirtyBits) {
    /** An exit that is no accessed/dirty update. */
    public NestedExit(long guestPhysicalAddress, AccessKind access, NestedViolationCause cause, boolean duringWalk) {
        this(guestPhysicalAddress, access, cause, duringWalk, 0);
    }

    /** Whether the walk's accessed/dirty update of a guest table entry raised it (a write during the walk). */
    public boolean accessedDirtyUpdate() {
        return accessedDirtyBits != 0;
    }
}
