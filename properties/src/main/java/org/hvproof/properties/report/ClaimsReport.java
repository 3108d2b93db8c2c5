package org.hvproof.properties.report;

import java.util.List;

/**
 * One run's outcome: a result per checked claim, the run's settings, and the Alloy commands that
 * speak for no claim yet missed their expectation (a spec that does not parse, an untagged check
 * that fails). Each output form is a {@link ReportRenderer} of it.
 *
 * @param results  one result per checked claim, in catalogue order
 * @param settings how the run was made
 * @param stray    failed commands tagged with no claim; they fail the run too
 */
public record ClaimsReport(List<ClaimResult> results, RunSettings settings, List<AlloyCheck> stray) {
    public ClaimsReport {
        results = List.copyOf(results);
        stray = List.copyOf(stray);
    }

    /** Joins each claim with the evidence naming it, and keeps the failed commands that name none. */
    public static ClaimsReport of(
            List<CatalogueEntry> claims, List<AlloyCheck> alloy, List<PropertyCheck> properties, RunSettings settings) {
        List<ClaimResult> results =
                claims.stream().map(c -> ClaimResult.of(c, alloy, properties)).toList();
        List<AlloyCheck> stray = alloy.stream()
                .filter(a -> !a.asExpected() && a.claimIds().isEmpty())
                .toList();
        return new ClaimsReport(results, settings, stray);
    }

    /** True when every claim holds. */
    public boolean allHold() {
        return results.stream().allMatch(r -> r.verdict() == ClaimVerdict.HOLDS);
    }

    /** True when every claim holds and no stray command failed: the gate's exit 0. */
    public boolean passes() {
        return allHold() && stray.isEmpty();
    }

    /** The gate's verdict in one word, as claims.json and index.html state it: {@code passes} or {@code fails}. */
    public String gate() {
        return passes() ? "passes" : "fails";
    }

    /** How many claims have {@code verdict}. */
    public long count(ClaimVerdict verdict) {
        return results.stream().filter(r -> r.verdict() == verdict).count();
    }
}
