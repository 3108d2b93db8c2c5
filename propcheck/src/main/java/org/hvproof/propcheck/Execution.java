package org.hvproof.propcheck;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What one run of a property body on one choice sequence did: its outcome, the choices it actually
 * consumed (with spans), and what the report needs if it failed. A body concludes its run in one way,
 * {@link #of(DataSource, Context, int)} followed by {@code passed()}, {@code failed(...)} or
 * {@code invalid(...)}, so the choices, spans, labels and notes always come from the run's own source
 * and context.
 *
 * @param status  passed, failed, or invalid (neither)
 * @param choices the choices consumed, in order
 * @param maxes   the bound of each choice (same length as choices)
 * @param spans   the structural units recorded over those choices
 * @param failure why it failed (null unless failed)
 * @param shown   what the report shows: the generated value, or the actions of the trace
 * @param steps   actions executed (1 for a value property)
 * @param labels  labels set through the context
 * @param notes   notes added through the context
 * @param error   an error that is the property's fault rather than a counterexample (e.g. an exhausted filter)
 */
record Execution(
        Status status,
        long[] choices,
        long[] maxes,
        Span[] spans,
        Failure failure,
        List<Object> shown,
        int steps,
        Set<String> labels,
        List<String> notes,
        RuntimeException error) {

    enum Status {
        PASSED,
        FAILED,
        INVALID
    }

    /**
     * Concludes a run that drew from {@code source}, labelled and noted through {@code context}, and
     * executed {@code steps} actions: finish with one of the builder's outcomes.
     */
    static Builder of(DataSource source, Context context, int steps) {
        return new Builder(source, context, steps);
    }

    boolean failed() {
        return status == Status.FAILED;
    }

    /** How this run failed, for "fails the same way" (null unless it failed). */
    FailureOrigin origin() {
        return failure == null ? null : failure.origin();
    }

    /** The one way to make a concluded execution: the source and context give everything but the outcome. */
    static final class Builder {
        private final DataSource source;
        private final Context context;
        private final int steps;

        private Builder(DataSource source, Context context, int steps) {
            this.source = Objects.requireNonNull(source, "source");
            this.context = Objects.requireNonNull(context, "context");
            this.steps = steps;
        }

        /** The property held on this case. */
        Execution passed() {
            return conclude(Status.PASSED, null, List.of(), null);
        }

        /** The property failed for {@code failure}; the report shows {@code shown} (value or actions). */
        Execution failed(Failure failure, List<Object> shown) {
            return conclude(Status.FAILED, Objects.requireNonNull(failure, "failure"), List.copyOf(shown), null);
        }

        /** The case neither passed nor failed (an assumption or a filter rejected it). */
        Execution invalid() {
            return invalid(null);
        }

        /**
         * The case is invalid, and {@code error} (if not null) is the property's own fault, ending the run
         * with an error instead of a verdict (e.g. a filter that rejects everything while generating).
         */
        Execution invalid(RuntimeException error) {
            return conclude(Status.INVALID, null, List.of(), error);
        }

        private Execution conclude(Status status, Failure failure, List<Object> shown, RuntimeException error) {
            return new Execution(
                    status,
                    source.choices(),
                    source.maxes(),
                    source.spans(),
                    failure,
                    shown,
                    steps,
                    context.labels(),
                    context.notes(),
                    error);
        }
    }
}
