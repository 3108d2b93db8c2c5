package org.hvproof.properties.report;

import java.util.List;
import java.util.regex.Pattern;
import org.hvproof.properties.Mechanisms;

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
        return new ClaimResult(
                claim,
                alloy,
                properties,
                ClaimVerdict.of(alloy, properties, Mechanisms.unlinkedClaims().isEmpty()));
    }

    /**
     * How every {@code <M>SpecConformance} names its property: {@code "<ids> model traces are
     * <spec>.als traces"}. Such a property validates the model's runs against the claim's spec.
     */
    static final Pattern SPEC_CONFORMANCE = Pattern.compile("\\bmodel traces are \\w+\\.als traces\\b");

    /** Whether the property of this name is a spec conformance property (see {@link #SPEC_CONFORMANCE}). */
    public static boolean isSpecConformance(String propertyName) {
        return SPEC_CONFORMANCE.matcher(propertyName).find();
    }

    /**
     * Whether the claim's spec is linked to its model: a spec conformance property names the claim
     * and every such property passed, so the model traces the properties test are behaviours of the
     * spec the Alloy checks bound. A claim without one is marked "not linked" in every report.
     */
    public boolean isLinked() {
        return isLinked(properties);
    }

    static boolean isLinked(List<PropertyCheck> properties) {
        List<PropertyCheck> links =
                properties.stream().filter(p -> isSpecConformance(p.name())).toList();
        return !links.isEmpty() && links.stream().allMatch(PropertyCheck::passed);
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
