package org.hvproof.model.common;

/** What a memory access does to the bytes it touches; permission checks depend on it. */
public enum AccessKind {
    /** A data read. */
    READ,
    /** A data write. */
    WRITE,
    /** An instruction fetch. */
    EXECUTE
}
