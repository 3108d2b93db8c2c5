package org.hvproof.model.interrupts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.hvproof.model.interrupts.InterruptsAction.Arrive;
import org.hvproof.model.interrupts.InterruptsAction.Execute;
import org.hvproof.model.interrupts.InterruptsAction.JumpTo;
import org.hvproof.model.interrupts.InterruptsAction.ReadMemory;
import org.hvproof.model.interrupts.InterruptsAction.Return;
import org.hvproof.model.interrupts.InterruptsAction.SetPagePresent;
import org.hvproof.model.interrupts.InterruptsAction.SetRegister;
import org.hvproof.model.interrupts.InterruptsAction.WriteMemory;
import org.hvproof.model.interrupts.InterruptsObservation.Fault;
import org.hvproof.model.interrupts.InterruptsObservation.FaultKind;
import org.hvproof.model.interrupts.InterruptsObservation.VirtualInterrupt;
import org.junit.jupiter.api.Test;

class InterruptsModelTest {

    static final long SECRET = 0x5EC2E75EC2E7L;
    static final long OTHER_SECRET = 0x1234_5678_9ABCL;
    static final InterruptsAction EXEC = new Execute();
    static final InterruptsAction CALL = new JumpTo(CodeLayout.SEQUENCE_START);

    static InterruptsState run(InterruptsState s, InterruptsAction... actions) {
        for (InterruptsAction a : actions) {
            s = InterruptsModel.step(s, a).next();
        }
        return s;
    }

    /** The state with the guest about to execute the instruction at the given offset of the sequence. */
    static InterruptsState atSequenceOffset(long secret, int offset) {
        InterruptsState s =
                run(InterruptsState.initial(secret), EXEC, CALL); // sets the message, then calls the sequence
        for (int i = 0; i < offset; i++) {
            s = run(s, EXEC);
        }
        assertThat(s.pc()).isEqualTo(CodeLayout.SEQUENCE_START + offset);
        return s;
    }

    @Test
    void sequenceWithoutInterruptsEndsInAnAcceptedHypercallAndErasesItsRegisters() {
        InterruptsState s = atSequenceOffset(SECRET, 3);
        InterruptsStep last = InterruptsModel.step(s, EXEC);
        assertThat(last.observations())
                .containsExactly(new InterruptsObservation.HypercallReturned(HypercallVerdict.ACCEPTED));
        assertThat(last.next().reg(Reg.R0)).isEqualTo(HypercallVerdict.ACCEPTED.code());
        assertThat(last.next().reg(Reg.R1)).isEqualTo(InterruptsState.DEFAULT_ERASURE);
        assertThat(last.next().reg(Reg.R2)).isEqualTo(InterruptsState.DEFAULT_ERASURE);
        assertThat(last.next().pc()).isEqualTo(CodeLayout.SEQUENCE_EXIT);
    }

    @Test
    void interruptInsideSequenceErasesSecretRegistersBeforeTheHandlerSeesThem() {
        for (int offset = 0; offset <= 3; offset++) {
            InterruptsState before = atSequenceOffset(SECRET, offset);
            InterruptsStep step = InterruptsModel.step(before, new Arrive(ArrivalCause.INTERRUPT, 32));
            assertThat(step.observations()).hasSize(1);
            VirtualInterrupt vi = (VirtualInterrupt) step.observations().get(0);
            assertThat(vi.vector()).isEqualTo(32);
            assertThat(vi.returnAddress()).isEqualTo(before.pc());
            assertThat(vi.registers())
                    .doesNotContainValue(SECRET)
                    .containsEntry(Reg.R1, InterruptsState.DEFAULT_ERASURE)
                    .containsEntry(Reg.R2, InterruptsState.DEFAULT_ERASURE);
            assertThat(step.next().inHandler()).isTrue();
        }
    }

