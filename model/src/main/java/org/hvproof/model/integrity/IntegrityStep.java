package org.hvproof.model.integrity;

import java.util.List;

/** One step of the integrity model: the next state and the observations, in order. */
public record IntegrityStep(IntegrityState next, List<IntegrityObservation> observations) {
    public IntegrityStep {
        observations = List.copyOf(observations);
    }
}
