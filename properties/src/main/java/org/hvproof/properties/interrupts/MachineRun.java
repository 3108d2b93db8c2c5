package org.hvproof.properties.interrupts;

import java.util.ArrayList;
import java.util.List;
import org.hvproof.impl.interrupts.InterruptImplFlaw;
import org.hvproof.impl.interrupts.InterruptsSystem;
import org.hvproof.model.interrupts.Action;
import org.hvproof.model.interrupts.Interrupts;
import org.hvproof.model.interrupts.Observation;
import org.hvproof.model.interrupts.State;
import org.hvproof.model.interrupts.Step;
import org.hvproof.properties.Lockstep;

/**
 * One machine with its secret, in lockstep with the model: every model action runs on both, the
 * machine's steps of the last generated step are kept (read through the abstraction function) for
 * the claims' checks, and INT-4's transparency is followed along.
 */
final class MachineRun {
    private final Lockstep<State, Action> lockstep;
    private final List<Lockstep.Transition<State, Action>> recent = new ArrayList<>();
    private final Transparency transparency = new Transparency();

    MachineRun(long secret, InterruptImplFlaw flaw) {
        InterruptsSystem impl = new InterruptsSystem(secret, State.DEFAULT_ERASURE, flaw);
        this.lockstep = new Lockstep<>(
                impl::apply,
                impl::abstractState,
                (s, a) -> {
                    Step step = Interrupts.step(s, a);
                    return new Lockstep.ModelStep<>(InterruptsSystem.canonical(step.next()), step.observations());
                },
                InterruptsSystem.canonical(State.initial(secret, State.DEFAULT_ERASURE)));
    }

    /** The model's state. */
    State state() {
        return lockstep.state();
    }

    /** The machine's abstract state after its last step. */
    State machineState() {
        return lockstep.judgedState();
    }

    /** Forgets the transitions of the previous generated step. */
    void beginStep() {
        recent.clear();
    }

    /** Runs one model action on machine and model. */
    Lockstep.Transition<State, Action> apply(Action a) {
        transparency.before(machineState(), a);
        Lockstep.Transition<State, Action> t = lockstep.apply(a);
        transparency.after(t.before(), t.after());
        recent.add(t);
        return t;
    }

    /** The machine's transitions of the current generated step. */
    List<Lockstep.Transition<State, Action>> recent() {
        return recent;
    }

    /** The interrupts have stopped and the guest ran on. */
    void quiesced() {
        transparency.quiesced(machineState());
    }

    Transparency transparency() {
        return transparency;
    }

    void checkRefinement() {
        lockstep.checkRefinement();
    }

    /** A machine transition as the model's {@link Step}, for the model's invariants. */
    @SuppressWarnings("unchecked")
    static Step asStep(Lockstep.Transition<State, Action> t) {
        return new Step(t.after(), (List<Observation>) t.observations());
    }
}
