package org.hvproof.propcheck;

import java.util.List;

/**
 * Why a test case failed.
 *
 * @param check   the named invariant or check that failed, or "exception" for an action that threw
 * @param message the failure message (assertion message, or a sentence when a predicate returned false)
 * @param cause   the exception thrown, if any
 * @param step    the 1-based step after which the failure was seen (0: initial state; value properties: 1)
 * @param state   the described state at the failure (stateful), or null
 * @param states  the described state before the first step and after each step up to the failing one, when
 *                the case was run to explain it ({@link DataSource#explaining}); empty otherwise
 */
record Failure(String check, String message, Throwable cause, int step, String state, List<String> states) {

    Failure {
        states = states == null ? List.of() : List.copyOf(states);
    }

    /** A failure with no per-step states (a search or shrinking run). */
    Failure(String check, String message, Throwable cause, int step, String state) {
        this(check, message, cause, step, state, List.of());
    }

    /** This failure with the states of an explaining run. */
    Failure withStates(List<String> described) {
        return new Failure(check, message, cause, step, state, described);
    }

    /** Which check failed and with which exception class: what "fails the same way" compares. */
    FailureOrigin origin() {
        return FailureOrigin.of(this);
    }
}
