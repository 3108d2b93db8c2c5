package org.hvproof.model.common;

/**
 * The outcome of one named check of a claim: which claim, which check, whether it holds, and
 * what was found. The domains and interrupts invariants return it; {@link #orThrow()} turns a
 * violation into an AssertionError that names claim and check.
 *
 * @param claim  the claim id, e.g. {@code PD-2} or {@code INT-2}
 * @param check  the invariant's name within the claim
 * @param holds  whether it holds
 * @param detail what was expected and what was found, when it does not hold
 */
public record ClaimCheck(String claim, String check, boolean holds, String detail) {

    /** A check that holds. */
    public static ClaimCheck holds(String claim, String check) {
        return new ClaimCheck(claim, check, true, "");
    }

    /** A check that is violated, with what was found. */
    public static ClaimCheck violated(String claim, String check, String detail) {
        return new ClaimCheck(claim, check, false, detail);
    }

    /** {@link #holds} or {@link #violated}, as {@code holds} says. */
    public static ClaimCheck of(String claim, String check, boolean holds, String detailIfViolated) {
        return holds ? holds(claim, check) : violated(claim, check, detailIfViolated);
    }

    /** Returns this result if it holds; otherwise throws an AssertionError naming the claim. */
    public ClaimCheck orThrow() {
        if (!holds) {
            throw new AssertionError(claim + " " + check + " violated: " + detail);
        }
        return this;
    }
}
