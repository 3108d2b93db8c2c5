package org.hvproof.properties.interrupts;

import static org.hvproof.model.interrupts.InterruptsInvariants.EXECUTE_ONLY_PAGE_FAULTS;
import static org.hvproof.model.interrupts.InterruptsInvariants.LOW_EQUIVALENCE_REFLEXIVE;
import static org.hvproof.model.interrupts.InterruptsInvariants.NEVER_RESTORES_SECRET;
import static org.hvproof.model.interrupts.InterruptsInvariants.NONINTERFERENCE;
import static org.hvproof.model.interrupts.InterruptsInvariants.NO_SECRET_AT_HANDLER_ENTRY;
import static org.hvproof.model.interrupts.InterruptsInvariants.ONE_VIRTUAL_INTERRUPT_PER_ARRIVAL;
import static org.hvproof.model.interrupts.InterruptsInvariants.SECRET_CONFINED_TO_SEQUENCE;
import static org.hvproof.model.interrupts.InterruptsInvariants.SECRET_NOT_READABLE;

import java.util.function.Consumer;
import org.hvproof.impl.interrupts.InterruptsImplFlaw;
import org.hvproof.impl.interrupts.InterruptsSystem;
import org.hvproof.model.common.Invariant;
import org.hvproof.model.common.Transition;
import org.hvproof.model.interrupts.InterruptsAction;
import org.hvproof.model.interrupts.InterruptsInvariants;
import org.hvproof.model.interrupts.InterruptsLowEquivalence;
import org.hvproof.model.interrupts.InterruptsObservation;
import org.hvproof.model.interrupts.InterruptsState;
import org.hvproof.propcheck.Property;
import org.hvproof.propcheck.StatefulProperty;
import org.hvproof.properties.Claim;
import org.hvproof.properties.Lockstep;

/**
 * The INT claims over generated traces. INT-1 is a two-run property: two machines that differ
 * only in their secret run the same trace, and everything guest code outside the sequence observes
 * must be equal after every step. INT-2..5 run one machine in lockstep with the model and check,
 * after every action, the claim's own invariants (the model's {@link InterruptsInvariants}, named as in
 * {@code interrupts.als}) on the machine's step read through the abstraction function, then
 * refinement. Coverage minimums fail a property whose traces do not reach the situations its claim
 * speaks of.
 */
public final class InterruptsProperties {
    /** Default tries (pairs, for INT-1) per claim in {@code mvn verify} and {@code ./hvproof check}. */
    public static final int TRIES = 1000;
    /** Generated steps per trace, at most (a run of instructions or a storm is one step). */
    public static final int STEPS = 40;

    private InterruptsProperties() {}

    /** INT-1 (sanity, Serval's check): low-equivalence is reflexive and relates different secrets, also inside the sequence. */
    @Claim("INT-1")
    public static Property lowEquivalenceIsReflexiveAndRelatesDifferentSecrets() {
        return Property.forAll(InterruptsActions.secrets())
                .named("INT-1 low-equivalence is reflexive and relates states with different secrets")
                .tries(TRIES)
                .verify(boot -> {
                    InterruptsTraceStep.Boot b = (InterruptsTraceStep.Boot) boot;
                    InterruptsState a = new InterruptsSystem(b.secretA()).abstractState();
                    LOW_EQUIVALENCE_REFLEXIVE.assertHolds(a);
                    if (!InterruptsLowEquivalence.relatesDifferentSecrets(b.secretA(), b.secretB())) {
                        throw new AssertionError("INT-1 lowEquivalenceRelatesDifferentSecrets violated: secrets 0x"
                                + Long.toHexString(b.secretA()) + " and 0x" + Long.toHexString(b.secretB())
                                + " are told apart before anything leaks, so noninterference would hold vacuously");
                    }
                });
    }

    /** INT-1: two runs that differ only in the secret look the same to guest code outside the sequence. */
    @Claim("INT-1")
    public static StatefulProperty<InterruptsPairTrace> noninterference() {
        return noninterference(InterruptsImplFlaw.NONE);
    }

