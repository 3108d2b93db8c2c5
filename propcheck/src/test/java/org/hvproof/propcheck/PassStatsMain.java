package org.hvproof.propcheck;

import java.util.Arrays;

public class PassStatsMain {
    public static void main(String[] a) {
        Gen<java.util.List<Integer>> g = Gens.lists(Gens.integers());
        var distinct = Property.forAll(g).named("distinct").check(xs -> xs.stream().distinct().count() < 3);
        var reverse = Property.forAll(g).named("reverse").check(xs -> { var r = new java.util.ArrayList<>(xs); java.util.Collections.reverse(r); return r.equals(xs);});
        for (var p : java.util.List.of(distinct, reverse)) {
            Shrinker.STATS = new long[11];
            for (long s = 1; s <= 20; s++) p.run(Settings.none().withSeed(s).withQuiet(true).withTries(1000));
            System.out.println(p.name() + " " + Arrays.toString(Shrinker.STATS));
        }
    }
}
