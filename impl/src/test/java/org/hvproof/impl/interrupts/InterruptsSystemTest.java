package org.hvproof.impl.interrupts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.model.interrupts.ArrivalCause;
import org.hvproof.model.interrupts.CodeLayout;
import org.hvproof.model.interrupts.HypercallVerdict;
import org.hvproof.model.interrupts.Instruction;
import org.hvproof.model.interrupts.InterruptsAction;
import org.hvproof.model.interrupts.InterruptsModel;
import org.hvproof.model.interrupts.InterruptsObservation;
import org.hvproof.model.interrupts.InterruptsState;
import org.hvproof.model.interrupts.InterruptsStep;
import org.hvproof.model.interrupts.Reg;
import org.junit.jupiter.api.Test;

class InterruptsSystemTest {
    private static final long SECRET = 0x5EC2E7_0000_1234L;
    private static final long E = InterruptsState.DEFAULT_ERASURE;
    private static final InterruptsAction EXEC = new InterruptsAction.Execute();

    @Test
    void everyInstructionOfTheGuestCodeRoundTripsThroughItsBytes() {
        CodeLayout.code(SECRET, E)
                .values()
                .forEach(insn -> assertThat(InstructionCodec.decode(InstructionCodec.encode(insn)))
                        .contains(insn));
        assertThat(InstructionCodec.decode(new byte[InstructionCodec.LENGTH])).isEmpty();
        byte[] badRegister = InstructionCodec.encode(new Instruction.MovImm(Reg.R1, 7));
        badRegister[1] = 9;
        assertThat(InstructionCodec.decode(badRegister)).isEmpty();
    }

    @Test
    void theBootedGuestAbstractsToTheModelsInitialState() {
        assertThat(new InterruptsSystem(SECRET).abstractState()).isEqualTo(InterruptsState.initial(SECRET));
    }

    @Test
    void theSecretIsInGuestMemoryOnlyAsTheMovesImmediateAndReadsAndWritesOfItFault() {
        InterruptsSystem sys = new InterruptsSystem(SECRET);
        long immediate = GuestLayout.slot(CodeLayout.SEQUENCE_START) + GuestLayout.INSTRUCTION_OFFSET + 8;
        assertThat(sys.machine().peekGuestPhysicalLong(ViewId.DEFAULT, immediate))
                .isEqualTo(SECRET);
        List<InterruptsObservation> read = sys.apply(new InterruptsAction.ReadMemory(CodeLayout.SEQUENCE_START));
        assertThat(read.get(0))
                .isEqualTo(new InterruptsObservation.Fault(
                        InterruptsObservation.FaultKind.READ_EXECUTE_ONLY, CodeLayout.SEQUENCE_START));
        // The nested violation reaches the handler as a virtualization exception (#VE, vector 20).
        assertThat(read).hasSize(2);
        assertThat(((InterruptsObservation.VirtualInterrupt) read.get(1)).vector())
                .isEqualTo(20);
        sys.apply(new InterruptsAction.Return());
        List<InterruptsObservation> write =
                sys.apply(new InterruptsAction.WriteMemory(CodeLayout.SEQUENCE_START + 7, 1));
        assertThat(write.get(0))
                .isEqualTo(new InterruptsObservation.Fault(
                        InterruptsObservation.FaultKind.WRITE_EXECUTE_ONLY, CodeLayout.SEQUENCE_START + 7));
        assertThat(write).hasSize(2);
        sys.apply(new InterruptsAction.Return());
        assertThat(sys.apply(new InterruptsAction.ReadMemory(0x8000)))
                .containsExactly(new InterruptsObservation.MemoryRead(0x8000, 0));
    }

    @Test
    void aFetchFaultAfterTheMoveIsScrubbedWhenTheGuestOsUnmapsTheSequencesPage() {
        InterruptsSystem sys = new InterruptsSystem(SECRET);
        sys.apply(EXEC); // MOV R3, msg
        sys.apply(EXEC); // JMP sequence
        sys.apply(EXEC); // MOV R1, #secret
        sys.apply(new InterruptsAction.SetPagePresent(CodeLayout.SEQUENCE_START, false));
        assertThat(sys.abstractState().absentPages()).containsExactly(CodeLayout.guestPage(CodeLayout.SEQUENCE_START));
        List<InterruptsObservation> seen = sys.apply(EXEC);
        assertThat(seen.get(0))
                .isEqualTo(new InterruptsObservation.Fault(
                        InterruptsObservation.FaultKind.EXECUTE_UNMAPPED, CodeLayout.SEQUENCE_START + 1));
        InterruptsObservation.VirtualInterrupt pf = (InterruptsObservation.VirtualInterrupt) seen.get(1);
        assertThat(pf.vector()).isEqualTo(14);
        assertThat(pf.registers().get(Reg.R1)).isEqualTo(E);
        assertThat(pf.registers()).doesNotContainValue(SECRET);
        sys.apply(new InterruptsAction.SetPagePresent(CodeLayout.SEQUENCE_START, true));
        sys.apply(new InterruptsAction.Return());
        assertThat(sys.abstractState().absentPages()).isEmpty();
        assertThat(sys.abstractState().pc()).isEqualTo(CodeLayout.SEQUENCE_START);
    }

