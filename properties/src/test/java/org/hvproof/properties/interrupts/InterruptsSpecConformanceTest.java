package org.hvproof.properties.interrupts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.hvproof.model.interrupts.ArrivalCause;
import org.hvproof.model.interrupts.CodeLayout;
import org.hvproof.model.interrupts.InterruptsAction;
import org.hvproof.model.interrupts.InterruptsAction.Arrive;
import org.hvproof.model.interrupts.InterruptsAction.DmaRead;
import org.hvproof.model.interrupts.InterruptsAction.Execute;
import org.hvproof.model.interrupts.InterruptsAction.JumpToByte;
import org.hvproof.model.interrupts.InterruptsAction.ReadMemory;
import org.hvproof.model.interrupts.InterruptsAction.Return;
import org.hvproof.model.interrupts.InterruptsAction.SetPagePresent;
import org.hvproof.model.interrupts.InterruptsModelFlaw;
import org.hvproof.model.interrupts.InterruptsObservation;
import org.hvproof.model.interrupts.InterruptsState;
import org.hvproof.propcheck.PropertyResult;
import org.hvproof.propcheck.Settings;
import org.hvproof.properties.harness.ModelRun;
import org.junit.jupiter.api.Test;

/**
 * The interrupts spec conformance is not vacuous: the guest calling the sequence, interrupted
 * inside it, resuming at the move and accepted is a spec trace, and each deliberately wrong model
 * step ({@link InterruptsModelFlaw}) gives a run the spec rejects at the state the wrong step leads
 * to. The property itself runs with the claims (ClaimPropertiesTest).
 */
class InterruptsSpecConformanceTest {

    private static ModelRun<InterruptsState, InterruptsAction, InterruptsObservation> run(
            Set<InterruptsModelFlaw> flaws, List<InterruptsAction> actions) {
        return ModelRun.of(
                InterruptsSpecConformance.initial(), actions, (s, a) -> InterruptsSpecConformance.step(s, a, flaws));
    }

    private static ModelRun<InterruptsState, InterruptsAction, InterruptsObservation> run(
            InterruptsModelFlaw flaw, InterruptsAction... actions) {
        return run(EnumSet.of(flaw), List.of(actions));
    }

    private static ModelRun<InterruptsState, InterruptsAction, InterruptsObservation> run(InterruptsAction... actions) {
        return run(EnumSet.noneOf(InterruptsModelFlaw.class), List.of(actions));
    }

    private static int allowedPrefix(ModelRun<InterruptsState, InterruptsAction, InterruptsObservation> run) {
        return InterruptsSpecAbstraction.validator()
                .consistentPrefix(InterruptsSpecAbstraction.of(run).trace());
    }

    private static int specStates(ModelRun<InterruptsState, InterruptsAction, InterruptsObservation> run) {
        return InterruptsSpecAbstraction.of(run).trace().states().size();
    }

    private static final InterruptsAction EXECUTE = new Execute();
    private static final InterruptsAction RETURN = new Return();

    private static InterruptsAction interrupt() {
        return new Arrive(ArrivalCause.INTERRUPT, 32);
    }

    private static InterruptsAction exception() {
        return new Arrive(ArrivalCause.EXCEPTION, 33);
    }

    /** Ordinary code sets the message and jumps into the sequence; the guest then stands at S0. */
    private static final List<InterruptsAction> CALL = List.of(EXECUTE, EXECUTE);

    private static List<InterruptsAction> with(List<InterruptsAction> prefix, InterruptsAction... more) {
        List<InterruptsAction> out = new ArrayList<>(prefix);
        out.addAll(List.of(more));
        return out;
    }

    @Test
    void anInterruptInsideTheSequenceResumesAtTheMoveAndIsAcceptedInTheSpecToo() {
        // the move and the mix, an interrupt at the compare, a nested exception, both return,
        // the sequence again from its move, the hypercall's verdict, the exit, the load and the store
        var run = run(
                EnumSet.noneOf(InterruptsModelFlaw.class),
                with(
                        CALL,
                        EXECUTE,
                        EXECUTE,
                        interrupt(),
                        exception(),
                        RETURN,
                        RETURN,
                        EXECUTE,
                        EXECUTE,
                        EXECUTE,
                        EXECUTE,
                        EXECUTE,
                        EXECUTE,
                        EXECUTE));
        assertThat(run.steps().get(11).observations())
                .anyMatch(o -> o instanceof InterruptsObservation.HypercallReturned);
        assertThat(allowedPrefix(run)).isEqualTo(specStates(run));
    }

    @Test
    void aPageFaultRaisedInTheSequencesMiddleIsTheSpecsFaultingFetchAndAnExceptionArrival() {
        // the move puts the secret in R1; the guest OS unmaps the sequence's page; the next fetch
        // page-faults and the machine raises it as an exception: scrubbed, delivered, returned
        // from; the page mapped back, the sequence goes on
        var run = run(
                EnumSet.noneOf(InterruptsModelFlaw.class),
                with(
                        CALL,
                        EXECUTE,
                        new SetPagePresent(CodeLayout.SEQUENCE_START, false),
                        EXECUTE,
                        RETURN,
                        new SetPagePresent(CodeLayout.SEQUENCE_START, true),
                        EXECUTE,
                        EXECUTE));
        var raised = run.steps().get(CALL.size() + 2);
        assertThat(InterruptsSpecAbstraction.raisedFault(raised)).isTrue();
        assertThat(raised.observations()).anyMatch(o -> o instanceof InterruptsObservation.VirtualInterrupt);
        // the raised fault is two spec steps: the faulting fetch, then the exception's arrival
        assertThat(specStates(run)).isEqualTo(run.steps().size() + 2);
        assertThat(allowedPrefix(run)).isEqualTo(specStates(run));
    }

