package org.hvproof.properties.report;

import java.util.Set;

/**
 * One property's result as the claims report sees it.
 *
 * @param name     the property's name
 * @param claimIds the claims its {@code @Claim} annotation names
 * @param tries    tries run (traces, or pairs of traces for two-run properties)
 * @param steps    actions executed over all tries
 * @param passed   whether every try passed and every coverage minimum was met
 * @param seed     the seed, so the run can be repeated
 * @param replay   the replay token of the shrunk failing case; null when it passed
 * @param millis   wall time of the run
 * @param report   the engine's full report (the shrunk trace on failure)
 * @param timeline the shrunk trace step by step, for index.html; null when it passed or has none
 */
public record PropertyCheck(
        String name,
        Set<String> claimIds,
        long tries,
        long steps,
        boolean passed,
        long seed,
        String replay,
        long millis,
        String report,
        FailureTimeline timeline) {
    public PropertyCheck {
        claimIds = Set.copyOf(claimIds);
        report = report == null ? "" : report;
    }

    /** A result without a step-by-step timeline (passed, read back from claims.json, or built by hand). */
    public PropertyCheck(
            String name,
            Set<String> claimIds,
            long tries,
            long steps,
            boolean passed,
            long seed,
            String replay,
            long millis,
            String report) {
        this(name, claimIds, tries, steps, passed, seed, replay, millis, report, null);
    }
}