    @Test
    void afterTheHandlerReturnsTheSequenceReExecutesTheMoveAndIsStillAccepted() {
        for (int offset = 0; offset <= 3; offset++) {
            InterruptsState s =
                    run(atSequenceOffset(SECRET, offset), new Arrive(ArrivalCause.EXCEPTION, 14), new Return());
            int executed = 0;
            while (s.hypercalls().isEmpty() && executed++ < 10) {
                s = run(s, EXEC);
            }
            assertThat(s.hypercalls())
                    .extracting(InterruptsState.HypercallResult::verdict)
                    .containsExactly(HypercallVerdict.ACCEPTED);
            assertThat(executed)
                    .as("offset %d re-executes from the move", offset)
                    .isGreaterThan(3 - offset);
        }
    }

    @Test
    void anInterruptedSequenceRestartsAtItsMoveWhenItsHandlerReturns() {
        InterruptsState s = run(atSequenceOffset(SECRET, 3), new Arrive(ArrivalCause.INTERRUPT, 32), new Return());
        assertThat(s.pc()).isEqualTo(CodeLayout.SEQUENCE_START);
        assertThat(s.hypercalls()).isEmpty();
        InterruptsState done = run(s, EXEC, EXEC, EXEC, EXEC);
        assertThat(done.hypercalls())
                .extracting(InterruptsState.HypercallResult::verdict)
                .containsExactly(HypercallVerdict.ACCEPTED);
    }

    /**
     * The counterexample INT-1's two-run property found: a handler interrupted after the move
     * writes its guess of the secret into R1; had the sequence resumed at the compare, it would
     * have mixed the guess and the hypercall's verdict would have told the handler whether the
     * guess was right (accepted for secret 1, rejected for secret 2). Restarting at the move makes
     * both runs answer alike.
     */
    @Test
    void aHandlersGuessInR1NeverReachesTheHypercall() {
        List<HypercallVerdict> verdicts = new ArrayList<>();
        for (long secret : new long[] {1, 2}) {
            InterruptsState s = run(
                    atSequenceOffset(secret, 1),
                    new Arrive(ArrivalCause.INTERRUPT, 0),
                    new SetRegister(Reg.R1, 1),
                    new Return());
            for (int i = 0; i < 8 && s.hypercalls().isEmpty(); i++) {
                s = run(s, EXEC);
            }
            s.hypercalls().forEach(h -> verdicts.add(h.verdict()));
        }
        assertThat(verdicts).containsExactly(HypercallVerdict.ACCEPTED, HypercallVerdict.ACCEPTED);
    }

    @Test
    void interruptOutsideSequenceIsForwardedWithRegistersUntouched() {
        InterruptsState s = run(InterruptsState.initial(SECRET), EXEC, new SetRegister(Reg.R1, 77));
        InterruptsStep step = InterruptsModel.step(s, new Arrive(ArrivalCause.INTERRUPT, 40));
        VirtualInterrupt vi = (VirtualInterrupt) step.observations().get(0);
        assertThat(vi.registers()).isEqualTo(s.registers());
    }

    @Test
    void nestedInterruptsAreEachDeliveredOnceInOrder() {
        InterruptsState s = atSequenceOffset(SECRET, 1);
        List<Integer> vectors = new ArrayList<>();
        for (int v : new int[] {32, 33, 14}) {
            InterruptsStep step =
                    InterruptsModel.step(s, new Arrive(v == 14 ? ArrivalCause.EXCEPTION : ArrivalCause.INTERRUPT, v));
            step.observations().forEach(o -> vectors.add(((VirtualInterrupt) o).vector()));
            s = step.next();
        }
        assertThat(vectors).containsExactly(32, 33, 14);
        s = run(s, new Return(), new Return(), new Return());
        assertThat(s.inHandler()).isFalse();
        assertThat(s.pc()).isEqualTo(CodeLayout.SEQUENCE_START);
    }

