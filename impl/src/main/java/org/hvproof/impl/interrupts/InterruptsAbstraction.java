package org.hvproof.impl.interrupts;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.hvproof.impl.machine.Machine;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.interrupts.Instruction;
import org.hvproof.model.interrupts.InterruptsState;

/**
 * The abstraction function from the machine to the model's {@link InterruptsState}, read off the
 * real structures: registers from the vCPU, the program counter from its instruction pointer,
 * interrupt frames from the virtual interrupt controller, code by decoding the slots of the code
 * pages, memory from the data words of every page the guest can write (zero words left out: they
 * read as zero, as absent addresses do in the model), the secret, erasure constant and answered
 * hypercalls from the hypervisor's records.
 */
public final class InterruptsAbstraction {
    private InterruptsAbstraction() {}

    /** The model state {@code system} represents. */
    public static InterruptsState abstractState(InterruptsSystem system) {
        Map<Long, Instruction> code = new HashMap<>();
        Map<Long, Long> memory = new HashMap<>();
        for (long p : system.codePages()) {
            scan(system.machine(), p, code, memory);
        }
        for (long p : system.data().dataPages()) {
            scan(system.machine(), p, null, memory);
        }
        SequenceAuthenticator authenticator = system.authenticator();
        return new InterruptsState(
                Registers.snapshot(system.cpu()),
                GuestLayout.address(system.cpu().instructionPointer()),
                system.module().frames(),
                code,
                memory,
                authenticator.secret(),
                authenticator.erasure(),
                authenticator.log());
    }

    /** The model state with zero memory words dropped: the form {@link #abstractState} gives. */
    public static InterruptsState canonical(InterruptsState s) {
        if (!s.memory().containsValue(0L)) {
            return s;
        }
        Map<Long, Long> memory = new HashMap<>(s.memory());
        memory.values().removeIf(v -> v == 0L);
        return new InterruptsState(
                s.registers(), s.pc(), s.returnStack(), s.code(), memory, s.secret(), s.erasure(), s.hypercalls());
    }

    /** Reads one machine page's slots: every non-zero data word, and (when {@code code} is given) every decodable instruction. */
    private static void scan(Machine machine, long pageNumber, Map<Long, Instruction> code, Map<Long, Long> memory) {
        byte[] frame = machine.peekGuestPage(ViewId.DEFAULT, new GuestPhysicalPage(pageNumber));
        ByteBuffer b = ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN);
        long firstAddress = (pageNumber << 12) / GuestLayout.SLOT_SIZE;
        for (int slot = 0; slot < 4096 / GuestLayout.SLOT_SIZE; slot++) {
            int at = (int) (slot * GuestLayout.SLOT_SIZE);
            long word = b.getLong(at);
            if (word != 0) {
                memory.put(firstAddress + slot, word);
            }
            if (code != null && frame[at + (int) GuestLayout.INSTRUCTION_OFFSET] != 0) {
                byte[] insn = new byte[InstructionCodec.LENGTH];
                System.arraycopy(frame, at + (int) GuestLayout.INSTRUCTION_OFFSET, insn, 0, insn.length);
                Optional<Instruction> decoded = InstructionCodec.decode(insn);
                if (decoded.isPresent()) {
                    code.put(firstAddress + slot, decoded.get());
                }
            }
        }
    }
}
