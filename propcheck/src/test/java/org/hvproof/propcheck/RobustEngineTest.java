package org.hvproof.propcheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The engine does not give up on a user's first awkward generator: an exhausted filter discards one
 * case, a range's choice layout does not depend on its bounds, counterexamples come back as objects,
 * and a replayed case that is now discarded says so.
 */
class RobustEngineTest {

    private static Settings quiet(long seed) {
        return Settings.none().withSeed(seed).withQuiet(true);
    }

    private static final Gen<Integer> KEYS = Gens.integers(0, 1000);

    /** A key no smaller than its parent's: a filter that depends on an earlier draw. */
    private static Gen<Integer> childKey(int parent) {
        return KEYS.filter("key no smaller than its parent's", k -> k >= parent);
    }

    /** A path of keys from the root down, each no smaller than its parent's (the filter often fails near 1000). */
    private static final Gen<List<Integer>> KEY_PATHS = KEYS.flatMap(root -> childKey(root)
            .flatMap(child -> Gens.lists(childKey(child), 0, 4).map(grandchildren -> {
                List<Integer> path = new ArrayList<>(List.of(root, child));
                path.addAll(grandchildren);
                return path;
            })));

    @Test
    void aFilterThatDependsOnAnEarlierDrawDiscardsCasesInsteadOfEndingTheRun() {
        int discardedSomewhere = 0;
        for (long seed = 1; seed <= 100; seed++) {
            PropertyResult r = Property.forAll(KEY_PATHS)
                    .named("keys never decrease along a path")
                    .check(path -> path.get(1) >= path.get(0)
                            && path.subList(2, path.size()).stream().allMatch(k -> k >= path.get(1)))
                    .run(quiet(seed));
            assertThat(r.status()).as("seed %d: %s", seed, r.report()).isEqualTo(PropertyResult.Status.PASSED);
            assertThat(r.tries()).isEqualTo(100);
        }
        // The filter did exhaust its budget on some cases: the generator is the awkward one the issue met.
        for (long seed = 1; seed <= 100 && discardedSomewhere == 0; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            for (int i = 0; i < 100; i++) {
                try {
                    DataSource.generating(random.split(), DataSource.DEFAULT_MAX_CHOICES)
                            .draw(KEY_PATHS);
                } catch (FilterExhaustedException e) {
                    discardedSomewhere++;
                    assertThat(e.filter()).isEqualTo("key no smaller than its parent's");
                }
            }
        }
        assertThat(discardedSomewhere).isPositive();
    }

    @Test
    void theHealthCheckFailsOnlyWhenTooLargeAShareIsDiscardedAndNamesTheFilter() {
        // About 80% of cases exhaust the filter (values 0..7 of 0..9 have no chance): the run still passes.
        Gen<Integer> mostlyRejected = Gens.integers(0, 9)
                .filter("an unreachable value for 0..7", 3, i -> i >= 8)
                .describedAs("mostly rejected");
        PropertyResult some = Property.forAll(
                        Gens.integers(0, 9).flatMap(i -> i < 8 ? mostlyRejected : Gens.constant(i)))
                .named("some discards")
                .check(i -> true)
                .run(quiet(3));
        assertThat(some.status()).isEqualTo(PropertyResult.Status.PASSED);

        PropertyResult all = Property.forAll(Gens.integers(0, 10).filter("greater than 10", i -> i > 10))
                .named("impossible filter")
                .check(i -> true)
                .run(quiet(4).withTries(20));
        assertThat(all.status()).isEqualTo(PropertyResult.Status.ERROR);
        assertThat(Engine.maxDiscards(20)).isEqualTo(280);
        assertThat(all.failureMessage())
                .contains("Too many discarded test cases: 281 discarded for 0 valid")
                .contains("9 × tries + 100 = 280")
                .contains(
                        "filter \"greater than 10\" on generator integers(0..10) exhausted its retry budget of 100 (281 cases)");
    }

    @Test
    void everyRangeDrawsTheSameChoicesWhateverItsBounds() {
        long[][] ranges = {
            {0, 100}, {-100, 100}, {-5, 1000}, {5, 5}, {-100, -3}, {7, 9}, {Long.MIN_VALUE, Long.MAX_VALUE}
        };
        for (long[] range : ranges) {
            DataSource src = DataSource.generating(new SplittableRandom(1), 100);
            src.draw(Gens.longs(range[0], range[1]));
            assertThat(src.choices())
                    .as("choices of longs(%d..%d)", range[0], range[1])
                    .hasSize(2);
        }
        // A range whose lower bound comes from an earlier draw: the value after it is read from the same
        // place whatever the bound, so replaying one choice sequence with the bound moved keeps it.
        for (long n : new long[] {0, 10, 49, 50, 51, 100}) {
            DataSource src = DataSource.replaying(new long[] {n, 0, 3, 1, 777, 0}, 100);
            List<Integer> drawn = src.draw(TRAP);
            assertThat(drawn.get(2)).as("the third value with n = %d", n).isEqualTo(777);
            assertThat(src.choices()).hasSize(6);
        }
    }

