package org.hvproof.properties.interrupts;

import java.util.function.Consumer;
import org.hvproof.impl.interrupts.InterruptsImplFlaw;
import org.hvproof.impl.interrupts.InterruptsSystem;
import org.hvproof.model.common.ClaimCheck;
import org.hvproof.model.interrupts.InterruptsAction;
import org.hvproof.model.interrupts.InterruptsInvariants;
import org.hvproof.model.interrupts.InterruptsLowEquivalence;
import org.hvproof.model.interrupts.InterruptsObservation;
import org.hvproof.model.interrupts.InterruptsState;
import org.hvproof.model.interrupts.InterruptsStep;
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
                    InterruptsInvariants.int1LowEquivalenceReflexive(a).orThrow();
                    if (!InterruptsLowEquivalence.relatesDifferentSecrets(b.secretA(), b.secretB())) {
                        throw new AssertionError("INT-1 low-equivalence relates nothing: secrets 0x"
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
                .assertion("INT-1 low-equivalence reflexive", InterruptsPairTrace::checkReflexive)
                .assertion("INT-1 noninterference", InterruptsPairTrace::checkNoninterference)
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
                .assertion(
                        "INT-2 no secret at handler entry",
                        steps((before, a, step) -> InterruptsInvariants.int2NoSecretAtHandlerEntry(before, step)
                                .orThrow()))
                .assertion(
                        "INT-2 secret confined to the sequence",
                        t -> InterruptsInvariants.int2SecretConfinedToSequence(
                                        t.run().machineState())
                                .orThrow())
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
                .assertion("INT-2 no register equals the secret", steps((before, a, step) -> {
                    for (InterruptsObservation o : step.observations()) {
                        if (o instanceof InterruptsObservation.VirtualInterrupt vi
                                && vi.registers().containsValue(before.secret())) {
                            throw new AssertionError("INT-2 the handler sees the secret in " + vi.registers());
                        }
                    }
                }))
                .assertion(
                        "INT-2 secret confined to the sequence",
                        t -> InterruptsInvariants.int2SecretConfinedToSequence(
                                        t.run().machineState())
                                .orThrow())
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
                .assertion(
                        "INT-3 one virtual interrupt per arrival",
                        steps((before, a, step) -> InterruptsInvariants.int3OneVirtualInterruptPerArrival(a, step)
                                .orThrow()))
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
                .assertion("INT-4 never restores the secret", invariant(InterruptsInvariants::int4NeverRestoresSecret))
                .assertion("INT-4 transparency", t -> t.run().transparency().check())
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
                .assertion("INT-5 execute-only page faults", invariant(InterruptsInvariants::int5ExecuteOnlyPageFaults))
                .assertion(
                        "INT-5 secret not readable",
                        t -> InterruptsInvariants.int5SecretNotReadable(t.run().machineState())
                                .orThrow())
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

    /** A check of one machine transition: the abstract state before, the action, the step. */
    @FunctionalInterface
    private interface StepCheck {
        void check(InterruptsState before, InterruptsAction action, InterruptsStep step);
    }

    @FunctionalInterface
    private interface StepInvariant {
        ClaimCheck check(InterruptsState before, InterruptsAction action, InterruptsStep step);
    }

    private static Consumer<InterruptsTrace> invariant(StepInvariant invariant) {
        return steps((StepCheck)
                (before, a, step) -> invariant.check(before, a, step).orThrow());
    }

    /** Runs {@code check} on every machine transition of the last generated step. */
    private static Consumer<InterruptsTrace> steps(StepCheck check) {
        return t -> {
            for (Lockstep.Transition<InterruptsState, InterruptsAction> tr :
                    t.run().recent()) {
                check.check(tr.before(), tr.action(), MachineRun.asStep(tr));
            }
        };
    }

    private static String suffix(InterruptsImplFlaw flaw) {
        return flaw == InterruptsImplFlaw.NONE ? "" : " [flaw " + flaw + "]";
    }
}