    @Test
    void aSecretEqualToTheErasureConstantIsRefused() {
        assertThatThrownBy(() -> new InterruptsSystem(E))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("INT-5");
    }

    @Test
    void anInterruptAfterTheMoveIsScrubbedForwardedAndTheSequenceReExecutesTheMove() {
        InterruptsSystem sys = new InterruptsSystem(SECRET);
        sys.apply(EXEC); // MOV R3, msg
        sys.apply(EXEC); // JMP sequence
        sys.apply(EXEC); // MOV R1, #secret
        assertThat(sys.abstractState().reg(Reg.R1)).isEqualTo(SECRET);
        List<InterruptsObservation> seen = sys.apply(new InterruptsAction.Arrive(ArrivalCause.INTERRUPT, 32));
        assertThat(seen).hasSize(1);
        InterruptsObservation.VirtualInterrupt vi = (InterruptsObservation.VirtualInterrupt) seen.get(0);
        assertThat(vi.vector()).isEqualTo(32);
        assertThat(vi.registers().get(Reg.R1)).isEqualTo(E);
        assertThat(vi.registers().get(Reg.R2)).isEqualTo(E);
        assertThat(vi.registers()).doesNotContainValue(SECRET);
        assertThat(vi.returnAddress()).isEqualTo(CodeLayout.SEQUENCE_START + 1);
        assertThat(sys.apply(new InterruptsAction.Return())).isEmpty();
        // The interrupted sequence resumes at its move, not where it was interrupted.
        assertThat(sys.abstractState().pc()).isEqualTo(CodeLayout.SEQUENCE_START);
        for (int i = 0; i < 3; i++) {
            sys.apply(EXEC);
        }
        assertThat(sys.apply(EXEC))
                .containsExactly(new InterruptsObservation.HypercallReturned(HypercallVerdict.ACCEPTED));
        assertThat(sys.abstractState().registers()).doesNotContainValue(SECRET);
    }

    @Test
    void aJumpIntoTheMiddleOfTheSequenceFaultsAndMovesNothing() {
        InterruptsSystem sys = new InterruptsSystem(SECRET);
        sys.apply(new InterruptsAction.SetRegister(Reg.R1, SECRET));
        var before = sys.abstractState();
        assertThat(sys.apply(new InterruptsAction.JumpTo(CodeLayout.SEQUENCE_COMPARE)))
                .containsExactly(new InterruptsObservation.Fault(
                        InterruptsObservation.FaultKind.NOT_SEQUENCE_ENTRY, CodeLayout.SEQUENCE_COMPARE));
        assertThat(sys.abstractState()).isEqualTo(before);
    }

    @Test
    void anInterruptOutsideTheSequenceIsForwardedUntouched() {
        InterruptsSystem sys = new InterruptsSystem(SECRET);
        sys.apply(new InterruptsAction.SetRegister(Reg.R1, 77));
        InterruptsObservation.VirtualInterrupt vi = (InterruptsObservation.VirtualInterrupt)
                sys.apply(new InterruptsAction.Arrive(ArrivalCause.EXCEPTION, 14))
                        .get(0);
        assertThat(vi.registers().get(Reg.R1)).isEqualTo(77);
        assertThat(vi.cause()).isEqualTo(ArrivalCause.EXCEPTION);
    }

    @Test
    void theXorScrubberLeavesAFunctionOfTheSecretThatIsNeverTheSecret() {
        InterruptsSystem sys = new InterruptsSystem(SECRET, E, InterruptsImplFlaw.SCRUB_XOR_SECRET);
        for (int i = 0; i < 3; i++) {
            sys.apply(EXEC);
        }
        InterruptsObservation.VirtualInterrupt vi = (InterruptsObservation.VirtualInterrupt)
                sys.apply(new InterruptsAction.Arrive(ArrivalCause.INTERRUPT, 1))
                        .get(0);
        assertThat(vi.registers()).doesNotContainValue(SECRET);
        assertThat(vi.registers().get(Reg.R1) ^ E).isEqualTo(SECRET);
        sys.apply(new InterruptsAction.Return());
        InterruptsObservation.VirtualInterrupt again = (InterruptsObservation.VirtualInterrupt)
                sys.apply(new InterruptsAction.Arrive(ArrivalCause.INTERRUPT, 2))
                        .get(0);
        assertThat(again.registers()).doesNotContainValue(SECRET);
    }

