package org.hvproof.model.failover;

/**
 * Deliberately wrong model steps, for showing in model tests and in {@code failover.als} that the
 * invariants catch them; {@link #NONE} is the correct model.
 */
public enum FailoverModelFlaw {
    /** The correct model. */
    NONE,
    /** The agent signals once all but the last chunk are sent (FT-3, FT-1). */
    SIGNAL_BEFORE_LAST_CHUNK,
    /** Power returning after the signal resumes the primary from its image at the failure (FT-2). */
    POWER_RETURN_RESUMES_AFTER_SIGNAL
}
