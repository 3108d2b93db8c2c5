package org.hvproof.impl.interrupts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.hvproof.model.interrupts.ArrivalCause;
import org.hvproof.model.interrupts.CodeLayout;
import org.hvproof.model.interrupts.Instruction;
import org.hvproof.model.interrupts.InterruptsAction;
import org.hvproof.model.interrupts.InterruptsObservation;
import org.hvproof.model.interrupts.InterruptsObservation.FaultKind;
import org.hvproof.model.interrupts.InterruptsObservation.VirtualInterrupt;
import org.hvproof.model.interrupts.InterruptsState;
import org.hvproof.model.interrupts.Reg;
import org.junit.jupiter.api.Test;

/**
 * Each planted flaw's own path, which the claim properties only reach through the flawed system
 * (they test the correct one) and the other unit tests not at all: the flawed module does the
 * wrong thing exactly where its flaw says, and the correct one does not.
 */
class InterruptsFlawPathsTest {
    private static final long SECRET = 0x5EC2E7_0000_1234L;
    private static final long E = InterruptsState.DEFAULT_ERASURE;
    private static final long MESSAGE = 0x4D5347L;
    private static final InterruptsAction EXEC = new InterruptsAction.Execute();
    private static final InterruptsAction RETURN = new InterruptsAction.Return();

    private static InterruptsSystem boot(InterruptsImplFlaw flaw) {
        return new InterruptsSystem(SECRET, E, flaw);
    }

    /** Runs the guest {@code n} instructions: 3 ends after the move, 4 after the mix, 5 after the compare. */
    private static InterruptsSystem run(InterruptsSystem sys, int n) {
        for (int i = 0; i < n; i++) {
            sys.apply(EXEC);
        }
        return sys;
    }

    private static VirtualInterrupt arrive(InterruptsSystem sys, ArrivalCause cause, int vector) {
        List<InterruptsObservation> seen = sys.apply(new InterruptsAction.Arrive(cause, vector));
        assertThat(seen).hasSize(1);
        return (VirtualInterrupt) seen.get(0);
    }

    @Test
    void theExceptionsOnlyScrubberForwardsAnExceptionWithTheSecretButScrubsAnInterrupt() {
        InterruptsSystem flawed = run(boot(InterruptsImplFlaw.SCRUB_ONLY_INTERRUPTS_NOT_EXCEPTIONS), 3);
        assertThat(arrive(flawed, ArrivalCause.EXCEPTION, 14).registers()).containsEntry(Reg.R1, SECRET);
        flawed.apply(RETURN);
        run(flawed, 1);
        assertThat(arrive(flawed, ArrivalCause.INTERRUPT, 14).registers()).containsEntry(Reg.R1, E);

        InterruptsSystem correct = run(boot(InterruptsImplFlaw.NONE), 3);
        assertThat(arrive(correct, ArrivalCause.EXCEPTION, 14).registers()).containsEntry(Reg.R1, E);
    }

    @Test
    void theScrubberThatForgetsR2LeavesTheAuthenticationValueButErasesR1() {
        InterruptsSystem flawed = run(boot(InterruptsImplFlaw.SCRUB_FORGETS_AUTH_REGISTER), 4);
        VirtualInterrupt vi = arrive(flawed, ArrivalCause.INTERRUPT, 32);
        assertThat(vi.registers()).containsEntry(Reg.R1, E).containsEntry(Reg.R2, Instruction.mix(SECRET, MESSAGE));

        InterruptsSystem correct = run(boot(InterruptsImplFlaw.NONE), 4);
        assertThat(arrive(correct, ArrivalCause.INTERRUPT, 32).registers())
                .containsEntry(Reg.R1, E)
                .containsEntry(Reg.R2, E);
    }

    @Test
    void theScrubberThatForgetsTheFlagsLeavesTheComparesFlagsToTheHandler() {
        long compareFlags = Instruction.compareFlags(SECRET, E);
        assertThat(compareFlags).isNotZero();
        InterruptsSystem flawed = run(boot(InterruptsImplFlaw.SCRUB_FORGETS_FLAGS), 5);
        arrive(flawed, ArrivalCause.INTERRUPT, 32);
        assertThat(flawed.cpu().flags()).isEqualTo(compareFlags);
        assertThat(flawed.cpu().register(Reg.R1.ordinal())).isEqualTo(E);

        InterruptsSystem correct = run(boot(InterruptsImplFlaw.NONE), 5);
        assertThat(correct.cpu().flags()).isEqualTo(compareFlags);
        arrive(correct, ArrivalCause.INTERRUPT, 32);
        assertThat(correct.cpu().flags()).isZero();
    }

