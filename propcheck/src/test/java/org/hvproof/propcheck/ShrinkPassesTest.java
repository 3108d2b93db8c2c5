package org.hvproof.propcheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every registered shrink pass, run alone on a failing choice sequence written down by hand, makes the
 * reduction it exists for; a pass without a case here fails the test.
 */
class ShrinkPassesTest {

    /**
     * A failing case for one pass: the property, the choices, the value they generate, and the value
     * the pass alone must reach.
     */
    record Case(ValueProperty<?> property, long[] choices, String before, String after) {}

    private static final Gen<Integer> SMALL = Gens.integers(0, 10);
    private static final Gen<Integer> HUNDRED = Gens.integers(0, 100);
    private static final Gen<Integer> THOUSAND = Gens.integers(0, 1000);

    private static <T> ValueProperty<T> failsWhen(Gen<T> gen, Predicate<T> fails) {
        return Property.forAll(gen).named("pass case").check(v -> !fails.test(v));
    }

    /** A list written without the engine's element spans: each entry is a span the structural pass does not know. */
    private static final Gen<List<Integer>> HAND_ROLLED_LIST = Gens.of("hand-rolled list", src -> {
        List<Integer> out = new ArrayList<>();
        while (true) {
            src.startSpan("entry");
            if (src.choose(1) == 0) {
                src.endSpan();
                return out;
            }
            out.add((int) src.choose(10));
            src.endSpan();
        }
    });

    /** A binary tree of digits, printed as nested pairs: every subtree is a span labelled "tree". */
    private static final Gen<String> TREES = Gens.recursive(
            "tree",
            Gens.integers(0, 9).map(String::valueOf),
            self -> Gens.tuples(self, self).map(t -> "(" + t.first() + " " + t.second() + ")"),
            3);

    private static final Map<String, Case> CASES = Map.ofEntries(
            // List elements: [3, 5, 7] (continue, value per element, then stop) loses the elements it does not need.
            Map.entry(
                    "deleteStructural",
                    new Case(
                            failsWhen(Gens.lists(SMALL), xs -> xs.contains(5)),
                            new long[] {1, 3, 1, 5, 1, 7, 0},
                            "[3, 5, 7]",
                            "[5]")),
            // A subtree replaces the tree around it: ((1 7) 2) becomes the leaf 7.
            Map.entry(
                    "liftToDescendant",
                    new Case(
                            failsWhen(TREES, t -> t.contains("7")),
                            new long[] {1, 1, 0, 1, 0, 7, 0, 2},
                            "((1 7) 2)",
                            "7")),
            // Binary search lowers one value to the boundary of the failure.
            Map.entry("minimiseChoices", new Case(failsWhen(THOUSAND, x -> x >= 100), new long[] {731}, "731", "100")),
            // Two equal values that fail only while equal are lowered together.
            Map.entry(
                    "minimiseDuplicates",
                    new Case(
                            failsWhen(
                                    Gens.tuples(THOUSAND, THOUSAND),
                                    t -> t.first().equals(t.second()) && t.first() >= 10),
                            new long[] {500, 500},
                            "(500, 500)",
                            "(10, 10)")),
            // Sibling elements are sorted by their choices.
            Map.entry(
                    "sortSiblings",
                    new Case(
                            failsWhen(
                                    Gens.lists(HUNDRED),
                                    xs -> xs.stream()
                                                    .mapToInt(Integer::intValue)
                                                    .sum()
                                            >= 10),
                            new long[] {1, 9, 1, 1, 0},
                            "[9, 1]",
                            "[1, 9]")),
            // Deleting one list's stop and the next one's continue merges two inner lists.
            Map.entry(
                    "deleteBlocks",
                    new Case(
                            failsWhen(
                                    Gens.lists(Gens.lists(SMALL)),
                                    xss -> xss.stream().anyMatch(xs -> xs.contains(3))
                                            && xss.stream().anyMatch(xs -> xs.contains(5))),
                            new long[] {1, 1, 3, 0, 1, 1, 5, 0, 0},
                            "[[3], [5]]",
                            "[[3, 5]]")),
            // A size drawn before its elements is lowered while the element that is not needed is deleted.
            Map.entry(
                    "lowerAndDelete",
                    new Case(
                            failsWhen(
                                    Gens.integers(1, 10).flatMap(n -> Gens.listsOfSize(HUNDRED, n)),
                                    xs -> xs.stream().anyMatch(x -> x >= 50)),
                            new long[] {2, 7, 8, 60},
                            "[7, 8, 60]",
                            "[8, 60]")),
            // Two values that fail only at a fixed difference are lowered by the same amount.
            Map.entry(
                    "pairLower",
                    new Case(
                            failsWhen(
                                    Gens.tuples(THOUSAND, THOUSAND),
                                    t -> t.first() - t.second() == 5 && t.first() >= 10),
                            new long[] {505, 500},
                            "(505, 500)",
                            "(10, 5)")),
            // A non-monotone failure (multiples of 5) that a value a few steps lower still has.
            Map.entry(
                    "stepDownChoices",
                    new Case(failsWhen(HUNDRED, x -> x > 0 && x % 5 == 0), new long[] {35}, "35", "30")),
            // A drawn pair that fails only while equal goes to its simplest form in one step.
            Map.entry(
                    "zeroSpans",
                    new Case(
                            failsWhen(Gens.tuples(SMALL, SMALL), t -> t.first().equals(t.second())),
                            new long[] {7, 7},
                            "(7, 7)",
                            "(0, 0)")),
            // An entry of a generator's own making is deleted whole.
            Map.entry(
                    "deleteAnySpan",
                    new Case(
                            failsWhen(HAND_ROLLED_LIST, xs -> xs.contains(5)),
                            new long[] {1, 3, 1, 5, 0},
                            "[3, 5]",
                            "[5]")),
            // A fixed sum moves from the first value to the second (shortlex-smaller).
            Map.entry(
                    "redistribute",
                    new Case(
                            failsWhen(Gens.tuples(THOUSAND, THOUSAND), t -> t.first() + t.second() >= 100),
                            new long[] {60, 50},
                            "(60, 50)",
                            "(0, 110)")));

