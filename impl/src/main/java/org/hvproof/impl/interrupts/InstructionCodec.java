package org.hvproof.impl.interrupts;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import org.hvproof.model.interrupts.Instruction;
import org.hvproof.model.interrupts.Reg;

/**
 * The guest's small instruction set as bytes: encoding for the loader and the hypervisor (which
 * writes the secret into the move's immediate), decoding for the vCPU's executor. One instruction
 * is {@link #LENGTH} bytes, little-endian:
 *
 * <pre>
 *   byte 0      opcode (0 = no instruction: fetching it is an execute fault)
 *   bytes 1..3  register operands a, b, c (0..3 = R0..R3)
 *   bytes 4..7  zero
 *   bytes 8..15 64-bit immediate (MOV, CMP)
 *   bytes 16..23 64-bit address or jump target (CMP, LOAD, STORE, JMP)
 * </pre>
 *
 * Anything else (an unknown opcode, a register index above 3, non-zero padding) does not decode,
 * like an undefined opcode on real hardware.
 */
public final class InstructionCodec {
    /** Bytes of one encoded instruction. */
    public static final int LENGTH = 24;

    static final int NONE = 0;
    static final int MOV_IMM = 1;
    static final int MIX = 2;
    static final int CMP_IMM_JE = 3;
    static final int HYPERCALL = 4;
    static final int LOAD = 5;
    static final int STORE = 6;
    static final int JUMP = 7;
    static final int NOP = 8;

    private InstructionCodec() {}

    /** The bytes of {@code insn}. */
    public static byte[] encode(Instruction insn) {
        ByteBuffer b = ByteBuffer.allocate(LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        if (insn instanceof Instruction.MovImm m) {
            header(b, MOV_IMM, m.dst(), null, null).putLong(8, m.imm());
        } else if (insn instanceof Instruction.Mix m) {
            header(b, MIX, m.dst(), m.key(), m.msg());
        } else if (insn instanceof Instruction.CmpImmJumpIfEqual c) {
            header(b, CMP_IMM_JE, c.src(), null, null).putLong(8, c.imm()).putLong(16, c.target());
        } else if (insn instanceof Instruction.Hypercall) {
            header(b, HYPERCALL, null, null, null);
        } else if (insn instanceof Instruction.Load l) {
            header(b, LOAD, l.dst(), null, null).putLong(16, l.address());
        } else if (insn instanceof Instruction.Store s) {
            header(b, STORE, s.src(), null, null).putLong(16, s.address());
        } else if (insn instanceof Instruction.Jump j) {
            header(b, JUMP, null, null, null).putLong(16, j.target());
        } else if (insn instanceof Instruction.Nop) {
            header(b, NOP, null, null, null);
        } else {
            throw new IllegalArgumentException("no encoding for " + insn);
        }
        return b.array();
    }

    /** The instruction these {@link #LENGTH} bytes encode, or empty when they encode none. */
    public static Optional<Instruction> decode(byte[] bytes) {
        if (bytes.length != LENGTH) {
            return Optional.empty();
        }
        return Optional.ofNullable(decode(bytes, 0));
    }

    /**
     * The instruction the {@link #LENGTH} bytes of {@code src} from {@code offset} encode, or null
     * when they encode none: {@link #decode(byte[])} without copying the bytes out of a frame.
     */
    static Instruction decode(byte[] src, int offset) {
        ByteBuffer b = ByteBuffer.wrap(src, offset, LENGTH).slice().order(ByteOrder.LITTLE_ENDIAN);
        int opcode = b.get(0) & 0xff;
        if (b.getInt(4) != 0) {
            return null;
        }
        Reg a = reg(b.get(1));
        Reg r2 = reg(b.get(2));
        Reg r3 = reg(b.get(3));
        long imm = b.getLong(8);
        long address = b.getLong(16);
        if (a == null || r2 == null || r3 == null) {
            return null;
        }
        // Fields an opcode does not use must be zero, so every instruction has one encoding.
        return switch (opcode) {
            case MOV_IMM -> unused(r2, r3) && address == 0 ? new Instruction.MovImm(a, imm) : null;
            case MIX -> imm == 0 && address == 0 ? new Instruction.Mix(a, r2, r3) : null;
            case CMP_IMM_JE -> unused(r2, r3) ? new Instruction.CmpImmJumpIfEqual(a, imm, address) : null;
            case HYPERCALL ->
                a == Reg.R0 && unused(r2, r3) && imm == 0 && address == 0 ? new Instruction.Hypercall() : null;
            case LOAD -> unused(r2, r3) && imm == 0 ? new Instruction.Load(a, address) : null;
            case STORE -> unused(r2, r3) && imm == 0 ? new Instruction.Store(a, address) : null;
            case JUMP -> a == Reg.R0 && unused(r2, r3) && imm == 0 ? new Instruction.Jump(address) : null;
            case NOP -> a == Reg.R0 && unused(r2, r3) && imm == 0 && address == 0 ? new Instruction.Nop() : null;
            default -> null;
        };
    }

    private static boolean unused(Reg b, Reg c) {
        return b == Reg.R0 && c == Reg.R0;
    }

    private static final Reg[] REGS = Reg.values();

    private static Reg reg(byte index) {
        return index >= 0 && index < REGS.length ? REGS[index] : null;
    }

    private static ByteBuffer header(ByteBuffer b, int opcode, Reg a, Reg r2, Reg r3) {
        b.put(0, (byte) opcode);
        b.put(1, (byte) (a == null ? 0 : a.ordinal()));
        b.put(2, (byte) (r2 == null ? 0 : r2.ordinal()));
        b.put(3, (byte) (r3 == null ? 0 : r3.ordinal()));
        return b;
    }
}
