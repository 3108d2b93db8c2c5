package org.hvproof.propcheck;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Factory of generators. Every generator draws bounded choices from a {@link DataSource}; the simplest
 * choice (zero) maps to the simplest value (the target of a range, the first option of a one-of, the
 * shortest list), which is what makes shrinking on the choices produce simple values.
 */
public final class Gens {

    /** Span label of one list element (its "continue?" choice plus the element's choices). */
    static final String ELEMENT = "element";
    /** Span label of one filter attempt. */
    static final String ATTEMPT = "attempt";

    private Gens() {}

    /**
     * A generator whose description is built only when first asked for (then kept): composite
     * generators describe their parts, and building that text for every generator made per state
     * of a trace costs more than drawing from it. The text is the same as if built eagerly.
     */
    public static <T> Gen<T> of(Supplier<String> description, Function<DataSource, T> body) {
        LazyText text = new LazyText(description);
        Objects.requireNonNull(body, "body");
        return new Gen<>() {
            @Override
            public T generate(DataSource source) {
                return body.apply(source);
            }

            @Override
            public String describe() {
                return text.get();
            }

            @Override
            public String toString() {
                return describe();
            }
        };
    }

    /** A generator from a description and a function of the data source. */
    public static <T> Gen<T> of(String description, Function<DataSource, T> body) {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(body, "body");
        return new Gen<>() {
            @Override
            public T generate(DataSource source) {
                return body.apply(source);
            }

            @Override
            public String describe() {
                return description;
            }

            @Override
            public String toString() {
                return description;
            }
        };
    }

    /** Always {@code value}; makes no choice. */
    public static <T> Gen<T> constant(T value) {
        return of("constant(" + value + ")", src -> value);
    }

    /** true or false with equal probability; shrinks to false. */
    public static Gen<Boolean> booleans() {
        return of("booleans", src -> src.weightedCoin(0.5));
    }

    /** true with the given probability; shrinks to false. */
    public static Gen<Boolean> booleans(double probabilityOfTrue) {
        return of("booleans(p=" + probabilityOfTrue + ")", src -> src.weightedCoin(probabilityOfTrue));
    }

    /** ints in {@code [min, max]}, shrinking toward 0 (or the bound nearest to 0). */
    public static Gen<Integer> integers(int min, int max) {
        return integers(min, max, clamp(0, min, max));
    }

    /** ints in {@code [min, max]}, shrinking toward {@code target}. */
    public static Gen<Integer> integers(int min, int max, int target) {
        checkRange(min, max, target);
        String d = "integers(" + min + ".." + max + (target == clamp(0, min, max) ? "" : ", toward " + target) + ")";
        return of(d, src -> (int) drawLong(src, min, max, target));
    }