    /** INT-1 against a given mechanism, so tests can show a flawed one is caught. */
    public static StatefulProperty<InterruptsPairTrace> noninterference(InterruptsImplFlaw flaw) {
        return StatefulProperty.<InterruptsPairTrace>named(
                        "INT-1 two runs differing only in the secret look the same" + suffix(flaw))
                .initial(() -> new InterruptsPairTrace(flaw))
                .actions(InterruptsActions::next)
                .steps(STEPS)
                .tries(TRIES)
                .describeState(InterruptsPairTrace::describe)
                .assertion(LOW_EQUIVALENCE_REFLEXIVE.label(), InterruptsPairTrace::checkReflexive)
                .assertion(NONINTERFERENCE.label(), InterruptsPairTrace::checkNoninterference)
                .assertion("refinement: machine A and model agree", InterruptsPairTrace::checkRefinementA)
                .assertion("refinement: machine B and model agree", InterruptsPairTrace::checkRefinementB)
                .cover(28, InterruptsLabels.ARRIVAL_WITH_SECRET_IN_REGISTER)
                .cover(20, InterruptsLabels.EXCEPTION_IN_SEQUENCE)
                .cover(40, InterruptsLabels.ACCEPTED)
                .cover(15, InterruptsLabels.NESTED);
    }

    /** INT-2: whenever a handler runs for an arrival inside the sequence, no register holds the secret; R1 and R2 hold the erasure constant. */
    @Claim("INT-2")
    public static StatefulProperty<InterruptsTrace> noSecretWhenAHandlerRuns() {
        return noSecretWhenAHandlerRuns(InterruptsImplFlaw.NONE);
    }

    /** INT-2 against a given mechanism. */
    public static StatefulProperty<InterruptsTrace> noSecretWhenAHandlerRuns(InterruptsImplFlaw flaw) {
        return base("INT-2 no register holds the secret when a handler runs", flaw)
                .assertion(NO_SECRET_AT_HANDLER_ENTRY.label(), onSteps(NO_SECRET_AT_HANDLER_ENTRY))
                .assertion(SECRET_CONFINED_TO_SEQUENCE.label(), onState(SECRET_CONFINED_TO_SEQUENCE))
                .assertion(REFINEMENT, InterruptsTrace::checkRefinement)
                .cover(30, InterruptsLabels.INTERRUPT_IN_SEQUENCE)
                .cover(22, InterruptsLabels.EXCEPTION_IN_SEQUENCE)
                .cover(28, InterruptsLabels.ARRIVAL_WITH_SECRET_IN_REGISTER)
                .cover(18, InterruptsLabels.ARRIVAL_AT_MOVE)
                .cover(15, InterruptsLabels.ARRIVAL_AT_MIX)
                .cover(13, InterruptsLabels.ARRIVAL_AT_COMPARE)
                .cover(12, InterruptsLabels.ARRIVAL_AT_HYPERCALL);
    }

    /**
     * INT-2's weaker reading alone, "no register holds the secret" (no refinement, no erasure
     * constant): not a claim property. It exists to show that this check misses a scrubber that
     * leaves a function of the secret, which INT-1 catches.
     */
    public static StatefulProperty<InterruptsTrace> noRegisterEqualsTheSecret(InterruptsImplFlaw flaw) {
        return base("INT-2 (weak reading) no register equals the secret when a handler runs", flaw)
                .assertion("INT-2 noRegisterEqualsTheSecret", t -> {
                    for (Lockstep.Transition<InterruptsState, InterruptsAction> tr :
                            t.run().recent()) {
                        for (Object o : tr.observations()) {
                            if (o instanceof InterruptsObservation.VirtualInterrupt vi
                                    && vi.registers().containsValue(tr.before().secret())) {
                                throw new AssertionError("INT-2 noRegisterEqualsTheSecret violated: the handler sees"
                                        + " the secret in " + vi.registers());
                            }
                        }
                    }
                })
                .assertion(SECRET_CONFINED_TO_SEQUENCE.label(), onState(SECRET_CONFINED_TO_SEQUENCE))
                .cover(30, InterruptsLabels.ARRIVAL_WITH_SECRET_IN_REGISTER);
    }

    /** INT-3: every intercepted interrupt or exception yields exactly one virtual interrupt with its vector, in order. */
    @Claim("INT-3")
    public static StatefulProperty<InterruptsTrace> oneVirtualInterruptPerArrival() {
        return oneVirtualInterruptPerArrival(InterruptsImplFlaw.NONE);
    }

