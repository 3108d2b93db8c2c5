package org.hvproof.properties.report;

import java.util.List;

/** Everything the report knows about one claim: the catalogue row, its evidence, its verdict. */
public record ClaimResult(
        CatalogueEntry claim, List<AlloyCheck> alloy, List<PropertyCheck> properties, ClaimVerdict verdict) {
    public ClaimResult {
        alloy = List.copyOf(alloy);
        properties = List.copyOf(properties);
    }

    /** Joins a claim with the evidence that names it and decides the verdict. */
    public static ClaimResult of(CatalogueEntry claim, List<AlloyCheck> allAlloy, List<PropertyCheck> allProperties) {
        List<AlloyCheck> alloy =
                allAlloy.stream().filter(a -> a.claimIds().contains(claim.id())).toList();
        List<PropertyCheck> properties = allProperties.stream()
                .filter(p -> p.claimIds().contains(claim.id()))
                .toList();
        return new ClaimResult(claim, alloy, properties, ClaimVerdict.of(alloy, properties));
    }

    /** Alloy solving time spent on this claim's commands. */
    public long alloyMillis() {
        return alloy.stream().mapToLong(AlloyCheck::millis).sum();
    }

    /**
     * Whether a must-fail twin stands beside the claim's Alloy check: a negative control
     * ({@code GROUP_n_wrong_...}) checked {@code expect 1}, so the check is shown able to fail for
     * the attack it names. A claim without one is marked in every report.
     */
    public boolean hasMustFailTwin() {
        return alloy.stream()
                .anyMatch(a -> a.check() && a.expect() == 1 && a.command().contains("_wrong_"));
    }

    /** Tries run by this claim's properties. */
    public long tries() {
        return properties.stream().mapToLong(PropertyCheck::tries).sum();
    }
}
