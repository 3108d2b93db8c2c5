package org.hvproof.model.common;

/**
 * A nested page-table violation the hypervisor could not resolve (e.g. an address that is not
 * guest RAM); the access did not complete. Violations the hypervisor resolves (a trace, lazy
 * population) are never observed as this.
 */
public record NptViolation(VCpu vcpu, long guestPhysicalAddress, AccessKind access) implements Observation {
    @Override
    public String toString() {
        return "NPT violation " + vcpu + " " + Notation.words(access) + " " + Notation.gpa(guestPhysicalAddress);
    }
}