    private static String shown(Execution e) {
        return String.valueOf(e.shown().get(0));
    }

    @TestFactory
    Stream<DynamicTest> eachPassAloneMakesItsReduction() {
        Shrinker registry = Shrinker.startingFrom(failsWhen(SMALL, x -> true).body(), new long[] {0}, 1);
        return registry.passes().stream()
                .map(ShrinkPass::name)
                .map(name -> DynamicTest.dynamicTest(name, () -> {
                    Case c = CASES.get(name);
                    assertThat(c).as("a case for shrink pass %s", name).isNotNull();
                    Shrinker shrinker = Shrinker.startingFrom(c.property().body(), c.choices(), 1000);
                    assertThat(shown(shrinker.best()))
                            .as("the case before shrinking")
                            .isEqualTo(c.before());
                    assertThat(shrinker.runPass(name))
                            .as("%s made the case smaller", name)
                            .isTrue();
                    assertThat(shown(shrinker.best()))
                            .as("after %s alone", name)
                            .isEqualTo(c.after());
                    ShrinkPass.Stats stats = shrinker.statistics().get(name);
                    assertThat(stats.calls()).isEqualTo(1);
                    assertThat(stats.successes()).isPositive();
                    assertThat(stats.evaluations()).isEqualTo(shrinker.evaluations());
                }));
    }

    @Test
    void everyCaseNamesARegisteredPass() {
        Shrinker shrinker = Shrinker.startingFrom(failsWhen(SMALL, x -> true).body(), new long[] {0}, 1);
        assertThat(shrinker.statistics().keySet()).containsExactlyInAnyOrderElementsOf(CASES.keySet());
    }

    @Test
    void statisticsAreReportedByNameInTheOrderTheRoundRunsThePasses() {
        Case c = CASES.get("deleteStructural");
        Shrinker shrinker = Shrinker.startingFrom(c.property().body(), c.choices(), 1000);
        Execution minimal = shrinker.shrink();
        assertThat(shown(minimal)).isEqualTo("[5]");
        assertThat(shrinker.statistics().keySet())
                .containsExactlyElementsOf(
                        shrinker.passes().stream().map(ShrinkPass::name).toList());
        long spent = shrinker.statistics().values().stream()
                .mapToLong(ShrinkPass.Stats::evaluations)
                .sum();
        // shrink() first tries the empty sequence outside any pass.
        assertThat(spent).isBetween(shrinker.evaluations() - 1L, (long) shrinker.evaluations());
        assertThat(shrinker.statistics().get("deleteStructural").successes()).isPositive();
    }

    @Test
    void anUnknownPassNameIsRejected() {
        Shrinker shrinker = Shrinker.startingFrom(failsWhen(SMALL, x -> true).body(), new long[] {0}, 1);
        assertThatThrownBy(() -> shrinker.runPass("noSuchPass"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("noSuchPass");
    }
}
