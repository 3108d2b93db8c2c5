package org.hvproof.model.common;

/** Why an access was refused before any translation (a #GP injected into the guest). */
public enum GeneralProtectionCause {
    /** Some byte of the access lies outside the canonical 48-bit address space, or wraps. */
    NON_CANONICAL,
    /** The access is empty or longer than one page, which no instruction can issue. */
    INVALID_LENGTH
}