    @Test
    void theNestedInterruptIsSwallowedOnlyByTheDroppingModuleAndOnlyWhileAHandlerRuns() {
        InterruptsSystem flawed = boot(InterruptsImplFlaw.DROP_NESTED_VIRTUAL_INTERRUPT);
        arrive(flawed, ArrivalCause.INTERRUPT, 1);
        assertThat(flawed.apply(new InterruptsAction.Arrive(ArrivalCause.INTERRUPT, 2)))
                .isEmpty();
        assertThat(flawed.module().frames()).hasSize(1);

        InterruptsSystem correct = boot(InterruptsImplFlaw.NONE);
        arrive(correct, ArrivalCause.INTERRUPT, 1);
        VirtualInterrupt nested = arrive(correct, ArrivalCause.INTERRUPT, 2);
        assertThat(nested.returnAddress()).isEqualTo(CodeLayout.HANDLER_ENTRY);
        assertThat(correct.module().frames()).containsExactly(CodeLayout.ORDINARY_CODE, CodeLayout.HANDLER_ENTRY);
    }

    @Test
    void theDuplicatingModuleDeliversAnExceptionTwiceAndAnInterruptOnce() {
        InterruptsSystem flawed = boot(InterruptsImplFlaw.DUPLICATE_EXCEPTION_DELIVERY);
        List<InterruptsObservation> exception = flawed.apply(new InterruptsAction.Arrive(ArrivalCause.EXCEPTION, 6));
        assertThat(exception).hasSize(2);
        assertThat(exception.get(0)).isEqualTo(exception.get(1));
        flawed.apply(RETURN);
        assertThat(flawed.apply(new InterruptsAction.Arrive(ArrivalCause.INTERRUPT, 6)))
                .hasSize(1);
    }

    @Test
    void aReadableCodePageLetsTheGuestReadTheMovesSlotAndAnExecuteOnlyOneDoesNot() {
        InterruptsSystem flawed = boot(InterruptsImplFlaw.CODE_PAGE_READABLE);
        assertThat(flawed.apply(new InterruptsAction.ReadMemory(CodeLayout.SEQUENCE_START)))
                .containsExactly(new InterruptsObservation.MemoryRead(CodeLayout.SEQUENCE_START, 0));
        assertThat(flawed.readablePages().stream().anyMatch(p -> GuestLayout.inExecuteOnlyRegion(p.page())))
                .isTrue();
        assertThat(boot(InterruptsImplFlaw.NONE).readablePages().stream()
                        .anyMatch(p -> GuestLayout.inExecuteOnlyRegion(p.page())))
                .isFalse();
    }

    @Test
    void theRestoringModulePutsTheSecretBackOnlyWhenTheOutermostHandlerReturnsIntoTheSequence() {
        InterruptsSystem flawed = run(boot(InterruptsImplFlaw.RESTORE_SECRET_ON_RETURN), 3);
        arrive(flawed, ArrivalCause.INTERRUPT, 32);
        arrive(flawed, ArrivalCause.INTERRUPT, 33);
        flawed.apply(RETURN);
        assertThat(flawed.cpu().register(Reg.R1.ordinal())).isEqualTo(E);
        flawed.apply(RETURN);
        assertThat(flawed.cpu().register(Reg.R1.ordinal())).isEqualTo(SECRET);

        // Outside the sequence the flawed module restores nothing.
        InterruptsSystem outside = boot(InterruptsImplFlaw.RESTORE_SECRET_ON_RETURN);
        arrive(outside, ArrivalCause.INTERRUPT, 32);
        outside.apply(RETURN);
        assertThat(outside.cpu().register(Reg.R1.ordinal())).isZero();
    }

    @Test
    void theScrubTableSizedForExceptionsScrubsVector31ButNot32() {
        InterruptsSystem flawed = run(boot(InterruptsImplFlaw.SCRUB_TABLE_SIZED_FOR_EXCEPTIONS), 3);
        assertThat(arrive(flawed, ArrivalCause.INTERRUPT, 31).registers()).containsEntry(Reg.R1, E);
        flawed.apply(RETURN);
        run(flawed, 1);
        assertThat(arrive(flawed, ArrivalCause.INTERRUPT, 32).registers()).containsEntry(Reg.R1, SECRET);
        flawed.apply(RETURN);
        run(flawed, 1);
        assertThat(arrive(flawed, ArrivalCause.EXCEPTION, 31).registers()).containsEntry(Reg.R1, E);
    }

