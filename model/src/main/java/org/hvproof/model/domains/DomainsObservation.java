package org.hvproof.model.domains;

import org.hvproof.model.common.Notation;
import org.hvproof.model.domains.Ids.DomainId;

/** What one step shows; {@code domain} is the domain whose code saw it. */
public sealed interface DomainsObservation {
    int vcpu();

    DomainId domain();

    /** A read returned a value. */
    record ReadValue(int vcpu, DomainId domain, long value) implements DomainsObservation {
        @Override
        public String toString() {
            return Notation.vcpu(vcpu) + " in " + domain + " read " + Notation.hex(value);
        }
    }

    /** An access or transfer faulted; nothing changed. */
    record Fault(int vcpu, DomainId domain, FaultKind kind) implements DomainsObservation {
        @Override
        public String toString() {
            return Notation.vcpu(vcpu) + " in " + domain + " faulted: " + Notation.words(kind);
        }
    }

    /** The vCPU entered secure domain {@code into} through a gate (root sees its call leave). */
    record Entered(int vcpu, DomainId domain, DomainId into) implements DomainsObservation {
        @Override
        public String toString() {
            return Notation.vcpu(vcpu) + " left " + domain + " into " + into;
        }
    }

    /** The vCPU came back to root (from {@code domain}) by exit or interrupt. */
    record Returned(int vcpu, DomainId domain, boolean byInterrupt, long register) implements DomainsObservation {
        @Override
        public String toString() {
            return Notation.vcpu(vcpu) + " returned from " + domain + (byInterrupt ? " by interrupt" : " by exit")
                    + ", register " + Notation.hex(register);
        }
    }

    /** Why an action faulted. */
    enum FaultKind {
        NO_SUCH_VCPU,
        NOT_A_GATE,
        NOT_MAPPED,
        NOT_IN_SECURE_DOMAIN,
        NOT_IN_ROOT_DOMAIN,
        /** The IOMMU refused a device's DMA and reported it. */
        DMA_REFUSED
    }
}
