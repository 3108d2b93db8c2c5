package org.hvproof.propcheck;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Developer tool (not a test): what each shrink pass, by name, spent and achieved on two challenge rows
 * over seeds 1..20, to see where shrinking effort goes.
 */
public final class ShrinkPassStatsMain {

    private ShrinkPassStatsMain() {}

    /** Prints, per row, one line per pass: its calls, accepted candidates and property evaluations. */
    public static void main(String[] args) {
        Gen<List<Integer>> lists = Gens.lists(Gens.integers());
        ValueProperty<List<Integer>> distinct = Property.forAll(lists)
                .named("distinct")
                .check(xs -> xs.stream().distinct().count() < 3);
        ValueProperty<List<Integer>> reverse = Property.forAll(lists)
                .named("reverse")
                .check(xs -> {
                    List<Integer> r = new ArrayList<>(xs);
                    Collections.reverse(r);
                    return r.equals(xs);
                });
        try {
            for (ValueProperty<List<Integer>> p : List.of(distinct, reverse)) {
                Map<String, ShrinkPass.Stats> totals = new LinkedHashMap<>();
                Shrinker.statisticsSink = totals;
                for (long s = 1; s <= 20; s++) {
                    p.run(Settings.none().withSeed(s).withQuiet(true).withTries(1000));
                }
                System.out.println(p.name());
                totals.forEach((pass, stats) -> System.out.printf("  %-20s %s%n", pass, stats));
            }
        } finally {
            Shrinker.statisticsSink = null;
        }
    }
}