    @Test
    void readsAndWritesOfTheExecuteOnlyPageFaultAndReachTheHandlerAsAnException() {
        InterruptsState s = InterruptsState.initial(SECRET);
        InterruptsStep read = InterruptsModel.step(s, new ReadMemory(CodeLayout.SEQUENCE_START));
        InterruptsStep write = InterruptsModel.step(s, new WriteMemory(CodeLayout.SEQUENCE_START + 1, 5));
        assertThat(read.observations())
                .containsExactly(
                        new Fault(FaultKind.READ_EXECUTE_ONLY, CodeLayout.SEQUENCE_START),
                        new VirtualInterrupt(20, ArrivalCause.EXCEPTION, s.registers(), s.pc()));
        assertThat(write.observations())
                .containsExactly(
                        new Fault(FaultKind.WRITE_EXECUTE_ONLY, CodeLayout.SEQUENCE_START + 1),
                        new VirtualInterrupt(20, ArrivalCause.EXCEPTION, s.registers(), s.pc()));
        InterruptsState handled =
                InterruptsModel.step(s, new Arrive(ArrivalCause.EXCEPTION, 20)).next();
        assertThat(read.next()).isEqualTo(handled);
        assertThat(write.next()).isEqualTo(handled);
        assertThat(write.next().memory()).isEqualTo(s.memory());
    }

    @Test
    void aFetchFaultInsideTheSequenceIsScrubbedLikeAnInjectedException() {
        InterruptsState s = run(atSequenceOffset(SECRET, 1), new SetPagePresent(CodeLayout.SEQUENCE_START, false));
        assertThat(s.reg(Reg.R1)).isEqualTo(SECRET);
        InterruptsStep fetch = InterruptsModel.step(s, EXEC);
        InterruptsStep injected = InterruptsModel.step(s, new Arrive(ArrivalCause.EXCEPTION, 14));
        assertThat(fetch.observations().get(0))
                .isEqualTo(new Fault(FaultKind.EXECUTE_UNMAPPED, CodeLayout.SEQUENCE_START + 1));
        assertThat(fetch.observations().subList(1, 2)).isEqualTo(injected.observations());
        assertThat(fetch.next()).isEqualTo(injected.next());
        assertThat(fetch.next().reg(Reg.R1)).isEqualTo(s.erasure());
        // Mapped back, the handler's return restarts the sequence at its move.
        InterruptsState back = run(fetch.next(), new SetPagePresent(CodeLayout.SEQUENCE_START, true), new Return());
        assertThat(back.pc()).isEqualTo(CodeLayout.SEQUENCE_START);
        assertThat(back.absentPages()).isEmpty();
    }

    @Test
    void hostileActionsGiveFaultsNeverExceptions() {
        InterruptsState s = InterruptsState.initial(SECRET);
        assertThat(InterruptsModel.step(s, new Return()).observations())
                .containsExactly(new Fault(FaultKind.RETURN_WITHOUT_HANDLER, s.pc()));
        InterruptsState lost = run(s, new JumpTo(-5));
        assertThat(InterruptsModel.step(lost, EXEC).observations())
                .containsExactly(
                        new Fault(FaultKind.EXECUTE_UNMAPPED, -5),
                        new VirtualInterrupt(14, ArrivalCause.EXCEPTION, lost.registers(), -5));
        Random random = new Random(7);
        for (int i = 0; i < 2000; i++) {
            s = InterruptsModel.step(s, randomAction(random)).next();
        }
        assertThat(s).isNotNull();
    }

    @Test
    void aJumpIntoTheMiddleOfTheSequenceFaultsEvenWithTheRightGuessInR1() {
        InterruptsState s = run(InterruptsState.initial(SECRET), new SetRegister(Reg.R1, SECRET));
        InterruptsStep jump = InterruptsModel.step(s, new JumpTo(CodeLayout.SEQUENCE_START + 1));
        assertThat(jump.observations())
                .containsExactly(new Fault(FaultKind.NOT_SEQUENCE_ENTRY, CodeLayout.SEQUENCE_START + 1));
        assertThat(jump.next()).isEqualTo(s);
        assertThat(run(s, new JumpTo(CodeLayout.SEQUENCE_START)).pc()).isEqualTo(CodeLayout.SEQUENCE_START);
    }

