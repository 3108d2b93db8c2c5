package org.hvproof.model.common;

/** The outcome of evaluating one named invariant: whether it held and, if not, why. */
public record InvariantResult(String name, boolean holds, String detail) {
    /** A result that held. */
    public static InvariantResult holds(String name) {
        return new InvariantResult(name, true, "");
    }

    /** Throws an {@link AssertionError} naming the invariant when it did not hold. */
    public void orThrow() {
        if (!holds) {
            throw new AssertionError(name + " violated: " + detail);
        }
    }
}
