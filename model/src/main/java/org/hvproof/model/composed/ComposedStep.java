package org.hvproof.model.composed;

import java.util.List;

/**
 * The composed model's answer to one action: the next state and what an observer sees (the
 * observations of the mechanism that took the action: {@code IntegrityObservation}s or
 * {@code DomainsObservation}s).
 */
public record ComposedStep(ComposedState next, List<Object> observations) {
    public ComposedStep {
        observations = List.copyOf(observations);
    }
}
