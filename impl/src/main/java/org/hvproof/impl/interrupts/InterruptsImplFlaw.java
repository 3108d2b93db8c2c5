package org.hvproof.impl.interrupts;

/**
 * Deliberately broken variants of the interrupt security module and its set-up, each one bug a
 * real module could have. Only tests select them; {@link #NONE} is the mechanism as specified,
 * and the property suite must catch every other value with the claim named here.
 */
public enum InterruptsImplFlaw {
    /** The correct mechanism. */
    NONE,
    /**
     * The scrubber overwrites R1 with the secret xor the erasure constant: never the secret, yet a
     * function of it (INT-1; a check that "no register holds the secret" misses it).
     */
    SCRUB_XOR_SECRET,
    /** Scrubs on interrupts but forwards exceptions with the registers untouched (INT-2, INT-1). */
    SCRUB_ONLY_INTERRUPTS_NOT_EXCEPTIONS,
    /** Scrubs R1 but forgets the authentication value in R2, a function of the secret (INT-2, INT-1). */
    SCRUB_FORGETS_AUTH_REGISTER,
    /** An interrupt arriving while a handler runs is swallowed: no virtual interrupt (INT-3). */
    DROP_NESTED_VIRTUAL_INTERRUPT,
    /** An exception is delivered to the handler twice (INT-3). */
    DUPLICATE_EXCEPTION_DELIVERY,
    /** The code page is left readable in the nested page table (read-execute, not execute-only) (INT-5). */
    CODE_PAGE_READABLE,
    /** On a handler's return into the sequence the module puts the secret back into R1 (INT-4). */
    RESTORE_SECRET_ON_RETURN
}
