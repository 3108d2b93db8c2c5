package org.hvproof.model.common;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * A named predicate on a state or a step, tied to the claim it checks. The check returns the
 * reason it fails, or empty when it holds, so a failure names the exact invariant that broke.
 *
 * @param <T> what it is evaluated on: a state, or a (before, action, after, observations) step
 */
public record Invariant<T>(String name, String claim, Function<T, Optional<String>> violation) {
    /** Requires all three parts. */
    public Invariant {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(claim, "claim");
        Objects.requireNonNull(violation, "violation");
    }

    /** Evaluates the invariant on {@code subject}. */
    public InvariantResult evaluate(T subject) {
        return violation
                .apply(subject)
                .map(why -> new InvariantResult(name, false, why))
                .orElseGet(() -> InvariantResult.holds(name));
    }

    /** Evaluates and throws an {@link AssertionError} naming the invariant when it fails. */
    public void check(T subject) {
        evaluate(subject).orThrow();
    }
}
