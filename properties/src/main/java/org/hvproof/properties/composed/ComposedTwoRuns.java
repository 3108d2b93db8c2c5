package org.hvproof.properties.composed;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntPredicate;
import org.hvproof.impl.composed.ComposedAbstraction;
import org.hvproof.impl.composed.ComposedImplFlaw;
import org.hvproof.impl.composed.ComposedSystem;
import org.hvproof.impl.composed.ComposedSystemAction;
import org.hvproof.impl.machine.VirtualCpu;
import org.hvproof.model.common.Transition;
import org.hvproof.model.common.TransitionPair;
import org.hvproof.model.composed.ComposedAction;
import org.hvproof.model.composed.ComposedState;
import org.hvproof.model.domains.DomainsLowEquivalence;
import org.hvproof.model.domains.DomainsObservation;
import org.hvproof.model.migration.MigrationConfig;
import org.hvproof.propcheck.Context;
import org.hvproof.properties.domains.DomainsTwoRuns;
import org.hvproof.properties.harness.JudgedPair;

/**
 * Two runs of the composed machine for PD-1's noninterference across guests: booted alike except
 * for the secure domains' contents (two secrets), then given the same composed steps. After every
 * action the pair invariants hold (the domains' own {@code rootSeesNothingSecure} on their steps,
 * {@code otherGuestsSeeNothingSecure} on the other guests'), and on the machines themselves the
 * domains' root sees the same registers and root-mapped memory in both runs and every other
 * guest's vCPU holds the same registers ({@link #checkLowViewsEqualOnMachine}). A secret that
 * reached another guest's observations, abstract state (the interrupts guest's and the migration
 * source's memory among it, not the integrity guest's) or registers through the machine they
 * share, and not only one that reached the domains' root, makes the runs differ (flaw {@code
 * SECURE_FRAME_GIVEN_BACK}). The integrity store's requests
 * run in the micro-steps of its commit in both runs ({@link StoreMicroSteps}), the other guests
 * acting between them, and a request is judged where it published.
 */
public final class ComposedTwoRuns implements JudgedPair<ComposedState, ComposedAction, Object> {
    private final ComposedSystem a;
    private final ComposedSystem b;
    /** Each run's store requests in the micro-steps of its commit, as the composed trace runs them. */
    private final StoreMicroSteps commitsA;

    private final StoreMicroSteps commitsB;
    private ComposedState stateA;
    private ComposedState stateB;
    private final List<TransitionPair<ComposedState, ComposedAction, Object>> lastPairs = new ArrayList<>();
    private String machineViolation;
    private int steps;

    /** Boots both runs with {@code flaw}. */
    public ComposedTwoRuns(ComposedImplFlaw flaw) {
        this(flaw, ComposedSystem.MIGRATION);
    }

    /** Boots both runs with {@code flaw}, the migration source's VM in both with {@code migration}. */
    public ComposedTwoRuns(ComposedImplFlaw flaw, MigrationConfig migration) {
        this.a = new ComposedSystem(flaw, DomainsTwoRuns.SECRET_A, ComposedSystem.INTERRUPTS_SECRET, migration);
        this.b = new ComposedSystem(flaw, DomainsTwoRuns.SECRET_B, ComposedSystem.INTERRUPTS_SECRET, migration);
        this.commitsA = new StoreMicroSteps(a);
        this.commitsB = new StoreMicroSteps(b);
        this.stateA = a.abstractState();
        this.stateB = b.abstractState();
    }

    /** Run A's abstract state: the generator draws from it. */
    public ComposedState state() {
        return stateA;
    }

