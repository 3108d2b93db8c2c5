package org.hvproof.model.interrupts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hvproof.model.interrupts.InterruptsModelTest.CALL;
import static org.hvproof.model.interrupts.InterruptsModelTest.EXEC;
import static org.hvproof.model.interrupts.InterruptsModelTest.OTHER_SECRET;
import static org.hvproof.model.interrupts.InterruptsModelTest.SECRET;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.hvproof.model.common.ClaimCheck;
import org.hvproof.model.common.Transition;
import org.hvproof.model.common.TransitionPair;
import org.hvproof.model.interrupts.InterruptsAction.Arrive;
import org.hvproof.model.interrupts.InterruptsAction.Return;
import org.junit.jupiter.api.Test;

class InterruptsInvariantsTest {

    /** Runs the same actions on two secrets; returns the first violated invariant, or null. */
    static ClaimCheck firstViolation(
            long secretA, long secretB, List<InterruptsAction> actions, Set<InterruptsModelFlaw> flaws) {
        InterruptsState a = InterruptsState.initial(secretA);
        InterruptsState b = InterruptsState.initial(secretB);
        List<ClaimCheck> results = new ArrayList<>();
        for (InterruptsAction action : actions) {
            InterruptsStep sa = InterruptsModel.step(a, action, flaws);
            InterruptsStep sb = InterruptsModel.step(b, action, flaws);
            Transition<InterruptsState, InterruptsAction, InterruptsObservation> ta = sa.from(a, action);
            results.addAll(InterruptsInvariants.ALL.checkPair(new TransitionPair<>(ta, sb.from(b, action))));
            results.addAll(InterruptsInvariants.ALL.checkStep(ta));
            for (ClaimCheck r : results) {
                if (!r.holds()) {
                    return r;
                }
            }
            results.clear();
            a = sa.next();
            b = sb.next();
        }
        return null;
    }

    static List<InterruptsAction> randomTrace(Random r, int length) {
        List<InterruptsAction> actions = new ArrayList<>();
        for (int i = 0; i < length; i++) {
            actions.add(InterruptsModelTest.randomAction(r));
        }
        return actions;
    }

    static final Set<InterruptsModelFlaw> NONE = EnumSet.noneOf(InterruptsModelFlaw.class);

    @Test
    void everyClaimHasNamedInvariantsInTheSet() {
        assertThat(InterruptsInvariants.ALL.claims())
                .containsExactlyInAnyOrder("INT-1", "INT-2", "INT-3", "INT-4", "INT-5", "INT-6");
        assertThat(InterruptsInvariants.ALL.labels())
                .containsExactly(
                        "INT-1 lowEquivalenceReflexive",
                        "INT-2 secretConfinedToSequence",
                        "INT-5 secretNotReadable",
                        "INT-2 noSecretAtHandlerEntry",
                        "INT-3 oneVirtualInterruptPerArrival",
                        "INT-4 neverRestoresSecret",
                        "INT-5 executeOnlyPageFaults",
                        "INT-6 secretOutOfDeviceReach",
                        "INT-6 strayTransferFaults",
                        "INT-1 noninterference");
    }

    @Test
    void aDeviceReadingTheSecretAndAJumpLandingInTheSequenceAreCaught() {
        InterruptsState s = InterruptsState.initial(SECRET);
        InterruptsAction dma = new InterruptsAction.DmaRead(CodeLayout.SEQUENCE_START);
        ClaimCheck leaked = InterruptsInvariants.SECRET_OUT_OF_DEVICE_REACH.check(new Transition<>(
                s,
                dma,
                s,
                List.of(new InterruptsObservation.DeviceRead(
                        CodeLayout.SEQUENCE_START, 0, Optional.of(new Instruction.MovImm(Reg.R1, SECRET))))));
        assertThat(leaked.holds()).isFalse();
        assertThat(InterruptsInvariants.SECRET_OUT_OF_DEVICE_REACH
                        .check(new Transition<>(
                                s, dma, s, InterruptsModel.step(s, dma).observations()))
                        .holds())
                .isTrue();

        InterruptsAction jump = new InterruptsAction.JumpToByte(CodeLayout.entryByte() + 16);
        InterruptsState landed = s.withPc(CodeLayout.SEQUENCE_START);
        assertThat(InterruptsInvariants.STRAY_TRANSFER_FAULTS
                        .check(new Transition<>(s, jump, landed, List.of()))
                        .holds())
                .isFalse();
        assertThat(InterruptsInvariants.STRAY_TRANSFER_FAULTS
                        .check(new Transition<>(
                                s, jump, s, InterruptsModel.step(s, jump).observations()))
                        .holds())
                .isTrue();
    }

