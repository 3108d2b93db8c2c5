package org.hvproof.model.tree;

/** The outcome of one named invariant: which claim, whether it holds, and what was found. */
public record Verdict(String claim, String invariant, boolean holds, String detail) {

    public static Verdict ok(String claim, String invariant) {
        return new Verdict(claim, invariant, true, "");
    }

    public static Verdict check(String claim, String invariant, boolean holds, String detail) {
        return new Verdict(claim, invariant, holds, holds ? "" : detail);
    }

    /** Throws an AssertionError naming the claim and the invariant when it does not hold. */
    public Verdict orThrow() {
        if (!holds) {
            throw new AssertionError(claim + " (" + invariant + ") violated: " + detail);
        }
        return this;
    }
}
