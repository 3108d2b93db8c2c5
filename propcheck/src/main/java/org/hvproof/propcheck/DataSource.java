package org.hvproof.propcheck;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The single source of randomness for one test case: a recorded sequence of bounded integer choices.
 *
 * <p>While generating, choices are drawn at random; while replaying (a replay token, or a shrink
 * candidate) they are read from a given prefix, and once the prefix runs out every further choice is
 * zero, the simplest value. Generators mark structural units (list elements, trace steps) as spans so
 * the shrinker can delete or reorder them whole. A test case is its choice sequence: replaying the same
 * choices gives the same values.
 */
public final class DataSource {

    /** Upper bound on the number of choices one test case may make; past it the case is invalid. */
    public static final int DEFAULT_MAX_CHOICES = 1 << 16;

    private final long[] prefix;
    private final SplittableRandom random;
    private final int maxChoices;
    private final boolean exact;

    private long[] values = new long[64];
    private long[] bounds = new long[64];
    private int size;
    private boolean ranPastPrefix;

    private int[] spanStart = new int[32];
    private int[] spanEnd = new int[32];
    private int[] spanParent = new int[32];
    private Object[] spanLabel = new Object[32];
    private int spanCount;
    private int[] open = new int[16];
    private int openDepth;

    private long edge = -1;
    private final long[] recent = new long[8];
    private int recentCount;

    private boolean explaining;

    private DataSource(long[] prefix, SplittableRandom random, int maxChoices, boolean exact) {
        this.prefix = prefix;
        this.random = random;
        this.maxChoices = maxChoices;
        this.exact = exact;
    }

    /**
     * Replays a concluded case once more to explain it: a stateful property describes its state before
     * the first step and after every step (which a search run never pays for), so the report can show
     * what each step changed.
     */
    static DataSource explaining(long[] choices, int maxChoices, boolean exact) {
        DataSource s = new DataSource(choices, null, maxChoices, exact);
        s.explaining = true;
        return s;
    }

    /** True when this source replays a case to explain it (see {@link #explaining(long[], int, boolean)}). */
    boolean explaining() {
        return explaining;
    }

    static DataSource generating(SplittableRandom random, int maxChoices) {
        return new DataSource(new long[0], random, maxChoices, false);
    }

    static DataSource replaying(long[] choices, int maxChoices) {
        return new DataSource(choices, null, maxChoices, false);
    }

    /**
     * Replays a replay token: the token holds every choice its case made, so a filter that would have to
     * retry past the token's end rejects the token's own values, and the case is discarded rather than
     * replaced by another.
     */
    static DataSource replayingToken(long[] choices, int maxChoices) {
        return new DataSource(choices, null, maxChoices, true);
    }

    /** True when this source replays a token and every choice of the token has been read. */
    boolean tokenExhausted() {
        return exact && size >= prefix.length;
    }

    /** Draws a choice uniformly in {@code 0..maxInclusive}; 0 is the simplest value the shrinker aims for. */
    public long choose(long maxInclusive) {
        return next(maxInclusive, Mode.UNIFORM, 0.0);
    }

    /**
     * Draws a choice in {@code 0..maxInclusive} with generation skewed toward small values, the bound
     * itself, and values drawn earlier in this case (so equal and nearby values turn up often).
     */
    public long chooseSkewed(long maxInclusive) {
        return next(maxInclusive, Mode.SKEWED, 0.0);
    }

    /** As {@link #chooseSkewed(long)}, also favouring {@code edge} (e.g. the nearer bound of a range). */
    public long chooseSkewed(long maxInclusive, long edge) {
        long saved = this.edge;
        this.edge = Math.min(Math.max(edge, 0), maxInclusive);
        try {
            return next(maxInclusive, Mode.SKEWED, 0.0);
        } finally {
            this.edge = saved;
        }
    }

    /** Draws a boolean that is true with the given probability while generating; false is simpler. */
    public boolean weightedCoin(double probabilityOfTrue) {
        return next(1, Mode.COIN, probabilityOfTrue) == 1;
    }

    /**
     * Draws an index into {@code weights} with those relative weights; index 0 is the simplest. Indices
     * with weight 0 are never chosen (a replayed one moves to the nearest enabled index), so options can
     * be disabled by state without renumbering the others.
     */
    public int chooseIndex(double[] weights) {
        if (weights.length == 0) {
            throw new IllegalArgumentException("chooseIndex needs at least one weight");
        }
        if (size >= maxChoices) {
            throw Invalid.OVERRUN;
        }
        long max = weights.length - 1L;
        long v;
        if (size < prefix.length) {
            v = enabledNear((int) Math.min(Math.max(prefix[size], 0), max), weights);
        } else if (random != null) {
            double total = 0;
            for (double w : weights) {
                total += w;
            }
            double r = random.nextDouble() * total;
            int i = 0;
            while (i < weights.length - 1 && (r -= weights[i]) >= 0) {
                i++;
            }
            while (weights[i] <= 0 && i > 0) {
                i--;
            }
            v = i;
        } else {
            v = enabledNear(0, weights);
            ranPastPrefix = true;
        }
        record(v, max);
        return (int) v;
    }

