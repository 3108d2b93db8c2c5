package org.hvproof.properties.composed;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hvproof.impl.composed.ComposedAbstraction;
import org.hvproof.impl.composed.ComposedImplFlaw;
import org.hvproof.impl.composed.ComposedSystem;
import org.hvproof.impl.composed.ComposedSystemAction;
import org.hvproof.model.common.Notation;
import org.hvproof.model.common.Transition;
import org.hvproof.model.common.TransitionPair;
import org.hvproof.model.composed.ComposedAction;
import org.hvproof.model.composed.ComposedState;
import org.hvproof.model.interrupts.InterruptsAction;
import org.hvproof.model.interrupts.InterruptsLowEquivalence;
import org.hvproof.model.interrupts.InterruptsObservation;
import org.hvproof.model.interrupts.InterruptsState;
import org.hvproof.model.migration.MigrationConfig;
import org.hvproof.propcheck.Context;
import org.hvproof.properties.domains.DomainsTwoRuns;
import org.hvproof.properties.harness.JudgedPair;
import org.hvproof.properties.interrupts.InterruptsLowViews;
import org.hvproof.properties.interrupts.InterruptsProperties;
import org.hvproof.properties.interrupts.InterruptsTraceStep;

/**
 * Two runs of the composed machine for INT-1's noninterference beside the other guests: booted
 * alike (by the trace's first step) except for the interrupts guest's secret, the two secrets
 * drawn as the interrupts mechanism's own pairs draw them, then given the same composed steps of
 * all five guests. After every action the pair invariants hold (the interrupts guest's own {@code
 * noninterference} on its steps, {@code otherGuestsSeeNothingOfTheSecret} on every step), and on
 * the machines themselves the interrupts guest's low view is the same in both runs ({@code
 * noninterferenceOnMachine}, the per-mechanism comparison: all its registers while low code
 * runs, its interrupt frames, every page it can read) and so is every other guest's ({@code
 * otherGuestsSeeNothingOnMachine}: every register of every other vCPU, the domains' root's view
 * with the memory its NPT maps). A secret that reached the integrity guest, the domains or the
 * migration source through the machine they share makes the runs differ, not only one that
 * reached the interrupts guest's own low code.
 */
public final class ComposedInterruptsTwoRuns implements JudgedPair<ComposedState, ComposedAction, Object> {
    private final ComposedImplFlaw flaw;
    private ComposedSystem a;
    private ComposedSystem b;
    private ComposedState stateA;
    private ComposedState stateB;
    private final List<TransitionPair<ComposedState, ComposedAction, Object>> lastPairs = new ArrayList<>();
    private final InterruptsLowViews lowViews = new InterruptsLowViews();
    /** Why the two booted runs are not related as INT-1 needs them; null when they are. */
    private String unrelated;
    /** The first difference between the interrupts guest's low views on the two machines; null while none. */
    private String lowViewViolation;
    /** The first difference between another guest's registers or root view on the two machines; null while none. */
    private String otherGuestViolation;

    /** Two runs with {@code flaw}, booted by the first step. */
    public ComposedInterruptsTwoRuns(ComposedImplFlaw flaw) {
        this.flaw = flaw;
    }

    /** Whether the runs exist yet. */
    boolean booted() {
        return a != null;
    }

    /** Run A's abstract state: the generator draws from it. */
    ComposedState state() {
        return stateA;
    }

    /**
     * Boots both runs with the interrupts guest's secrets {@code boot.secretA()} and {@code
     * boot.secretB()}, the migration source's VM with {@code migration} in both, everything else alike; notes whether INT-1's low-equivalence relates the
     * two secrets at all and whether the runs differ only in the interrupts guest's part.
     */
    void boot(InterruptsTraceStep.Boot boot, MigrationConfig migration) {
        if (booted()) {
            throw new IllegalStateException("booted twice");
        }
        a = new ComposedSystem(flaw, ComposedSystem.SECRET, boot.secretA(), migration);
        b = new ComposedSystem(flaw, ComposedSystem.SECRET, boot.secretB(), migration);
        stateA = a.abstractState();
        stateB = b.abstractState();
        if (!InterruptsLowEquivalence.relatesDifferentSecrets(boot.secretA(), boot.secretB())) {
            unrelated = "secrets 0x" + Long.toHexString(boot.secretA()) + " and 0x" + Long.toHexString(boot.secretB())
                    + " are told apart before anything leaks, so noninterference would hold vacuously";
        } else if (!InterruptsLowEquivalence.equivalent(stateA.interrupts(), stateB.interrupts())) {
            unrelated = "the booted interrupts guests are not low-equivalent";
        } else if (!stateA.integrity().equals(stateB.integrity())
                || !stateA.domains().equals(stateB.domains())
                || !stateA.migration().equals(stateB.migration())
                || !stateA.tracing().equals(stateB.tracing())) {
            unrelated = "the two runs differ outside the interrupts guest at boot";
        }
        noteDifferences("boot");
    }

