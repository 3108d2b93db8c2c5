package org.hvproof.model.common;

/**
 * A page fault delivered to the guest: the guest's own page tables refused the access at
 * {@code virtualAddress} (the CR2 value: the first byte of the refused page's part of the access).
 */
public record PageFault(VCpu vcpu, long virtualAddress, AccessKind access, PageFaultCause cause)
        implements Observation {
    @Override
    public String toString() {
        return "page fault " + vcpu + " " + Notation.words(access) + " " + Notation.va(virtualAddress) + ", "
                + Notation.words(cause);
    }
}