    /**
     * On the booted runs: the domains' low-equivalence relates them, their secure contents really
     * differ (else the property would be vacuous), and every other guest's state is the same.
     */
    @Override
    public void checkRelated() {
        if (steps > 0) {
            return;
        }
        if (!DomainsLowEquivalence.equivalent(stateA.domains(), stateB.domains())) {
            throw new AssertionError(
                    "low-equivalence does not relate two compositions that differ only in secure contents");
        }
        if (stateA.domains().frames().equals(stateB.domains().frames())) {
            throw new AssertionError("the two runs hold the same secure contents: the property would be vacuous");
        }
        if (!stateA.integrity().equals(stateB.integrity())
                || !stateA.interrupts().equals(stateB.interrupts())
                || !stateA.migration().equals(stateB.migration())
                || !stateA.tracing().equals(stateB.tracing())) {
            throw new AssertionError("the two runs differ outside the secure domains at boot");
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
        List<Object> seenA = commitsA.run(action, a::apply);
        List<Object> seenB = commitsB.run(action, b::apply);
        stateA = a.abstractState();
        stateB = b.abstractState();
        steps++;
        List<ComposedSystemAction> takenA = commitsA.taken();
        if (takenA.equals(commitsB.taken())) {
            // One pair per action the runs took: a store request published around another
            // guest's action is judged on its own, with what each run showed for it.
            List<List<Object>> piecesA = commitsA.pieces();
            List<List<Object>> piecesB = commitsB.pieces();
            for (int i = 0; i < takenA.size(); i++) {
                ComposedAction modelAction = ComposedAbstraction.modelAction(takenA.get(i));
                lastPairs.add(new TransitionPair<>(
                        new Transition<>(beforeA, modelAction, stateA, piecesA.get(i)),
                        new Transition<>(beforeB, modelAction, stateB, piecesB.get(i))));
            }
        } else if (machineViolation == null) {
            machineViolation = "after [" + action + "] the runs' store commits went apart: run A took " + takenA
                    + ", run B " + commitsB.taken();
        }
        if (commitsA.insideCommit() && !(action instanceof ComposedSystemAction.Integrity)) {
            ctx.label(ComposedLabels.OTHER_GUEST_ACTION_INSIDE_STORE_COMMIT);
        }
        label(beforeA, action, seenA, ctx);
        if (machineViolation == null) {
            machineViolation = lowViewDifference(action);
        }
    }

    /** Where the two machines' low views differ after {@code action}, or null. */
    private String lowViewDifference(ComposedSystemAction action) {
        Optional<String> root = DomainsTwoRuns.rootViewDifference(a.domains(), b.domains(), action);
        if (root.isPresent()) {
            return root.get();
        }
        int domainsFirst = ComposedSystem.INTEGRITY.vcpuCount();
        int domainsEnd = domainsFirst + ComposedSystem.LAYOUT.vcpus();
        return otherVcpusDifference(a, b, action, v -> v >= domainsFirst && v < domainsEnd)
                .orElse(null);
    }

    /**
     * Where the registers of a vCPU not {@code secretHolders}' differ between runs {@code a} and
     * {@code b} after {@code action}, if they do: every general register, the flags, the
     * instruction pointer and CR3 of each other guest's vCPU (PD-1's and INT-1's pairs both ask it).
     */
    static Optional<String> otherVcpusDifference(
            ComposedSystem a, ComposedSystem b, Object action, IntPredicate secretHolders) {
        for (int v = 0; v < a.machine().vcpus().size(); v++) {
            if (secretHolders.test(v)) {
                continue;
            }
            List<Long> ra = cpuState(a, v);
            List<Long> rb = cpuState(b, v);
            if (!ra.equals(rb)) {
                return Optional.of("after [" + action + "] vCPU " + v + " of another guest holds different registers:\n"
                        + "  A: " + ra + "\n  B: " + rb);
            }
        }
        return Optional.empty();
    }

    /** Every general register, the flags, the instruction pointer and CR3 of vCPU {@code v} of {@code system}. */
    private static List<Long> cpuState(ComposedSystem system, int v) {
        VirtualCpu cpu = system.machine().vcpus().get(v);
        List<Long> out = new ArrayList<>();
        for (int r = 0; r < VirtualCpu.GENERAL_REGISTERS; r++) {
            out.add(cpu.register(r));
        }
        out.add(cpu.flags());
        out.add(cpu.instructionPointer());
        out.add(cpu.cr3());
        return out;
    }

    /** The seams the pair reached: another guest's step while secure code runs, or right after it read its secret. */
    private void label(ComposedState before, ComposedSystemAction action, List<Object> seen, Context ctx) {
        boolean secureRuns =
                before.domains().vcpus().stream().anyMatch(v -> !v.domain().isRoot());
        if (action instanceof ComposedSystemAction.Domains) {
            if (seen.stream()
                    .anyMatch(o -> o instanceof DomainsObservation.ReadValue r
                            && !r.domain().isRoot())) {
                secretJustRead = true;
            }
            return;
        }
        if (secureRuns) {
            ctx.label(ComposedLabels.OTHER_GUEST_STEP_WHILE_SECURE_DOMAIN_RUNS);
        }
        if (secretJustRead) {
            ctx.label(ComposedLabels.OTHER_GUEST_STEP_AFTER_SECURE_READ);
            secretJustRead = false;
        }
    }

    /** Whether a secure domain read its memory since another guest last stepped. */
    private boolean secretJustRead;

    @Override
    public List<TransitionPair<ComposedState, ComposedAction, Object>> lastPairs() {
        return List.copyOf(lastPairs);
    }

    /** PD-1 {@code lowViewsEqualOnMachine}: throws when the two machines' low views ever differed. */
    void checkLowViewsEqualOnMachine(String label) {
        if (machineViolation != null) {
            throw new AssertionError(label + " violated: " + machineViolation);
        }
    }

    @Override
    public String describe() {
        return "  run A domains vcpus " + stateA.domains().vcpus() + "\n  run B domains vcpus "
                + stateB.domains().vcpus() + "\n  migration source: "
                + stateA.migration().config();
    }
}