    /**
     * INT-1's non-vacuity on the composed machine: the low-equivalence relates the two secrets
     * (and still does once both guests hold theirs in R1), the booted interrupts guests are
     * low-equivalent, and nothing else differs at boot.
     */
    @Override
    public void checkRelated() {
        if (unrelated != null) {
            throw new AssertionError("INT-1 lowEquivalenceNonVacuous violated: " + unrelated);
        }
    }

    /** Runs one generated composed step on both runs, keeping each action's pair of transitions. */
    void apply(ComposedActions.Step step, Context ctx) {
        lastPairs.clear();
        InterruptsSteps.playOnBoth(step, ctx, () -> stateA.interrupts(), this::applyBoth);
        for (ComposedSystemAction action : step.actions()) {
            applyBoth(action, ctx);
        }
    }

    private void applyBoth(ComposedSystemAction action, Context ctx) {
        ComposedState beforeA = stateA;
        ComposedState beforeB = stateB;
        List<Object> seenA = a.apply(action);
        List<Object> seenB = b.apply(action);
        stateA = a.abstractState();
        stateB = b.abstractState();
        ComposedAction modelAction = ComposedAbstraction.modelAction(action);
        lastPairs.add(new TransitionPair<>(
                new Transition<>(beforeA, modelAction, stateA, seenA),
                new Transition<>(beforeB, modelAction, stateB, seenB)));
        label(beforeA, action, seenA, ctx);
        noteDifferences(action);
    }

    /** Keeps the first difference of either kind between the two machines after {@code action}. */
    private void noteDifferences(Object action) {
        if (lowViewViolation == null) {
            lowViewViolation =
                    lowViews.difference(a.interrupts(), b.interrupts(), action).orElse(null);
        }
        if (otherGuestViolation == null) {
            Optional<String> root = DomainsTwoRuns.rootViewDifference(a.domains(), b.domains(), action);
            otherGuestViolation = root.map(r -> "the domains' root: " + r)
                    .or(() -> ComposedTwoRuns.otherVcpusDifference(
                            a, b, action, v -> v == ComposedSystem.INTERRUPTS_VCPU))
                    .orElse(null);
        }
    }

    /**
     * The seams the pair reached: another guest's step while the interrupts guest holds its
     * secret in a register, an arrival on the interrupts vCPU then (the scrub INT-1 is about), an
     * arrival while its low code holds run A's secret as a guess (what a scrub that tests values
     * would give away), and the sequence's hypercall answered (the hypervisor computing with its copy of the secret).
     */
    private static void label(ComposedState before, ComposedSystemAction action, List<Object> seen, Context ctx) {
        InterruptsState s = before.interrupts();
        boolean held = s.registers().containsValue(s.secret());
        if (!(action instanceof ComposedSystemAction.Interrupts r)) {
            if (held) {
                ctx.label(ComposedLabels.OTHER_GUEST_STEP_WHILE_INTERRUPTS_SECRET_HELD);
            }
            return;
        }
        if (r.action() instanceof InterruptsAction.Arrive && held && s.inSequence() && !s.inHandler()) {
            ctx.label(ComposedLabels.ARRIVAL_WHILE_INTERRUPTS_SECRET_HELD);
        }
        if (r.action() instanceof InterruptsAction.Arrive && held && s.lowCodeRuns()) {
            ctx.label(ComposedLabels.ARRIVAL_WITH_GUESS_IN_LOW_REGISTER_IN_TWO_RUNS);
        }
        if (seen.stream().anyMatch(o -> o instanceof InterruptsObservation.HypercallReturned)) {
            ctx.label(ComposedLabels.SEQUENCE_HYPERCALL_ANSWERED_IN_TWO_RUNS);
        }
    }

    @Override
    public List<TransitionPair<ComposedState, ComposedAction, Object>> lastPairs() {
        return List.copyOf(lastPairs);
    }

    /** INT-1 {@code noninterferenceOnMachine}: throws when the interrupts guest's low views ever differed. */
    void checkLowViewsEqualOnMachine() {
        if (lowViewViolation != null) {
            throw new AssertionError(
                    "INT-1 " + InterruptsProperties.NONINTERFERENCE_ON_MACHINE + " violated: " + lowViewViolation);
        }
    }

    /** INT-1 {@code otherGuestsSeeNothingOnMachine}: throws when another guest's registers or root view ever differed. */
    void checkOtherGuestsSeeNothingOnMachine() {
        if (otherGuestViolation != null) {
            throw new AssertionError("INT-1 " + ComposedProperties.OTHER_GUESTS_SEE_NOTHING_ON_MACHINE + " violated: "
                    + otherGuestViolation);
        }
    }

    @Override
    public String describe() {
        if (!booted()) {
            return "  not booted";
        }
        return "  run A interrupts: " + picture(stateA.interrupts()) + "\n  run B interrupts: "
                + picture(stateB.interrupts());
    }

    private static String picture(InterruptsState s) {
        return "secret " + Notation.hex(s.secret()) + ", pc " + Notation.hex(s.pc()) + ", frames "
                + Notation.hexList(s.returnStack());
    }
}