    @Test
    void theLeakyHypercallLeavesTheExpectedMacInR8AndTheCorrectOneLeavesR8Alone() {
        InterruptsSystem flawed = run(boot(InterruptsImplFlaw.HYPERCALL_LEAVES_MAC_IN_SCRATCH), 6);
        assertThat(flawed.authenticator().log()).hasSize(1);
        assertThat(flawed.cpu().register(8)).isEqualTo(Instruction.mix(SECRET, MESSAGE));
        assertThat(flawed.lowRegisters()).contains(Instruction.mix(SECRET, MESSAGE));

        InterruptsSystem correct = run(boot(InterruptsImplFlaw.NONE), 6);
        assertThat(correct.authenticator().log()).hasSize(1);
        assertThat(correct.cpu().register(8)).isZero();
    }

    @Test
    void theSlotAlignedEntryCheckAdmitsEverySlotOfTheSequenceButNoByteInsideOne() {
        InterruptsSystem flawed = boot(InterruptsImplFlaw.MID_SEQUENCE_JUMP_NOT_FAULTED);
        long insideCompare = GuestLayout.slot(CodeLayout.SEQUENCE_COMPARE) + 1;
        assertThat(flawed.apply(new InterruptsAction.JumpToByte(insideCompare)))
                .containsExactly(new InterruptsObservation.Fault(FaultKind.NOT_SEQUENCE_ENTRY, insideCompare));
        assertThat(flawed.apply(new InterruptsAction.JumpToByte(GuestLayout.slot(CodeLayout.SEQUENCE_COMPARE))))
                .isEmpty();
        assertThat(flawed.abstractState().pc()).isEqualTo(CodeLayout.SEQUENCE_COMPARE);

        InterruptsSystem byAddress = boot(InterruptsImplFlaw.MID_SEQUENCE_JUMP_NOT_FAULTED);
        assertThat(byAddress.apply(new InterruptsAction.JumpTo(CodeLayout.SEQUENCE_HYPERCALL)))
                .isEmpty();
        assertThat(byAddress.abstractState().pc()).isEqualTo(CodeLayout.SEQUENCE_HYPERCALL);
    }

    @Test
    void theModuleResumingAtTheReturnAddressRunsTheSequencesTailAndTheCorrectOneRestartsAtTheMove() {
        InterruptsSystem flawed = run(boot(InterruptsImplFlaw.RESUME_AT_RETURN_ADDRESS), 4);
        arrive(flawed, ArrivalCause.INTERRUPT, 32);
        flawed.apply(RETURN);
        assertThat(flawed.abstractState().pc()).isEqualTo(CodeLayout.SEQUENCE_COMPARE);

        InterruptsSystem correct = run(boot(InterruptsImplFlaw.NONE), 4);
        arrive(correct, ArrivalCause.INTERRUPT, 32);
        correct.apply(RETURN);
        assertThat(correct.abstractState().pc()).isEqualTo(CodeLayout.SEQUENCE_START);
    }

    @Test
    void theModuleSkippingRaisedFaultsLeavesTheSecretOnAFetchFaultButScrubsAnInjectedEvent() {
        InterruptsSystem flawed = run(boot(InterruptsImplFlaw.RAISED_FAULT_SKIPS_SCRUB), 3);
        flawed.apply(new InterruptsAction.SetPagePresent(CodeLayout.SEQUENCE_START, false));
        List<InterruptsObservation> seen = flawed.apply(EXEC);
        assertThat(seen).hasSize(2);
        assertThat(((VirtualInterrupt) seen.get(1)).registers()).containsEntry(Reg.R1, SECRET);

        InterruptsSystem injected = run(boot(InterruptsImplFlaw.RAISED_FAULT_SKIPS_SCRUB), 3);
        assertThat(arrive(injected, ArrivalCause.EXCEPTION, 14).registers()).containsEntry(Reg.R1, E);
    }

    @Test
    void aHypercallReachedWithR2ErasedRestartsTheSequenceUnansweredWhenAFlawedModuleResumesThere() {
        InterruptsSystem flawed = run(boot(InterruptsImplFlaw.RESUME_AT_RETURN_ADDRESS), 5);
        arrive(flawed, ArrivalCause.INTERRUPT, 32);
        flawed.apply(RETURN);
        assertThat(flawed.abstractState().pc()).isEqualTo(CodeLayout.SEQUENCE_HYPERCALL);
        assertThat(flawed.apply(EXEC)).isEmpty();
        assertThat(flawed.abstractState().pc()).isEqualTo(CodeLayout.SEQUENCE_START);
        assertThat(flawed.authenticator().log()).isEmpty();
        // The restarted sequence then completes and is answered once.
        assertThat(run(flawed, 4).authenticator().log()).hasSize(1);
    }
}
