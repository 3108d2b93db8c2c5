package org.hvproof.impl.machine;

import org.hvproof.model.common.PageFaultCause;

/** What the hardware does with one page's part of a guest-virtual access: translate, fault, or exit. */
public sealed interface HardwareTranslation {
    /** Both walks allowed the access. */
    record Translated(long guestPhysicalAddress, long hostPhysicalAddress) implements HardwareTranslation {}

    /** The guest's own tables refused it: a page fault goes to the guest. */
    record GuestFault(PageFaultCause cause) implements HardwareTranslation {}

    /** A nested table refused it (during the walk or for the final address): the hypervisor takes over. */
    record Exit(NestedExit exit) implements HardwareTranslation {}
}
