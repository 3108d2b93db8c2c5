package org.hvproof.properties.interrupts;

import java.util.List;
import org.hvproof.impl.interrupts.InterruptImplFlaw;
import org.hvproof.model.interrupts.Action;
import org.hvproof.model.interrupts.Invariants;
import org.hvproof.model.interrupts.State;
import org.hvproof.propcheck.Context;
import org.hvproof.properties.Lockstep;

/**
 * One generated trace for INT-1: two machines that differ only in their secret (drawn by the
 * trace's first step), each in lockstep with its own model, driven by the same actions. After
 * every step, everything guest code outside the sequence observes of the two must be equal.
 */
public final class InterruptsPairTrace implements InterruptsRun {
    private final InterruptImplFlaw flaw;
    private final Labels labels = new Labels();
    private MachineRun a;
    private MachineRun b;

    /** Two runs under the mechanism with {@code flaw}, booted by the first step. */
    public InterruptsPairTrace(InterruptImplFlaw flaw) {
        this.flaw = flaw;
    }

    @Override
    public boolean booted() {
        return a != null;
    }

    @Override
    public State state() {
        return a.state();
    }

    @Override
    public void perform(InterruptsStep step, Context ctx) {
        if (step instanceof InterruptsStep.Boot boot) {
            if (booted()) {
                throw new IllegalStateException("booted twice");
            }
            a = new MachineRun(boot.secretA(), flaw);
            b = new MachineRun(boot.secretB(), flaw);
            return;
        }
        a.beginStep();
        b.beginStep();
        if (step instanceof InterruptsStep.Actions actions) {
            if (actions.actions().size() >= 3 && actions.actions().get(0) instanceof Action.Arrive) {
                ctx.label(Labels.STORM);
            }
            actions.actions().forEach(x -> apply(x, ctx));
        } else if (step instanceof InterruptsStep.RunTo r) {
            for (int i = 0;
                    i < 16
                            && !(a.machineState().pc() == r.target()
                                    && !a.machineState().inHandler());
                    i++) {
                apply(new Action.Execute(), ctx);
            }
        } else if (step instanceof InterruptsStep.Quiesce) {
            for (int i = 0; i < 64 && a.machineState().inHandler(); i++) {
                apply(new Action.Return(), ctx);
            }
            for (int i = 0; i < 64 && a.machineState().inSequence(); i++) {
                apply(new Action.Execute(), ctx);
            }
        }
    }

    private void apply(Action x, Context ctx) {
        Lockstep.Transition<State, Action> t = a.apply(x);
        b.apply(x);
        labels.label(t.before(), t.action(), t.after(), t.observations(), ctx);
    }

    /**
     * INT-1 on the machines: for every action of the last step, the two runs' handler views are
     * equal and their abstract states low-equivalent (the model's
     * {@link Invariants#int1Noninterference}).
     */
    public void checkNoninterference() {
        if (!booted()) {
            return;
        }
        List<Lockstep.Transition<State, Action>> ta = a.recent();
        List<Lockstep.Transition<State, Action>> tb = b.recent();
        for (int i = 0; i < ta.size(); i++) {
            Invariants.int1Noninterference(MachineRun.asStep(ta.get(i)), MachineRun.asStep(tb.get(i)))
                    .orThrow();
        }
    }

    /** INT-1 sanity on the machines: the low-equivalence relation is reflexive on each run's state. */
    public void checkReflexive() {
        if (booted()) {
            Invariants.int1LowEquivalenceReflexive(a.machineState()).orThrow();
            Invariants.int1LowEquivalenceReflexive(b.machineState()).orThrow();
        }
    }

    /** Refinement of run A. */
    public void checkRefinementA() {
        if (booted()) {
            a.checkRefinement();
        }
    }

    /** Refinement of run B. */
    public void checkRefinementB() {
        if (booted()) {
            b.checkRefinement();
        }
    }

    /** A short picture of both runs for failure reports. */
    public String describe() {
        if (!booted()) {
            return "  not booted";
        }
        return "  A: " + picture(a.machineState()) + "\n  B: " + picture(b.machineState());
    }

    private static String picture(State s) {
        return "secret 0x" + Long.toHexString(s.secret()) + ", pc 0x" + Long.toHexString(s.pc()) + ", frames "
                + s.returnStack() + ", registers " + s.registers();
    }
}
