package org.hvproof.specs;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The result of one Alloy command: what was expected, what the solver found, and how.
 *
 * @param spec      the spec's file name, e.g. {@code tracing.als}
 * @param command   the command's label, e.g. {@code TRACE_1_oneNotificationPerTracedPage}
 * @param check     true for a {@code check}, false for a {@code run}
 * @param expect    the command's {@code expect} value, -1 when it has none
 * @param outcome   what the solver found
 * @param asExpected true only when the outcome matches {@code expect}
 * @param millis    solving time (translation included)
 * @param scope     the scope as written, e.g. {@code for 3 but 8 steps}
 * @param solver    the SAT solver's id, e.g. {@code minisat}
 * @param claimIds  claim ids named in the comments above the command (and its assert), in file order
 * @param rendering the counterexample or instance, state by state; empty otherwise
 * @param error     for {@link Outcome#ERROR} and {@link Outcome#TIMEOUT}, {@code FILE:LINE:COL: message}; empty otherwise
 */
public record CommandOutcome(
        String spec,
        String command,
        boolean check,
        int expect,
        Outcome outcome,
        boolean asExpected,
        long millis,
        String scope,
        String solver,
        Set<String> claimIds,
        String rendering,
        String error) {

    public CommandOutcome {
        claimIds = Collections.unmodifiableSet(new LinkedHashSet<>(claimIds));
        rendering = rendering == null ? "" : rendering;
        error = error == null ? "" : error;
    }

    /** {@code spec :: command}, the name this command has in test reports. */
    public String displayName() {
        return spec + " :: " + command;
    }

    /** {@code expect 0}, {@code expect 1} or {@code no expect}. */
    public String expectation() {
        return expect < 0 ? "no expect" : "expect " + expect;
    }

    /**
     * Why this outcome is a failure, in one message; empty when it is as expected. An error
     * gives its {@code FILE:LINE:COL: message}; a mismatch names the command, what was
     * expected and what was found.
     */
    public String problem() {
        if (asExpected) {
            return "";
        }
        if (outcome == Outcome.ERROR || outcome == Outcome.TIMEOUT) {
            return error;
        }
        return spec + ": " + (check ? "check " : "run ") + command + " expected " + expectedDescription() + " ("
                + expectation() + ") but found " + outcome.describe();
    }

    private String expectedDescription() {
        if (check) {
            return expect == 0 ? Outcome.HOLDS.describe() : Outcome.COUNTEREXAMPLE.describe();
        }
        return expect == 0 ? Outcome.NO_INSTANCE.describe() : Outcome.INSTANCE.describe();
    }
}
