package org.hvproof.propcheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Generators respect their bounds, shrink toward their simplest value, and describe themselves. */
class GeneratorsTest {

    private static <T> List<T> sample(Gen<T> gen, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<T> out = new ArrayList<>();
        while (out.size() < n) {
            try {
                out.add(DataSource.generating(r.split(), DataSource.DEFAULT_MAX_CHOICES)
                        .draw(gen));
            } catch (Invalid e) {
                // skip
            }
        }
        return out;
    }

    private static <T> T simplest(Gen<T> gen) {
        return DataSource.replaying(new long[0], 1000).draw(gen);
    }

    @Test
    void integersStayWithinTheirRangeIncludingExtremes() {
        assertThat(sample(Gens.integers(-5, 7), 2000, 1))
                .allSatisfy(i -> assertThat(i).isBetween(-5, 7))
                .contains(-5, 7, 0);
        assertThat(sample(Gens.integers(10, 12), 300, 2))
                .allSatisfy(i -> assertThat(i).isBetween(10, 12));
        assertThat(sample(Gens.integers(), 2000, 3)).contains(Integer.MIN_VALUE, Integer.MAX_VALUE);
        assertThat(sample(Gens.longs(Long.MIN_VALUE, Long.MAX_VALUE), 2000, 4))
                .contains(Long.MIN_VALUE, Long.MAX_VALUE);
        assertThat(sample(Gens.longs(-3, -1), 300, 5))
                .allSatisfy(l -> assertThat(l).isBetween(-3L, -1L));
    }

    @Test
    void simplestValueIsTheTargetOfTheRange() {
        assertThat(simplest(Gens.integers(-5, 7))).isZero();
        assertThat(simplest(Gens.integers(10, 20))).isEqualTo(10);
        assertThat(simplest(Gens.integers(-20, -10))).isEqualTo(-10);
        assertThat(simplest(Gens.integers(0, 100, 42))).isEqualTo(42);
        assertThat(simplest(Gens.lists(Gens.integers(), 2, 5))).containsExactly(0, 0);
        assertThat(simplest(Gens.oneOf(Gens.constant("a"), Gens.constant("b")))).isEqualTo("a");
        assertThat(simplest(Gens.booleans())).isFalse();
    }

    @Test
    void integersShrinkTowardAGivenTarget() {
        PropertyResult r = Property.forAll(Gens.integers(0, 1000, 500))
                .named("far from 500")
                .check(i -> Math.abs(i - 500) < 100)
                .run(quiet(7));
        assertThat(r.counterexample()).containsExactly("600");
    }

    @Test
    void listsRespectSizeBoundsAndUniqueListsHaveNoDuplicates() {
        assertThat(sample(Gens.lists(Gens.integers(0, 3), 2, 6), 500, 6))
                .allSatisfy(l -> assertThat(l).hasSizeBetween(2, 6));
        assertThat(sample(Gens.listsOfSize(Gens.booleans(), 4), 100, 7))
                .allSatisfy(l -> assertThat(l).hasSize(4));
        assertThat(sample(Gens.uniqueLists(Gens.integers(0, 20), 3, 10), 500, 8))
                .allSatisfy(l -> assertThat(new HashSet<>(l)).hasSize(l.size()))
                .allSatisfy(l -> assertThat(l).hasSizeBetween(3, 10));
    }

    @Test
    void frequencyFollowsWeightsAndNeverDrawsAZeroWeightOption() {
        Gen<String> g = Gens.frequency(
                Gens.weighted(9, Gens.constant("often")),
                Gens.weighted(1, Gens.constant("rare")),
                Gens.weighted(0, Gens.constant("never")));
        List<String> s = sample(g, 2000, 9);
        long often = s.stream().filter("often"::equals).count();
        assertThat(s).doesNotContain("never");
        assertThat(often).isBetween(1650L, 1950L);
    }

