package org.hvproof.propcheck;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Developer tool (not a test): property evaluations each shrink pass spends on two challenge rows over
 * seeds 1..20, to see where shrinking effort goes. Order: deleteStructural, liftToDescendant,
 * minimiseChoices, minimiseDuplicates, sortSiblings, deleteBlocks, lowerAndDelete, pairLower, stepDownChoices, zeroSpans,
 * deleteAnySpan, redistribute.
 */
public final class ShrinkPassStatsMain {

    private ShrinkPassStatsMain() {}

    /** Prints one line of per-pass evaluation totals per row. */
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
        for (ValueProperty<List<Integer>> p : List.of(distinct, reverse)) {
            Shrinker.STATS = new long[12];
            for (long s = 1; s <= 20; s++) {
                p.run(Settings.none().withSeed(s).withQuiet(true).withTries(1000));
            }
            System.out.println(p.name() + " " + Arrays.toString(Shrinker.STATS));
        }
        Shrinker.STATS = null;
    }
}
