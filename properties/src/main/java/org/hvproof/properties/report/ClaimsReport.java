package org.hvproof.properties.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

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

    /**
     * True when every claim holds and no stray command failed: the gate's exit 0. A shard's claims lack
     * the other shards' evidence, so a shard passes when none of its own evidence failed or timed out;
     * only the merged report decides the gate.
     */
    public boolean passes() {
        if (!settings.shard().whole()) {
            return stray.isEmpty()
                    && results.stream()
                            .noneMatch(
                                    r -> r.verdict() == ClaimVerdict.VIOLATED || r.verdict() == ClaimVerdict.TIMEOUT);
        }
        return allHold() && stray.isEmpty();
    }

    /**
     * The gate's verdict in one word, as claims.json and index.html state it: {@code passes} or
     * {@code fails}; for a shard whose own evidence holds, {@code partial} (merge the shards to decide).
     */
    public String gate() {
        if (!settings.shard().whole() && passes()) {
            return "partial";
        }
        return passes() ? "passes" : "fails";
    }

    /**
     * Joins the reports of every shard of one run (the caller has checked they are: same settings, each
     * shard once) into the report of the whole run: the same claims, every shard's evidence, verdicts
     * decided anew. Each claim's evidence is listed by command ({@code spec :: command}) and property
     * name, and the run's time is its slowest shard's.
     */
    public static ClaimsReport merge(List<ClaimsReport> shards) {
        if (shards.isEmpty()) {
            throw new IllegalArgumentException("no shard to merge");
        }
        RunSettings first = shards.get(0).settings();
        Set<AlloyCheck> alloy = new LinkedHashSet<>();
        Set<PropertyCheck> properties = new LinkedHashSet<>();
        long millis = 0;
        for (ClaimsReport shard : shards) {
            millis = Math.max(millis, shard.settings().millis());
            for (ClaimResult r : shard.results()) {
                alloy.addAll(r.alloy());
                properties.addAll(r.properties());
            }
            alloy.addAll(shard.stray());
        }
        List<AlloyCheck> sortedAlloy = new ArrayList<>(alloy);
        sortedAlloy.sort(Comparator.comparing(Shard::key));
        List<PropertyCheck> sortedProperties = new ArrayList<>(properties);
        sortedProperties.sort(Comparator.comparing(PropertyCheck::name));
        List<CatalogueEntry> claims =
                shards.get(0).results().stream().map(ClaimResult::claim).toList();
        return of(claims, sortedAlloy, sortedProperties, first.with(Shard.WHOLE, millis));
    }

    /**
     * Reads a report back from its claims.json, as {@code hvproof merge} does.
     *
     * @throws IllegalArgumentException when the text is not a claims.json (or one too old to merge)
     */
    public static ClaimsReport fromJson(String json) {
        return ClaimsJson.parse(json);
    }

    /** How many claims have {@code verdict}. */
    public long count(ClaimVerdict verdict) {
        return results.stream().filter(r -> r.verdict() == verdict).count();
    }
}
