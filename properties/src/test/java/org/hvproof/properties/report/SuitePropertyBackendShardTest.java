package org.hvproof.properties.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.hvproof.propcheck.Gens;
import org.hvproof.propcheck.Property;
import org.hvproof.properties.Claim;
import org.junit.jupiter.api.Test;

/**
 * The real property backend on a tiny suite: a shard runs only its share of the properties, and each
 * of them exactly as the unsharded run does (same seed, tries, steps, verdict, replay token).
 */
class SuitePropertyBackendShardTest {
    public static final class Suite {
        @Claim("TRACE-1")
        public static Property small() {
            return Property.forAll(Gens.integers()).named("small").check(x -> true);
        }

        @Claim("TRACE-1")
        public static Property fails() {
            return Property.forAll(Gens.integers(0, 1 << 20))
                    .named("fails above 1000")
                    .check(x -> x <= 1000);
        }

        @Claim("TRACE-2")
        public static Property evenOrOdd() {
            return Property.forAll(Gens.integers()).named("even or odd").check(x -> x % 2 == 0 || x % 2 != 0);
        }

        @Claim({"TRACE-1", "TRACE-2"})
        public static Property both() {
            return Property.forAll(Gens.integers(-5, 5)).named("both").check(x -> Math.abs(x) <= 5);
        }

        @Claim("TRACE-2")
        public static Property last() {
            return Property.forAll(Gens.integers()).named("last").check(x -> x == x);
        }
    }

    /** What must be equal between sharded and unsharded runs: everything but the wall time. */
    private static List<String> essence(List<PropertyCheck> checks) {
        return checks.stream()
                .map(p -> p.name() + " " + p.claimIds() + " " + p.tries() + " " + p.steps() + " " + p.passed() + " "
                        + p.seed() + " " + p.replay())
                .sorted()
                .toList();
    }

    @Test
    void threeSharesRunEachPropertyOnceAsTheWholeRunDoes() {
        SuitePropertyBackend backend = new SuitePropertyBackend(List.of(Suite.class));
        Set<String> ids = Set.of("TRACE-1", "TRACE-2");
        List<PropertyCheck> whole = backend.run(ids, 50, 7L, null, s -> {});
        assertThat(whole).hasSize(5);
        assertThat(whole).anyMatch(p -> !p.passed() && p.replay() != null);

        List<PropertyCheck> merged = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            List<String> ranLines = new ArrayList<>();
            List<PropertyCheck> share = backend.run(ids, 50, 7L, null, new Shard(i, 3), ranLines::add);
            assertThat(share).as("shard %d of 3 of 5 properties", i).hasSizeBetween(1, 2);
            assertThat(ranLines.stream().filter(l -> l.startsWith("[")))
                    .as("only the share runs")
                    .hasSameSizeAs(share);
            merged.addAll(share);
        }
        assertThat(essence(merged)).isEqualTo(essence(whole));
    }

    @Test
    void aFailureFromTheCommandLineTellsTheCommandLineRerunNotTheMavenOne() {
        SuitePropertyBackend backend = new SuitePropertyBackend(List.of(Suite.class));
        PropertyCheck failed = backend.run(Set.of("TRACE-1"), 50, 7L, null, s -> {}).stream()
                .filter(p -> !p.passed())
                .findFirst()
                .orElseThrow();
        assertThat(failed.report())
                .contains("(rerun the search: ./hvproof check --claim TRACE-1 --seed 7)")
                .contains("(rerun exactly this case: ./hvproof check --claim TRACE-1 --replay " + failed.replay() + ")")
                .doesNotContain("-Dpropcheck");
    }
}
