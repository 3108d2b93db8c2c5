package org.hvproof.propcheck.challenge;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.hvproof.propcheck.DataSource;
import org.hvproof.propcheck.Gen;
import org.hvproof.propcheck.Gens;
import org.hvproof.propcheck.Property;
import org.hvproof.propcheck.ValueProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Our own challenge-style rows beyond the public ten (described in propcheck/README.md, "Our own rows"):
 * shapes the public rows do not have, where the next smaller case needs two edits at once or a bound
 * comes from an earlier draw. Each row runs over fixed seeds 1..n ({@code -Dchallenge.seeds}, default
 * 20), must reach its known minimum on at least its floor's share of seeds, and must not spend more
 * evaluations on average than its ceiling (the README figure plus about a quarter).
 */
class OwnRowsChallenge {

    private static final int SEEDS = Integer.getInteger("challenge.seeds", 20);
    private static final int TRIES = 1000;
    private static final ChallengeRows RUNS = new ChallengeRows(SEEDS, TRIES);

    /** Runs one row; {@code floor20} is the number of seeds of 20 that must reach {@code minimum}. */
    private static void row(String name, ValueProperty<?> property, String minimum, int floor20, double ceiling) {
        RUNS.run(name, property, minimum::equals, floor20, ceiling);
    }

