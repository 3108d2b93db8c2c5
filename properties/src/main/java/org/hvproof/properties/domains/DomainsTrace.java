package org.hvproof.properties.domains;

import java.util.ArrayList;
import java.util.List;
import org.hvproof.impl.domains.DomainAction;
import org.hvproof.impl.domains.DomainImplFlaw;
import org.hvproof.impl.domains.DomainLayout;
import org.hvproof.impl.domains.DomainsAbstraction;
import org.hvproof.impl.domains.DomainsSystem;
import org.hvproof.model.common.ClaimCheck;
import org.hvproof.model.domains.Action;
import org.hvproof.model.domains.Domains;
import org.hvproof.model.domains.Observation;
import org.hvproof.model.domains.State;
import org.hvproof.model.domains.Step;
import org.hvproof.propcheck.Context;
import org.hvproof.properties.Lockstep;

/**
 * One generated trace of the protection domains: the machine (with or without a deliberate flaw)
 * and the model in lockstep, the machine's transitions of the last generated step (each judged by
 * the claims' step invariants), and labels for coverage.
 */
public final class DomainsTrace {
    /** The secret every single-run trace boots with. */
    static final long SECRET = 0x5EC12E7L;

    private final DomainsSystem machine;
    private final Lockstep<State, DomainAction> lockstep;
    private final List<Lockstep.Transition<State, DomainAction>> lastSteps = new ArrayList<>();
    private final boolean[] leftByEvent;
    private String touchedSecure;

    /** Boots the guest under the hypervisor with {@code flaw} ({@link DomainImplFlaw#NONE} for the real one). */
    public DomainsTrace(DomainImplFlaw flaw) {
        this.machine = new DomainsSystem(DomainsActions.LAYOUT, SECRET, flaw);
        this.lockstep = new Lockstep<>(
                machine::apply,
                machine::abstractState,
                (s, a) -> {
                    Step step = Domains.step(s, modelAction(a));
                    return new Lockstep.ModelStep<>(step.next(), step.observations());
                },
                State.example(
                        DomainsActions.LAYOUT.secureDomains(), DomainsActions.LAYOUT.vcpus(), SECRET, this::bootFrame));
        this.leftByEvent = new boolean[DomainsActions.LAYOUT.vcpus()];
    }

    /**
     * The host frame the booted machine put behind page k of domain d's region, read off that
     * domain's own NPT: only the frame's name is taken from the machine (allocation order is the
     * hypervisor's business); whether it is mapped elsewhere too, and what it holds, is compared
     * with the model.
     */
    private long bootFrame(int d, int k) {
        var view = d == 0
                ? org.hvproof.impl.machine.ViewId.DEFAULT
                : machine.service().domains().get(d).view();
        return machine.machine()
                .view(view)
                .orElseThrow()
                .leaf(new org.hvproof.model.common.GuestPhysicalPage(DomainLayout.regionFirst(d) + k))
                .map(e -> e.hostFrame())
                .orElse(-1L - 4L * d - k);
    }

    static Action modelAction(DomainAction a) {
        return DomainsAbstraction.modelAction(a, DomainsActions.LAYOUT);
    }

    /** The model's state, equal to the machine's abstraction while refinement holds. */
    public State state() {
        return lockstep.state();
    }

    /** The machine's state through the abstraction function, after the last action. */
    public State machineState() {
        Lockstep.Transition<State, DomainAction> t = lockstep.last();
        return t == null ? lockstep.state() : t.after();
    }

    /** Runs one generated step on machine and model, keeps its transitions, labels what happened. */
    void apply(DomainsActions.Step step, Context ctx) {
        lastSteps.clear();
        for (DomainAction a : step.actions()) {
            Lockstep.Transition<State, DomainAction> t = lockstep.apply(a);
            lastSteps.add(t);
            recordTouchedSecureFrames(t);
            label(t, step, ctx);
        }
        if (step.actions().size() > 2 && step.actions().stream().allMatch(x -> x instanceof DomainAction.Event)) {
            ctx.label(Labels.STORM);
        }
    }

    /** Judges every machine transition of the last step with a step invariant of the model; throws on the first violation. */
    void checkSteps(StepInvariant invariant) {
        for (Lockstep.Transition<State, DomainAction> t : lastSteps) {
            invariant.judge(t.before(), modelAction(t.action()), asStep(t)).orThrow();
        }
    }

    /** Judges the machine's state after every action of the last step (and the initial state). */
    void checkStates(java.util.function.Function<State, ClaimCheck> invariant) {
        if (lastSteps.isEmpty()) {
            invariant.apply(machineState()).orThrow();
        }
        for (Lockstep.Transition<State, DomainAction> t : lastSteps) {
            invariant.apply(t.after()).orThrow();
        }
    }

    /**
     * The implementation-level half of PD-1: the host frames the machine actually read or wrote
     * for a root vCPU's access (every table read of its walk and the final access) hold no
     * secure frame. The abstract state only shows what the NPTs map; a hypervisor that walked
     * tables around the NPT would leave it unchanged.
     */
    private void recordTouchedSecureFrames(Lockstep.Transition<State, DomainAction> t) {
        State before = t.before();
        int v = t.action().vcpu();
        if (v < 0
                || v >= before.vcpus().size()
                || !before.vcpus().get(v).domain().isRoot()) {
            return;
        }
        java.util.Set<Long> secure = new java.util.TreeSet<>();
        before.secureFrames().forEach(f -> secure.add(f.n()));
        secure.retainAll(machine.framesTouchedByLastAccess());
        if (!secure.isEmpty() && touchedSecure == null) {
            touchedSecure = "root vCPU " + v + " touched secure frames " + secure + " in: " + t.action();
        }
    }

