package org.hvproof.model.interrupts;

/** The hypervisor's answer to an authenticated hypercall; its code lands in R0. */
public enum Verdict {
    ACCEPTED(1),
    REJECTED(2);

    private final long code;

    Verdict(long code) {
        this.code = code;
    }

    /** The value the hypervisor writes into R0. */
    public long code() {
        return code;
    }
}
