package org.hvproof.properties.harness;

import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.IntPredicate;
import org.hvproof.propcheck.DataSource;
import org.hvproof.propcheck.Gen;

/**
 * The step loop every spec conformance generator ({@code <M>SpecConformance.runs}) shares: while
 * there is room, one span labelled {@code "step"} (the unit the shrinker deletes whole, as for
 * stateful traces) that goes on with probability {@code keepGoing} and draws a value for the
 * current state; the caller applies it. Written once so that the generators differ only in what
 * they draw and how a drawn value becomes model actions.
 */
public final class ConformanceRuns {

    private ConformanceRuns() {}

    /**
     * Draws steps from {@code start}: before each, {@code room} is asked with the number of steps
     * drawn so far; {@code next} gives the generator for the current state and {@code take} applies
     * the drawn value (recording the model actions it stands for) and returns the next state.
     *
     * @return the state after the last step
     */
    public static <S, X> S draw(
            DataSource src,
            S start,
            IntPredicate room,
            double keepGoing,
            Function<S, Gen<X>> next,
            BiFunction<S, X, S> take) {
        S s = start;
        for (int i = 0; room.test(i); i++) {
            src.startSpan("step");
            if (!src.weightedCoin(keepGoing)) {
                src.endSpan();
                break;
            }
            X x = src.draw(next.apply(s));
            src.endSpan();
            s = take.apply(s, x);
        }
        return s;
    }

    /** As {@link #draw(DataSource, Object, IntPredicate, double, Function, BiFunction)} with at most {@code maxSteps} steps. */
    public static <S, X> S draw(
            DataSource src,
            S start,
            int maxSteps,
            double keepGoing,
            Function<S, Gen<X>> next,
            BiFunction<S, X, S> take) {
        return draw(src, start, i -> i < maxSteps, keepGoing, next, take);
    }
}
