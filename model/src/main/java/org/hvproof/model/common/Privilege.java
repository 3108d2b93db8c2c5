package org.hvproof.model.common;

/** The guest privilege a vCPU runs at: its kernel (CPL 0) or user code (CPL 3). */
public enum Privilege {
    /** Guest kernel: may use supervisor-only pages. */
    KERNEL,
    /** Guest user code: needs the user bit at every level of the walk. */
    USER
}
