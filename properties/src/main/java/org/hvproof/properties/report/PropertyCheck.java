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
        String report) {
    public PropertyCheck {
        claimIds = Set.copyOf(claimIds);
        report = report == null ? "" : report;
    }
}
