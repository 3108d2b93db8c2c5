package org.hvproof.model.tree;

import java.util.List;

/** One step of the tree model: the next state and what it showed an observer, in order. */
public record TreeStep(TreeState next, List<TreeObservation> observations) {
    public TreeStep {
        observations = List.copyOf(observations);
    }
}
