package org.hvproof.propcheck;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import java.util.function.LongPredicate;

/**
 * The shrink passes: each proposes smaller choice sequences for the {@link Shrinker}'s current best
 * case through {@link Shrinker#consider(long[])}, knowing nothing of the types generated. They are
 * registered in {@link #all()} in the order every round runs them; one instance serves one shrinker.
 */
final class ShrinkPasses {

    private final Shrinker shrinker;

    ShrinkPasses(Shrinker shrinker) {
        this.shrinker = shrinker;
    }

    /**
     * Every pass, named, in the order a round runs them: first the cheap ones (structure and single
     * choices), then the costlier ones (blocks, pairs, steps, whole spans).
     */
    List<ShrinkPass> all() {
        return List.of(
                new ShrinkPass("deleteStructural", this::deleteStructural),
                new ShrinkPass("liftToDescendant", this::liftToDescendant),
                new ShrinkPass("minimiseChoices", this::minimiseChoices),
                new ShrinkPass("minimiseDuplicates", this::minimiseDuplicates),
                new ShrinkPass("sortSiblings", this::sortSiblings),
                new ShrinkPass("deleteBlocks", this::deleteBlocks),
                new ShrinkPass("lowerAndDelete", this::lowerAndDelete),
                new ShrinkPass("pairLower", this::pairLower),
                new ShrinkPass("stepDownChoices", this::stepDownChoices),
                new ShrinkPass("zeroSpans", this::zeroSpans),
                new ShrinkPass("deleteAnySpan", this::deleteAnySpan),
                new ShrinkPass("redistribute", this::redistribute));
    }

    private static boolean structural(Span s) {
        String l = s.label();
        return Gens.ELEMENT.equals(l) || Gens.ATTEMPT.equals(l) || StatefulProperty.STEP.equals(l);
    }

    /**
     * An element or step span holding only a zero "continue?" choice: the end of a list or trace.
     * Deleting it only runs the list into what follows; sorting it among elements means nothing.
     */
    private boolean isStop(Span s) {
        return s.length() == 1
                && shrinker.best().choices()[s.start()] == 0
                && (Gens.ELEMENT.equals(s.label()) || StatefulProperty.STEP.equals(s.label()));
    }

    /** Deletes list elements, trace steps and filter attempts, extending each success over preceding siblings. */
    private void deleteStructural() {
        int i = shrinker.best().spans().length - 1;
        while (i >= 0) {
            Span[] spans = shrinker.best().spans();
            if (i >= spans.length) {
                i = spans.length - 1;
                continue;
            }
            Span s = spans[i];
            if (!structural(s) || s.length() == 0 || isStop(s)) {
                i--;
                continue;
            }
            if (deleteRange(s.start(), s.end())) {
                // Adaptive: extend over the contiguous siblings just before s.
                List<Span> before = precedingSiblings(shrinker.best().spans(), s);
                if (!before.isEmpty()) {
                    long[] base = shrinker.best().choices();
                    int end = s.start();
                    int k = findInteger(n -> n <= before.size()
                            && considerDeletion(
                                    base, before.get(before.size() - n).start(), end));
                    if (k > 0) {
                        i -= k * 2; // roughly skip the deleted siblings; bounds are re-checked above
                    }
                }
            }
            i--;
        }
    }

    /** Contiguous sibling spans with the same label ending exactly where s starts, in order. */
    private static List<Span> precedingSiblings(Span[] spans, Span s) {
        List<Span> sibs = new ArrayList<>();
        for (Span t : spans) {
            if (t.parent() == s.parent() && t.label().equals(s.label()) && t.end() <= s.start() && t.length() > 0) {
                sibs.add(t);
            }
        }
        // keep only the contiguous run ending at s.start()
        List<Span> run = new ArrayList<>();
        int pos = s.start();
        for (int j = sibs.size() - 1; j >= 0; j--) {
            if (sibs.get(j).end() == pos) {
                run.add(0, sibs.get(j));
                pos = sibs.get(j).start();
            } else {
                break;
            }
        }
        return run;
    }

    private boolean considerDeletion(long[] base, int from, int to) {
        long[] c = new long[base.length - (to - from)];
        System.arraycopy(base, 0, c, 0, from);
        System.arraycopy(base, to, c, from, base.length - to);
        return shrinker.consider(c);
    }

    private boolean deleteRange(int from, int to) {
        return considerDeletion(shrinker.best().choices(), from, to);
    }

