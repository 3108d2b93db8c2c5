package org.hvproof.propcheck;

import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A generator of values of type {@code T}, driven entirely by the choices of a {@link DataSource}.
 *
 * <p>Because a value is a function of the choices, it needs no shrinker of its own: the engine shrinks
 * the choices and regenerates. Build generators with {@link Gens} and the combinators below.
 */
public interface Gen<T> {

    /** Produces a value from the source's choices; must draw all randomness from {@code source}. */
    T generate(DataSource source);

    /** A short human-readable description, used in reports and error messages. */
    String describe();

    /** Applies {@code f} to every generated value; shrinking is unaffected. */
    default <R> Gen<R> map(Function<? super T, ? extends R> f) {
        Objects.requireNonNull(f, "f");
        Gen<T> self = this;
        return Gens.of(() -> "map(" + self.describe() + ")", src -> f.apply(src.draw(self)));
    }

    /** Bind: draws a value, then draws from the generator it selects; both are shrunk together. */
    default <R> Gen<R> flatMap(Function<? super T, ? extends Gen<? extends R>> f) {
        Objects.requireNonNull(f, "f");
        Gen<T> self = this;
        return Gens.of(() -> "flatMap(" + self.describe() + ")", src -> src.draw(f.apply(src.draw(self))));
    }

    /** Keeps only values satisfying {@code predicate}, retrying up to 100 times per value. */
    default Gen<T> filter(Predicate<? super T> predicate) {
        return filter("filter", 100, predicate);
    }

    /** Keeps only values satisfying {@code predicate}, named for error messages; 100 retries per value. */
    default Gen<T> filter(String description, Predicate<? super T> predicate) {
        return filter(description, 100, predicate);
    }

    /**
     * Keeps only values satisfying {@code predicate}. When {@code maxAttempts} candidates in a row are
     * rejected while generating, that test case is discarded (a {@link FilterExhaustedException} names
     * this generator and the filter); the run fails as a health check only when too large a share of
     * its cases is discarded, and then names the filter by {@code description}.
     */
    default Gen<T> filter(String description, int maxAttempts, Predicate<? super T> predicate) {
        return new Gens.Filtered<>(this, description, maxAttempts, predicate);
    }

    /** The same generator with another description. */
    default Gen<T> describedAs(String description) {
        Gen<T> self = this;
        return Gens.of(description, self::generate);
    }
}
