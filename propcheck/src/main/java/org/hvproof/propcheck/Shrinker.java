package org.hvproof.propcheck;

import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Shrinks a failing choice sequence to a locally minimal one in shortlex order: the driver of the
 * {@link ShrinkPasses}. Each round runs every registered {@link ShrinkPass} in order; a pass proposes
 * smaller sequences through {@link #consider(long[])}, which reruns the property on each and keeps any
 * that still fails the same way (the same {@link FailureOrigin}). Rounds repeat until one changes
 * nothing. Every accepted step is strictly smaller in shortlex order, so shrinking terminates; a budget
 * of property evaluations bounds its cost.
 */
final class Shrinker {

    private static final long[] EMPTY = new long[0];

    /** Test hook: while not null, every finished shrink adds its statistics here, by pass name. */
    static Map<String, ShrinkPass.Stats> statisticsSink;

    private final Function<long[], Execution> runner;
    private final int budget;
    private final Map<Key, Execution> cache = new HashMap<>();
    private final BitSet recordedLengths = new BitSet();
    private final FailureOrigin origin;
    private final List<ShrinkPass> passes;
    private Execution best;
    private int evaluations;
    private int accepted;
    private boolean exhausted;

    Shrinker(Execution failing, Function<long[], Execution> runner, int budget) {
        if (!failing.failed()) {
            throw new IllegalArgumentException("can only shrink a failing case");
        }
        this.best = failing;
        this.origin = failing.origin();
        this.runner = runner;
        this.budget = budget;
        this.passes = new ShrinkPasses(this).all();
        cache.put(Key.of(failing.choices(), failing.choices().length), failing);
        recordedLengths.set(failing.choices().length);
    }

    /**
     * A shrinker for the case {@code body} makes of {@code choices}, which must fail: the engine's
     * runner on a given sequence, so a test can run passes on a case it wrote down.
     */
    static Shrinker startingFrom(Engine.Body body, long[] choices, int budget) {
        Function<long[], Execution> runner = c -> body.execute(DataSource.replaying(c, DataSource.DEFAULT_MAX_CHOICES));
        return new Shrinker(runner.apply(choices), runner, budget);
    }

    /** Property evaluations spent (cache hits are free). */
    int evaluations() {
        return evaluations;
    }

    /** True when shrinking stopped because the budget ran out rather than at a local minimum. */
    boolean exhausted() {
        return exhausted;
    }

    Execution best() {
        return best;
    }

    /** The registered passes, in the order each round runs them. */
    List<ShrinkPass> passes() {
        return passes;
    }

    /** Each pass's statistics so far, by name, in the order the passes run. */
    Map<String, ShrinkPass.Stats> statistics() {
        Map<String, ShrinkPass.Stats> out = new LinkedHashMap<>();
        for (ShrinkPass p : passes) {
            out.put(p.name(), p.stats());
        }
        return out;
    }

    Execution shrink() {
        try {
            consider(EMPTY);
            boolean changed = true;
            while (changed) {
                long[] before = best.choices();
                for (ShrinkPass pass : passes) {
                    run(pass);
                }
                changed = before != best.choices();
            }
        } catch (BudgetExhausted e) {
            exhausted = true;
        } finally {
            Map<String, ShrinkPass.Stats> sink = statisticsSink;
            if (sink != null) {
                statistics().forEach((name, stats) -> sink.merge(name, stats, ShrinkPass.Stats::plus));
            }
        }
        return best;
    }

    /**
     * Runs the pass named {@code name} once, alone, on the current best case (statistics included) and
     * tells whether it made the case smaller. Running out of budget ends the pass early.
     */
    boolean runPass(String name) {
        for (ShrinkPass pass : passes) {
            if (pass.name().equals(name)) {
                Execution before = best;
                try {
                    run(pass);
                } catch (BudgetExhausted e) {
                    exhausted = true;
                }
                return best != before;
            }
        }
        throw new IllegalArgumentException("no shrink pass named " + name);
    }

    private void run(ShrinkPass pass) {
        int evaluationsBefore = evaluations;
        int acceptedBefore = accepted;
        try {
            pass.run();
        } finally {
            pass.record(evaluations - evaluationsBefore, accepted - acceptedBefore);
        }
    }

    // ---- the core step ----

    /** Runs {@code candidate} (unless cached) and adopts its result when it fails the same way and is smaller. */
    boolean consider(long[] candidate) {
        if (!Shortlex.less(candidate, best.choices())) {
            return false;
        }
        Key key = Key.of(candidate, candidate.length);
        Execution r = cache.get(key);
        if (r == null) {
            r = knownPrefix(candidate);
        }
        if (r == null) {
            if (evaluations >= budget) {
                throw BudgetExhausted.INSTANCE;
            }
            evaluations++;
            r = runner.apply(candidate);
            cache.put(key, r);
            cache.putIfAbsent(Key.of(r.choices(), r.choices().length), r);
            recordedLengths.set(r.choices().length);
        }
        if (r.failed() && Shortlex.less(r.choices(), best.choices()) && origin.equals(r.origin())) {
            best = r;
            accepted++;
            return true;
        }
        return false;
    }

    /**
     * A run that consumed exactly a prefix of {@code candidate}: replay is deterministic, so the
     * candidate would stop at the same point with the same outcome. Saves running candidates that only
     * differ from a known case in choices it never reads (e.g. anything after a list's "stop").
     */
    private Execution knownPrefix(long[] candidate) {
        // Keys hash like Arrays.hashCode over the prefix without trailing zeros; computing the prefix
        // hashes once makes each probed length O(1) (plus a comparison when the hash matches).
        int[] prefixHash = new int[candidate.length + 1];
        int[] strippedLength = new int[candidate.length + 1];
        prefixHash[0] = 1;
        for (int i = 0; i < candidate.length; i++) {
            prefixHash[i + 1] = 31 * prefixHash[i] + Long.hashCode(candidate[i]);
            strippedLength[i + 1] = candidate[i] != 0 ? i + 1 : strippedLength[i];
        }
        for (int len = recordedLengths.nextSetBit(0);
                len >= 0 && len < candidate.length;
                len = recordedLengths.nextSetBit(len + 1)) {
            int n = strippedLength[len];
            Execution r = cache.get(new Key(candidate, n, prefixHash[n]));
            if (r != null && r.choices().length == len) {
                return r;
            }
        }
        return null;
    }

    private static final class BudgetExhausted extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final BudgetExhausted INSTANCE = new BudgetExhausted();

        private BudgetExhausted() {
            super("shrink budget exhausted", null, false, false);
        }
    }

    /**
     * Cache key: the first {@code length} choices of {@code choices}, a sequence without its trailing
     * zeros. Replay draws zeros past the end of its prefix, so sequences differing only in trailing
     * zeros run identically. The array is not copied: keys are made from arrays never modified later.
     */
    private static final class Key {
        private final long[] choices;
        private final int length;
        private final int hash;

        Key(long[] choices, int length, int hash) {
            this.choices = choices;
            this.length = length;
            this.hash = hash;
        }

        static Key of(long[] c, int length) {
            int n = length;
            while (n > 0 && c[n - 1] == 0) {
                n--;
            }
            int h = 1;
            for (int i = 0; i < n; i++) {
                h = 31 * h + Long.hashCode(c[i]);
            }
            return new Key(c, n, h);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hash == hash && Arrays.equals(choices, 0, length, k.choices, 0, k.length);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public String toString() {
            return Arrays.toString(Arrays.copyOf(choices, length));
        }
    }
}
