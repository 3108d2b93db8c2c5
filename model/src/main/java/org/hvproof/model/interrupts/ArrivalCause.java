package org.hvproof.model.interrupts;

/** What the interrupt security module intercepted: an external interrupt or an exception. */
public enum ArrivalCause {
    INTERRUPT,
    EXCEPTION
}
