package org.hvproof.model.interrupts;

/** The guest's general registers. R1 receives the secret, R2 the authentication value. */
public enum Reg {
    R0,
    R1,
    R2,
    R3
}
