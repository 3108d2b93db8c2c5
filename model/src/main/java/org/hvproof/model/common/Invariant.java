package org.hvproof.model.common;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * A named invariant of one claim, on a state, a {@link Transition} or a {@link TransitionPair}:
 * one of the small {@code valid_*} predicates a mechanism's invariants are joined from. Checking
 * it gives a {@link ClaimCheck} naming the claim and the invariant, so a failure names the exact
 * predicate that broke ({@code "TRACE-1 oneNotificationPerTracedPage violated: ..."}).
 *
 * <p>The name is lowerCamel and equals the suffix of the claim's Alloy assert that states the
 * same predicate ({@code TRACE_1_oneNotificationPerTracedPage}). Invariants that belong to no
 * claim (the model's own well-formedness) use the claim id {@link #MODEL}.
 *
 * @param claim     the claim id ({@code TRACE-1}), or {@link #MODEL}
 * @param name      the invariant's lowerCamel name
 * @param violation what was found when it does not hold; empty when it holds
 * @param <T>       what it judges: a state, a transition or a transition pair
 */
public record Invariant<T>(String claim, String name, Function<? super T, Optional<String>> violation) {
    /** The claim id of invariants that state the model's own well-formedness, not a claim. */
    public static final String MODEL = "model";

    /** Requires all three parts and a lowerCamel name. */
    public Invariant {
        Objects.requireNonNull(claim, "claim");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(violation, "violation");
        if (!name.matches("[a-z][A-Za-z0-9]*")) {
            throw new IllegalArgumentException("invariant name must be lowerCamel, was \"" + name + "\"");
        }
    }

    /** An invariant whose check returns the reason it fails, or empty when it holds. */
    public static <T> Invariant<T> of(String claim, String name, Function<? super T, Optional<String>> violation) {
        return new Invariant<>(claim, name, violation);
    }

    /**
     * An invariant given as a function to a {@link ClaimCheck} (the shape the domains and
     * interrupts predicates already return); the check's own claim and name are replaced by this
     * invariant's, so the name is written once.
     */
    public static <T> Invariant<T> ofCheck(String claim, String name, Function<? super T, ClaimCheck> check) {
        return new Invariant<>(claim, name, t -> {
            ClaimCheck c = check.apply(t);
            return c.holds() ? Optional.empty() : Optional.of(c.detail());
        });
    }

    /** Judges {@code subject}. */
    public ClaimCheck check(T subject) {
        return violation
                .apply(subject)
                .map(why -> ClaimCheck.violated(claim, name, why))
                .orElseGet(() -> ClaimCheck.holds(claim, name));
    }

    /** Judges {@code subject} and throws an AssertionError naming claim and invariant when it fails. */
    public void assertHolds(T subject) {
        check(subject).orThrow();
    }

    /** {@code "<claim> <name>"}, as failure reports and {@code ./hvproof show} print it. */
    public String label() {
        return claim + " " + name;
    }

    /** Whether this invariant checks {@code claimId} (the model's well-formedness is checked for every claim). */
    public boolean checks(String claimId) {
        return claim.equals(claimId) || claim.equals(MODEL);
    }
}
