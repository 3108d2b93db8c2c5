package org.hvproof.propcheck.challenge;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.hvproof.propcheck.Gen;
import org.hvproof.propcheck.Gens;
import org.hvproof.propcheck.Property;
import org.hvproof.propcheck.ValueProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The public shrinking challenge (its rows and anchors are restated in propcheck/README.md): each
 * row runs over fixed seeds 1..n ({@code -Dchallenge.seeds}, default 20) and records how often
 * shrinking reaches the known minimum, how many distinct results it gives and the mean property
 * evaluations spent shrinking.
 * Each row fails when it falls below its floor, a share of all the seeds run (floors only rise), or when
 * its mean evaluations rise above its ceiling.
 */
class ShrinkingChallenge {

    private static final int SEEDS = Integer.getInteger("challenge.seeds", 20);
    private static final int TRIES = 1000;
    private static final ChallengeRows RUNS = new ChallengeRows(SEEDS, TRIES);

    /** Per row, the most evaluations a run may spend shrinking on average (README figures plus a quarter). */
    private static final Map<String, Double> EVALUATION_CEILINGS = Map.of(
            "reverse",
            20.0,
            "lengthlist",
            95.0,
            "bound5",
            465.0,
            "large_union_list",
            150.0,
            "calculator",
            55.0,
            "difference1",
            130.0,
            "difference2",
            130.0,
            "difference3",
            115.0,
            "distinct",
            45.0,
            "nestedlists",
            125.0);

    /** Runs one challenge row and checks it against its floor and its evaluations ceiling. */
    private static void challenge(String name, ValueProperty<?> property, Predicate<String> isMinimum, int floor20) {
        // A ceiling on the mean evaluations spent shrinking: a quarter above the figures the README
        // publishes, so a shrinker that gets slower fails here instead of drifting silently.
        RUNS.run(name, property, isMinimum, floor20, EVALUATION_CEILINGS.get(name));
    }

    @AfterAll
    static void writeTable() throws IOException {
        Path out = Path.of("target", "shrinking-challenge.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, RUNS.table(), StandardCharsets.UTF_8);
    }

    // ---- the rows ----

    @Test
    void reverse() {
        var p = Property.forAll(Gens.lists(Gens.integers())).named("reverse").check(xs -> {
            List<Integer> r = new ArrayList<>(xs);
            java.util.Collections.reverse(r);
            return r.equals(xs);
        });
        challenge("reverse", p, "[0, 1]"::equals, 20);
    }

    @Test
    void lengthlist() {
        Gen<List<Integer>> gen = Gens.integers(1, 100).flatMap(n -> Gens.listsOfSize(Gens.integers(0, 1000), n));
        var p = Property.forAll(gen)
                .named("lengthlist")
                .check(xs -> xs.stream().mapToInt(Integer::intValue).max().orElse(0) < 900);
        challenge("lengthlist", p, "[900]"::equals, 20);
    }

    @Test
    void bound5() {
        Gen<List<Short>> boundedList = Gens.lists(
                        Gens.integers(Short.MIN_VALUE, Short.MAX_VALUE).map(Integer::shortValue))
                .filter("16-bit sum < 256", xs -> sum16(xs) < 256);
        Gen<List<List<Short>>> gen = Gens.combine(
                List.of(boundedList, boundedList, boundedList, boundedList, boundedList),
                values -> values.stream().map(v -> castList(v)).collect(Collectors.toList()));
        var p = Property.forAll(gen)
                .named("bound5")
                .check(lists -> sum16(lists.stream().flatMap(List::stream).collect(Collectors.toList())) < 5 * 256);
        Set<String> minima = new HashSet<>();
        permutations(List.of("[]", "[]", "[]", "[-1]", "[-32768]"), new ArrayList<>(), new boolean[5], minima);
        challenge("bound5", p, minima::contains, 20);
    }

    @Test
    void largeUnionList() {
        var p = Property.forAll(Gens.lists(Gens.lists(Gens.integers())))
                .named("large_union_list")
                .check(xss -> xss.stream().flatMap(List::stream).distinct().count() < 5);
        challenge("large_union_list", p, "[[0, 1, -1, 2, -2]]"::equals, 20);
    }

    @Test
    void calculator() {
        var p = Property.forAll(Expr.gen()).named("calculator").check((e, ctx) -> {
            ctx.assume(!e.hasLiteralDivisionByZero());
            try {
                e.evaluate();
                return true;
            } catch (ArithmeticException ex) {
                return false;
            }
        });
        challenge("calculator", p, "(/ 0 (+ 0 0))"::equals, 20);
    }

    private static final Gen<Integer> POSITIVE = Gens.integers(1, Integer.MAX_VALUE);

    @Test
    void difference1() {
        var p = Property.forAll(Gens.tuples(POSITIVE, POSITIVE))
                .named("difference1")
                .check(t -> t.first() < 10 || t.first().intValue() != t.second().intValue());
        challenge("difference1", p, "(10, 10)"::equals, 20);
    }

    @Test
    void difference2() {
        var p = Property.forAll(Gens.tuples(POSITIVE, POSITIVE))
                .named("difference2")
                .check(t -> {
                    int diff = Math.abs(t.first() - t.second());
                    return t.first() < 10 || diff < 1 || diff > 4;
                });
        challenge("difference2", p, "(10, 6)"::equals, 20);
    }

    @Test
    void difference3() {
        var p = Property.forAll(Gens.tuples(POSITIVE, POSITIVE))
                .named("difference3")
                .check(t -> t.first() < 10 || Math.abs(t.first() - t.second()) != 1);
        challenge("difference3", p, "(10, 9)"::equals, 20);
    }

    @Test
    void distinct() {
        var p = Property.forAll(Gens.lists(Gens.integers()))
                .named("distinct")
                .check(xs -> xs.stream().distinct().count() < 3);
        challenge("distinct", p, s -> s.equals("[0, 1, -1]") || s.equals("[0, 1, 2]"), 20);
    }

    @Test
    void nestedlists() {
        var p = Property.forAll(Gens.lists(Gens.lists(Gens.integers())))
                .named("nestedlists")
                .check(xss -> xss.stream().mapToInt(List::size).sum() <= 10);
        challenge("nestedlists", p, "[[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]]"::equals, 20);
    }

    // ---- helpers ----

    private static short sum16(List<Short> xs) {
        short s = 0;
        for (short x : xs) {
            s += x;
        }
        return s;
    }

    @SuppressWarnings("unchecked")
    private static List<Short> castList(Object o) {
        return (List<Short>) o;
    }

    private static void permutations(List<String> items, List<String> prefix, boolean[] used, Set<String> out) {
        if (prefix.size() == items.size()) {
            out.add("[" + String.join(", ", prefix) + "]");
            return;
        }
        for (int i = 0; i < items.size(); i++) {
            if (!used[i]) {
                used[i] = true;
                prefix.add(items.get(i));
                permutations(items, prefix, used, out);
                prefix.remove(prefix.size() - 1);
                used[i] = false;
            }
        }
    }
}