    /** Any int, shrinking toward 0. */
    public static Gen<Integer> integers() {
        return integers(Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    /** longs in {@code [min, max]}, shrinking toward 0 (or the bound nearest to 0). */
    public static Gen<Long> longs(long min, long max) {
        return longs(min, max, clamp(0, min, max));
    }

    /** longs in {@code [min, max]}, shrinking toward {@code target}. */
    public static Gen<Long> longs(long min, long max, long target) {
        checkRange(min, max, target);
        String d = "longs(" + min + ".." + max + (target == clamp(0, min, max) ? "" : ", toward " + target) + ")";
        return of(d, src -> drawLong(src, min, max, target));
    }

    /** One of the given values, chosen uniformly; shrinks toward the first. */
    public static <T> Gen<T> elements(Collection<? extends T> values) {
        List<T> copy = List.copyOf(values);
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("elements needs at least one value");
        }
        return of(() -> "elements" + describeList(copy), src -> copy.get((int) src.choose(copy.size() - 1L)));
    }

    /**
     * {@code abbreviate(values.toString())}, without printing the elements past the cut: a long
     * list of records drawn from every step's state would otherwise be printed whole each time.
     */
    static String describeList(List<?> values) {
        StringBuilder d = new StringBuilder("[");
        for (int i = 0; i < values.size() && d.length() <= 200; i++) {
            if (i > 0) {
                d.append(", ");
            }
            d.append(values.get(i));
        }
        return abbreviate(d.append(']').toString());
    }

    /** One of the given values, chosen uniformly; shrinks toward the first. */
    @SafeVarargs
    public static <T> Gen<T> elements(T... values) {
        return elements(List.of(values));
    }

    /** Draws from one of the generators, chosen uniformly; shrinks toward the first. */
    @SafeVarargs
    public static <T> Gen<T> oneOf(Gen<? extends T>... gens) {
        List<Weighted<T>> ws = new ArrayList<>();
        for (Gen<? extends T> g : gens) {
            ws.add(weighted(1, g));
        }
        return frequency(ws);
    }

    /** A generator with a relative weight, for {@link #frequency}. */
    public record Weighted<T>(double weight, Gen<? extends T> gen) {
        /** Checks the weight is non-negative and the generator present. */
        public Weighted {
            if (!(weight >= 0)) {
                throw new IllegalArgumentException("weight must be >= 0, was " + weight);
            }
            Objects.requireNonNull(gen, "gen");
        }
    }

    /** Pairs a weight with a generator. */
    public static <T> Weighted<T> weighted(double weight, Gen<? extends T> gen) {
        return new Weighted<>(weight, gen);
    }

    /** Draws from one of the generators with the given relative weights; shrinks toward the first listed. */
    @SafeVarargs
    public static <T> Gen<T> frequency(Weighted<? extends T>... options) {
        return frequency(List.of(options));
    }

    /** Draws from one of the generators with the given relative weights; shrinks toward the first listed. */
    public static <T> Gen<T> frequency(List<? extends Weighted<? extends T>> options) {
        List<Weighted<? extends T>> opts = List.copyOf(options);
        if (opts.isEmpty()) {
            throw new IllegalArgumentException("frequency needs at least one option");
        }
        double[] weights = new double[opts.size()];
        double total = 0;
        for (int i = 0; i < weights.length; i++) {
            weights[i] = opts.get(i).weight();
            total += weights[i];
        }
        if (total <= 0) {
            throw new IllegalArgumentException("frequency needs a positive total weight");
        }
        return of(
                () -> {
                    StringBuilder d = new StringBuilder("frequency(");
                    for (int i = 0; i < weights.length; i++) {
                        if (weights[i] > 0) {
                            d.append(d.length() == 10 ? "" : ", ")
                                    .append(fmt(weights[i]))
                                    .append(": ")
                                    .append(opts.get(i).gen().describe());
                        }
                    }
                    return abbreviate(d.append(')').toString());
                },
                src -> src.draw(opts.get(src.chooseIndex(weights)).gen()));
    }

    private static final Gen<Object> DISABLED = of("disabled", src -> {
        throw new IllegalStateException("a disabled alternative was drawn");
    });

    @SuppressWarnings("unchecked")
    private static <T> Gen<T> disabled() {
        return (Gen<T>) DISABLED;
    }

    /** A builder of weighted alternatives where each may be enabled by a condition (a precondition). */
    public static <T> Mix<T> mix() {
        return new Mix<>();
    }

    /** Weighted alternatives with preconditions; see {@link #mix()}. */
    public static final class Mix<T> {
        private final List<Weighted<? extends T>> options = new ArrayList<>();

        private Mix() {}

        /** Adds an alternative with a relative weight. */
        public Mix<T> add(double weight, Gen<? extends T> gen) {
            options.add(weighted(weight, gen));
            return this;
        }

        /** Adds an alternative only when {@code enabled} holds (e.g. "there is a page to unmap"). */
        public Mix<T> addIf(boolean enabled, double weight, Gen<? extends T> gen) {
            // A disabled alternative keeps its slot with weight 0, so the others keep their numbers
            // (and a shrunk trace keeps its meaning) whichever alternatives the state enables.
            options.add(weighted(enabled ? weight : 0, gen));
            return this;
        }

        /** Adds an alternative only when {@code enabled} holds; the generator is built only then. */
        public Mix<T> addIf(boolean enabled, double weight, Supplier<? extends Gen<? extends T>> gen) {
            options.add(enabled ? weighted(weight, gen.get()) : weighted(0, Gens.<T>disabled()));
            return this;
        }

        /** True when no alternative is enabled. */
        public boolean isEmpty() {
            return options.stream().allMatch(o -> o.weight() == 0);
        }

        /** The weighted one-of; fails when no alternative is enabled. */
        public Gen<T> build() {
            if (isEmpty()) {
                throw new IllegalStateException("no alternative is enabled in this mix");
            }
            return frequency(options);
        }
    }

    /** Lists of 0..100 elements (average about 5). */
    public static <T> Gen<List<T>> lists(Gen<T> element) {
        return lists(element, 0, 100);
    }

    /**
     * Lists with {@code minSize..maxSize} elements. Beyond the minimum, each element is preceded by a
     * "continue?" choice inside the element's span, so deleting the span removes the element cleanly.
     */
    public static <T> Gen<List<T>> lists(Gen<T> element, int minSize, int maxSize) {
        checkSizes(minSize, maxSize);
        double p = continueProbability(minSize, maxSize);
        return of(() -> "lists(" + element.describe() + ", " + minSize + ".." + maxSize + ")", src -> {
            List<T> out = new ArrayList<>();
            while (out.size() < maxSize) {
                src.startSpan(ELEMENT);
                if (out.size() >= minSize && !src.weightedCoin(p)) {
                    src.endSpan();
                    break;
                }
                out.add(src.draw(element));
                src.endSpan();
            }
            return out;
        });
    }

    /** Lists of exactly {@code size} elements. */
    public static <T> Gen<List<T>> listsOfSize(Gen<T> element, int size) {
        return lists(element, size, size);
    }

    /** Lists of distinct elements (by equals) with {@code minSize..maxSize} elements. */
    public static <T> Gen<List<T>> uniqueLists(Gen<T> element, int minSize, int maxSize) {
        checkSizes(minSize, maxSize);
        double p = continueProbability(minSize, maxSize);
        return of(() -> "uniqueLists(" + element.describe() + ", " + minSize + ".." + maxSize + ")", src -> {
            List<T> out = new ArrayList<>();
            Set<T> seen = new HashSet<>();
            int duplicatesInARow = 0;
            while (out.size() < maxSize) {
                src.startSpan(ELEMENT);
                if (out.size() >= minSize && !src.weightedCoin(p)) {
                    src.endSpan();
                    break;
                }
                T v = src.draw(element);
                src.endSpan();
                if (seen.add(v)) {
                    out.add(v);
                    duplicatesInARow = 0;
                } else if (++duplicatesInARow >= 100 || (src.isReplaying() && src.ranPastPrefix())) {
                    if (out.size() >= minSize) {
                        break;
                    }
                    if (src.isReplaying()) {
                        throw Invalid.filtered(element.describe(), "distinct elements");
                    }
                    throw new FilterExhaustedException(element.describe(), "distinct elements", duplicatesInARow);
                }
            }
            return out;
        });
    }

    /** A pair of independent values. */
    public static <A, B> Gen<Tuple2<A, B>> tuples(Gen<A> a, Gen<B> b) {
        return combine(a, b, Tuple2::new);
    }

    /** A triple of independent values. */
    public static <A, B, C> Gen<Tuple3<A, B, C>> tuples(Gen<A> a, Gen<B> b, Gen<C> c) {
        return combine(a, b, c, Tuple3::new);
    }

    /** A quadruple of independent values. */
    public static <A, B, C, D> Gen<Tuple4<A, B, C, D>> tuples(Gen<A> a, Gen<B> b, Gen<C> c, Gen<D> d) {
        return combine(a, b, c, d, Tuple4::new);
    }

    /** Two values. */
    public record Tuple2<A, B>(A first, B second) {
        @Override
        public String toString() {
            return "(" + first + ", " + second + ")";
        }
    }

    /** Three values. */
    public record Tuple3<A, B, C>(A first, B second, C third) {
        @Override
        public String toString() {
            return "(" + first + ", " + second + ", " + third + ")";
        }
    }

    /** Four values. */
    public record Tuple4<A, B, C, D>(A first, B second, C third, D fourth) {
        @Override
        public String toString() {
            return "(" + first + ", " + second + ", " + third + ", " + fourth + ")";
        }
    }

    /** Three-argument function for {@link #combine(Gen, Gen, Gen, Function3)}. */
    @FunctionalInterface
    public interface Function3<A, B, C, R> {
        /** Applies the function. */
        R apply(A a, B b, C c);
    }

    /** Four-argument function for {@link #combine(Gen, Gen, Gen, Gen, Function4)}. */
    @FunctionalInterface
    public interface Function4<A, B, C, D, R> {
        /** Applies the function. */
        R apply(A a, B b, C c, D d);
    }

    /** Draws {@code a} then {@code b} and combines them. */
    public static <A, B, R> Gen<R> combine(Gen<A> a, Gen<B> b, BiFunction<? super A, ? super B, ? extends R> f) {
        return of(
                () -> "combine(" + a.describe() + ", " + b.describe() + ")", src -> f.apply(src.draw(a), src.draw(b)));
    }

    /** Draws {@code a}, {@code b}, {@code c} in order and combines them. */
    public static <A, B, C, R> Gen<R> combine(
            Gen<A> a, Gen<B> b, Gen<C> c, Function3<? super A, ? super B, ? super C, ? extends R> f) {
        return of(
                () -> "combine(" + a.describe() + ", " + b.describe() + ", " + c.describe() + ")",
                src -> f.apply(src.draw(a), src.draw(b), src.draw(c)));
    }

    /** Draws four values in order and combines them. */
    public static <A, B, C, D, R> Gen<R> combine(
            Gen<A> a,
            Gen<B> b,
            Gen<C> c,
            Gen<D> d,
            Function4<? super A, ? super B, ? super C, ? super D, ? extends R> f) {
        return of(
                () -> "combine(" + a.describe() + ", " + b.describe() + ", " + c.describe() + ", " + d.describe() + ")",
                src -> f.apply(src.draw(a), src.draw(b), src.draw(c), src.draw(d)));
    }

    /** Draws from each generator in order and combines the list of values. */
    public static <R> Gen<R> combine(List<? extends Gen<?>> gens, Function<List<Object>, ? extends R> f) {
        List<Gen<?>> copy = List.copyOf(gens);
        Supplier<String> description = () -> {
            StringBuilder d = new StringBuilder("combine(");
            for (int i = 0; i < copy.size(); i++) {
                d.append(i == 0 ? "" : ", ").append(copy.get(i).describe());
            }
            return abbreviate(d.append(')').toString());
        };
        return of(description, src -> {
            List<Object> values = new ArrayList<>(copy.size());
            for (Gen<?> g : copy) {
                values.add(src.draw(g));
            }
            return f.apply(values);
        });
    }

    /** A generator built on first use, for mutually recursive definitions. */
    public static <T> Gen<T> lazy(String description, Supplier<? extends Gen<T>> supplier) {
        return new Gen<>() {
            private Gen<T> gen;

            @Override
            public T generate(DataSource source) {
                if (gen == null) {
                    gen = supplier.get();
                }
                return gen.generate(source);
            }

            @Override
            public String describe() {
                return description;
            }
        };
    }

    /**
     * Recursive structures of depth at most {@code maxDepth}: each level is either {@code base} (the
     * simpler choice) or {@code extend} applied to the next level; at the depth bound only {@code base}.
     */
    public static <T> Gen<T> recursive(String description, Gen<T> base, Function<Gen<T>, Gen<T>> extend, int maxDepth) {
        if (maxDepth < 0) {
            throw new IllegalArgumentException("maxDepth must be >= 0");
        }
        return level(description, base, extend, maxDepth);
    }

    private static <T> Gen<T> level(String description, Gen<T> base, Function<Gen<T>, Gen<T>> extend, int remaining) {
        if (remaining == 0) {
            // At the bound the "recurse?" choice is still made, forced to "no": every level then takes
            // the same choices, so the shrinker can lift a deep subtree to a shallower place intact.
            return of(description, src -> {
                src.choose(0);
                return src.draw(base);
            });
        }
        Gen<T> deeper = lazy(description, () -> level(description, base, extend, remaining - 1));
        Gen<T> extended = lazy(description + " (extended)", () -> extend.apply(deeper));
        return of(description, src -> src.weightedCoin(0.5) ? src.draw(extended) : src.draw(base));
    }

    // ---- implementation ----

    static final class Filtered<T> implements Gen<T> {
        private final Gen<T> inner;
        private final String filter;
        private final int maxAttempts;
        private final Predicate<? super T> predicate;
        private final LazyText description;

        Filtered(Gen<T> inner, String filter, int maxAttempts, Predicate<? super T> predicate) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be >= 1");
            }
            this.inner = inner;
            this.filter = filter;
            this.maxAttempts = maxAttempts;
            this.predicate = Objects.requireNonNull(predicate, "predicate");
            this.description = new LazyText(() -> inner.describe() + ".filter(" + filter + ")");
        }

