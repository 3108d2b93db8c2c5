package org.hvproof.impl.interrupts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.hvproof.model.interrupts.Action;
import org.hvproof.model.interrupts.Cause;
import org.hvproof.model.interrupts.Instruction;
import org.hvproof.model.interrupts.Interrupts;
import org.hvproof.model.interrupts.Layout;
import org.hvproof.model.interrupts.Observation;
import org.hvproof.model.interrupts.Reg;
import org.hvproof.model.interrupts.State;
import org.hvproof.model.interrupts.Step;
import org.hvproof.model.interrupts.Verdict;
import org.junit.jupiter.api.Test;

class InterruptsSystemTest {
    private static final long SECRET = 0x5EC2E7_0000_1234L;
    private static final long E = State.DEFAULT_ERASURE;
    private static final Action EXEC = new Action.Execute();

    @Test
    void everyInstructionOfTheGuestCodeRoundTripsThroughItsBytes() {
        Layout.code(SECRET, E)
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
        assertThat(new InterruptsSystem(SECRET).abstractState()).isEqualTo(State.initial(SECRET));
    }

    @Test
    void theSecretIsInGuestMemoryOnlyAsTheMovesImmediateAndReadsAndWritesOfItFault() {
        InterruptsSystem sys = new InterruptsSystem(SECRET);
        long immediate = GuestLayout.slot(Layout.SEQUENCE_START) + GuestLayout.INSTRUCTION_OFFSET + 8;
        assertThat(sys.machine().peekGuestPhysicalLong(org.hvproof.impl.machine.ViewId.DEFAULT, immediate))
                .isEqualTo(SECRET);
        assertThat(sys.apply(new Action.ReadMemory(Layout.SEQUENCE_START)))
                .containsExactly(new Observation.Fault(Observation.FaultKind.READ_EXECUTE_ONLY, Layout.SEQUENCE_START));
        assertThat(sys.apply(new Action.WriteMemory(Layout.SEQUENCE_START + 7, 1)))
                .containsExactly(
                        new Observation.Fault(Observation.FaultKind.WRITE_EXECUTE_ONLY, Layout.SEQUENCE_START + 7));
        assertThat(sys.apply(new Action.ReadMemory(0x8000))).containsExactly(new Observation.MemoryRead(0x8000, 0));
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
        List<Observation> seen = sys.apply(new Action.Arrive(Cause.INTERRUPT, 32));
        assertThat(seen).hasSize(1);
        Observation.VirtualInterrupt vi = (Observation.VirtualInterrupt) seen.get(0);
        assertThat(vi.vector()).isEqualTo(32);
        assertThat(vi.registers().get(Reg.R1)).isEqualTo(E);
        assertThat(vi.registers().get(Reg.R2)).isEqualTo(E);
        assertThat(vi.registers()).doesNotContainValue(SECRET);
        assertThat(vi.returnAddress()).isEqualTo(Layout.SEQUENCE_START + 1);
        assertThat(sys.apply(new Action.Return())).isEmpty();
        sys.apply(EXEC); // MIX with the erased R1
        sys.apply(EXEC); // CMP R1, E: equal, back to the start
        assertThat(sys.abstractState().pc()).isEqualTo(Layout.SEQUENCE_START);
        for (int i = 0; i < 3; i++) {
            sys.apply(EXEC);
        }
        assertThat(sys.apply(EXEC)).containsExactly(new Observation.HypercallReturned(Verdict.ACCEPTED));
        assertThat(sys.abstractState().registers()).doesNotContainValue(SECRET);
    }

    @Test
    void anInterruptOutsideTheSequenceIsForwardedUntouched() {
        InterruptsSystem sys = new InterruptsSystem(SECRET);
        sys.apply(new Action.SetRegister(Reg.R1, 77));
        Observation.VirtualInterrupt vi = (Observation.VirtualInterrupt)
                sys.apply(new Action.Arrive(Cause.EXCEPTION, 14)).get(0);
        assertThat(vi.registers().get(Reg.R1)).isEqualTo(77);
        assertThat(vi.cause()).isEqualTo(Cause.EXCEPTION);
    }

    @Test
    void theXorScrubberLeavesAFunctionOfTheSecretThatIsNeverTheSecret() {
        InterruptsSystem sys = new InterruptsSystem(SECRET, E, InterruptImplFlaw.SCRUB_XOR_SECRET);
        for (int i = 0; i < 3; i++) {
            sys.apply(EXEC);
        }
        Observation.VirtualInterrupt vi = (Observation.VirtualInterrupt)
                sys.apply(new Action.Arrive(Cause.INTERRUPT, 1)).get(0);
        assertThat(vi.registers()).doesNotContainValue(SECRET);
        assertThat(vi.registers().get(Reg.R1) ^ E).isEqualTo(SECRET);
        sys.apply(new Action.Return());
        Observation.VirtualInterrupt again = (Observation.VirtualInterrupt)
                sys.apply(new Action.Arrive(Cause.INTERRUPT, 2)).get(0);
        assertThat(again.registers()).doesNotContainValue(SECRET);
    }

    @Test
    void randomActionsRefineTheModelStepByStep() {
        Random random = new Random(7);
        long[] addresses = {0x8000, 0x8001, 0x2003, 0x1000, 0x1003, 0x1FFF, 0x5000, 0xFFFF_FFFFL};
        long[] targets = {
            Layout.SEQUENCE_START, Layout.SEQUENCE_COMPARE, Layout.SEQUENCE_HYPERCALL, 0x1010, 0x2004, 0x8000
        };
        for (int run = 0; run < 20; run++) {
            InterruptsSystem sys = new InterruptsSystem(SECRET + run);
            State model = sys.abstractState();
            List<Action> done = new ArrayList<>();
            for (int i = 0; i < 150; i++) {
                Action a = switch (random.nextInt(10)) {
                    case 0 ->
                        new Action.Arrive(random.nextBoolean() ? Cause.INTERRUPT : Cause.EXCEPTION, random.nextInt(4));
                    case 1 -> new Action.Return();
                    case 2 -> new Action.ReadMemory(addresses[random.nextInt(addresses.length)]);
                    case 3 -> new Action.WriteMemory(addresses[random.nextInt(addresses.length)], random.nextInt(3));
                    case 4 -> new Action.JumpTo(targets[random.nextInt(targets.length)]);
                    case 5 -> new Action.SetRegister(Reg.values()[random.nextInt(4)], random.nextBoolean() ? E : 5);
                    default -> EXEC;
                };
                done.add(a);
                Step expected = Interrupts.step(model, a);
                List<Observation> seen = sys.apply(a);
                assertThat(seen).as("observations after %s", done).isEqualTo(expected.observations());
                model = InterruptsSystem.canonical(expected.next());
                assertThat(sys.abstractState()).as("state after %s", done).isEqualTo(model);
            }
        }
    }
}
