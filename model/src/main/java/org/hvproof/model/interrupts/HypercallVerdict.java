package org.hvproof.model.interrupts;

/** The hypervisor's answer to an authenticated hypercall; its code lands in R0. */
public enum HypercallVerdict {
    ACCEPTED(1),
    REJECTED(2);

    private final long code;

    HypercallVerdict(long code) {
        this.code = code;
    }

    /** The value the hypervisor writes into R0. */
    public long code() {
        return code;
    }
}
