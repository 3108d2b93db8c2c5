package org.hvproof.properties.composed;

import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.hvproof.impl.composed.ComposedSystemAction;
import org.hvproof.model.interrupts.CodeLayout;
import org.hvproof.model.interrupts.InterruptsAction;
import org.hvproof.model.interrupts.InterruptsState;
import org.hvproof.propcheck.Context;
import org.hvproof.properties.interrupts.InterruptsRun;
import org.hvproof.properties.interrupts.InterruptsTraceStep;

/**
 * How a composed trace plays one step of the interrupts guest's own generator on the composed
 * machine, as the interrupts trace plays it alone ({@code InterruptsTrace}): a list of actions as
 * they are; a run to an address as single instructions until the guest is there, outside a
 * handler (at most 16); a quiescence as the guest OS mapping back every page it unmapped, then
 * returns until no handler runs and instructions until the sequence is done (at most 64 each).
 * The last two are decided on the machine's own state, read through its abstraction.
 */
final class InterruptsSteps {
    private InterruptsSteps() {}

    /**
     * Plays {@code step}: each action goes to {@code run}, {@code machine} reads the interrupts
     * guest's state as the machine has it, and {@code quiesced} hears the state a quiescence ended in.
     */
    static void play(
            InterruptsTraceStep step,
            Supplier<InterruptsState> machine,
            Consumer<InterruptsAction> run,
            Consumer<InterruptsState> quiesced) {
        if (step instanceof InterruptsTraceStep.Actions actions) {
            actions.actions().forEach(run);
        } else if (step instanceof InterruptsTraceStep.RunTo r) {
            for (int i = 0;
                    i < 16
                            && !(machine.get().pc() == r.target()
                                    && !machine.get().inHandler());
                    i++) {
                run.accept(new InterruptsAction.Execute());
            }
        } else if (step instanceof InterruptsTraceStep.Quiesce) {
            // Faults stop with the interrupts: the guest OS maps back every page it unmapped.
            for (long p : new TreeSet<>(machine.get().absentPages())) {
                run.accept(new InterruptsAction.SetPagePresent(p * CodeLayout.ADDRESSES_PER_GUEST_PAGE, true));
            }
            for (int i = 0; i < 64 && machine.get().inHandler(); i++) {
                run.accept(new InterruptsAction.Return());
            }
            for (int i = 0; i < 64 && machine.get().inSequence(); i++) {
                run.accept(new InterruptsAction.Execute());
            }
            quiesced.accept(machine.get());
        } else {
            throw new IllegalArgumentException("a composed trace is one run of each guest: " + step);
        }
    }

    /**
     * Plays the interrupts guest's generator step of {@code step}, if it has one, on two composed
     * runs: drawn from and played against {@code state} (one run's machine state), each action
     * given to both runs by {@code both}.
     */
    static void playOnBoth(
            ComposedActions.Step step,
            Context ctx,
            Supplier<InterruptsState> state,
            BiConsumer<ComposedSystemAction, Context> both) {
        if (step.interrupts().isEmpty()) {
            return;
        }
        InterruptsRun guest = new InterruptsRun() {
            @Override
            public boolean booted() {
                return true;
            }

            @Override
            public InterruptsState state() {
                return state.get();
            }

            @Override
            public void perform(InterruptsTraceStep s, Context c) {
                play(s, state, x -> both.accept(new ComposedSystemAction.Interrupts(x), c), quiesced -> {});
            }
        };
        try {
            step.interrupts().get().apply(guest, ctx);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