    @AfterAll
    static void writeTable() throws IOException {
        Path out = Path.of("target", "own-shrinking-rows.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, RUNS.table(), StandardCharsets.UTF_8);
    }

    // ---- the rows ----

    /** A list whose length is drawn first, with another field drawn between the length and the list. */
    @Test
    void priorLength() {
        Gen<Gens.Tuple2<Integer, List<Integer>>> gen = Gens.integers(1, 20)
                .flatMap(n -> Gens.tuples(Gens.integers(0, 100), Gens.listsOfSize(Gens.integers(0, 1000), n)));
        var p = Property.forAll(gen)
                .named("prior_length")
                .check(t -> t.second().stream().allMatch(x -> x < 500));
        row("prior_length", p, "(0, [500])", 20, 60);
    }

    /** Insertion into a sorted list that never compares with the first element. */
    @Test
    void sortedInsertion() {
        var p = Property.forAll(Gens.tuples(Gens.lists(Gens.integers(0, 100)), Gens.integers(0, 100)))
                .named("sorted_insertion")
                .check(t -> {
                    List<Integer> sorted = new ArrayList<>(t.first());
                    sorted.sort(null);
                    List<Integer> r = insertSkippingFirst(sorted, t.second());
                    for (int i = 1; i < r.size(); i++) {
                        if (r.get(i - 1) > r.get(i)) {
                            return false;
                        }
                    }
                    return true;
                });
        row("sorted_insertion", p, "([1], 0)", 20, 57);
    }

    /** Two positive ints whose int sum wraps around. */
    @Test
    void sumOverflow() {
        var p = Property.forAll(Gens.tuples(Gens.integers(), Gens.integers()))
                .named("sum_overflow")
                .check(t -> t.first() <= 0 || t.second() <= 0 || t.first() + t.second() > 0);
        row("sum_overflow", p, "(1, 2147483647)", 20, 218);
    }

    /** A map built from key/value pairs with distinct keys (a filter), which must hold fewer than 3 entries. */
    @Test
    void keyConstrainedMap() {
        Gen<Map<Integer, Integer>> maps = Gens.lists(Gens.tuples(Gens.integers(0, 100), Gens.integers(0, 1000)))
                .filter(
                        "keys distinct",
                        kvs -> kvs.stream().map(Gens.Tuple2::first).distinct().count() == kvs.size())
                .map(kvs -> {
                    Map<Integer, Integer> m = new LinkedHashMap<>();
                    kvs.forEach(kv -> m.put(kv.first(), kv.second()));
                    return m;
                });
        var p = Property.forAll(maps).named("key_map").check(m -> m.size() < 3);
        row("key_map", p, "{0=0, 1=0, 2=0}", 20, 45);
    }

    /** Lists of optional optionals whose present inner values add up to less than 10. */
    @Test
    void nestedOptionals() {
        Gen<Optional<Optional<Integer>>> nested = Gens.oneOf(
                Gens.constant(Optional.<Optional<Integer>>empty()),
                Gens.oneOf(
                                Gens.constant(Optional.<Integer>empty()),
                                Gens.integers(0, 1000).map(Optional::of))
                        .map(Optional::of));
        var p = Property.forAll(Gens.lists(nested))
                .named("nested_optionals")
                .check(xs -> xs.stream()
                                .flatMap(Optional::stream)
                                .flatMap(Optional::stream)
                                .mapToInt(Integer::intValue)
                                .sum()
                        < 10);
        row("nested_optionals", p, "[Optional[Optional[10]]]", 20, 37);
    }

    /** A stack machine (PUSH 0..9, ADD, DUP) whose stack top must stay below 30. */
    @Test
    void stackMachine() {
        Gen<String> instruction = Gens.frequency(
                Gens.weighted(2, Gens.integers(0, 9).map(k -> "PUSH " + k)),
                Gens.weighted(1, Gens.constant("ADD")),
                Gens.weighted(1, Gens.constant("DUP")));
        var p = Property.forAll(Gens.lists(instruction, 0, 30))
                .named("stack_machine")
                .check(program -> maxTop(program) < 30);
        row("stack_machine", p, "[PUSH 8, DUP, ADD, DUP, ADD]", 5, 152);
    }

    /** An overlap test of two intervals (start, length) that is wrong when the longer one starts first. */
    @Test
    void intervalOverlap() {
        Gen<Gens.Tuple2<Integer, Integer>> interval = Gens.tuples(Gens.integers(0, 1000), Gens.integers(1, 100));
        var p = Property.forAll(Gens.tuples(interval, interval))
                .named("interval_overlap")
                .check(t -> {
                    int as = t.first().first();
                    int ae = as + t.first().second();
                    int bs = t.second().first();
                    int be = bs + t.second().second();
                    boolean overlaps = as < be && bs < ae;
                    boolean buggy = Math.abs(as - bs)
                            < Math.min(t.first().second(), t.second().second());
                    return overlaps == buggy;
                });
        row("interval_overlap", p, "((0, 2), (1, 1))", 20, 125);
    }

    /** Lowercase strings as byte lists that must not contain "ba". */
    @Test
    void byteStrings() {
        Gen<String> strings = Gens.lists(Gens.integers('a', 'z'))
                .map(bs -> bs.stream()
                        .map(b -> String.valueOf((char) b.intValue()))
                        .collect(Collectors.joining()));
        var p = Property.forAll(strings).named("byte_strings").check(s -> !s.contains("ba"));
        row("byte_strings", p, "ba", 20, 21);
    }

    /** A tree whose child keys are drawn no smaller than their parent's key (a bound from an earlier draw). */
    @Test
    void keyTree() {
        var p = Property.forAll(tree(0, 0)).named("key_tree").check(t -> !t.hasDeepKeyAtLeast(2, 100));
        row("key_tree", p, "0(0(100))", 20, 84);
    }

    /** A record (limit, used) where used is drawn within the limit drawn before it. */
    @Test
    void dependentRecord() {
        Gen<Gens.Tuple2<Integer, Integer>> records = Gens.integers(1, 1000)
                .flatMap(limit -> Gens.integers(0, limit).map(used -> new Gens.Tuple2<>(limit, used)));
        var p = Property.forAll(records)
                .named("dependent_record")
                .check(r -> r.first() < 10 || r.second() * 2 <= r.first());
        row("dependent_record", p, "(10, 6)", 20, 36);
    }

    // ---- helpers ----

    /** Inserts x before the first element greater than it, but starts looking at index 1 (the bug). */
    private static List<Integer> insertSkippingFirst(List<Integer> sorted, int x) {
        List<Integer> r = new ArrayList<>(sorted);
        int i = Math.min(1, r.size());
        while (i < r.size() && r.get(i) <= x) {
            i++;
        }
        r.add(i, x);
        return r;
    }

    private static int maxTop(List<String> program) {
        List<Integer> stack = new ArrayList<>();
        int max = 0;
        for (String op : program) {
            if (op.startsWith("PUSH ")) {
                stack.add(Integer.parseInt(op.substring(5)));
            } else if (op.equals("ADD") && stack.size() >= 2) {
                stack.add(stack.remove(stack.size() - 1) + stack.remove(stack.size() - 1));
            } else if (op.equals("DUP") && !stack.isEmpty()) {
                stack.add(stack.get(stack.size() - 1));
            }
            if (!stack.isEmpty()) {
                max = Math.max(max, stack.get(stack.size() - 1));
            }
        }
        return max;
    }

    /** A node of a key tree, printed as {@code key(child child ...)}. */
    record Node(int key, List<Node> children) {
        boolean hasDeepKeyAtLeast(int depth, int key) {
            if (depth == 0) {
                return this.key >= key;
            }
            return children.stream().anyMatch(c -> c.hasDeepKeyAtLeast(depth - 1, key));
        }

        @Override
        public String toString() {
            return key
                    + (children.isEmpty()
                            ? ""
                            : children.stream().map(Node::toString).collect(Collectors.joining(" ", "(", ")")));
        }
    }

    /** Trees of depth at most 3 below {@code depth}; every key lies in [parent's key, 1000]. */
    private static Gen<Node> tree(int parentKey, int depth) {
        return Gens.of("key tree", (DataSource src) -> {
            int key = src.draw(Gens.integers(parentKey, 1000));
            List<Node> children =
                    depth >= 3 ? List.of() : src.draw(Gens.lists(Gens.lazy("child", () -> tree(key, depth + 1)), 0, 3));
            return new Node(key, children);
        });
    }
}