    @Test
    void randomActionsRefineTheModelStepByStep() {
        Random random = new Random(7);
        long[] addresses = {0x8000, 0x8001, 0x2003, 0x1000, 0x1003, 0x1FFF, 0x5000, 0xFFFF_FFFFL};
        long[] targets = {
            CodeLayout.SEQUENCE_START,
            CodeLayout.SEQUENCE_COMPARE,
            CodeLayout.SEQUENCE_HYPERCALL,
            0x1010,
            0x2004,
            0x8000
        };
        for (int run = 0; run < 20; run++) {
            InterruptsSystem sys = new InterruptsSystem(SECRET + run);
            InterruptsState model = sys.abstractState();
            List<InterruptsAction> done = new ArrayList<>();
            for (int i = 0; i < 150; i++) {
                InterruptsAction a = switch (random.nextInt(10)) {
                    case 0 ->
                        new InterruptsAction.Arrive(
                                random.nextBoolean() ? ArrivalCause.INTERRUPT : ArrivalCause.EXCEPTION,
                                random.nextInt(4));
                    case 1 -> new InterruptsAction.Return();
                    case 2 -> new InterruptsAction.ReadMemory(addresses[random.nextInt(addresses.length)]);
                    case 3 ->
                        new InterruptsAction.WriteMemory(
                                addresses[random.nextInt(addresses.length)], random.nextInt(3));
                    case 4 -> new InterruptsAction.JumpTo(targets[random.nextInt(targets.length)]);
                    case 5 ->
                        new InterruptsAction.SetRegister(Reg.values()[random.nextInt(4)], random.nextBoolean() ? E : 5);
                    default -> EXEC;
                };
                done.add(a);
                InterruptsStep expected = InterruptsModel.step(model, a);
                List<InterruptsObservation> seen = sys.apply(a);
                assertThat(seen).as("observations after %s", done).isEqualTo(expected.observations());
                model = InterruptsAbstraction.canonical(expected.next());
                assertThat(sys.abstractState()).as("state after %s", done).isEqualTo(model);
            }
        }
    }

    @Test
    void theDeviceIsRefusedTheExecuteOnlyPageUnlessTheIommuMapsIt() {
        InterruptsSystem correct = new InterruptsSystem(SECRET);
        assertThat(correct.apply(new InterruptsAction.DmaRead(CodeLayout.SEQUENCE_START)))
                .containsExactly(new InterruptsObservation.Fault(
                        InterruptsObservation.FaultKind.DMA_REFUSED, CodeLayout.SEQUENCE_START));
        assertThat(correct.deviceCanReachSecret()).isFalse();
        assertThat(correct.apply(new InterruptsAction.DmaRead(0x8000)))
                .containsExactly(new InterruptsObservation.DeviceRead(0x8000, 0, Optional.empty()));

        InterruptsSystem flawed = new InterruptsSystem(SECRET, E, InterruptsImplFlaw.IOMMU_MAPS_CODE_PAGE);
        assertThat(flawed.deviceCanReachSecret()).isTrue();
        assertThat(flawed.apply(new InterruptsAction.DmaRead(CodeLayout.SEQUENCE_START)))
                .containsExactly(new InterruptsObservation.DeviceRead(
                        CodeLayout.SEQUENCE_START, 0, Optional.of(new Instruction.MovImm(Reg.R1, SECRET))));
    }

    @Test
    void aTransferIntoTheMovesImmediateFaultsAndTheCompareSetsFlagsThatTheHypercallClears() {
        InterruptsSystem system = new InterruptsSystem(SECRET);
        long immediate = CodeLayout.entryByte() + GuestLayout.INSTRUCTION_OFFSET + 8;
        assertThat(system.apply(new InterruptsAction.JumpToByte(immediate)))
                .containsExactly(
                        new InterruptsObservation.Fault(InterruptsObservation.FaultKind.NOT_SEQUENCE_ENTRY, immediate));
        assertThat(system.apply(new InterruptsAction.JumpToByte(CodeLayout.entryByte())))
                .isEmpty();
        system.apply(EXEC);
        system.apply(EXEC);
        system.apply(EXEC);
        assertThat(system.cpu().flags()).isEqualTo(Instruction.compareFlags(SECRET, E));
        assertThat(system.lowRegisters()).isEqualTo(List.of(0L)); // inside the sequence: only the frame count
        system.apply(EXEC);
        assertThat(system.cpu().flags()).isZero();
        assertThat(system.lowRegisters()).hasSize(16 + 2 + 1);
    }
}
