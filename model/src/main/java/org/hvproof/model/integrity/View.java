package org.hvproof.model.integrity;

/** Which set of nested page tables a vCPU runs on. */
public enum View {
    /** Every protected page and every driver page is monitored. */
    PROTECTED,
    /** As {@link #PROTECTED}, except the driver's own data pages. */
    INTEGRITY
}
