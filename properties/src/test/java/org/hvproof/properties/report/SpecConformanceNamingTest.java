package org.hvproof.properties.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.hvproof.properties.Mechanisms;
import org.junit.jupiter.api.Test;

/**
 * "Linked" is read from property names, so every registered spec conformance class must name its
 * properties the way {@link ClaimResult#isSpecConformance} recognises, and no other property may.
 */
class SpecConformanceNamingTest {

    @Test
    void everySpecConformancePropertyIsRecognisedAndNoOtherIs() {
        List<ClaimedProperty> all = ClaimedProperty.discover(Mechanisms.propertyClasses());
        for (ClaimedProperty p : all) {
            boolean conformance = p.method().getDeclaringClass().getSimpleName().endsWith("SpecConformance");
            assertThat(ClaimResult.isSpecConformance(p.create().name()))
                    .as("%s (named %s)", p.name(), p.create().name())
                    .isEqualTo(conformance);
        }
    }

    @Test
    void theMechanismsWithoutASpecConformanceAreTheUnlinkedOnes() {
        List<String> linked = Mechanisms.ALL.stream()
                .filter(m ->
                        m.properties().stream().anyMatch(c -> c.getSimpleName().endsWith("SpecConformance")))
                .map(Mechanisms.Mechanism::name)
                .toList();
        assertThat(linked)
                .containsExactly("tracing", "tree", "integrity", "domains", "interrupts", "failover", "migration");
        // the composed system has no spec of its own: every claim it checks is linked by its mechanism's
        assertThat(Mechanisms.named("composed")).isPresent();
        assertThat(Mechanisms.unlinked()).isEmpty();
        // every claim is named by some spec conformance property (TRACE-4/5 by the machine runs')
        assertThat(Mechanisms.unlinkedClaims()).isEmpty();
    }

    /**
     * With every claim linked the report requires the link: a claim whose Alloy check held and
     * whose property passed, but which no spec conformance property names, is UNCHECKED; the same
     * evidence with a passing conformance property HOLDS.
     */
    @Test
    void holdsRequiresTheLinkNowThatEveryClaimHasOne() {
        CatalogueEntry trace4 = new CatalogueEntry("TRACE-4", "tracing", "s", "src", 1);
        AlloyCheck check =
                new AlloyCheck("tracing.als", "TRACE_4_x", true, 0, "holds", true, 10, Set.of("TRACE-4"), "");
        PropertyCheck tested = new PropertyCheck("p", Set.of("TRACE-4"), 1000, 20000, true, 7, null, 5, "");
        PropertyCheck linked = new PropertyCheck(
                org.hvproof.properties.harness.ConformanceCheck.propertyName("TRACE-4..5", "tracing.als", ""),
                Set.of("TRACE-4"),
                1000,
                20000,
                true,
                7,
                null,
                5,
                "");

        assertThat(ClaimResult.of(trace4, List.of(check), List.of(tested)).verdict())
                .isEqualTo(ClaimVerdict.UNCHECKED);
        assertThat(ClaimResult.of(trace4, List.of(check), List.of(tested, linked))
                        .verdict())
                .isEqualTo(ClaimVerdict.HOLDS);
    }
}
