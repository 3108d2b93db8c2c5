package org.hvproof.impl.tree;

import java.util.Objects;
import org.hvproof.model.common.Observation;
import org.hvproof.model.tree.TreeObservation;

/**
 * What the tree shows an observer (a request result, a walk, an alert), carried on the machine's
 * observation channel beside notifications and faults. The tree's model observations are used as
 * they are, so refinement compares them with {@code equals}.
 */
public record TreeEvent(TreeObservation observation) implements Observation {
    /** Requires an observation. */
    public TreeEvent {
        Objects.requireNonNull(observation, "observation");
    }
}
