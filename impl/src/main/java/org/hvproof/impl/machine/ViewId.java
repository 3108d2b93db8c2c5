package org.hvproof.impl.machine;

import java.util.Objects;

/**
 * Names a nested page table ("view") a vCPU can run on. Tracing uses {@link #DEFAULT}; later
 * mechanisms add views of their own (the integrity view, one per protection domain).
 */
public record ViewId(String name) {
    /** The view every vCPU starts on. */
    public static final ViewId DEFAULT = new ViewId("default");

    /** Requires a name. */
    public ViewId {
        Objects.requireNonNull(name, "name");
    }
}