    /** INT-3 against a given mechanism. */
    public static StatefulProperty<InterruptsTrace> oneVirtualInterruptPerArrival(InterruptsImplFlaw flaw) {
        return base("INT-3 one virtual interrupt per arrival, same vector, in order", flaw)
                .assertion(ONE_VIRTUAL_INTERRUPT_PER_ARRIVAL.label(), onSteps(ONE_VIRTUAL_INTERRUPT_PER_ARRIVAL))
                .assertion(REFINEMENT, InterruptsTrace::checkRefinement)
                .cover(30, InterruptsLabels.INTERRUPT_IN_SEQUENCE)
                .cover(22, InterruptsLabels.EXCEPTION_IN_SEQUENCE)
                .cover(40, InterruptsLabels.NESTED)
                .cover(15, InterruptsLabels.STORM);
    }

    /** INT-4: with any interleaving of interrupts the sequence's result is an interrupt-free run's; the hypervisor never writes the secret. */
    @Claim("INT-4")
    public static StatefulProperty<InterruptsTrace> transparentAndNeverRestoresTheSecret() {
        return transparentAndNeverRestoresTheSecret(InterruptsImplFlaw.NONE);
    }

    /** INT-4 against a given mechanism. */
    public static StatefulProperty<InterruptsTrace> transparentAndNeverRestoresTheSecret(InterruptsImplFlaw flaw) {
        return base("INT-4 interrupts are transparent and the secret is never written back", flaw)
                .assertion(NEVER_RESTORES_SECRET.label(), onSteps(NEVER_RESTORES_SECRET))
                .assertion(
                        "INT-4 " + InterruptsInvariants.TRANSPARENCY,
                        t -> t.run().transparency().check())
                .assertion(REFINEMENT, InterruptsTrace::checkRefinement)
                .cover(25, InterruptsLabels.RE_EXECUTION)
                .cover(20, InterruptsLabels.ACCEPTED_AFTER_SCRUB)
                .cover(12, InterruptsLabels.QUIESCED);
    }

    /** INT-5: the secret is never in guest-readable memory: reads and writes of its page fault, and it is not the erasure constant. */
    @Claim("INT-5")
    public static StatefulProperty<InterruptsTrace> secretNeverReadable() {
        return secretNeverReadable(InterruptsImplFlaw.NONE);
    }

    /** INT-5 against a given mechanism. */
    public static StatefulProperty<InterruptsTrace> secretNeverReadable(InterruptsImplFlaw flaw) {
        return base("INT-5 the secret is never in guest-readable memory", flaw)
                .assertion(EXECUTE_ONLY_PAGE_FAULTS.label(), onSteps(EXECUTE_ONLY_PAGE_FAULTS))
                .assertion(SECRET_NOT_READABLE.label(), onState(SECRET_NOT_READABLE))
                .assertion(REFINEMENT, InterruptsTrace::checkRefinement)
                .cover(30, InterruptsLabels.READ_FAULT)
                .cover(20, InterruptsLabels.WRITE_FAULT)
                .cover(30, InterruptsLabels.HANDLER_READ)
                .cover(18, InterruptsLabels.JUMP_INTO_MIDDLE);
    }

    private static final String REFINEMENT = "refinement: machine and model agree";

    /** The common single-run trace: the machine with {@code flaw} and the model in lockstep. */
    private static StatefulProperty<InterruptsTrace> base(String name, InterruptsImplFlaw flaw) {
        return StatefulProperty.<InterruptsTrace>named(name + suffix(flaw))
                .initial(() -> new InterruptsTrace(flaw))
                .actions(InterruptsActions::next)
                .steps(STEPS)
                .tries(TRIES)
                .describeState(InterruptsTrace::describe);
    }

    /** Judges every machine transition of the last generated step with {@code invariant}. */
    private static Consumer<InterruptsTrace> onSteps(
            Invariant<Transition<InterruptsState, InterruptsAction, InterruptsObservation>> invariant) {
        return t -> t.run().recent().forEach(tr -> invariant.assertHolds(MachineRun.asTransition(tr)));
    }

    /** Judges the machine's abstract state after the last generated step with {@code invariant}. */
    private static Consumer<InterruptsTrace> onState(Invariant<InterruptsState> invariant) {
        return t -> invariant.assertHolds(t.run().machineState());
    }

    private static String suffix(InterruptsImplFlaw flaw) {
        return flaw == InterruptsImplFlaw.NONE ? "" : " [flaw " + flaw + "]";
    }
}
