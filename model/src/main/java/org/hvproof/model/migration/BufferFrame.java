package org.hvproof.model.migration;

/** Which frames a translation of a DMA buffer page reaches. */
public enum BufferFrame {
    /** The frame that backed the page before migration started (the only one outside migration). */
    ORIGINAL,
    /** The frame the hypervisor allocated for the copy. */
    COPY,
    /** Any other frame, or none: never right. */
    OTHER
}
