package org.hvproof.model.integrity;

import java.util.List;
import org.hvproof.model.common.Transition;

/** One step of the integrity model: the next state and the observations, in order. */
public record IntegrityStep(IntegrityState next, List<IntegrityObservation> observations) {
    public IntegrityStep {
        observations = List.copyOf(observations);
    }

    /** This step taken from {@code before} by {@code action}, as the step invariants judge it. */
    public Transition<IntegrityState, IntegrityAction, IntegrityObservation> from(
            IntegrityState before, IntegrityAction action) {
        return new Transition<>(before, action, next, observations);
    }
}
