package org.hvproof.propcheck;

/**
 * Why a test case failed.
 *
 * @param check   the named invariant or check that failed, or "exception" for an action that threw
 * @param message the failure message (assertion message, or a sentence when a predicate returned false)
 * @param cause   the exception thrown, if any
 * @param step    the 1-based step after which the failure was seen (0: initial state; value properties: 1)
 * @param state   the described state at the failure (stateful), or null
 */
record Failure(String check, String message, Throwable cause, int step, String state) {

    /** Which check failed and with which exception class: what "fails the same way" compares. */
    FailureOrigin origin() {
        return FailureOrigin.of(this);
    }
}
