package org.hvproof.propcheck;

/**
 * How a case fails, as far as shrinking is concerned (Hypothesis calls it the interesting origin): the
 * named invariant or check that failed, and the class of the exception thrown, if any. The shrinker
 * accepts a smaller case only when its origin equals the origin of the case the search found, so a
 * shrunk case cannot slip to an unrelated failure and the report names the check the search broke.
 * Messages, steps and states may differ: they describe the same failure on a different case.
 *
 * @param check         the failed invariant's or check's name ({@link Failure#check()})
 * @param exceptionType the class of the exception thrown, or null when a predicate returned false
 */
record FailureOrigin(String check, Class<? extends Throwable> exceptionType) {

    /** The origin of {@code failure}. */
    static FailureOrigin of(Failure failure) {
        return new FailureOrigin(
                failure.check(),
                failure.cause() == null ? null : failure.cause().getClass());
    }
}
