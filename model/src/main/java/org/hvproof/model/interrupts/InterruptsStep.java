package org.hvproof.model.interrupts;

import java.util.List;
import org.hvproof.model.common.Transition;

/** The model's answer to one action: the next state and what the low observer saw. */
public record InterruptsStep(InterruptsState next, List<InterruptsObservation> observations) {
    public InterruptsStep {
        observations = List.copyOf(observations);
    }

    static InterruptsStep of(InterruptsState next, InterruptsObservation... observations) {
        return new InterruptsStep(next, List.of(observations));
    }

    /** This step taken from {@code before} by {@code action}, as the step invariants judge it. */
    public Transition<InterruptsState, InterruptsAction, InterruptsObservation> from(
            InterruptsState before, InterruptsAction action) {
        return new Transition<>(before, action, next, observations);
    }
}
