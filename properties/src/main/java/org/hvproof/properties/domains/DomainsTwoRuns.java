package org.hvproof.properties.domains;

import static org.hvproof.model.domains.DomainsInvariants.ROOT_SEES_NOTHING_SECURE;

import java.util.List;
import org.hvproof.impl.domains.DomainsImplFlaw;
import org.hvproof.impl.domains.DomainsSystem;
import org.hvproof.impl.domains.DomainsSystemAction;
import org.hvproof.model.common.ClaimCheck;
import org.hvproof.model.common.Transition;
import org.hvproof.model.common.TransitionPair;
import org.hvproof.model.domains.DomainsAction;
import org.hvproof.model.domains.DomainsInvariants;
import org.hvproof.model.domains.DomainsLowEquivalence;
import org.hvproof.model.domains.DomainsObservation;
import org.hvproof.model.domains.DomainsState;
import org.hvproof.model.domains.RootView;
import org.hvproof.propcheck.Context;

/**
 * Two runs of the machine for noninterference: booted alike except for one secure domain's
 * memory and registers (two different secrets), then given the same actions. After every action
 * the root domain's whole view of each run must be equal: the observations of root code and every
 * return to it, every register of every vCPU running root code, and every byte of every page the
 * root's nested page table maps ({@link DomainsSystem#rootView()}); and the two abstract states
 * must stay low-equivalent with equal model root views ({@link DomainsInvariants#ROOT_SEES_NOTHING_SECURE}).
 */
public final class DomainsTwoRuns {
    /** The two secrets the runs differ in. */
    static final long SECRET_A = 0x5EC12E7L;

    static final long SECRET_B = 0x0BAD_C0DEL;

    private final DomainsSystem a;
    private final DomainsSystem b;
    private final boolean[] leftByEvent;
    private DomainsState stateA;
    private DomainsState stateB;
    private String violation;
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
    public void checkRelationNonVacuous() {
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

    /** Runs one generated step on both runs and compares what the root domain sees after every action. */
    void apply(DomainsActions.Step step, Context ctx) {
        for (DomainsSystemAction action : step.actions()) {
            DomainsState beforeA = stateA;
            DomainsState beforeB = stateB;
            List<DomainsObservation> seenA = a.apply(action);
            List<DomainsObservation> seenB = b.apply(action);
            stateA = a.abstractState();
            stateB = b.abstractState();
            steps++;
            DomainsTrace.labelTransition(beforeA, action, stateA, seenA, step, ctx, leftByEvent);
            if (violation != null) {
                continue;
            }
            DomainsAction modelAction = DomainsTrace.modelAction(action);
            Transition<DomainsState, DomainsAction, DomainsObservation> stepA =
                    new Transition<>(beforeA, modelAction, stateA, seenA);
            Transition<DomainsState, DomainsAction, DomainsObservation> stepB =
                    new Transition<>(beforeB, modelAction, stateB, seenB);
            if (!RootView.of(stepA).events().equals(RootView.of(stepB).events())) {
                violation = "after [" + action + "] root code saw "
                        + RootView.of(stepA).events() + " in run A but "
                        + RootView.of(stepB).events() + " in run B";
            } else if (!a.rootView().equals(b.rootView())) {
                violation = "after [" + action + "] the root's registers or memory differ between the runs:\n  A: "
                        + a.rootView().vcpus() + "\n  B: " + b.rootView().vcpus()
                        + (a.rootView().memory().equals(b.rootView().memory())
                                ? ""
                                : "\n  and root-mapped memory differs");
            } else {
                ClaimCheck r = ROOT_SEES_NOTHING_SECURE.check(new TransitionPair<>(stepA, stepB));
                if (!r.holds()) {
                    violation = "after [" + action + "] " + r.detail();
                }
            }
        }
    }

    /** Throws when the root domain ever told the two runs apart. */
    public void checkRootSeesNothingSecure() {
        if (violation != null) {
            throw new AssertionError(ROOT_SEES_NOTHING_SECURE.label() + " violated: " + violation);
        }
    }

    /** A short picture of the state for failure reports. */
    public String describe() {
        return "  run A vcpus " + stateA.vcpus() + "\n  run B vcpus " + stateB.vcpus();
    }
}
