package org.hvproof.propcheck;

import java.util.List;
import java.util.Set;

/**
 * What one run of a property body on one choice sequence did: its outcome, the choices it actually
 * consumed (with spans), and what the report needs if it failed.
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

    boolean failed() {
        return status == Status.FAILED;
    }
}
