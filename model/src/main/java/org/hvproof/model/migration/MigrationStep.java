package org.hvproof.model.migration;

import java.util.List;
import org.hvproof.model.common.Transition;

/** One step of the migration model: the next state and the observations, in order. */
public record MigrationStep(MigrationState next, List<MigrationObservation> observations) {
    public MigrationStep {
        observations = List.copyOf(observations);
    }

    /** This step taken from {@code before} by {@code action}, as the step invariants judge it. */
    public Transition<MigrationState, MigrationAction, MigrationObservation> from(
            MigrationState before, MigrationAction action) {
        return new Transition<>(before, action, next, observations);
    }
}
