package org.hvproof.model.common;

/** A general-protection fault delivered to the guest: the access was malformed before translation. */
public record GeneralProtection(VCpu vcpu, long virtualAddress, GeneralProtectionCause cause) implements Observation {
    @Override
    public String toString() {
        return "#GP " + vcpu + " " + Notation.va(virtualAddress) + ", " + Notation.words(cause);
    }
}
