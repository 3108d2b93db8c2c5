package org.hvproof.model.interrupts;

/**
 * Deliberately wrong variants of the hypervisor, for showing that the claims' checks catch
 * them. Never on the default path: only {@code InterruptsModel.step(InterruptsState, InterruptsAction, Set)} reads them.
 */
public enum InterruptsModelFlaw {
    /** The scrubber writes secret xor the erasure constant into R1: "not the secret", yet a function of it (breaks INT-1, not INT-2). */
    SCRUB_XOR_SECRET,
    /** Scrubs on interrupts but forwards exceptions untouched (breaks INT-1, INT-2). */
    SCRUB_ONLY_INTERRUPTS_NOT_EXCEPTIONS,
    /** Scrubs R1 but forgets the authentication value in R2 (breaks INT-1). */
    SCRUB_FORGETS_AUTH_REGISTER,
    /** Puts the secret back into R1 when the handler returns into the sequence (breaks INT-4). */
    RESTORE_SECRET_ON_RETURN,
    /** Delivers a virtual interrupt twice for an exception (breaks INT-3). */
    DUPLICATE_EXCEPTION_DELIVERY,
    /** Leaves the code page readable (breaks INT-5, and INT-1 through the read). */
    CODE_PAGE_READABLE
}
