package org.hvproof.model.interrupts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.hvproof.model.interrupts.Action.Arrive;
import org.hvproof.model.interrupts.Action.Execute;
import org.hvproof.model.interrupts.Action.JumpTo;
import org.hvproof.model.interrupts.Action.ReadMemory;
import org.hvproof.model.interrupts.Action.Return;
import org.hvproof.model.interrupts.Action.SetRegister;
import org.hvproof.model.interrupts.Action.WriteMemory;
import org.hvproof.model.interrupts.Observation.Fault;
import org.hvproof.model.interrupts.Observation.FaultKind;
import org.hvproof.model.interrupts.Observation.VirtualInterrupt;
import org.junit.jupiter.api.Test;

class InterruptsTest {

    static final long SECRET = 0x5EC2E75EC2E7L;
    static final long OTHER_SECRET = 0x1234_5678_9ABCL;
    static final Action EXEC = new Execute();
    static final Action CALL = new JumpTo(Layout.SEQUENCE_START);

    static State run(State s, Action... actions) {
        for (Action a : actions) {
            s = Interrupts.step(s, a).next();
        }
        return s;
    }

    /** The state with the guest about to execute the instruction at the given offset of the sequence. */
    static State atSequenceOffset(long secret, int offset) {
        State s = run(State.initial(secret), EXEC, CALL); // sets the message, then calls the sequence
        for (int i = 0; i < offset; i++) {
            s = run(s, EXEC);
        }
        assertThat(s.pc()).isEqualTo(Layout.SEQUENCE_START + offset);
        return s;
    }

    @Test
    void sequenceWithoutInterruptsEndsInAnAcceptedHypercallAndErasesItsRegisters() {
        State s = atSequenceOffset(SECRET, 3);
        Step last = Interrupts.step(s, EXEC);
        assertThat(last.observations()).containsExactly(new Observation.HypercallReturned(Verdict.ACCEPTED));
        assertThat(last.next().reg(Reg.R0)).isEqualTo(Verdict.ACCEPTED.code());
        assertThat(last.next().reg(Reg.R1)).isEqualTo(State.DEFAULT_ERASURE);
        assertThat(last.next().reg(Reg.R2)).isEqualTo(State.DEFAULT_ERASURE);
        assertThat(last.next().pc()).isEqualTo(Layout.SEQUENCE_EXIT);
    }

    @Test
    void interruptInsideSequenceErasesSecretRegistersBeforeTheHandlerSeesThem() {
        for (int offset = 0; offset <= 3; offset++) {
            State before = atSequenceOffset(SECRET, offset);
            Step step = Interrupts.step(before, new Arrive(Cause.INTERRUPT, 32));
            assertThat(step.observations()).hasSize(1);
            VirtualInterrupt vi = (VirtualInterrupt) step.observations().get(0);
            assertThat(vi.vector()).isEqualTo(32);
            assertThat(vi.returnAddress()).isEqualTo(before.pc());
            assertThat(vi.registers())
                    .doesNotContainValue(SECRET)
                    .containsEntry(Reg.R1, State.DEFAULT_ERASURE)
                    .containsEntry(Reg.R2, State.DEFAULT_ERASURE);
            assertThat(step.next().inHandler()).isTrue();
        }
    }

    @Test
    void afterTheHandlerReturnsTheSequenceReExecutesTheMoveAndIsStillAccepted() {
        for (int offset = 0; offset <= 3; offset++) {
            State s = run(atSequenceOffset(SECRET, offset), new Arrive(Cause.EXCEPTION, 14), new Return());
            int executed = 0;
            while (s.hypercalls().isEmpty() && executed++ < 10) {
                s = run(s, EXEC);
            }
            assertThat(s.hypercalls())
                    .extracting(State.HypercallResult::verdict)
                    .containsExactly(Verdict.ACCEPTED);
            assertThat(executed)
                    .as("offset %d re-executes from the move", offset)
                    .isGreaterThan(3 - offset);
        }
    }

    @Test
    void hypercallWithErasedAuthenticationRestartsTheSequenceInsteadOfAnswering() {
        State s = run(atSequenceOffset(SECRET, 3), new Arrive(Cause.INTERRUPT, 32), new Return());
        Step step = Interrupts.step(s, EXEC);
        assertThat(step.observations()).isEmpty();
        assertThat(step.next().pc()).isEqualTo(Layout.SEQUENCE_START);
        assertThat(step.next().hypercalls()).isEmpty();
    }

