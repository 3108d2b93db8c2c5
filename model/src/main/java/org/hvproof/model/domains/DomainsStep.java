package org.hvproof.model.domains;

import java.util.List;

/** The result of one step: the next state and its observations. */
public record DomainsStep(DomainsState next, List<DomainsObservation> observations) {
    public DomainsStep {
        observations = List.copyOf(observations);
    }

    static DomainsStep of(DomainsState next, DomainsObservation... observations) {
        return new DomainsStep(next, List.of(observations));
    }
}
