package org.hvproof.propcheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Shrinking terminates, reports how it ended, counts its evaluations, and works through combinators. */
class ShrinkingTest {

    private static Settings quiet(long seed) {
        return Settings.none().withSeed(seed).withQuiet(true);
    }

    @Test
    void shrinkingAnAlwaysFailingPropertyTerminatesAtTheSimplestValue() {
        PropertyResult r = Property.forAll(Gens.lists(Gens.lists(Gens.integers())))
                .named("always fails")
                .check(x -> false)
                .run(quiet(3));
        assertThat(r.failed()).isTrue();
        assertThat(r.counterexample()).containsExactly("[]");
        assertThat(r.shrinkOutcome()).isEqualTo(ShrinkOutcome.FINISHED);
        assertThat(r.report()).contains("Shrinking: finished at a local minimum after");
    }

    @Test
    void shrinkingStopsAndSaysSoWhenTheBudgetRunsOut() {
        PropertyResult r = Property.forAll(Gens.lists(Gens.integers(), 30, 60))
                .named("tight budget")
                .shrinkBudget(5)
                .check(xs -> xs.stream().mapToLong(x -> Math.abs((long) x)).sum() < 10_000)
                .run(quiet(4));
        assertThat(r.shrinkOutcome()).isEqualTo(ShrinkOutcome.BUDGET_EXHAUSTED);
        assertThat(r.shrinkingFinished()).isFalse();
        assertThat(r.shrinkEvaluations()).isEqualTo(5);
        assertThat(r.report()).contains("STOPPED, budget of 5 property evaluations exhausted");
    }

    @Test
    void shrinkEvaluationsCountPropertyRunsDuringShrinking() {
        int[] runs = {0};
        PropertyResult r = Property.forAll(Gens.integers(0, 1_000_000))
                .named("counted")
                .check(i -> {
                    runs[0]++;
                    return i < 1000;
                })
                .run(quiet(5));
        assertThat(r.counterexample()).containsExactly("1000");
        assertThat(r.shrinkEvaluations()).isPositive().isEqualTo(runs[0] - r.tries());
    }

    @Test
    void shrinkingWorksThroughMapFilterAndFlatMap() {
        Gen<List<Integer>> gen = Gens.integers(1, 10)
                .flatMap(n -> Gens.listsOfSize(
                        Gens.integers(0, 100).filter("odd", i -> i % 2 == 1).map(i -> i * 10), n));
        PropertyResult r = Property.forAll(gen)
                .named("no big element")
                .check(xs -> xs.stream().allMatch(x -> x < 500))
                .run(quiet(6));
        assertThat(r.counterexample()).containsExactly("[510]");
    }

    @Test
    void assertionErrorsAndExceptionsAreCounterexamplesWithTheirMessage() {
        PropertyResult r = Property.forAll(Gens.integers(0, 100))
                .named("asserting")
                .verify(i -> {
                    if (i >= 17) {
                        throw new AssertionError("value " + i + " is too large");
                    }
                })
                .run(quiet(7));
        assertThat(r.counterexample()).containsExactly("17");
        assertThat(r.failureMessage()).isEqualTo("value 17 is too large");
        assertThat(r.cause()).isInstanceOf(AssertionError.class);
        assertThat(r.report()).contains("assertion failed: value 17 is too large");
    }
}
