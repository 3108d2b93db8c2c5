package org.hvproof.impl.machine;

/** A hypervisor service that may claim nested exits (tracing claims write violations on traced pages). */
@FunctionalInterface
public interface NestedExitHandler {
    /** Decides about {@code exit}, raised by {@code cpu} on the part {@code piece} of an access; must not change state. */
    ExitDecision onExit(VirtualCpu cpu, NestedExit exit, AccessPiece piece);
}