    @Test
    void strayJumpsCodePageReadsAndDeviceReadsFaultInTheSpecToo() {
        var run = run(
                new JumpToByte(CodeLayout.entryByte() + 5),
                new JumpToByte(CodeLayout.entryByte() + CodeLayout.SLOT_SIZE),
                new ReadMemory(CodeLayout.SEQUENCE_START),
                RETURN,
                new DmaRead(CodeLayout.SEQUENCE_START),
                new DmaRead(InterruptsSpecConformance.DATA.get(0)),
                EXECUTE,
                EXECUTE,
                new JumpToByte(CodeLayout.entryByte() + 3 * CodeLayout.SLOT_SIZE + 1));
        assertThat(run.steps().get(0).observations()).anyMatch(o -> o instanceof InterruptsObservation.Fault);
        // The read's fault is an exception: the spec's faulting read, then its arrival (two spec steps).
        assertThat(run.steps().get(2).observations())
                .anyMatch(o -> o instanceof InterruptsObservation.VirtualInterrupt);
        assertThat(specStates(run)).isEqualTo(run.steps().size() + 2);
        assertThat(allowedPrefix(run)).isEqualTo(specStates(run));
    }

    @Test
    void aScrubberThatLeavesTheSecretXorAConstantIsRejectedAtTheHandlersEntry() {
        var run = run(InterruptsModelFlaw.SCRUB_XOR_SECRET, EXECUTE, EXECUTE, EXECUTE, interrupt());
        // states 0..3 are possible; state 4, R1 holding Hv.masked[m.secret] in the handler, is not
        assertThat(allowedPrefix(run)).isEqualTo(4);
    }

    @Test
    void aScrubberThatSkipsExceptionsIsRejectedAtTheExceptionHandlersEntry() {
        var run = run(InterruptsModelFlaw.SCRUB_ONLY_INTERRUPTS_NOT_EXCEPTIONS, EXECUTE, EXECUTE, EXECUTE, exception());
        assertThat(allowedPrefix(run)).isEqualTo(4);
    }

    @Test
    void aScrubberThatForgetsTheAuthenticationRegisterIsRejectedAtTheHandlersEntry() {
        var run = run(InterruptsModelFlaw.SCRUB_FORGETS_AUTH_REGISTER, EXECUTE, EXECUTE, EXECUTE, EXECUTE, interrupt());
        // R2 still holds Mix.f[m.secret] after the arrival at the compare: state 5
        assertThat(allowedPrefix(run)).isEqualTo(5);
    }

    @Test
    void restoringTheSecretOnReturnIsRejectedAtTheReturn() {
        var run = run(InterruptsModelFlaw.RESTORE_SECRET_ON_RETURN, EXECUTE, EXECUTE, EXECUTE, interrupt(), RETURN);
        assertThat(allowedPrefix(run)).isEqualTo(5);
    }

    @Test
    void aDuplicatedExceptionIsRejectedAtItsDelivery() {
        var run = run(InterruptsModelFlaw.DUPLICATE_EXCEPTION_DELIVERY, exception());
        assertThat(allowedPrefix(run)).isEqualTo(1);
    }

    @Test
    void aReadableCodePageIsRejectedAtTheRead() {
        var run = run(InterruptsModelFlaw.CODE_PAGE_READABLE, new ReadMemory(CodeLayout.SEQUENCE_START));
        assertThat(allowedPrefix(run)).isEqualTo(1);
    }

    /**
     * A gap the link found, left to the spec's owner: a handler that rewrites its return address to
     * a byte inside an instruction of the sequence faults in the model (a misaligned transfer), while
     * the spec's {@code jumpTo} takes it ({@code saved' = Inside}) and has no fault for a handler.
     * Runs draw a handler's transfers at slot starts only.
     */
    @Test
    void aHandlersMisalignedRewriteIntoTheSequenceIsNoSpecStep() {
        var run = run(interrupt(), new JumpToByte(CodeLayout.entryByte() + 5));
        assertThat(run.steps().get(1).observations()).anyMatch(o -> o instanceof InterruptsObservation.Fault);
        assertThat(allowedPrefix(run)).isEqualTo(2);
    }

    @Test
    void aWrongModelIsCaughtOnSampledRuns() {
        PropertyResult r = InterruptsSpecConformance.modelTracesAreSpecTraces(
                        EnumSet.of(InterruptsModelFlaw.DUPLICATE_EXCEPTION_DELIVERY))
                .run(Settings.none()
                        .withSeed(20261203L)
                        .withTries(10)
                        .withQuiet(true)
                        .withShrinkBudget(1));
        r.assertFailed();
        assertThat(r.failureMessage()).contains("interrupts.als allows no behaviour", "spec state");
    }
}