    /**
     * Deletes blocks of 2 and 1 choices anywhere: merges adjacent lists (deleting one list's "stop" and
     * the next one's "continue") and removes stray choices. Blocks of zeros are skipped: deleting them
     * only shifts the choices after them.
     */
    private void deleteBlocks() {
        for (int k : new int[] {2, 1}) {
            int i = shrinker.best().choices().length - k;
            while (i >= 0) {
                long[] b = shrinker.best().choices();
                if (i + k <= b.length && (b[i] != 0 || b[i + k - 1] != 0) && (k == 1 || spanEndsAt(i + 1))) {
                    deleteRange(i, i + k);
                }
                i--;
            }
        }
    }

    /** True when some span ends at position p (a pair straddling p joins two structural units). */
    private boolean spanEndsAt(int p) {
        for (Span s : shrinker.best().spans()) {
            if (s.end() == p && s.length() > 0) {
                return true;
            }
        }
        return false;
    }

    /** Deletes any span once, for the spans the structural pass does not know about. */
    private void deleteAnySpan() {
        int i = shrinker.best().spans().length - 1;
        while (i >= 0) {
            Span[] spans = shrinker.best().spans();
            if (i < spans.length && !structural(spans[i]) && spans[i].length() > 0) {
                deleteRange(spans[i].start(), spans[i].end());
            }
            i--;
        }
    }

    /** Replaces a span by a smaller descendant with the same label (a subtree by one of its subtrees). */
    private void liftToDescendant() {
        int i = 0;
        while (i < shrinker.best().spans().length) {
            Span[] spans = shrinker.best().spans();
            Span s = spans[i];
            boolean lifted = false;
            for (int j = i + 1; j < spans.length && spans[j].start() < s.end(); j++) {
                Span d = spans[j];
                if (d.label().equals(s.label()) && d.length() < s.length() && d.end() <= s.end()) {
                    long[] b = shrinker.best().choices();
                    long[] c = new long[b.length - s.length() + d.length()];
                    System.arraycopy(b, 0, c, 0, s.start());
                    System.arraycopy(b, d.start(), c, s.start(), d.length());
                    System.arraycopy(b, s.end(), c, s.start() + d.length(), b.length - s.end());
                    if (shrinker.consider(c)) {
                        lifted = true;
                        break;
                    }
                }
            }
            if (!lifted) {
                i++;
            }
        }
    }

    /** Sets whole spans to zeros (a drawn value to its simplest form in one step). */
    private void zeroSpans() {
        for (int i = 0; i < shrinker.best().spans().length; i++) {
            Span s = shrinker.best().spans()[i];
            long[] b = shrinker.best().choices();
            if (s.length() < 2 || s.end() > b.length || structural(s)) {
                continue; // structural spans are deleted instead; zeroing one would mostly just end a list
            }
            boolean nonZero = false;
            for (int j = s.start(); j < s.end(); j++) {
                nonZero |= b[j] != 0;
            }
            if (nonZero) {
                long[] c = b.clone();
                Arrays.fill(c, s.start(), s.end(), 0L);
                shrinker.consider(c);
            }
        }
    }

    /** Lowers each choice: to zero, else by binary search, then a few small steps (for non-monotone cases). */
    private void minimiseChoices() {
        for (int i = 0; i < shrinker.best().choices().length; i++) {
            minimiseChoice(i);
        }
    }

    private void minimiseChoice(int i) {
        long v = shrinker.best().choices()[i];
        if (v == 0 || setAndConsider(i, 0)) {
            return;
        }
        if (v == 1 || setAndConsider(i, 1)) {
            return;
        }
        // Counterexamples mostly have small values: probe 2, 4, 8, 16 before bisecting the whole range.
        long lo = 1;
        long hi = v;
        for (long probe = 2; probe <= 16 && probe < hi; probe *= 2) {
            if (setAndConsider(i, probe)) {
                hi = Math.min(
                        probe,
                        shrinker.best().choices().length > i ? shrinker.best().choices()[i] : probe);
                break;
            }
            lo = probe;
        }
        while (hi - lo > 1 && i < shrinker.best().choices().length) {
            long mid = lo + (hi - lo) / 2;
            if (setAndConsider(i, mid)) {
                hi = shrinker.best().choices().length > i
                        ? Math.min(mid, shrinker.best().choices()[i])
                        : mid;
            } else {
                lo = mid;
            }
        }
    }

    /** Tries each choice a few steps lower, one at a time: binary search misses non-monotone cases. */
    private void stepDownChoices() {
        for (int i = 0; i < shrinker.best().choices().length; i++) {
            long cur = shrinker.best().choices()[i];
            for (long d = 2; d <= 8 && cur - d >= 0; d++) {
                if (setAndConsider(i, cur - d)) {
                    break;
                }
            }
        }
    }

