package org.hvproof.properties.interrupts;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import org.hvproof.impl.interrupts.InterruptsImplFlaw;
import org.hvproof.impl.interrupts.InterruptsSystem;
import org.hvproof.model.common.Notation;
import org.hvproof.model.common.TransitionPair;
import org.hvproof.model.interrupts.CodeLayout;
import org.hvproof.model.interrupts.InterruptsAction;
import org.hvproof.model.interrupts.InterruptsInvariants;
import org.hvproof.model.interrupts.InterruptsLowEquivalence;
import org.hvproof.model.interrupts.InterruptsObservation;
import org.hvproof.model.interrupts.InterruptsState;
import org.hvproof.propcheck.Context;
import org.hvproof.properties.Lockstep;
import org.hvproof.properties.harness.JudgedPair;

/**
 * One generated trace for INT-1: two machines that differ only in their secret (drawn by the
 * trace's first step), each in lockstep with its own model, driven by the same actions. After
 * every step, everything guest code outside the sequence observes of the two must be equal.
 */
public final class InterruptsPairTrace
        implements InterruptsRun, JudgedPair<InterruptsState, InterruptsAction, InterruptsObservation> {
    private final InterruptsImplFlaw flaw;
    private final InterruptsLabels labels = new InterruptsLabels();
    private MachineRun a;
    private MachineRun b;
    /** Why the low-equivalence relation fails to relate this trace's two secrets; null when it relates them. */
    private String unrelated;
    /** The first difference between the two machines' low views; null while there is none. */
    private String machineViolation;
    /** The two machines' low views, compared after every action. */
    private final InterruptsLowViews lowViews = new InterruptsLowViews();

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
            if (!InterruptsLowEquivalence.relatesDifferentSecrets(boot.secretA(), boot.secretB())) {
                unrelated = "secrets 0x" + Long.toHexString(boot.secretA()) + " and 0x"
                        + Long.toHexString(boot.secretB())
                        + " are told apart before anything leaks, so noninterference would hold vacuously";
            }
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
            // Faults stop with the interrupts: the guest OS maps back every page it unmapped.
            for (long page : new TreeSet<>(a.machineState().absentPages())) {
                apply(new InterruptsAction.SetPagePresent(page * CodeLayout.ADDRESSES_PER_GUEST_PAGE, true), ctx);
            }
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
        if (machineViolation == null) {
            machineViolation = lowViews.difference(a.system(), b.system(), x).orElse(null);
        }
    }

    /**
     * INT-1 on the machines: after every action, everything low code can observe of the two
     * machines (all sixteen general registers, the flags, the instruction pointer, the interrupt
     * frames: {@link InterruptsSystem#lowRegisters}; every readable page's bytes:
     * {@link InterruptsSystem#readablePages}) is equal, registers
     * the abstraction function leaves out included.
     */
    public void checkLowViewsEqualOnMachine() {
        if (machineViolation != null) {
            throw new AssertionError(
                    "INT-1 " + InterruptsProperties.NONINTERFERENCE_ON_MACHINE + " violated: " + machineViolation);
        }
    }

    /**
     * The two runs' machine transitions of the last step, pairwise, read through the abstraction
     * function: what INT-1's {@link InterruptsInvariants#NONINTERFERENCE} judges.
     */
    @Override
    public List<TransitionPair<InterruptsState, InterruptsAction, InterruptsObservation>> lastPairs() {
        if (!booted()) {
            return List.of();
        }
        List<Lockstep.Transition<InterruptsState, InterruptsAction>> ta = a.recent();
        List<Lockstep.Transition<InterruptsState, InterruptsAction>> tb = b.recent();
        List<TransitionPair<InterruptsState, InterruptsAction, InterruptsObservation>> pairs = new ArrayList<>();
        for (int i = 0; i < ta.size(); i++) {
            pairs.add(new TransitionPair<>(MachineRun.asTransition(ta.get(i)), MachineRun.asTransition(tb.get(i))));
        }
        return pairs;
    }

    /**
     * Serval's non-vacuity check: the low-equivalence relation relates the initial states of this
     * trace's two secrets, and still relates them once both guests hold their secret in R1
     * ({@link InterruptsLowEquivalence#relatesDifferentSecrets}).
     */
    @Override
    public void checkRelated() {
        if (unrelated != null) {
            throw new AssertionError("INT-1 lowEquivalenceNonVacuous violated: " + unrelated);
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
    @Override
    public String describe() {
        if (!booted()) {
            return "  not booted";
        }
        return "  A: " + picture(a.machineState()) + "\n  B: " + picture(b.machineState());
    }

    private static String picture(InterruptsState s) {
        return "secret " + Notation.hex(s.secret()) + ", pc " + Notation.hex(s.pc()) + ", frames "
                + Notation.hexList(s.returnStack()) + ", registers "
                + Notation.hexValues(new TreeMap<>(s.registers()));
    }
}