        @Override
        public T generate(DataSource src) {
            for (int attempt = 1; attempt <= maxAttempts; attempt++) {
                if (attempt > 1 && src.tokenExhausted()) {
                    throw Invalid.filtered(inner.describe(), filter); // the token's own values were rejected
                }
                src.startSpan(ATTEMPT);
                T v = src.draw(inner);
                src.endSpan();
                if (predicate.test(v)) {
                    return v;
                }
                if (src.isReplaying() && src.ranPastPrefix()) {
                    throw Invalid.filtered(inner.describe(), filter); // further attempts would draw the same zeros
                }
            }
            if (src.isReplaying()) {
                throw Invalid.filtered(inner.describe(), filter);
            }
            // Discards this test case (the engine counts it against the filter); the run fails as a
            // health check only when too large a share of its cases is discarded.
            throw new FilterExhaustedException(inner.describe(), filter, maxAttempts);
        }

        @Override
        public String describe() {
            return description.get();
        }
    }

    /**
     * Draws a long in [lo, hi] as a magnitude (distance from target) then a sign (0 = above target; a
     * magnitude only one side can hold goes to that side; forced to the only side when one is empty). Magnitude 0 is the
     * target, so zeroing the choices reaches the target.
     */
    static long drawLong(DataSource src, long lo, long hi, long target) {
        long up = satSub(hi, target);
        long down = satSub(target, lo);
        long m = src.chooseSkewed(Math.max(up, down), Math.min(up, down));
        // The sign takes one choice whatever the magnitude and whatever the bounds: forced (bound 0) when
        // only one side of the target exists. Every range then draws the same two choices, so a range
        // whose bounds come from an earlier draw keeps the choices after it aligned when the shrinker
        // moves those bounds, and moving magnitude between two values keeps them aligned too.
        boolean negative;
        if (up > 0 && down > 0) {
            negative = src.choose(1) == 1;
        } else {
            src.choose(0);
            negative = up == 0;
        }
        if (m == 0) {
            return target;
        }
        if (m == Long.MAX_VALUE && (negative ? down : up) == Long.MAX_VALUE) {
            return negative ? lo : hi; // the side lies further than Long.MAX_VALUE: its bound is the largest step
        }
        if (negative && m > down) {
            negative = false;
        } else if (!negative && m > up) {
            negative = true;
        }
        return negative ? target - m : target + m;
    }

    private static long satSub(long a, long b) {
        long r = a - b;
        return ((a ^ b) & (a ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    private static long clamp(long v, long lo, long hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    private static void checkRange(long min, long max, long target) {
        if (min > max) {
            throw new IllegalArgumentException("empty range " + min + ".." + max);
        }
        if (target < min || target > max) {
            throw new IllegalArgumentException("target " + target + " outside " + min + ".." + max);
        }
    }

    private static void checkSizes(int min, int max) {
        if (min < 0 || min > max) {
            throw new IllegalArgumentException("bad size bounds " + min + ".." + max);
        }
    }

    private static double continueProbability(int min, int max) {
        double average = Math.min(Math.max(min * 2.0, min + 5.0), 0.5 * (min + max));
        double extra = Math.max(average - min, 0.5);
        return extra / (extra + 1);
    }

    private static String fmt(double w) {
        if (w == Math.rint(w)) {
            return Long.toString((long) w);
        }
        // Weights repeat (every state-dependent frequency is built again each step): print each once.
        String printed = WEIGHTS.get(w);
        if (printed == null) {
            printed = Double.toString(w);
            if (WEIGHTS.size() < 256) {
                WEIGHTS.put(w, printed);
            }
        }
        return printed;
    }

    /** Non-integral weights as printed, the first 256 distinct ones (a handful in practice). */
    private static final Map<Double, String> WEIGHTS = new ConcurrentHashMap<>();

    static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 197) + "...";
    }
}
