package org.hvproof.model.failover;

import java.util.List;
import org.hvproof.model.common.Transition;

/** One step of the failover model: the next state and the observations, in order. */
public record FailoverStep(FailoverState next, List<FailoverObservation> observations) {
    public FailoverStep {
        observations = List.copyOf(observations);
    }

    /** This step taken from {@code before} by {@code action}, as the step invariants judge it. */
    public Transition<FailoverState, FailoverAction, FailoverObservation> from(
            FailoverState before, FailoverAction action) {
        return new Transition<>(before, action, next, observations);
    }
}
