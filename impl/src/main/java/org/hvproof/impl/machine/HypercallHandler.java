package org.hvproof.impl.machine;

/** A hypercall's implementation: gets the caller and three argument registers, returns the status (0 = OK). */
@FunctionalInterface
public interface HypercallHandler {
    /** Performs the call; must validate its arguments and never throw. */
    long handle(VirtualCpu caller, long arg1, long arg2, long arg3);
}