    /**
     * n, then a value in [n - 50, 100] (its bound comes from n: both sides of 0 while n < 50, one side
     * from n = 50 on), then w. With a sign drawn only for two-sided ranges, lowering n below 50 inserted a
     * choice before w, so the shrinker stayed at n = 50.
     */
    private static final Gen<List<Integer>> TRAP = Gens.integers(0, 100)
            .flatMap(n -> Gens.tuples(Gens.integers(n - 50, 100), Gens.integers(0, 1000))
                    .map(t -> List.of(n, t.first(), t.second())));

    @Test
    void aRangeWhoseBoundComesFromAnEarlierDrawShrinksToItsMinimum() {
        for (long seed = 1; seed <= 20; seed++) {
            PropertyResult r = Property.forAll(TRAP)
                    .named("trap")
                    .check(xs -> xs.get(0) < 10 || xs.get(2) < 500)
                    .run(quiet(seed));
            assertThat(r.counterexample()).as("seed %d", seed).containsExactly("[10, 0, 500]");
        }
    }

    @Test
    void counterexamplesAreAvailableAsObjects() throws Exception {
        PropertyResult r = Property.forAll(Gens.lists(Gens.integers(0, 1000)))
                .named("typed value")
                .check(xs -> xs.stream().allMatch(x -> x < 900))
                .run(quiet(5));
        List<Integer> value = r.counterexampleValue();
        assertThat(value).containsExactly(900);
        assertThat(r.counterexampleValues()).containsExactly(List.of(900));
        assertThat(r.counterexample()).containsExactly("[900]");
        assertThat(r.counterexampleActions()).isEmpty();

        PropertyResult trace = ReadmeExamplesTest.writeProtection(false).run(quiet(2024));
        List<Action<ReadmeExamplesTest.Memory>> actions = trace.counterexampleActions();
        assertThat(actions).extracting(Action::describe).containsExactlyElementsOf(trace.counterexample());
        ReadmeExamplesTest.Memory fresh = new ReadmeExamplesTest.Memory(false);
        for (Action<ReadmeExamplesTest.Memory> a : actions) {
            a.apply(fresh, new Context(DataSource.replaying(new long[0], 10)));
        }
        assertThat(fresh.toString()).isEqualTo("contents={0=1} protected=[0]");
        assertThatThrownBy(trace::counterexampleValue).isInstanceOf(IllegalStateException.class);

        PropertyResult passed = Property.forAll(Gens.integers(0, 3))
                .named("holds")
                .check(i -> true)
                .run(quiet(6));
        assertThat(passed.counterexampleValues()).isEmpty();
        assertThatThrownBy(passed::counterexampleValue).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aReplayedCaseThatIsNowDiscardedIsReportedAsDiscardedNotPassed() {
        PropertyResult failed = Property.forAll(Gens.integers(0, 1000))
                .named("replayed")
                .check(i -> i < 300)
                .run(quiet(7));
        assertThat(failed.counterexample()).containsExactly("300");

        PropertyResult assumed = Property.forAll(Gens.integers(0, 1000))
                .named("replayed")
                .check((i, ctx) -> {
                    ctx.assume(i < 100);
                    return true;
                })
                .run(Settings.none().withReplay(failed.replayToken()).withQuiet(true));
        assertThat(assumed.status()).isEqualTo(PropertyResult.Status.DISCARDED);
        assertThat(assumed.passed()).isFalse();
        assertThat(assumed.discarded()).isTrue();
        assertThat(assumed.failureMessage()).contains("assumption");
        assertThat(assumed.report()).contains("DISCARDED the replayed case " + failed.replayToken());

        PropertyResult filtered = Property.forAll(Gens.integers(0, 1000).filter("below 100", i -> i < 100))
                .named("replayed")
                .check(i -> true)
                .run(Settings.none().withReplay(failed.replayToken()).withQuiet(true));
        assertThat(filtered.status()).isEqualTo(PropertyResult.Status.DISCARDED);
        assertThat(filtered.failureMessage()).contains("filter \"below 100\"");
        assertThatThrownBy(filtered::assertPassed).isInstanceOf(AssertionError.class);

        PropertyResult fixed = Property.forAll(Gens.integers(0, 1000))
                .named("replayed")
                .check(i -> true)
                .run(Settings.none().withReplay(failed.replayToken()).withQuiet(true));
        assertThat(fixed.status()).isEqualTo(PropertyResult.Status.PASSED);
    }
}