    @Test
    void lowEquivalenceIsReflexiveAndRelatesDifferentSecrets() {
        assertThat(InterruptsLowEquivalence.reflexiveOn(InterruptsState.initial(SECRET)))
                .isTrue();
        assertThat(InterruptsLowEquivalence.relatesDifferentSecrets(SECRET, OTHER_SECRET))
                .isTrue();
        assertThat(InterruptsLowEquivalence.equivalent(
                        InterruptsState.initial(SECRET), InterruptsState.initial(SECRET, 99)))
                .isFalse();
    }

    @Test
    void everyInvariantHoldsOnRandomTwoRunTracesOfTheCorrectMechanism() {
        Random r = new Random(2024);
        for (int t = 0; t < 300; t++) {
            List<InterruptsAction> trace = randomTrace(r, 60);
            ClaimCheck violation = firstViolation(r.nextLong() | 1, r.nextLong() & ~1L, trace, NONE);
            assertThat(violation).as("trace %d: %s", t, trace).isNull();
        }
    }

    /** The interrupt at every position of the sequence, the shape INT-1's flaws need. */
    static List<InterruptsAction> interruptAt(int offset, ArrivalCause cause) {
        List<InterruptsAction> trace = new ArrayList<>(List.of(EXEC, CALL));
        for (int i = 0; i < offset; i++) {
            trace.add(EXEC);
        }
        trace.add(new Arrive(cause, cause == ArrivalCause.EXCEPTION ? 14 : 32));
        trace.add(new Return());
        for (int i = 0; i < 8; i++) {
            trace.add(EXEC);
        }
        return trace;
    }

    @Test
    void xorScrubberIsCaughtByNoninterferenceThoughNoRegisterHoldsTheSecret() {
        Set<InterruptsModelFlaw> xor = EnumSet.of(InterruptsModelFlaw.SCRUB_XOR_SECRET);
        ClaimCheck v = firstViolation(SECRET, OTHER_SECRET, interruptAt(1, ArrivalCause.INTERRUPT), xor);
        assertThat(v).isNotNull();
        assertThat(v.claim()).isEqualTo("INT-1");
        // the INT-2 check alone is blind to it: at handler entry R1 is "not the secret"
        InterruptsState before = InterruptsModelTest.atSequenceOffset(SECRET, 1);
        InterruptsStep step = InterruptsModel.step(before, new Arrive(ArrivalCause.INTERRUPT, 32), xor);
        assertThat(step.next().registers()).doesNotContainValue(SECRET);
    }

    @Test
    void scrubberThatForgetsTheAuthenticationRegisterBreaksNoninterference() {
        ClaimCheck v = firstViolation(
                SECRET,
                OTHER_SECRET,
                interruptAt(2, ArrivalCause.INTERRUPT),
                EnumSet.of(InterruptsModelFlaw.SCRUB_FORGETS_AUTH_REGISTER));
        assertThat(v).isNotNull();
        assertThat(v.claim()).isEqualTo("INT-1");
    }

    @Test
    void moduleThatScrubsOnlyInterruptsLeaksTheSecretToExceptionHandlers() {
        Set<InterruptsModelFlaw> flaw = EnumSet.of(InterruptsModelFlaw.SCRUB_ONLY_INTERRUPTS_NOT_EXCEPTIONS);
        assertThat(firstViolation(SECRET, OTHER_SECRET, interruptAt(1, ArrivalCause.INTERRUPT), flaw))
                .isNull();
        ClaimCheck v = firstViolation(SECRET, OTHER_SECRET, interruptAt(1, ArrivalCause.EXCEPTION), flaw);
        assertThat(v).isNotNull();
        assertThat(v.claim()).isIn("INT-1", "INT-2");
        InterruptsState before = InterruptsModelTest.atSequenceOffset(SECRET, 1);
        Arrive exception = new Arrive(ArrivalCause.EXCEPTION, 14);
        ClaimCheck entry = InterruptsInvariants.NO_SECRET_AT_HANDLER_ENTRY.check(
                InterruptsModel.step(before, exception, flaw).from(before, exception));
        assertThat(entry.holds()).isFalse();
        assertThatThrownBy(entry::orThrow).hasMessageStartingWith("INT-2 noSecretAtHandlerEntry violated: ");
    }