    @Test
    void aTransferToAnyByteOfTheSequenceButItsFirstFaultsAndChangesNothing() {
        InterruptsState s = run(InterruptsState.initial(SECRET), new SetRegister(Reg.R1, SECRET));
        for (long va = CodeLayout.entryByte() + 1;
                va < (CodeLayout.SEQUENCE_HYPERCALL + 1) * CodeLayout.SLOT_SIZE;
                va++) {
            InterruptsStep jump = InterruptsModel.step(s, new InterruptsAction.JumpToByte(va));
            assertThat(jump.observations()).containsExactly(new Fault(FaultKind.NOT_SEQUENCE_ENTRY, va));
            assertThat(jump.next()).isEqualTo(s);
        }
        assertThat(run(s, new InterruptsAction.JumpToByte(CodeLayout.entryByte()))
                        .pc())
                .isEqualTo(CodeLayout.SEQUENCE_START);
        long ordinary = CodeLayout.ORDINARY_CODE * CodeLayout.SLOT_SIZE;
        assertThat(InterruptsModel.step(s, new InterruptsAction.JumpToByte(ordinary + 3))
                        .observations())
                .containsExactly(new Fault(FaultKind.MISALIGNED_TRANSFER, ordinary + 3));
    }

    @Test
    void theDeviceReadsOrdinaryCodeButIsRefusedTheExecuteOnlyPage() {
        InterruptsState s = InterruptsState.initial(SECRET);
        assertThat(InterruptsModel.step(s, new InterruptsAction.DmaRead(CodeLayout.SEQUENCE_START))
                        .observations())
                .containsExactly(new Fault(FaultKind.DMA_REFUSED, CodeLayout.SEQUENCE_START));
        assertThat(InterruptsModel.step(s, new InterruptsAction.DmaRead(CodeLayout.ORDINARY_CODE))
                        .observations())
                .containsExactly(new InterruptsObservation.DeviceRead(
                        CodeLayout.ORDINARY_CODE, 0, Optional.of(s.code().get(CodeLayout.ORDINARY_CODE))));
    }

    @Test
    void stateRefusesASecretEqualToTheErasureConstant() {
        assertThatThrownBy(() -> InterruptsState.initial(InterruptsState.DEFAULT_ERASURE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("erasure");
    }

    static InterruptsAction randomAction(Random r) {
        long[] targets = {
            CodeLayout.SEQUENCE_START,
            CodeLayout.SEQUENCE_START + 1,
            CodeLayout.SEQUENCE_COMPARE,
            CodeLayout.SEQUENCE_HYPERCALL,
            CodeLayout.SEQUENCE_EXIT,
            CodeLayout.ORDINARY_CODE,
            0x8000,
            -1,
            Long.MAX_VALUE
        };
        return switch (r.nextInt(11)) {
            case 0, 1, 2, 3 -> EXEC;
            case 4 -> new Arrive(r.nextBoolean() ? ArrivalCause.INTERRUPT : ArrivalCause.EXCEPTION, r.nextInt(256));
            case 5 -> new Return();
            case 6 ->
                new SetRegister(
                        Reg.values()[r.nextInt(4)], r.nextInt(4) == 0 ? InterruptsState.DEFAULT_ERASURE : r.nextInt(8));
            case 7 -> new JumpTo(targets[r.nextInt(targets.length)]);
            case 8 ->
                new ReadMemory(r.nextBoolean() ? CodeLayout.SEQUENCE_START + r.nextInt(6) : 0x8000 + r.nextInt(3));
            case 9 -> new SetPagePresent(targets[r.nextInt(targets.length)], r.nextInt(3) == 0);
            default ->
                new WriteMemory(r.nextBoolean() ? CodeLayout.SEQUENCE_START : 0x8000 + r.nextInt(3), r.nextInt(8));
        };
    }

    static final Set<InterruptsModelFlaw> NONE = EnumSet.noneOf(InterruptsModelFlaw.class);
}
