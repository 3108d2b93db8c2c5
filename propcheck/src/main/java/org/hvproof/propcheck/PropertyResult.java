package org.hvproof.propcheck;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The outcome of running a property, for JUnit assertions and the claims report.
 *
 * @param name               the property's name
 * @param status             passed, failed (a counterexample), error (the property could not be tested), or
 *                           discarded (a replayed case that a filter or an assumption now rejects)
 * @param tries              valid test cases run (generation phase; a failing one included)
 * @param steps              actions executed over all tries (stateful), or the number of tries (value)
 * @param seed               the seed of the run
 * @param replayToken        token that replays the minimal counterexample; null when passed
 * @param shrinkOutcome      whether shrinking reached a local minimum or ran out of budget
 * @param shrinkEvaluations  property evaluations spent shrinking
 * @param labelCounts        per label, in how many tries it occurred
 * @param counterexample     the minimal counterexample, one line per action (stateful) or one line (value);
 *                           empty when passed
 * @param counterexampleValues the same minimal case as objects: the generated value (one element, possibly
 *                           null) of a value property, or the actions of a stateful one; empty when there is
 *                           no counterexample (also when the generator itself threw)
 * @param failingStep        1-based step of the failure (0: initial state); -1 when passed
 * @param failedCheck        the invariant or check that failed ("exception" for a throwing action); null when passed
 * @param failureMessage     the failure's message; null when passed
 * @param cause              the exception of the minimal counterexample, if any
 * @param report             the full human-readable report
 * @param states             a stateful counterexample's described state before the first action and after each
 *                           action up to the failing one ({@code states.get(i)}: after action i); empty when
 *                           there is none
 */
public record PropertyResult(
        String name,
        Status status,
        int tries,
        long steps,
        long seed,
        String replayToken,
        ShrinkOutcome shrinkOutcome,
        int shrinkEvaluations,
        Map<String, Integer> labelCounts,
        List<String> counterexample,
        List<Object> counterexampleValues,
        int failingStep,
        String failedCheck,
        String failureMessage,
        Throwable cause,
        String report,
        List<String> states) {

    /** Overall outcome. */
    public enum Status {
        /** Every try passed and every coverage minimum was met. */
        PASSED,
        /** A counterexample was found, or a coverage minimum was not met. */
        FAILED,
        /** The property could not be tested (e.g. a filter rejected too much, too many discards). */
        ERROR,
        /**
         * A replayed case is now discarded (a filter or an assumption rejects it): it neither passed nor
         * failed, so the replay shows nothing about the failure it was printed for.
         */
        DISCARDED
    }

    /** Defensive copies of the collections. */
    public PropertyResult {
        labelCounts = Map.copyOf(labelCounts);
        counterexample = List.copyOf(counterexample);
        counterexampleValues = Collections.unmodifiableList(new ArrayList<>(counterexampleValues));
        states = states == null ? List.of() : List.copyOf(states);
    }

    /** True when the property held. */
    public boolean passed() {
        return status == Status.PASSED;
    }

    /** True when the property did not pass (counterexample, unmet coverage, error, or a discarded replay). */
    public boolean failed() {
        return status != Status.PASSED;
    }

    /** True when a replayed case was discarded: neither passed nor failed. */
    public boolean discarded() {
        return status == Status.DISCARDED;
    }

    /**
     * The generated value of a value property's minimal counterexample, as the object the check saw
     * (the caller names its type: {@code List<Integer> xs = r.counterexampleValue();}).
     *
     * @throws IllegalStateException when there is no counterexample value (passed, error, stateful)
     */
    @SuppressWarnings("unchecked")
    public <T> T counterexampleValue() {
        if (status != Status.FAILED
                || counterexampleValues.size() != 1
                || counterexampleValues.get(0) instanceof Action<?>) {
            throw new IllegalStateException("property \"" + name + "\" has no counterexample value (status " + status
                    + (counterexampleValues.isEmpty() ? "" : ", a trace of actions") + ")");
        }
        return (T) counterexampleValues.get(0);
    }

    /**
     * The actions of a stateful property's minimal counterexample trace, in order, as the objects that
     * were applied (empty when there is no counterexample trace).
     */
    @SuppressWarnings("unchecked")
    public <S> List<Action<S>> counterexampleActions() {
        List<Action<S>> out = new ArrayList<>();
        for (Object o : counterexampleValues) {
            if (o instanceof Action<?> a) {
                out.add((Action<S>) a);
            }
        }
        return List.copyOf(out);
    }

    /** Number of actions in the minimal counterexample trace (1 for a value property; 0 when passed). */
    public int traceLength() {
        return counterexample.size();
    }

    /** True when shrinking reached a local minimum (rather than running out of budget). */
    public boolean shrinkingFinished() {
        return shrinkOutcome == ShrinkOutcome.FINISHED;
    }

    /** Throws {@code AssertionError(report)} unless the property passed; returns this otherwise. */
    public PropertyResult assertPassed() {
        if (!passed()) {
            throw new AssertionError(report, cause);
        }
        return this;
    }

    /**
     * Throws {@code AssertionError} unless the property failed with a counterexample: for tests that
     * check a property catches a deliberately broken variant. Returns this for further assertions.
     */
    public PropertyResult assertFailed() {
        if (status != Status.FAILED) {
            throw new AssertionError(
                    "expected property \"" + name + "\" to fail, but it "
                            + (passed()
                                    ? "passed"
                                    : discarded() ? "discarded the replayed case" : "could not be tested")
                            + ":\n" + report,
                    cause);
        }
        return this;
    }

    /** Share of tries (0..100) in which {@code label} occurred. */
    public double labelPercent(String label) {
        return tries == 0 ? 0 : 100.0 * labelCounts.getOrDefault(label, 0) / tries;
    }

    @Override
    public String toString() {
        return report;
    }
}
