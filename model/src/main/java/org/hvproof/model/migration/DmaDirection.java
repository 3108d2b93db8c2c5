package org.hvproof.model.migration;

import java.util.Optional;

/** Which way a work request moves data, as a descriptor's direction word encodes it. */
public enum DmaDirection {
    /** The device reads the buffer (a transmit): direction word 0. */
    TO_DEVICE,
    /** The device writes the buffer (a receive): direction word 1. */
    FROM_DEVICE;

    /** The direction a raw direction word names, if any. */
    public static Optional<DmaDirection> decode(long word) {
        return word == 0 ? Optional.of(TO_DEVICE) : word == 1 ? Optional.of(FROM_DEVICE) : Optional.empty();
    }
}
