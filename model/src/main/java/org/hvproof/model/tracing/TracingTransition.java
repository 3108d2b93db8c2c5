package org.hvproof.model.tracing;

import java.util.List;
import org.hvproof.model.common.Observation;

/**
 * One step as the invariants see it: the state before, the action, the state after and the
 * observations. It can come from the model or from the implementation through its abstraction
 * function, so the same invariants judge both.
 */
public record TracingTransition(
        TracingState before, TracingAction action, TracingState after, List<Observation> observations) {
    /** Copies the observations. */
    public TracingTransition {
        observations = List.copyOf(observations);
    }
}