    @Test
    void mixOnlyOffersEnabledAlternatives() {
        Gen<String> g = Gens.<String>mix()
                .add(1, Gens.constant("a"))
                .addIf(false, 5, Gens.constant("b"))
                .build();
        assertThat(sample(g, 100, 10)).containsOnly("a");
        assertThatThrownBy(() ->
                        Gens.<String>mix().addIf(false, 1, Gens.constant("x")).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no alternative");
    }

    @Test
    void elementsMapFlatMapAndTuplesCompose() {
        assertThat(sample(Gens.elements("x", "y", "z"), 300, 11)).containsOnly("x", "y", "z");
        assertThat(sample(Gens.integers(0, 9).map(i -> i * 2), 200, 12))
                .allSatisfy(i -> assertThat(i % 2).isZero());
        assertThat(sample(Gens.integers(1, 5).flatMap(n -> Gens.listsOfSize(Gens.constant(n), n)), 200, 13))
                .allSatisfy(l -> assertThat(l).hasSize(l.get(0)));
        assertThat(sample(Gens.tuples(Gens.integers(0, 1), Gens.integers(5, 6), Gens.booleans()), 100, 14))
                .allSatisfy(t -> assertThat(t.second()).isBetween(5, 6));
        assertThat(sample(Gens.combine(List.of(Gens.constant(1), Gens.constant("b")), vs -> vs), 5, 15))
                .allSatisfy(vs -> assertThat(vs).containsExactly(1, "b"));
    }

    @Test
    void recursiveGeneratorsRespectTheirDepthBound() {
        Gen<String> tree = Gens.recursive(
                "tree", Gens.constant("."), self -> Gens.combine(self, self, (l, r) -> "(" + l + r + ")"), 4);
        Consumer<String> depthAtMost4 = t -> {
            int depth = 0;
            int max = 0;
            for (char c : t.toCharArray()) {
                depth += c == '(' ? 1 : c == ')' ? -1 : 0;
                max = Math.max(max, depth);
            }
            assertThat(max).isLessThanOrEqualTo(4);
        };
        List<String> trees = sample(tree, 500, 16);
        assertThat(trees).allSatisfy(depthAtMost4);
        assertThat(trees).anyMatch(t -> t.startsWith("(((("));
    }

    @Test
    void filterKeepsOnlyAcceptedValues() {
        assertThat(sample(Gens.integers(0, 100).filter("even", i -> i % 2 == 0), 300, 17))
                .allSatisfy(i -> assertThat(i % 2).isZero());
    }

    @Test
    void filterThatRejectsEverythingFailsWithAClearError() {
        PropertyResult r = Property.forAll(Gens.integers(0, 10).filter("greater than 10", i -> i > 10))
                .named("impossible filter")
                .check(i -> true)
                .run(quiet(1));
        assertThat(r.status()).isEqualTo(PropertyResult.Status.ERROR);
        assertThat(r.failureMessage())
                .contains("Too many discarded test cases: 1001 discarded for 0 valid")
                .contains("at most 9 × tries + 100 = 1000 discards for 100 tries")
                .contains("Discarded by: filter \"greater than 10\" on generator integers(0..10) exhausted"
                        + " its retry budget of 100 (1001 cases).")
                .contains("rejected 100 of 100");
        assertThat(r.cause()).isInstanceOf(FilterExhaustedException.class);
        assertThat(r.report()).contains("could not be tested");
        assertThatThrownBy(() -> Property.forAll(Gens.integers(0, 10).filter("greater than 10", i -> i > 10))
                        .named("impossible filter")
                        .settings(Settings.none().withQuiet(true))
                        .check(i -> true)
                        .assertHolds())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("rejects too much");
    }

    @Test
    void generatorsDescribeThemselvesReadably() {
        assertThat(Gens.integers(1, 6).describe()).isEqualTo("integers(1..6)");
        assertThat(Gens.lists(Gens.booleans(), 0, 3).describe()).isEqualTo("lists(booleans, 0..3)");
        assertThat(Gens.frequency(Gens.weighted(3, Gens.constant(1)), Gens.weighted(1, Gens.constant(2)))
                        .describe())
                .isEqualTo("frequency(3: constant(1), 1: constant(2))");
        assertThat(Gens.integers(0, 5).filter("odd", i -> i % 2 == 1).describe())
                .isEqualTo("integers(0..5).filter(odd)");
        assertThat(Gens.integers(0, 5).describedAs("page number").describe()).isEqualTo("page number");
    }

    /** elements' description, printed only up to the cut, is the whole list's toString abbreviated. */
    @Test
    void elementsDescriptionIsTheAbbreviatedListWhateverItsLength() {
        for (int n = 1; n < 120; n++) {
            List<String> values = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                values.add("value" + i);
            }
            assertThat(Gens.elements(values).describe()).isEqualTo("elements" + Gens.abbreviate(values.toString()));
        }
    }

    static Settings quiet(long seed) {
        return Settings.none().withSeed(seed).withQuiet(true);
    }

    @Test
    void aGeneratorsDescriptionIsBuiltOnlyWhenSomethingReadsItAndThenOnce() {
        int[] built = {0};
        // A generator made anew for every draw, as trace generators are made per state.
        Gen<Integer> perDraw = Gens.integers(1, 50)
                .flatMap(bound -> Gens.of(
                        () -> {
                            built[0]++;
                            return "below " + bound;
                        },
                        src -> (int) src.choose(bound)));
        Gen<List<Integer>> lists = Gens.lists(perDraw, 0, 20);
        PropertyResult passed = Property.forAll(lists)
                .named("passes")
                .check(xs -> true)
                .run(Settings.none().withSeed(1).withTries(200).withQuiet(true));
        assertThat(passed.passed()).isTrue();
        assertThat(built[0]).as("no passing case reads the labels of its spans").isZero();

        Gen<Integer> once = Gens.of(
                () -> {
                    built[0]++;
                    return "once";
                },
                src -> 0);
        Gen<List<Integer>> described = Gens.lists(once.map(x -> x + 1), 0, 20);
        assertThat(described.describe()).isEqualTo("lists(map(once), 0..20)");
        assertThat(described.describe()).isSameAs(described.describe());
        assertThat(built[0]).isEqualTo(1);
    }
}