    @Test
    void restoringTheSecretOnReturnBreaksNeverRestores() {
        ClaimCheck v = firstViolation(
                SECRET,
                OTHER_SECRET,
                interruptAt(2, ArrivalCause.INTERRUPT),
                EnumSet.of(InterruptsModelFlaw.RESTORE_SECRET_ON_RETURN));
        assertThat(v).isNotNull();
        assertThat(v.claim()).isEqualTo("INT-4");
        assertThatThrownBy(v::orThrow)
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("INT-4 neverRestoresSecret violated: ");
    }

    @Test
    void duplicatedExceptionDeliveryBreaksOneVirtualInterruptPerArrival() {
        ClaimCheck v = firstViolation(
                SECRET,
                OTHER_SECRET,
                interruptAt(0, ArrivalCause.EXCEPTION),
                EnumSet.of(InterruptsModelFlaw.DUPLICATE_EXCEPTION_DELIVERY));
        assertThat(v).isNotNull();
        assertThat(v.claim()).isEqualTo("INT-3");
    }

    @Test
    void readableCodePageBreaksExecuteOnly() {
        List<InterruptsAction> trace = List.of(new InterruptsAction.ReadMemory(CodeLayout.SEQUENCE_START));
        ClaimCheck v = firstViolation(SECRET, OTHER_SECRET, trace, EnumSet.of(InterruptsModelFlaw.CODE_PAGE_READABLE));
        assertThat(v).isNotNull();
        assertThat(v.claim()).isIn("INT-1", "INT-5");
        InterruptsState s = InterruptsState.initial(SECRET);
        InterruptsAction read = new InterruptsAction.ReadMemory(CodeLayout.SEQUENCE_START);
        ClaimCheck faults = InterruptsInvariants.EXECUTE_ONLY_PAGE_FAULTS.check(
                InterruptsModel.step(s, read, EnumSet.of(InterruptsModelFlaw.CODE_PAGE_READABLE))
                        .from(s, read));
        assertThat(faults.holds()).isFalse();
        assertThat(faults.check()).isEqualTo("executeOnlyPageFaults");
    }

    @Test
    void sequenceResultWithInterruptsAtEveryPositionEqualsTheInterruptFreeResult() {
        for (int offset = 0; offset <= 3; offset++) {
            for (ArrivalCause cause : ArrivalCause.values()) {
                assertThat(InterruptsInvariants.transparency(
                                        InterruptsState.initial(SECRET), interruptAt(offset, cause))
                                .holds())
                        .isTrue();
            }
        }
        Random r = new Random(99);
        int applicable = 0;
        for (int t = 0; t < 300; t++) {
            List<InterruptsAction> trace = randomTrace(r, 40);
            if (t % 2 == 0) { // half the traces with well-behaved handlers and callers
                trace.replaceAll(a ->
                        a instanceof InterruptsAction.JumpTo || a instanceof InterruptsAction.SetRegister ? EXEC : a);
            }
            ClaimCheck result = InterruptsInvariants.transparency(InterruptsState.initial(SECRET), trace);
            assertThat(result.holds()).as(result.detail()).isTrue();
            applicable += result.detail().startsWith("not applicable") ? 0 : 1;
        }
        assertThat(applicable).isGreaterThan(100);
    }

    @Test
    void interruptStormInsideTheSequenceStillEndsAccepted() {
        List<InterruptsAction> trace = new ArrayList<>(List.of(EXEC, CALL));
        for (int i = 0; i < 20; i++) {
            trace.add(EXEC);
            trace.add(new Arrive(i % 3 == 0 ? ArrivalCause.EXCEPTION : ArrivalCause.INTERRUPT, 32 + i));
            trace.add(new Return());
        }
        ClaimCheck result = InterruptsInvariants.transparency(InterruptsState.initial(SECRET), trace);
        assertThat(result.holds()).as(result.detail()).isTrue();
        assertThat(firstViolation(SECRET, OTHER_SECRET, trace, NONE)).isNull();
    }
}