    /** The index itself if its weight is positive, else the nearest lower one that is, else the nearest higher. */
    private static int enabledNear(int i, double[] weights) {
        for (int j = i; j >= 0; j--) {
            if (weights[j] > 0) {
                return j;
            }
        }
        for (int j = i + 1; j < weights.length; j++) {
            if (weights[j] > 0) {
                return j;
            }
        }
        throw new IllegalArgumentException("chooseIndex needs a positive weight");
    }

    /** Draws a value from {@code gen} inside a span labelled with the generator's description. */
    public <T> T draw(Gen<T> gen) {
        openSpan(gen); // labelled with gen.describe(), built only if the span is ever read
        try {
            return gen.generate(this);
        } finally {
            endSpan();
        }
    }

    /** Opens a span: a structural unit (e.g. a list element) that the shrinker may delete or move whole. */
    public void startSpan(String label) {
        openSpan(Objects.requireNonNull(label, "label"));
    }

    private void openSpan(Object label) {
        if (spanCount == spanStart.length) {
            int n = spanCount * 2;
            spanStart = Arrays.copyOf(spanStart, n);
            spanEnd = Arrays.copyOf(spanEnd, n);
            spanParent = Arrays.copyOf(spanParent, n);
            spanLabel = Arrays.copyOf(spanLabel, n);
        }
        if (openDepth == open.length) {
            open = Arrays.copyOf(open, openDepth * 2);
        }
        spanStart[spanCount] = size;
        spanEnd[spanCount] = -1;
        spanParent[spanCount] = openDepth == 0 ? -1 : open[openDepth - 1];
        spanLabel[spanCount] = label;
        open[openDepth++] = spanCount++;
    }

    /** Closes the innermost open span. */
    public void endSpan() {
        if (openDepth == 0) {
            throw new IllegalStateException("endSpan without startSpan");
        }
        spanEnd[open[--openDepth]] = size;
    }

    /** Number of choices made so far. */
    public int choiceCount() {
        return size;
    }

    /** True when this source replays given choices and has run past them (drawing zeros). */
    boolean ranPastPrefix() {
        return ranPastPrefix;
    }

    boolean isReplaying() {
        return random == null;
    }

    long[] choices() {
        return Arrays.copyOf(values, size);
    }

    long[] maxes() {
        return Arrays.copyOf(bounds, size);
    }

    Span[] spans() {
        Span[] out = new Span[spanCount];
        for (int i = 0; i < spanCount; i++) {
            int end = spanEnd[i] < 0 ? size : spanEnd[i];
            out[i] = new Span(spanStart[i], end, spanLabel[i], spanParent[i]);
        }
        return out;
    }

    private enum Mode {
        UNIFORM,
        SKEWED,
        COIN
    }

    private long next(long max, Mode mode, double p) {
        if (max < 0) {
            throw new IllegalArgumentException("choice bound must be >= 0, was " + max);
        }
        if (size >= maxChoices) {
            throw Invalid.OVERRUN;
        }
        // A forced choice (max 0) is recorded too: the number of choices a generator makes then does not
        // depend on the state, which keeps later choices aligned when the shrinker edits earlier ones.
        long v;
        if (size < prefix.length) {
            v = Math.min(Math.max(prefix[size], 0), max);
        } else if (random != null) {
            v = switch (mode) {
                case UNIFORM -> uniform(max);
                case COIN -> random.nextDouble() < p ? 1 : 0;
                case SKEWED -> skewed(max);
            };
        } else {
            v = 0;
            ranPastPrefix = true;
        }
        record(v, max);
        if (mode == Mode.SKEWED) {
            recent[recentCount++ % recent.length] = v;
        }
        return v;
    }

    private void record(long v, long max) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
            bounds = Arrays.copyOf(bounds, size * 2);
        }
        bounds[size] = max;
        values[size++] = v;
    }

    private long uniform(long max) {
        return max == Long.MAX_VALUE ? random.nextLong() & Long.MAX_VALUE : random.nextLong(max + 1);
    }

    private long skewed(long max) {
        int r = random.nextInt(100);
        if (r < 4) {
            return r < 2 && edge >= 0 ? edge : max;
        }
        if (r < 14 && recentCount > 0) {
            long prev = recent[random.nextInt(Math.min(recentCount, recent.length))];
            long delta = r < 9 ? 0 : random.nextInt(9) - 4;
            long v = prev + delta;
            return v < 0 ? 0 : Math.min(v, max);
        }
        if (r < 35) {
            return random.nextLong(Math.min(max, 16) + 1);
        }
        if (r < 50) {
            return random.nextLong(Math.min(max, 255) + 1);
        }
        if (r < 60) {
            return random.nextLong(Math.min(max, 65_535) + 1);
        }
        return uniform(max);
    }
}
