package org.hvproof.model.tracing;

import java.util.List;
import java.util.Objects;
import org.hvproof.model.common.Observation;

/** The result of one action: the next state and what an observer saw, in order. */
public record TracingStep(TracingState next, List<Observation> observations) {
    /** Copies the observations. */
    public TracingStep {
        Objects.requireNonNull(next, "next");
        observations = List.copyOf(observations);
    }
}
