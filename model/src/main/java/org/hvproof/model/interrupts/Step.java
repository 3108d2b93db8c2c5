package org.hvproof.model.interrupts;

import java.util.List;

/** The result of one step: the next state and what the low observer saw. */
public record Step(State next, List<Observation> observations) {
    public Step {
        observations = List.copyOf(observations);
    }

    static Step of(State next, Observation... observations) {
        return new Step(next, List.of(observations));
    }
}
