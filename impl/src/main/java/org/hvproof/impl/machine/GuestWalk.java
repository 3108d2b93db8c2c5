package org.hvproof.impl.machine;

import org.hvproof.model.common.PageFaultCause;
import org.hvproof.model.common.PagePermissions;

/** The result of walking the guest's page tables for one access. */
public sealed interface GuestWalk {
    /**
     * The access is allowed and reaches {@code guestPhysicalAddress}; {@code rights} are the
     * effective ones; the leaf maps {@code 1 << sizeShift} bytes (12, 21 or 30).
     */
    record Translated(long guestPhysicalAddress, PagePermissions rights, int sizeShift) implements GuestWalk {
        /** Through a 4 KiB leaf. */
        public Translated(long guestPhysicalAddress, PagePermissions rights) {
            this(guestPhysicalAddress, rights, 12);
        }
    }

    /** The guest's tables refuse the access: a page fault for the guest. */
    record Faulted(PageFaultCause cause) implements GuestWalk {}

    /** Reading a table entry hit a nested violation; the hypervisor must handle it before a retry. */
    record Blocked(NestedExit exit) implements GuestWalk {}
}
