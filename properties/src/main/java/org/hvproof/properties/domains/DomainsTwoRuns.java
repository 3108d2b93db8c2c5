package org.hvproof.properties.domains;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hvproof.impl.domains.DomainsImplFlaw;
import org.hvproof.impl.domains.DomainsSystem;
import org.hvproof.impl.domains.DomainsSystemAction;
import org.hvproof.model.common.Transition;
import org.hvproof.model.common.TransitionPair;
import org.hvproof.model.domains.DomainsAction;
import org.hvproof.model.domains.DomainsInvariants;
import org.hvproof.model.domains.DomainsLowEquivalence;
import org.hvproof.model.domains.DomainsObservation;
import org.hvproof.model.domains.DomainsState;
import org.hvproof.propcheck.Context;
import org.hvproof.properties.harness.JudgedPair;

/**
 * Two runs of the machine for noninterference: booted alike except for one secure domain's
 * memory and registers (two different secrets), then given the same actions. After every action
 * the two abstract states must stay low-equivalent with equal model root views (the pair invariant
 * {@link DomainsInvariants#ROOT_SEES_NOTHING_SECURE}, judged on {@link #lastPairs()}), and the root
 * domain's whole view of each machine must be equal: every register of every vCPU running root
 * code and every byte of every page the root's nested page table maps ({@link
 * DomainsSystem#rootView()}, judged by {@link #checkRootViewsEqualOnMachine()}).
 */
public final class DomainsTwoRuns implements JudgedPair<DomainsState, DomainsAction, DomainsObservation> {
    /** The two secrets the runs differ in. */
    public static final long SECRET_A = 0x5EC12E7L;

    /** Run B's secret. */
    public static final long SECRET_B = 0x0BAD_C0DEL;

    private final DomainsSystem a;
    private final DomainsSystem b;
    private final boolean[] leftByEvent;
    private DomainsState stateA;
    private DomainsState stateB;
    private final List<TransitionPair<DomainsState, DomainsAction, DomainsObservation>> lastPairs = new ArrayList<>();
    private String machineViolation;
    private int steps;

    /** Boots both runs under the hypervisor with {@code flaw}. */
    public DomainsTwoRuns(DomainsImplFlaw flaw) {
        this.a = new DomainsSystem(DomainsActions.LAYOUT, SECRET_A, flaw);
        this.b = new DomainsSystem(DomainsActions.LAYOUT, SECRET_B, flaw);
        this.stateA = a.abstractState();
        this.stateB = b.abstractState();
        this.leftByEvent = new boolean[DomainsActions.LAYOUT.vcpus()];
    }

    /** Run A's abstract state: the generator draws from it. */
    public DomainsState state() {
        return stateA;
    }

    /**
     * Serval's check of the relation itself, on the initial states: low-equivalence is reflexive,
     * relates these two runs, and they really hold different secure contents (and the model's own
     * example relates two guests whose secure domains differ, even after secure code read a secret).
     */
    @Override
    public void checkRelated() {
        if (steps > 0) {
            return;
        }
        if (!DomainsLowEquivalence.reflexiveOn(stateA) || !DomainsLowEquivalence.reflexiveOn(stateB)) {
            throw new AssertionError("low-equivalence is not reflexive on the booted guest");
        }
        if (!DomainsLowEquivalence.equivalent(stateA, stateB)) {
            throw new AssertionError("low-equivalence does not relate two guests that differ only in secure contents");
        }
        if (stateA.frames().equals(stateB.frames())) {
            throw new AssertionError("the two runs hold the same secure contents: the property would be vacuous");
        }
        if (!DomainsLowEquivalence.relatesDifferentSecureContents(SECRET_A, SECRET_B)) {
            throw new AssertionError("the model's low-equivalence fails its own non-vacuity example");
        }
    }

    /**
     * Runs one generated step on both runs, keeps each action's pair of transitions, and compares
     * the root's view of the two machines after every action.
     */
    void apply(DomainsActions.Step step, Context ctx) {
        lastPairs.clear();
        for (DomainsSystemAction action : step.actions()) {
            DomainsState beforeA = stateA;
            DomainsState beforeB = stateB;
            List<DomainsObservation> seenA = a.apply(action);
            List<DomainsObservation> seenB = b.apply(action);
            stateA = a.abstractState();
            stateB = b.abstractState();
            steps++;
            DomainsTrace.labelTransition(beforeA, action, stateA, seenA, step, ctx, leftByEvent);
            DomainsAction modelAction = DomainsTrace.modelAction(action);
            lastPairs.add(new TransitionPair<>(
                    new Transition<>(beforeA, modelAction, stateA, seenA),
                    new Transition<>(beforeB, modelAction, stateB, seenB)));
            if (machineViolation == null) {
                machineViolation = rootViewDifference(a, b, action).orElse(null);
            }
        }
    }

    /**
     * How the root domain's whole view ({@link DomainsSystem#rootView()}) of run {@code a} differs
     * from run {@code b}'s after {@code action}, if it does: registers of every vCPU running root
     * code, every byte its NPT maps.
     */
    public static Optional<String> rootViewDifference(DomainsSystem a, DomainsSystem b, Object action) {
        DomainsSystem.RootView viewA = a.rootView();
        DomainsSystem.RootView viewB = b.rootView();
        if (viewA.equals(viewB)) {
            return Optional.empty();
        }
        return Optional.of("after [" + action + "] the root's registers or memory differ between the runs:\n  A: "
                + viewA.vcpus() + "\n  B: " + viewB.vcpus()
                + (viewA.memory().equals(viewB.memory()) ? "" : "\n  and root-mapped memory differs"));
    }

    @Override
    public List<TransitionPair<DomainsState, DomainsAction, DomainsObservation>> lastPairs() {
        return List.copyOf(lastPairs);
    }

    /** Throws when the root's view of the two machines ever differed, registers the abstraction leaves out included. */
    void checkRootViewsEqualOnMachine() {
        if (machineViolation != null) {
            throw new AssertionError(
                    DomainsProperties.ROOT_SEES_NOTHING_SECURE_ON_MACHINE.label() + " violated: " + machineViolation);
        }
    }

    /** A short picture of the state for failure reports. */
    @Override
    public String describe() {
        return "  run A vcpus " + DomainsTrace.vcpus(stateA) + "\n  run B vcpus " + DomainsTrace.vcpus(stateB);
    }
}
