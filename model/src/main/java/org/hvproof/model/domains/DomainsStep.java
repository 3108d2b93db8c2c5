package org.hvproof.model.domains;

import java.util.List;
import org.hvproof.model.common.Transition;

/** The model's answer to one action: the next state and what an observer saw. */
public record DomainsStep(DomainsState next, List<DomainsObservation> observations) {
    public DomainsStep {
        observations = List.copyOf(observations);
    }

    static DomainsStep of(DomainsState next, DomainsObservation... observations) {
        return new DomainsStep(next, List.of(observations));
    }

    /** This step as the step invariants judge it: from {@code before} by {@code action}. */
    public Transition<DomainsState, DomainsAction, DomainsObservation> from(DomainsState before, DomainsAction action) {
        return new Transition<>(before, action, next, observations);
    }
}
