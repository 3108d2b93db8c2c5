package org.hvproof.model.interrupts;

import java.util.List;

/** The result of one step: the next state and what the low observer saw. */
public record InterruptsStep(InterruptsState next, List<InterruptsObservation> observations) {
    public InterruptsStep {
        observations = List.copyOf(observations);
    }

    static InterruptsStep of(InterruptsState next, InterruptsObservation... observations) {
        return new InterruptsStep(next, List.of(observations));
    }
}
