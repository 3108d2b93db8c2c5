package org.hvproof.model.common;

import java.util.Objects;

/**
 * The same action taken in two runs that differ only in a secret, as a pair (two-run,
 * noninterference) invariant judges it: Serval's and seL4's "two states equal to the observer,
 * stepped by the same action, stay equal to the observer".
 */
public record TransitionPair<S, A, O>(Transition<S, A, O> left, Transition<S, A, O> right) {
    /** Requires both runs' steps. */
    public TransitionPair {
        Objects.requireNonNull(left, "left");
        Objects.requireNonNull(right, "right");
    }
}
