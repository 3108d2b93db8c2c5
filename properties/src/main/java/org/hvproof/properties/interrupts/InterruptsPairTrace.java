package org.hvproof.properties.interrupts;

import java.util.List;
import org.hvproof.impl.interrupts.InterruptsImplFlaw;
import org.hvproof.model.common.TransitionPair;
import org.hvproof.model.interrupts.InterruptsAction;
import org.hvproof.model.interrupts.InterruptsInvariants;
import org.hvproof.model.interrupts.InterruptsState;
import org.hvproof.propcheck.Context;
import org.hvproof.properties.Lockstep;

/**
 * One generated trace for INT-1: two machines that differ only in their secret (drawn by the
 * trace's first step), each in lockstep with its own model, driven by the same actions. After
 * every step, everything guest code outside the sequence observes of the two must be equal.
 */
public final class InterruptsPairTrace implements InterruptsRun {
    private final InterruptsImplFlaw flaw;
    private final InterruptsLabels labels = new InterruptsLabels();
    private MachineRun a;
    private MachineRun b;

    /** Two runs under the mechanism with {@code flaw}, booted by the first step. */
    public InterruptsPairTrace(InterruptsImplFlaw flaw) {
        this.flaw = flaw;
    }

    @Override
    public boolean booted() {
        return a != null;
    }

    @Override
    public InterruptsState state() {
        return a.state();
    }

    @Override
    public void perform(InterruptsTraceStep step, Context ctx) {
        if (step instanceof InterruptsTraceStep.Boot boot) {
            if (booted()) {
                throw new IllegalStateException("booted twice");
            }
            a = new MachineRun(boot.secretA(), flaw);
            b = new MachineRun(boot.secretB(), flaw);
            return;
        }
        a.beginStep();
        b.beginStep();
        if (step instanceof InterruptsTraceStep.Actions actions) {
            if (actions.actions().size() >= 3 && actions.actions().get(0) instanceof InterruptsAction.Arrive) {
                ctx.label(InterruptsLabels.STORM);
            }
            actions.actions().forEach(x -> apply(x, ctx));
        } else if (step instanceof InterruptsTraceStep.RunTo r) {
            for (int i = 0;
                    i < 16
                            && !(a.machineState().pc() == r.target()
                                    && !a.machineState().inHandler());
                    i++) {
                apply(new InterruptsAction.Execute(), ctx);
            }
        } else if (step instanceof InterruptsTraceStep.Quiesce) {
            for (int i = 0; i < 64 && a.machineState().inHandler(); i++) {
                apply(new InterruptsAction.Return(), ctx);
            }
            for (int i = 0; i < 64 && a.machineState().inSequence(); i++) {
                apply(new InterruptsAction.Execute(), ctx);
            }
        }
    }

    private void apply(InterruptsAction x, Context ctx) {
        Lockstep.Transition<InterruptsState, InterruptsAction> t = a.apply(x);
        b.apply(x);
        labels.label(t.before(), t.action(), t.after(), t.observations(), ctx);
    }

    /**
     * INT-1 on the machines: for every action of the last step, the two runs' handler views are
     * equal and their abstract states low-equivalent (the model's
     * {@link InterruptsInvariants#NONINTERFERENCE}).
     */
    public void checkNoninterference() {
        if (!booted()) {
            return;
        }
        List<Lockstep.Transition<InterruptsState, InterruptsAction>> ta = a.recent();
        List<Lockstep.Transition<InterruptsState, InterruptsAction>> tb = b.recent();
        for (int i = 0; i < ta.size(); i++) {
            InterruptsInvariants.NONINTERFERENCE.assertHolds(
                    new TransitionPair<>(MachineRun.asTransition(ta.get(i)), MachineRun.asTransition(tb.get(i))));
        }
    }

    /** INT-1 sanity on the machines: the low-equivalence relation is reflexive on each run's state. */
    public void checkReflexive() {
        if (booted()) {
            InterruptsInvariants.LOW_EQUIVALENCE_REFLEXIVE.assertHolds(a.machineState());
            InterruptsInvariants.LOW_EQUIVALENCE_REFLEXIVE.assertHolds(b.machineState());
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

    private static String picture(InterruptsState s) {
        return "secret 0x" + Long.toHexString(s.secret()) + ", pc 0x" + Long.toHexString(s.pc()) + ", frames "
                + s.returnStack() + ", registers " + s.registers();
    }
}
