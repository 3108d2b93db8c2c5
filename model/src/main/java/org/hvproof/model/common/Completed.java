package org.hvproof.model.common;

/** A guest write or instruction fetch that completed (by hardware or emulated by the hypervisor). */
public record Completed(VCpu vcpu, AccessKind access, long virtualAddress, int length) implements Observation {
    @Override
    public String toString() {
        return "completed " + vcpu + " " + Notation.words(access) + " " + Notation.va(virtualAddress) + " length "
                + length;
    }
}
