package org.hvproof.propcheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Trace shrinking on a hypervisor-shaped bug: the failure needs three specific actions on the same
 * page, hidden among many unrelated ones; shrinking must cut the trace to exactly those three and
 * simplify their argument, on every seed tried.
 */
class TraceShrinkingTest {

    /** Pages can be mapped, traced (write-protected for logging) and written; the bug: tracing skips mapped pages. */
    static final class Tracker {
        final Set<Integer> mapped = new HashSet<>();
        final Set<Integer> traced = new HashSet<>();
        final Set<Integer> writeProtected = new HashSet<>();
        int unloggedWrites;

        void map(int page) {
            mapped.add(page);
        }

        void unmap(int page) {
            mapped.remove(page);
            writeProtected.remove(page);
        }

        void trace(int page) {
            traced.add(page);
            if (!mapped.contains(page)) { // BUG: should protect mapped pages too
                writeProtected.add(page);
            }
        }

        void write(int page) {
            if (traced.contains(page) && !writeProtected.contains(page)) {
                unloggedWrites++;
            }
        }

        @Override
        public String toString() {
            return "mapped=" + mapped + " traced=" + traced + " protected=" + writeProtected + " unlogged="
                    + unloggedWrites;
        }
    }

    static final Gen<Integer> PAGE = Gens.integers(0, 15);

    static Action<Tracker> act(String verb, int page, java.util.function.BiConsumer<Tracker, Integer> f) {
        return Action.of(verb + " page " + page, (Tracker t) -> f.accept(t, page));
    }

    static StatefulProperty<Tracker> property() {
        return StatefulProperty.<Tracker>named("TRACE-X every write to a traced page is logged")
                .initial(Tracker::new)
                .actions(t -> Gens.<Action<Tracker>>mix()
                        .add(3, PAGE.map(p -> act("map", p, Tracker::map)))
                        .addIf(
                                !t.mapped.isEmpty(),
                                1,
                                () -> Gens.elements(List.copyOf(t.mapped)).map(p -> act("unmap", p, Tracker::unmap)))
                        .add(2, PAGE.map(p -> act("trace", p, Tracker::trace)))
                        .add(4, PAGE.map(p -> act("write", p, Tracker::write)))
                        .build())
                .invariant("no unlogged write", t -> t.unloggedWrites == 0)
                .steps(60);
    }

    @Test
    void failingTraceShrinksToTheThreeCausalActionsOnEverySeed() {
        long evaluations = 0;
        long originalLength = 0;
        for (long seed = 1; seed <= 10; seed++) {
            PropertyResult r = property()
                    .run(Settings.none().withSeed(seed).withQuiet(true))
                    .assertFailed();
            evaluations += r.shrinkEvaluations();
            originalLength += Integer.parseInt(r.report().replaceAll("(?s).*shrunk from (\\d+) actions.*", "$1"));
            assertThat(r.counterexample())
                    .as("seed %d:%n%s", seed, r.report())
                    .containsExactly("map page 0", "trace page 0", "write page 0");
            assertThat(r.shrinkingFinished()).isTrue();
        }
        System.out.printf(
                "trace shrinking: 10 seeds, original traces %.1f actions on average, shrunk to 3 with %.1f evaluations on average%n",
                originalLength / 10.0, evaluations / 10.0);
    }
}
