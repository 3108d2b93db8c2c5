package org.hvproof.propcheck;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A property over generated values: for all values of a generator, a check holds. A failing value is
 * shrunk on its choices and reported with its seed and replay token.
 *
 * <pre>{@code
 * Property.forAll(Gens.lists(Gens.integers()))
 *         .named("reversing twice is the identity")
 *         .check(xs -> reverse(reverse(xs)).equals(xs))
 *         .assertHolds();
 * }</pre>
 *
 * @param <T> the generated value
 */
public final class ValueProperty<T> implements Property {

    /** A check that throws (typically {@code AssertionError}) when the value is a counterexample. */
    @FunctionalInterface
    public interface Check<T> {
        /** Checks the value; throws to fail. */
        void verify(T value, Context ctx) throws Exception;
    }

    /** A check that throws, without the context. */
    @FunctionalInterface
    public interface SimpleCheck<T> {
        /** Checks the value; throws to fail. */
        void verify(T value) throws Exception;
    }

    private final Builder<T> b;
    private final Check<T> check;

    private ValueProperty(Builder<T> b, Check<T> check) {
        this.b = b.copy();
        this.check = check;
    }

    @Override
    public String name() {
        return b.name;
    }

    @Override
    public PropertyResult run(Settings overrides) {
        Settings s = Engine.effective(b.settings, overrides);
        return Engine.run(b.name, false, s, body(), b.coverage);
    }

    private Execution execute(DataSource src) {
        Context ctx = new Context(src);
        Execution.Builder ending = Execution.of(src, ctx, 1);
        T value;
        try {
            value = src.draw(b.gen);
        } catch (Invalid e) {
            return ending.invalid();
        } catch (FilterExhaustedException e) {
            return ending.invalid(src.isReplaying() ? null : e);
        } catch (Throwable t) {
            Throwable c = Engine.catchable(t);
            return ending.failed(
                    new Failure("generator", "generator " + b.gen.describe() + " threw " + c, c, 1, null),
                    List.of("(generator threw)"));
        }
        try {
            check.verify(value, ctx);
            return ending.passed();
        } catch (Invalid e) {
            return ending.invalid();
        } catch (FilterExhaustedException e) {
            return ending.invalid(src.isReplaying() ? null : e);
        } catch (PredicateFalse e) {
            return ending.failed(new Failure("check", "check returned false", null, 1, null), shown(value));
        } catch (Throwable t) {
            Throwable c = Engine.catchable(t);
            return ending.failed(new Failure("check", String.valueOf(c.getMessage()), c, 1, null), shown(value));
        }
    }

    /** The run of this property's body on one data source, for the engine and for shrinker tests. */
    Engine.Body body() {
        return this::execute;
    }

    /** What a failure report shows of a counterexample: the value on one line. */
    private List<Object> shown(T value) {
        return List.of(value == null ? "null" : describeValue(value));
    }

    private String describeValue(T value) {
        try {
            return b.describeValue.apply(value);
        } catch (RuntimeException e) {
            return "<describeValue threw " + e + ">";
        }
    }

    private static final class PredicateFalse extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final PredicateFalse INSTANCE = new PredicateFalse();

        private PredicateFalse() {
            super("predicate returned false", null, false, false);
        }
    }

    /** Configures a value property; finish with {@code check} or {@code verify}. */
    public static final class Builder<T> {
        private final Gen<T> gen;
        private String name;
        private Settings settings = Settings.none();
        private final List<Coverage> coverage = new ArrayList<>();
        private Function<? super T, String> describeValue = Reports::describe;

        Builder(Gen<T> gen) {
            this.gen = Objects.requireNonNull(gen, "gen");
            this.name = "forAll(" + gen.describe() + ")";
        }

        private Builder<T> copy() {
            Builder<T> c = new Builder<>(gen);
            c.name = name;
            c.settings = settings;
            c.coverage.addAll(coverage);
            c.describeValue = describeValue;
            return c;
        }

        /** Names the property (shown in reports; also identifies its replay tokens). */
        public Builder<T> named(String propertyName) {
            this.name = Objects.requireNonNull(propertyName, "name");
            return this;
        }

        /** Number of tries. */
        public Builder<T> tries(int n) {
            settings = settings.withTries(n);
            return this;
        }

        /** Fixed seed. */
        public Builder<T> seed(long seed) {
            settings = settings.withSeed(seed);
            return this;
        }

        /** Shrink budget in property evaluations. */
        public Builder<T> shrinkBudget(int evaluations) {
            settings = settings.withShrinkBudget(evaluations);
            return this;
        }

        /** Settings of this property (fields set here win over defaults, lose to system properties). */
        public Builder<T> settings(Settings s) {
            settings = settings.overriddenBy(s);
            return this;
        }

        /** Fails the property when {@code label} occurs in fewer than {@code percent}% of tries. */
        public Builder<T> cover(double percent, String label) {
            coverage.add(new Coverage(percent, label));
            return this;
        }

        /** How a value is printed in reports (default: toString, arrays expanded). */
        public Builder<T> describeValue(Function<? super T, String> f) {
            describeValue = Objects.requireNonNull(f, "f");
            return this;
        }

        /** The property: {@code predicate} must return true for every value. */
        public ValueProperty<T> check(Predicate<? super T> predicate) {
            Objects.requireNonNull(predicate, "predicate");
            return new ValueProperty<>(this, (v, ctx) -> {
                if (!predicate.test(v)) {
                    throw PredicateFalse.INSTANCE;
                }
            });
        }

        /** The property: {@code predicate} (given the try's context) must return true for every value. */
        public ValueProperty<T> check(BiPredicate<? super T, Context> predicate) {
            Objects.requireNonNull(predicate, "predicate");
            return new ValueProperty<>(this, (v, ctx) -> {
                if (!predicate.test(v, ctx)) {
                    throw PredicateFalse.INSTANCE;
                }
            });
        }

        /** The property: {@code check} must not throw for any value (use assertions inside). */
        public ValueProperty<T> verify(SimpleCheck<? super T> check) {
            Objects.requireNonNull(check, "check");
            return new ValueProperty<>(this, (v, ctx) -> check.verify(v));
        }

        /** The property: {@code check} (given the try's context) must not throw for any value. */
        public ValueProperty<T> verify(Check<T> check) {
            return new ValueProperty<>(this, Objects.requireNonNull(check, "check"));
        }
    }
}
