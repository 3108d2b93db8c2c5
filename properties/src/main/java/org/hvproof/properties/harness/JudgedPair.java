package org.hvproof.properties.harness;

import java.util.List;
import org.hvproof.model.common.TransitionPair;

/**
 * Two runs of a mechanism that differ only in a secret, stepped by the same generated actions, as
 * the harness judges them for noninterference (Serval's and seL4's two-run formulation).
 */
public interface JudgedPair<S, A, O> {
    /** The two runs' transitions of the last generated step, pairwise; empty before the first. */
    List<TransitionPair<S, A, O>> lastPairs();

    /**
     * Throws an AssertionError when the two runs are not related by the low-equivalence relation
     * at all (a relation that relates nothing would make noninterference vacuous).
     */
    void checkRelated();

    /** A short picture of both runs for failure reports. */
    String describe();
}
