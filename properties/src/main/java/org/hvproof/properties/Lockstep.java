package org.hvproof.properties;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The reference implementation and the abstract model run side by side, one action at a time.
 *
 * <p>After every action the implementation's observations must equal the model's, and the
 * implementation's abstraction must equal the model's next state: that is refinement, checked
 * step by step. {@link #checkRefinement()} reports the first mismatch with what each side saw, so
 * a shrunk trace ends at the first step where the two descriptions part.
 *
 * @param <S> the abstract state
 * @param <A> the action type shared by model and implementation
 */
public final class Lockstep<S, A> {

    /** What the model says one action does: the next state and the observations. */
    public record ModelStep<S>(S next, List<?> observations) {
        public ModelStep {
            observations = List.copyOf(observations);
        }
    }

    /** One refined step: the abstract states around it and the observations both sides agreed on. */
    public record Transition<S, A>(S before, A action, S after, List<?> observations) {
        public Transition {
            observations = List.copyOf(observations);
        }
    }

    private final Function<? super A, ? extends List<?>> implementation;
    private final Supplier<? extends S> abstraction;
    private final BiFunction<? super S, ? super A, ModelStep<S>> model;
    private S modelState;
    private S implementationState;
    private Transition<S, A> last;
    private String mismatch;
    private int steps;

    /**
     * Starts the model in its own initial state, so a boot-time bug of the implementation is a
     * refinement mismatch: {@link #checkRefinement()} fails when the implementation's abstraction
     * at boot differs from {@code modelInitial}, naming the difference.
     *
     * @param implementation runs an action on the implementation and returns its observations
     * @param abstraction    the abstraction function, read off the implementation's real structures
     * @param model          the model's pure step function
     * @param modelInitial   the model's initial state, the one the booted implementation must represent
     */
    public Lockstep(
            Function<? super A, ? extends List<?>> implementation,
            Supplier<? extends S> abstraction,
            BiFunction<? super S, ? super A, ModelStep<S>> model,
            S modelInitial) {
        this.implementation = Objects.requireNonNull(implementation);
        this.abstraction = Objects.requireNonNull(abstraction);
        this.model = Objects.requireNonNull(model);
        this.implementationState = abstraction.get();
        this.modelState = Objects.requireNonNull(modelInitial);
        if (!implementationState.equals(modelInitial)) {
            mismatch =
                    "refinement: at boot the implementation's abstract state differs from the model's initial state\n"
                            + difference(implementationState, modelInitial);
        }
    }

    /** The model's current state (equal to the implementation's abstraction while refinement holds). */
    public S state() {
        return modelState;
    }

    /**
     * The implementation's last step, read through the abstraction function: the state invariants
     * judge this, not the model, so an implementation bug is caught by the claim it breaks even
     * before refinement is consulted. Null before the first step.
     */
    public Transition<S, A> last() {
        return last;
    }

    /**
     * The implementation's last step as the model's invariants judge it, its observations checked
     * to be of {@code observationType}; null before the first step.
     */
    public <O> org.hvproof.model.common.Transition<S, A, O> lastAs(Class<O> observationType) {
        if (last == null) {
            return null;
        }
        List<O> observations = new ArrayList<>(last.observations().size());
        for (Object o : last.observations()) {
            observations.add(observationType.cast(o));
        }
        return new org.hvproof.model.common.Transition<>(last.before(), last.action(), last.after(), observations);
    }

    /**
     * The state the property's state invariants judge: the implementation's, read through the
     * abstraction function, after the last step; before the first step, the model's initial state
     * (a boot-time difference is reported by {@link #checkRefinement()}).
     */
    public S judgedState() {
        return last == null ? modelState : last.after();
    }

    /** Actions applied so far. */
    public int steps() {
        return steps;
    }

    /**
     * Runs {@code action} on both sides and compares them. The first mismatch is kept and reported
     * by {@link #checkRefinement()}; the model follows its own step from then on.
     */
    public Transition<S, A> apply(A action) {
        S before = implementationState;
        List<?> implObservations = List.copyOf(implementation.apply(action));
        ModelStep<S> expected = model.apply(modelState, action);
        S after = abstraction.get();
        steps++;
        if (mismatch == null) {
            if (!implObservations.equals(expected.observations())) {
                mismatch = "refinement: [" + action + "] observations differ\n  implementation: " + implObservations
                        + "\n  model:          " + expected.observations();
            } else if (!after.equals(expected.next())) {
                mismatch = "refinement: after [" + action + "] the implementation's abstract state differs from"
                        + " the model's\n" + difference(after, expected.next());
            }
        }
        modelState = expected.next();
        implementationState = after;
        last = new Transition<>(before, action, after, implObservations);
        return last;
    }

    /** Throws an {@link AssertionError} saying what each side saw, if they ever disagreed. */
    public void checkRefinement() {
        if (mismatch != null) {
            throw new AssertionError(mismatch);
        }
    }

    /**
     * The components of two records that differ, or both whole values when they are not records; a
     * differing component that is itself a record of a state class ({@code ...State}, as each
     * mechanism's part of the composed state is) is shown by its own differing components.
     */
    public static String difference(Object impl, Object model) {
        return difference("", impl, model);
    }

    private static String difference(String prefix, Object impl, Object model) {
        if (impl.getClass().isRecord() && impl.getClass() == model.getClass()) {
            List<String> lines = new ArrayList<>();
            for (var component : impl.getClass().getRecordComponents()) {
                try {
                    Object a = component.getAccessor().invoke(impl);
                    Object b = component.getAccessor().invoke(model);
                    if (Objects.equals(a, b)) {
                        continue;
                    }
                    if (a != null
                            && b != null
                            && a.getClass() == b.getClass()
                            && a.getClass().isRecord()
                            && a.getClass().getSimpleName().endsWith("State")) {
                        lines.add(difference(prefix + component.getName() + ".", a, b));
                    } else {
                        lines.add("  " + prefix + component.getName() + ":\n    implementation: " + shown(a)
                                + "\n    model:          " + shown(b));
                    }
                } catch (ReflectiveOperationException e) {
                    lines.add("  " + component.getName() + ": unreadable (" + e + ")");
                }
            }
            return String.join("\n", lines);
        }
        return "  implementation: " + impl + "\n  model:          " + model;
    }

    /** A component value as a report shows it: an optional's content, or "none". */
    private static String shown(Object value) {
        return value instanceof java.util.Optional<?> o ? o.map(String::valueOf).orElse("none") : String.valueOf(value);
    }
}
