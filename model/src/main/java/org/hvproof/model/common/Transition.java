package org.hvproof.model.common;

import java.util.List;
import java.util.Objects;

/**
 * One step of a mechanism as its step invariants judge it: the state before, the action, the
 * state after and what an outside observer saw. The same record carries a step of the model and
 * a step of the implementation read through its abstraction function, so one invariant judges
 * both.
 *
 * @param <S> the mechanism's abstract state ({@code <M>State})
 * @param <A> the mechanism's action ({@code <M>Action})
 * @param <O> the mechanism's observation ({@code <M>Observation}, or {@code Object} where mixed)
 */
public record Transition<S, A, O>(S before, A action, S after, List<O> observations) {
    /** Requires every part; copies the observations. */
    public Transition {
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(after, "after");
        observations = List.copyOf(observations);
    }
}
