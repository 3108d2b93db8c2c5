package org.hvproof.model.integrity;

/** A vCPU's execution mode. */
public enum Mode {
    NORMAL,
    INTEGRITY
}
