package org.hvproof.impl.machine;

import org.hvproof.model.common.GuestPhysicalPage;

/** A hypervisor service that may claim nested exits (tracing claims write violations on traced pages). */
@FunctionalInterface
public interface NestedExitHandler {
    /** Decides about {@code exit}, raised by {@code cpu} on the part {@code piece} of an access; must not change state. */
    ExitDecision onExit(VirtualCpu cpu, NestedExit exit, AccessPiece piece);

    /**
     * Whether a device's page request for {@code page} may map it writable although {@code view}'s
     * nested entry lacks the write bit: only where this service cleared the bit for a protection
     * not yet in force, which it takes from devices when it publishes it. Must not change state.
     */
    default boolean devicesMayWrite(ViewId view, GuestPhysicalPage page) {
        return false;
    }
}
