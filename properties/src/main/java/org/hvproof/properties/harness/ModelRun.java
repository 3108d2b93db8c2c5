package org.hvproof.properties.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.hvproof.model.common.Transition;

/**
 * A finished run of a mechanism's model, no machine beside it: the state it started in and one
 * {@link Transition} per action (before, action, after, observations). The value the spec
 * conformance properties ({@code <M>SpecConformance}) generate and their {@code
 * <M>SpecAbstraction} turns into Alloy formulas.
 *
 * @param initial the state before the first action
 * @param steps   the model's step for each action, in order
 * @param <S>     the mechanism's state
 * @param <A>     its action
 * @param <O>     its observation
 */
public record ModelRun<S, A, O>(S initial, List<Transition<S, A, O>> steps) {

    /** Copies the steps. */
    public ModelRun {
        Objects.requireNonNull(initial, "initial");
        steps = List.copyOf(steps);
    }

    /** Runs {@code actions} from {@code initial} through {@code model} (a step function as a transition). */
    public static <S, A, O> ModelRun<S, A, O> of(
            S initial, List<A> actions, BiFunction<S, A, Transition<S, A, O>> model) {
        List<Transition<S, A, O>> steps = new ArrayList<>();
        S s = initial;
        for (A a : actions) {
            Transition<S, A, O> t = model.apply(s, a);
            steps.add(t);
            s = t.after();
        }
        return new ModelRun<>(initial, steps);
    }

    /** The actions, in order. */
    public List<A> actions() {
        return steps.stream().map(Transition::action).toList();
    }

    /** The state after the last action (the initial state of an empty run). */
    public S last() {
        return steps.isEmpty() ? initial : steps.get(steps.size() - 1).after();
    }

    /** One numbered line per action with what the model observed and {@code state} of the state after it. */
    public String describe(Function<S, String> state) {
        StringBuilder out =
                new StringBuilder("  0. initial: ").append(state.apply(initial)).append('\n');
        for (int i = 0; i < steps.size(); i++) {
            Transition<S, A, O> t = steps.get(i);
            out.append("  ")
                    .append(i + 1)
                    .append(". ")
                    .append(t.action())
                    .append(" -> ")
                    .append(t.observations())
                    .append(", then ")
                    .append(state.apply(t.after()))
                    .append('\n');
        }
        return out.toString();
    }
}
