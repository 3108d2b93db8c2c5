package org.hvproof.propcheck;

/** How shrinking ended. */
public enum ShrinkOutcome {
    /** Nothing to shrink: the property passed (or the case was replayed from a token). */
    NOT_RUN,
    /** A local minimum was reached: no pass could make the counterexample smaller. */
    FINISHED,
    /** The evaluation budget ran out; the counterexample may not be minimal. */
    BUDGET_EXHAUSTED
}
