package org.hvproof.properties.interrupts;

import java.util.ArrayList;
import java.util.List;
import org.hvproof.impl.interrupts.InterruptsAbstraction;
import org.hvproof.impl.interrupts.InterruptsImplFlaw;
import org.hvproof.impl.interrupts.InterruptsSystem;
import org.hvproof.model.common.Transition;
import org.hvproof.model.interrupts.InterruptsAction;
import org.hvproof.model.interrupts.InterruptsModel;
import org.hvproof.model.interrupts.InterruptsObservation;
import org.hvproof.model.interrupts.InterruptsState;
import org.hvproof.model.interrupts.InterruptsStep;
import org.hvproof.properties.Lockstep;

/**
 * One machine with its secret, in lockstep with the model: every model action runs on both, the
 * machine's steps of the last generated step are kept (read through the abstraction function) for
 * the claims' checks, and INT-4's transparency is followed along.
 */
public final class MachineRun {
    private final Lockstep<InterruptsState, InterruptsAction> lockstep;
    private final List<Lockstep.Transition<InterruptsState, InterruptsAction>> recent = new ArrayList<>();
    private final Transparency transparency = new Transparency();
    private final InterruptsSystem impl;

    MachineRun(long secret, InterruptsImplFlaw flaw) {
        this.impl = new InterruptsSystem(secret, InterruptsState.DEFAULT_ERASURE, flaw);
        this.lockstep = new Lockstep<>(
                impl::apply,
                impl::abstractState,
                (s, a) -> {
                    InterruptsStep step = InterruptsModel.step(s, a);
                    return new Lockstep.ModelStep<>(InterruptsAbstraction.canonical(step.next()), step.observations());
                },
                InterruptsAbstraction.canonical(InterruptsState.initial(secret, InterruptsState.DEFAULT_ERASURE)));
    }

    /** The machine itself, for checks that read more of it than the abstraction function does. */
    InterruptsSystem system() {
        return impl;
    }

    /** The model's state. */
    InterruptsState state() {
        return lockstep.state();
    }

    /** The machine's abstract state after its last step. */
    InterruptsState machineState() {
        return lockstep.judgedState();
    }

    /** Forgets the transitions of the previous generated step. */
    void beginStep() {
        recent.clear();
    }

    /** Runs one model action on machine and model. */
    Lockstep.Transition<InterruptsState, InterruptsAction> apply(InterruptsAction a) {
        transparency.before(machineState(), a);
        Lockstep.Transition<InterruptsState, InterruptsAction> t = lockstep.apply(a);
        transparency.after(t.before(), t.after());
        recent.add(t);
        return t;
    }

    /** The machine's transitions of the current generated step. */
    List<Lockstep.Transition<InterruptsState, InterruptsAction>> recent() {
        return recent;
    }

    /** The interrupts have stopped and the guest ran on. */
    void quiesced() {
        transparency.quiesced(machineState());
    }

    Transparency transparency() {
        return transparency;
    }

    /** INT-6 on the machine: no page the device's IOMMU table maps holds the secret. */
    void checkDeviceCannotReachSecret() {
        checkDeviceCannotReachSecret(impl);
    }

    /**
     * INT-6 {@code noIommuMappingHoldsSecret} on {@code system}: no page its device's IOMMU table
     * maps holds the secret. Static, so that a trace hosting the interrupts guest beside other
     * services (the composed one) runs the same check.
     */
    public static void checkDeviceCannotReachSecret(InterruptsSystem system) {
        if (system.deviceCanReachSecret()) {
            throw new AssertionError("INT-6 " + InterruptsProperties.NO_IOMMU_MAPPING_HOLDS_SECRET
                    + " violated: the IOMMU table of device " + system.device()
                    + " maps a page holding the secret");
        }
    }

    void checkRefinement() {
        lockstep.checkRefinement();
    }

    /** A machine transition read through the abstraction function, as the model's step invariants judge it. */
    @SuppressWarnings("unchecked")
    static Transition<InterruptsState, InterruptsAction, InterruptsObservation> asTransition(
            Lockstep.Transition<InterruptsState, InterruptsAction> t) {
        return new Transition<>(t.before(), t.action(), t.after(), (List<InterruptsObservation>) t.observations());
    }
}
