package org.hvproof.impl.machine;

/** A hypercall's implementation: gets the caller and three argument registers, returns the status (0 = OK). */
@FunctionalInterface
public interface HypercallHandler {
    /** Performs the call; must validate its arguments and never throw. */
    long handle(VirtualCpu caller, long arg1, long arg2, long arg3);

    /**
     * Whether this handler judges the caller's privilege itself, so that calls from guest user
     * mode reach it (a hypercall instruction exits at every privilege). By default the core refuses
     * them with {@code PERMISSION_DENIED} before any handler runs.
     */
    default boolean screensPrivilege() {
        return false;
    }
}
