package org.hvproof.properties.interrupts;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    /** Readable pages last found equal in both machines, with the two frames' write stamps then. */
    private final Map<Long, long[]> equalPages = new HashMap<>();

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
            machineViolation = lowViewsDiffer(x);
        }
    }

    /**
     * Where the two machines' low views differ after {@code x}, or null: their low registers
     * ({@link InterruptsSystem#lowRegisters}), then every readable page, whose bytes are compared
     * again only when either frame's write stamp moved since they were last found equal.
     */
    private String lowViewsDiffer(InterruptsAction x) {
        List<Long> ra = a.system().lowRegisters();
        List<Long> rb = b.system().lowRegisters();
        if (!ra.equals(rb)) {
            return "after [" + x + "] low code sees the two machines' registers differ (16 general, flags, ip, frames):"
                    + "\n    A: " + ra + "\n    B: " + rb;
        }
        List<InterruptsSystem.ReadablePage> pa = a.system().readablePages();
        List<InterruptsSystem.ReadablePage> pb = b.system().readablePages();
        if (pa.size() != pb.size()) {
            return "after [" + x + "] the guest can read " + pa.size() + " pages in A, " + pb.size() + " in B";
        }
        for (int i = 0; i < pa.size(); i++) {
            InterruptsSystem.ReadablePage ga = pa.get(i);
            InterruptsSystem.ReadablePage gb = pb.get(i);
            if (ga.page() != gb.page()) {
                return "after [" + x + "] readable page " + ga.page() + " in A is " + gb.page() + " in B";
            }
            long[] known = equalPages.get(ga.page());
            if (known != null && known[0] == ga.stamp() && known[1] == gb.stamp()) {
                continue;
            }
            if (!Arrays.equals(ga.bytes(), gb.bytes())) {
                return "after [" + x + "] the bytes of readable guest page 0x" + Long.toHexString(ga.page())
                        + " differ between the two machines";
            }
            equalPages.put(ga.page(), new long[] {ga.stamp(), gb.stamp()});
        }
        return null;
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