    /**
     * Lowers together all choices that have the same bound and the same value: e.g. the page number
     * of "map page 3", "trace page 3", "write page 3", which fail only while they agree.
     */
    private void minimiseDuplicates() {
        Map<List<Long>, List<Integer>> groups = new LinkedHashMap<>();
        long[] b = shrinker.best().choices();
        long[] m = shrinker.best().maxes();
        for (int i = 0; i < b.length; i++) {
            if (b[i] > 0 && m[i] > 1) {
                groups.computeIfAbsent(List.of(m[i], b[i]), k -> new ArrayList<>())
                        .add(i);
            }
        }
        for (Map.Entry<List<Long>, List<Integer>> g : groups.entrySet()) {
            List<Integer> idx = g.getValue();
            if (idx.size() < 2) {
                continue;
            }
            long[] base = shrinker.best().choices();
            long v = g.getKey().get(1);
            LongPredicate setAll = x -> {
                long[] c = base.clone();
                for (int i : idx) {
                    if (i >= c.length) {
                        return false;
                    }
                    c[i] = x;
                }
                return shrinker.consider(c);
            };
            if (setAll.test(0) || v == 1 || setAll.test(1)) {
                continue;
            }
            long lo = 1;
            long hi = v;
            while (hi - lo > 1) {
                long mid = lo + (hi - lo) / 2;
                if (setAll.test(mid)) {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
        }
    }

    private boolean setAndConsider(int i, long value) {
        long[] b = shrinker.best().choices();
        if (i >= b.length || b[i] <= value) {
            return false;
        }
        long[] c = b.clone();
        c[i] = value;
        return shrinker.consider(c);
    }

    /** Sorts runs of sibling spans with the same label (by their choices), else swaps adjacent inversions. */
    private void sortSiblings() {
        int i = 0;
        while (i < shrinker.best().spans().length) {
            Span[] spans = shrinker.best().spans();
            List<Span> run = siblingRunFrom(spans, i);
            if (run.size() >= 2) {
                long[] b = shrinker.best().choices();
                List<Span> sorted = new ArrayList<>(run);
                sorted.sort(Comparator.comparing(
                        s -> s, (x, y) -> Shortlex.compare(b, x.start(), x.end(), b, y.start(), y.end())));
                if (!sorted.equals(run)) {
                    if (!shrinker.consider(rearrange(b, run, sorted))) {
                        for (int j = 0; j + 1 < run.size(); j++) {
                            Span x = run.get(j);
                            Span y = run.get(j + 1);
                            if (Shortlex.compare(b, x.start(), x.end(), b, y.start(), y.end()) > 0) {
                                List<Span> swapped = new ArrayList<>(run);
                                swapped.set(j, y);
                                swapped.set(j + 1, x);
                                if (shrinker.consider(rearrange(b, run, swapped))) {
                                    break;
                                }
                            }
                        }
                    }
                }
            }
            i++;
        }
    }

    /** The contiguous run of siblings with the same label starting at spans[i], if spans[i] starts one. */
    private List<Span> siblingRunFrom(Span[] spans, int i) {
        Span first = spans[i];
        List<Span> run = new ArrayList<>();
        run.add(first);
        // previous sibling with same label adjacent? then spans[i] is not a run start
        for (int j = i - 1; j >= 0; j--) {
            Span t = spans[j];
            if (t.parent() == first.parent()) {
                if (t.label().equals(first.label()) && t.end() == first.start()) {
                    return List.of();
                }
                break;
            }
        }
        int pos = first.end();
        for (int j = i + 1; j < spans.length; j++) {
            Span t = spans[j];
            if (t.parent() == first.parent() && t.start() >= pos) {
                boolean stop = isStop(t);
                if (t.start() == pos && t.label().equals(first.label()) && t.length() > 0 && !stop) {
                    run.add(t);
                    pos = t.end();
                } else {
                    break;
                }
            }
        }
        return run;
    }

    private static long[] rearrange(long[] b, List<Span> run, List<Span> order) {
        long[] c = b.clone();
        int pos = run.get(0).start();
        for (Span s : order) {
            System.arraycopy(b, s.start(), c, pos, s.length());
            pos += s.length();
        }
        return c;
    }

    /**
     * Lowers a choice by one while deleting one element of the structure right after it: shrinks a size
     * drawn before its elements (flat-map), where lowering the size alone would cut the wrong element.
     */
    private void lowerAndDelete() {
        for (int i = 0; i < shrinker.best().choices().length; i++) {
            long[] b = shrinker.best().choices();
            if (b[i] == 0) {
                continue;
            }
            List<Span> children = childrenOfSpanAfter(shrinker.best().spans(), i);
            for (int k = 0; k < Math.min(children.size(), 16); k++) {
                Span child = children.get(k);
                long[] c = new long[b.length - child.length()];
                System.arraycopy(b, 0, c, 0, child.start());
                System.arraycopy(b, child.end(), c, child.start(), b.length - child.end());
                c[i] = b[i] - 1;
                if (shrinker.consider(c)) {
                    break;
                }
            }
        }
    }

    /** Children of the first span that starts right after choice i and has at least two children. */
    private static List<Span> childrenOfSpanAfter(Span[] spans, int i) {
        for (int j = 0; j < spans.length; j++) {
            Span s = spans[j];
            if (s.start() < i + 1) {
                continue;
            }
            if (s.start() > i + 1) {
                break;
            }
            List<Span> kids = new ArrayList<>();
            for (int k = j + 1; k < spans.length && spans[k].start() < s.end(); k++) {
                if (spans[k].parent() == j && spans[k].length() > 0) {
                    kids.add(spans[k]);
                }
            }
            if (kids.size() >= 2) {
                return kids;
            }
        }
        return List.of();
    }

    /**
     * Pairs worth changing together: choices with the same bound (two values of one generator), or
     * neighbours (a magnitude and its sign). Restricting to these keeps the pair passes near-linear.
     */
    private boolean related(int i, int j) {
        long[] m = shrinker.best().maxes();
        return (m[i] == m[j] && m[i] > 1) || (j == i + 1 && innermost(i) == innermost(j));
    }

    private Execution innermostFor;
    private int[] innermost;

    /** Index of the innermost span containing choice p (-1: none), cached per current shrinker.best(). */
    private int innermost(int p) {
        if (innermostFor != shrinker.best()) {
            innermostFor = shrinker.best();
            innermost = new int[shrinker.best().choices().length];
            Arrays.fill(innermost, -1);
            Span[] spans = shrinker.best().spans();
            for (int k = 0; k < spans.length; k++) { // pre-order: later spans are nested deeper
                for (int q = spans[k].start(); q < spans[k].end() && q < innermost.length; q++) {
                    innermost[q] = k;
                }
            }
        }
        return p < innermost.length ? innermost[p] : -1;
    }

    /** Lowers two related choices by the same amount (keeps their difference). */
    private void pairLower() {
        for (int i = 0; i < shrinker.best().choices().length; i++) {
            for (int j = i + 1; j < shrinker.best().choices().length; j++) {
                long[] b = shrinker.best().choices();
                if (j >= b.length || b[i] == 0 || b[j] == 0 || !related(i, j)) {
                    continue;
                }
                final int fi = i;
                final int fj = j;
                findLong(Math.min(b[i], b[j]), k -> {
                    long[] c = b.clone();
                    c[fi] -= k;
                    c[fj] -= k;
                    return shrinker.consider(c);
                });
            }
        }
    }

    /** Moves value from an earlier choice to a related later one (keeps their sum; shortlex-smaller). */
    private void redistribute() {
        for (int i = 0; i < shrinker.best().choices().length; i++) {
            for (int j = i + 1; j < shrinker.best().choices().length; j++) {
                long[] b = shrinker.best().choices();
                if (j >= b.length || b[i] == 0 || !related(i, j)) {
                    continue;
                }
                final int fi = i;
                final int fj = j;
                findLong(b[i], k -> {
                    long[] c = b.clone();
                    c[fi] -= k;
                    c[fj] = c[fj] + k < 0 ? Long.MAX_VALUE : c[fj] + k;
                    return shrinker.consider(c);
                });
            }
        }
    }

    /** Largest k in 1..max with f(k) (probing 1, 2, 4, ... then bisecting); 0 when f(1) fails. */
    private static long findLong(long max, LongPredicate f) {
        if (max < 1 || !f.test(1)) {
            return 0;
        }
        long lo = 1;
        long hi = 2;
        while (hi <= max && f.test(hi)) {
            lo = hi;
            if (hi > Long.MAX_VALUE / 2) {
                return lo;
            }
            hi *= 2;
        }
        hi = Math.min(hi, max + 1);
        while (hi - lo > 1) {
            long mid = lo + (hi - lo) / 2;
            if (f.test(mid)) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Largest n with f(n) true for an f with f(0) true, probing 1..4, then doubling, then bisecting. */
    private static int findInteger(IntPredicate f) {
        for (int n = 1; n <= 4; n++) {
            if (!f.test(n)) {
                return n - 1;
            }
        }
        int lo = 4;
        int hi = 8;
        while (f.test(hi)) {
            lo = hi;
            if (hi > Integer.MAX_VALUE / 2) {
                return lo;
            }
            hi *= 2;
        }
        while (hi - lo > 1) {
            int mid = lo + (hi - lo) / 2;
            if (f.test(mid)) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
