package org.hvproof.propcheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The examples of propcheck/README.md, compiled and run: if this test changes, update the README. */
class ReadmeExamplesTest {

    // ---- value property ----

    static List<Integer> sorted(List<Integer> xs) {
        List<Integer> copy = new ArrayList<>(xs);
        copy.sort(null);
        return copy;
    }

    @Test
    void sortingTwiceEqualsSortingOnce() {
        Property.forAll(Gens.lists(Gens.integers(-1000, 1000), 0, 50))
                .named("SORT-1 sorting twice equals sorting once")
                .check(xs -> sorted(sorted(xs)).equals(sorted(xs)))
                .assertHolds();
    }

    // ---- state-machine property ----

    /** Pages that can be write-protected; a write to a protected page must not land. */
    static final class Memory {
        final boolean checksProtection;
        final Map<Integer, Integer> contents = new HashMap<>();
        final Map<Integer, Integer> protectedAt = new HashMap<>(); // page -> content when protected

        Memory(boolean checksProtection) {
            this.checksProtection = checksProtection;
        }

        void protect(int page) {
            protectedAt.putIfAbsent(page, contents.getOrDefault(page, 0));
        }

        void unprotect(int page) {
            protectedAt.remove(page);
        }

        boolean write(int page, int value) {
            if (checksProtection && protectedAt.containsKey(page)) {
                return false;
            }
            contents.put(page, value);
            return true;
        }

        @Override
        public String toString() {
            return "contents=" + contents + " protected=" + protectedAt.keySet();
        }
    }

    static final Gen<Integer> PAGES = Gens.integers(0, 7);
    static final Gen<Integer> VALUES = Gens.integers(0, 255);

    static StatefulProperty<Memory> writeProtection(boolean checksProtection) {
        return StatefulProperty.<Memory>named("WP-1 a write to a protected page never lands")
                .initial(() -> new Memory(checksProtection))
                .actions(m -> Gens.<Action<Memory>>mix()
                        .add(1, PAGES.map(p -> Action.of("protect page " + p, (Memory x) -> x.protect(p))))
                        .addIf(
                                !m.protectedAt.isEmpty(),
                                1,
                                () -> Gens.elements(List.copyOf(m.protectedAt.keySet()))
                                        .map(p -> Action.of("unprotect page " + p, (Memory x) -> x.unprotect(p))))
                        .add(
                                3,
                                Gens.tuples(PAGES, VALUES)
                                        .map(t -> Action.of(
                                                "write " + t.second() + " to page " + t.first(),
                                                (Memory x, Context ctx) -> {
                                                    if (x.protectedAt.containsKey(t.first())) {
                                                        ctx.label("write to a protected page");
                                                    }
                                                    x.write(t.first(), t.second());
                                                })))
                        .build())
                .invariant(
                        "protected pages keep their contents",
                        m -> m.protectedAt.entrySet().stream()
                                .allMatch(e -> e.getValue().equals(m.contents.getOrDefault(e.getKey(), 0))))
                .cover(30, "write to a protected page")
                .describeState(Memory::toString)
                .steps(30);
    }

    @Test
    void writesToProtectedPagesNeverLand() {
        writeProtection(true).assertHolds();
    }

    @Test
    void theBrokenVariantIsCaughtWithAMinimalTrace() {
        PropertyResult r =
                writeProtection(false).run(Settings.none().withSeed(2024)).assertFailed();
        assertThat(r.failedCheck()).isEqualTo("protected pages keep their contents");
        assertThat(r.counterexample()).containsExactly("protect page 0", "write 1 to page 0");
    }
}
