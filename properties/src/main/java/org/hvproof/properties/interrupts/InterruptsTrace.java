package org.hvproof.properties.interrupts;

import java.util.List;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.TreeSet;
import org.hvproof.impl.interrupts.InterruptsImplFlaw;
import org.hvproof.model.common.Notation;
import org.hvproof.model.common.Transition;
import org.hvproof.model.interrupts.CodeLayout;
import org.hvproof.model.interrupts.InterruptsAction;
import org.hvproof.model.interrupts.InterruptsObservation;
import org.hvproof.model.interrupts.InterruptsState;
import org.hvproof.propcheck.Context;
import org.hvproof.properties.Lockstep;
import org.hvproof.properties.harness.JudgedTrace;

/**
 * One generated trace of the interrupts mechanism: the machine (with or without a deliberate
 * flaw) and the model in lockstep, with a fixed secret. INT-2..5 are judged on it.
 */
public final class InterruptsTrace
        implements InterruptsRun, JudgedTrace<InterruptsState, InterruptsAction, InterruptsObservation> {
    /** The secret every single-run trace embeds (the claims judged here do not depend on its value). */
    public static final long SECRET = 0x5EC2_E7C0_DE00_0001L;

    private final MachineRun run;
    private final InterruptsLabels labels = new InterruptsLabels();

    /** Boots the guest under the mechanism with {@code flaw} ({@link InterruptsImplFlaw#NONE} for the real one). */
    public InterruptsTrace(InterruptsImplFlaw flaw) {
        this.run = new MachineRun(SECRET, flaw);
    }

    @Override
    public boolean booted() {
        return true;
    }

    @Override
    public OptionalLong unguessable() {
        return OptionalLong.of(SECRET);
    }

    @Override
    public InterruptsState state() {
        return run.state();
    }

    @Override
    public void perform(InterruptsTraceStep step, Context ctx) {
        run.beginStep();
        if (step instanceof InterruptsTraceStep.Actions actions) {
            if (actions.actions().size() >= 3 && actions.actions().get(0) instanceof InterruptsAction.Arrive) {
                ctx.label(InterruptsLabels.STORM);
            }
            actions.actions().forEach(a -> apply(a, ctx));
        } else if (step instanceof InterruptsTraceStep.RunTo r) {
            for (int i = 0;
                    i < 16
                            && !(run.machineState().pc() == r.target()
                                    && !run.machineState().inHandler());
                    i++) {
                apply(new InterruptsAction.Execute(), ctx);
            }
        } else if (step instanceof InterruptsTraceStep.Quiesce) {
            // Faults stop with the interrupts: the guest OS maps back every page it unmapped.
            for (long page : new TreeSet<>(run.machineState().absentPages())) {
                apply(new InterruptsAction.SetPagePresent(page * CodeLayout.ADDRESSES_PER_GUEST_PAGE, true), ctx);
            }
            for (int i = 0; i < 64 && run.machineState().inHandler(); i++) {
                apply(new InterruptsAction.Return(), ctx);
            }
            for (int i = 0; i < 64 && run.machineState().inSequence(); i++) {
                apply(new InterruptsAction.Execute(), ctx);
            }
            run.quiesced();
            if (!run.transparency().notApplicable() && run.machineState().lowCodeRuns()) {
                ctx.label(InterruptsLabels.QUIESCED);
            }
        } else {
            throw new IllegalArgumentException("a single-run trace does not boot twice: " + step);
        }
    }

    private void apply(InterruptsAction a, Context ctx) {
        Lockstep.Transition<InterruptsState, InterruptsAction> t = run.apply(a);
        labels.label(t.before(), t.action(), t.after(), t.observations(), ctx);
    }

    /** The machine, for the claims' checks. */
    MachineRun run() {
        return run;
    }

    @Override
    public List<Transition<InterruptsState, InterruptsAction, InterruptsObservation>> lastTransitions() {
        return run.recent().stream().map(MachineRun::asTransition).toList();
    }

    @Override
    public InterruptsState judgedState() {
        return run.machineState();
    }

    /** Refinement: the machine's observations and abstract state equal the model's after every step. */
    @Override
    public void checkRefinement() {
        run.checkRefinement();
    }

    /** A short picture of the state for failure reports. */
    @Override
    public String describe() {
        InterruptsState s = run.machineState();
        return "  pc " + Notation.hex(s.pc()) + ", frames " + Notation.hexList(s.returnStack()) + ", registers "
                + Notation.hexValues(new TreeMap<>(s.registers())) + "\n  memory "
                + s.memory().entrySet().stream()
                        .map(e -> Notation.hex(e.getKey()) + " " + Notation.hex(e.getValue()))
                        .collect(java.util.stream.Collectors.joining(", ", "{", "}"))
                + ", hypercalls " + s.hypercalls();
    }
}
