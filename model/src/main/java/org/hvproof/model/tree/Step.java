package org.hvproof.model.tree;

import java.util.List;

/** One step of the tree model: the next state and what it showed an observer, in order. */
public record Step(TreeState next, List<TreeObservation> observations) {
    public Step {
        observations = List.copyOf(observations);
    }
}