    /** PD-1 on the machine's accesses: no root access so far touched a secure host frame; throws otherwise. */
    void checkRootTouchedNoSecureFrame() {
        if (touchedSecure != null) {
            throw new AssertionError("PD-1 isolation violated: " + touchedSecure);
        }
    }

    @SuppressWarnings("unchecked")
    static Step asStep(Lockstep.Transition<State, DomainAction> t) {
        return new Step(t.after(), (List<Observation>) t.observations());
    }

    /** Refinement: the machine's observations and abstract state after every action equal the model's. */
    public void checkRefinement() {
        lockstep.checkRefinement();
    }

    private void label(Lockstep.Transition<State, DomainAction> t, DomainsActions.Step step, Context ctx) {
        labelTransition(t.before(), t.action(), t.after(), t.observations(), step, ctx, leftByEvent);
    }

    /** Labels one transition (shared with the two-run trace). */
    static void labelTransition(
            State before,
            DomainAction a,
            State after,
            List<?> seen,
            DomainsActions.Step step,
            Context ctx,
            boolean[] leftByEvent) {
        for (Object o : seen) {
            if (o instanceof Observation.Entered e) {
                ctx.label(Labels.GATE_ENTRY);
                if (e.vcpu() < leftByEvent.length && leftByEvent[e.vcpu()]) {
                    ctx.label(Labels.RESUMED);
                }
            } else if (o instanceof Observation.Fault f) {
                ctx.label(Labels.FAULT);
                if (f.kind() == Observation.FaultKind.NOT_A_GATE) {
                    ctx.label(Labels.REFUSED_JUMP);
                    if (a instanceof DomainAction.Transfer tr && (tr.target() & 0xfff) == 1) {
                        ctx.label(Labels.REFUSED_GATE_PLUS_ONE);
                    }
                }
                if (f.kind() == Observation.FaultKind.NOT_MAPPED
                        && f.domain().isRoot()
                        && (a instanceof DomainAction.Read || a instanceof DomainAction.Write)) {
                    int p = a instanceof DomainAction.Read r ? r.page() : ((DomainAction.Write) a).page();
                    if (DomainsActions.hostilePages(before, a.vcpu()).contains(p)) {
                        ctx.label(Labels.ROOT_ACCESS_TO_SECURE_REFUSED);
                    }
                }
            } else if (o instanceof Observation.Returned r) {
                if (r.vcpu() < leftByEvent.length) {
                    leftByEvent[r.vcpu()] = r.byInterrupt();
                }
                ctx.label(r.byInterrupt() ? Labels.EVENT_IN_SECURE_CODE : Labels.EXIT);
                if (r.byInterrupt()
                        && step.actions().size() == 2
                        && step.actions().get(0) instanceof DomainAction.Transfer) {
                    ctx.label(Labels.EVENT_AT_GATE_ENTRY);
                }
            } else if (o instanceof Observation.ReadValue rv && !rv.domain().isRoot()) {
                ctx.label(Labels.SECURE_READ);
            }
        }
        if (DomainsActions.walksHostileUpperEntry(before, a)) {
            ctx.label(Labels.HOSTILE_UPPER_LEVEL_WALKED);
        }
        if (a instanceof DomainAction.Write w
                && w.vcpu() >= 0
                && w.vcpu() < before.vcpus().size()
                && seen.isEmpty()) {
            if (!before.vcpus().get(w.vcpu()).domain().isRoot()) {
                ctx.label(Labels.SECURE_WRITE);
            } else if (!DomainsActions.hostilePages(after, w.vcpu()).isEmpty()) {
                ctx.label(Labels.HOSTILE_MAPPING);
            }
        }
    }

    /** A short picture of the state for failure reports. */
    public String describe() {
        State s = lockstep.state();
        return "  vcpus " + s.vcpus();
    }

    /** The shape of the model's step invariants, with the model's reading of the machine action. */
    @FunctionalInterface
    interface StepInvariant {
        ClaimCheck judge(State before, Action action, Step step);
    }

    /** Names of the situations a trace can reach; the properties set coverage minimums on them. */
    static final class Labels {
        static final String GATE_ENTRY = "gate entry";
        static final String RESUMED = "re-entry after an interrupt (resume)";
        static final String EXIT = "exit through the exit gate";
        static final String FAULT = "fault";
        static final String REFUSED_JUMP = "jump to a non-gate secure address refused";
        static final String REFUSED_GATE_PLUS_ONE = "jump to gate + 1 refused";
        static final String EVENT_IN_SECURE_CODE = "interrupt or exception while secure code runs";
        static final String EVENT_AT_GATE_ENTRY = "interrupt or exception right at gate entry";
        static final String STORM = "interrupt storm";
        static final String SECURE_READ = "secure code read its data";
        static final String SECURE_WRITE = "secure code wrote its own page";
        static final String HOSTILE_MAPPING = "root page table points outside the root's region";
        static final String HOSTILE_UPPER_LEVEL_WALKED = "hostile upper-level entry walked";
        static final String ROOT_ACCESS_TO_SECURE_REFUSED = "root access through a hostile mapping faulted";

        private Labels() {}
    }
}