    @Test
    void interruptOutsideSequenceIsForwardedWithRegistersUntouched() {
        State s = run(State.initial(SECRET), EXEC, new SetRegister(Reg.R1, 77));
        Step step = Interrupts.step(s, new Arrive(Cause.INTERRUPT, 40));
        VirtualInterrupt vi = (VirtualInterrupt) step.observations().get(0);
        assertThat(vi.registers()).isEqualTo(s.registers());
    }

    @Test
    void nestedInterruptsAreEachDeliveredOnceInOrder() {
        State s = atSequenceOffset(SECRET, 1);
        List<Integer> vectors = new ArrayList<>();
        for (int v : new int[] {32, 33, 14}) {
            Step step = Interrupts.step(s, new Arrive(v == 14 ? Cause.EXCEPTION : Cause.INTERRUPT, v));
            step.observations().forEach(o -> vectors.add(((VirtualInterrupt) o).vector()));
            s = step.next();
        }
        assertThat(vectors).containsExactly(32, 33, 14);
        s = run(s, new Return(), new Return(), new Return());
        assertThat(s.inHandler()).isFalse();
        assertThat(s.pc()).isEqualTo(Layout.SEQUENCE_START + 1);
    }

    @Test
    void readsAndWritesOfTheExecuteOnlyPageFaultAndChangeNothing() {
        State s = State.initial(SECRET);
        Step read = Interrupts.step(s, new ReadMemory(Layout.SEQUENCE_START));
        Step write = Interrupts.step(s, new WriteMemory(Layout.SEQUENCE_START + 1, 5));
        assertThat(read.observations()).containsExactly(new Fault(FaultKind.READ_EXECUTE_ONLY, Layout.SEQUENCE_START));
        assertThat(write.observations())
                .containsExactly(new Fault(FaultKind.WRITE_EXECUTE_ONLY, Layout.SEQUENCE_START + 1));
        assertThat(read.next()).isEqualTo(s);
        assertThat(write.next()).isEqualTo(s);
    }

    @Test
    void hostileActionsGiveFaultsNeverExceptions() {
        State s = State.initial(SECRET);
        assertThat(Interrupts.step(s, new Return()).observations())
                .containsExactly(new Fault(FaultKind.RETURN_WITHOUT_HANDLER, s.pc()));
        State lost = run(s, new JumpTo(-5));
        assertThat(Interrupts.step(lost, EXEC).observations())
                .containsExactly(new Fault(FaultKind.EXECUTE_UNMAPPED, -5));
        Random random = new Random(7);
        for (int i = 0; i < 2000; i++) {
            s = Interrupts.step(s, randomAction(random)).next();
        }
        assertThat(s).isNotNull();
    }

    @Test
    void forgedHypercallFromMidSequenceIsRejected() {
        State s = run(
                State.initial(SECRET),
                new SetRegister(Reg.R1, 42),
                new JumpTo(Layout.SEQUENCE_START + 1),
                EXEC,
                EXEC,
                EXEC);
        assertThat(s.hypercalls()).extracting(State.HypercallResult::verdict).containsExactly(Verdict.REJECTED);
        assertThat(s.registers()).doesNotContainValue(SECRET);
    }

    @Test
    void stateRefusesASecretEqualToTheErasureConstant() {
        assertThatThrownBy(() -> State.initial(State.DEFAULT_ERASURE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("erasure");
    }

    static Action randomAction(Random r) {
        long[] targets = {
            Layout.SEQUENCE_START,
            Layout.SEQUENCE_START + 1,
            Layout.SEQUENCE_COMPARE,
            Layout.SEQUENCE_HYPERCALL,
            Layout.SEQUENCE_EXIT,
            Layout.ORDINARY_CODE,
            0x8000,
            -1,
            Long.MAX_VALUE
        };
        return switch (r.nextInt(10)) {
            case 0, 1, 2, 3 -> EXEC;
            case 4 -> new Arrive(r.nextBoolean() ? Cause.INTERRUPT : Cause.EXCEPTION, r.nextInt(256));
            case 5 -> new Return();
            case 6 ->
                new SetRegister(Reg.values()[r.nextInt(4)], r.nextInt(4) == 0 ? State.DEFAULT_ERASURE : r.nextInt(8));
            case 7 -> new JumpTo(targets[r.nextInt(targets.length)]);
            case 8 -> new ReadMemory(r.nextBoolean() ? Layout.SEQUENCE_START + r.nextInt(6) : 0x8000 + r.nextInt(3));
            default -> new WriteMemory(r.nextBoolean() ? Layout.SEQUENCE_START : 0x8000 + r.nextInt(3), r.nextInt(8));
        };
    }

    static final Set<InterruptFlaw> NONE = EnumSet.noneOf(InterruptFlaw.class);
}
