package org.hvproof.properties.tracing;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import org.hvproof.model.tracing.TracingAction;
import org.hvproof.model.tracing.TracingModel;
import org.hvproof.model.tracing.TracingState;
import org.hvproof.model.tracing.TracingStep;

/**
 * A finished run of a tracing model: the state it started in and, per action, the step the
 * model took (next state and observations). The value {@link TracingSpecConformance} generates
 * and {@link TracingSpecAbstraction} turns into Alloy formulas.
 *
 * @param initial the state before the first action (after any set-up the spec does not see)
 * @param actions the actions, in order
 * @param steps   the model's step for each action, in order
 */
public record TracingModelRun(TracingState initial, List<TracingAction> actions, List<TracingStep> steps) {

    /** Copies the lists; one step per action. */
    public TracingModelRun {
        Objects.requireNonNull(initial, "initial");
        actions = List.copyOf(actions);
        steps = List.copyOf(steps);
        if (actions.size() != steps.size()) {
            throw new IllegalArgumentException(actions.size() + " actions but " + steps.size() + " steps");
        }
    }

    /** Runs {@code actions} from {@code initial} through {@code model} (e.g. {@link TracingModel#step}). */
    public static TracingModelRun of(
            TracingState initial,
            List<TracingAction> actions,
            BiFunction<TracingState, TracingAction, TracingStep> model) {
        List<TracingStep> steps = new ArrayList<>();
        TracingState s = initial;
        for (TracingAction a : actions) {
            TracingStep step = model.apply(s, a);
            steps.add(step);
            s = step.next();
        }
        return new TracingModelRun(initial, actions, steps);
    }

    /** The state before action {@code i}. */
    public TracingState before(int i) {
        return i == 0 ? initial : steps.get(i - 1).next();
    }

    /** Every state: the initial one, then the state after each action. */
    public List<TracingState> states() {
        List<TracingState> out = new ArrayList<>(steps.size() + 1);
        out.add(initial);
        steps.forEach(s -> out.add(s.next()));
        return out;
    }

    /** One numbered line per action with what the model saw, for failure reports. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < actions.size(); i++) {
            out.append(String.format(
                    "  %d. %s -> %s, traces %s%n",
                    i + 1,
                    actions.get(i),
                    steps.get(i).observations(),
                    steps.get(i).next().traces()));
        }
        return out.toString();
    }
}
