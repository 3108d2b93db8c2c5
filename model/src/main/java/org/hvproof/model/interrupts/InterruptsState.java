package org.hvproof.model.interrupts;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.hvproof.model.common.Notation;

/**
 * One vCPU of a guest, its memory and the hypervisor's record of the secret. Immutable: every
 * "with" method returns a new state.
 *
 * @param registers the register file (every {@link Reg} present)
 * @param flags the flags register: the arithmetic bits the last compare set ({@link Instruction#compareFlags})
 * @param pc the guest's program counter; {@link CodeLayout#HANDLER_ENTRY} while a handler runs
 * @param returnStack return addresses of the interrupted contexts, innermost last; empty when
 *     no handler runs. A handler may rewrite the innermost one.
 * @param code guest code by address; the execute-only page holds the protected sequence
 * @param memory readable and writable guest memory; absent addresses read as zero
 * @param secret the hypervisor's copy of the secret (equal to the move's immediate)
 * @param erasure the erasure constant; never equal to the secret
 * @param hypercalls every authenticated hypercall the hypervisor answered, in order
 * @param absentPages the 4 KiB guest pages ({@link CodeLayout#guestPage}) the guest OS has unmapped
 *     from its page tables: every fetch or access there raises a page fault
 */
public record InterruptsState(
        Map<Reg, Long> registers,
        long flags,
        long pc,
        List<Long> returnStack,
        Map<Long, Instruction> code,
        Map<Long, Long> memory,
        long secret,
        long erasure,
        List<HypercallResult> hypercalls,
        Set<Long> absentPages) {

    /** The default erasure constant. */
    public static final long DEFAULT_ERASURE = 0xE5A5E5A5E5A5E5A5L;

    private static final int REGISTER_COUNT = Reg.values().length;

    /** One answered hypercall: the message in R3 and the verdict. */
    public record HypercallResult(long message, HypercallVerdict verdict) {
        @Override
        public String toString() {
            return "message " + Notation.hex(message) + " " + verdict;
        }
    }

    public InterruptsState {
        Objects.requireNonNull(registers, "registers");
        if (registers.size() != REGISTER_COUNT) {
            throw new IllegalArgumentException("expected a value for every register, found " + registers.keySet());
        }
        if (secret == erasure) {
            throw new IllegalArgumentException(
                    "the secret must differ from the erasure constant " + Long.toHexString(erasure));
        }
        registers = Map.copyOf(registers);
        returnStack = List.copyOf(returnStack);
        code = Map.copyOf(code);
        memory = Map.copyOf(memory);
        hypercalls = List.copyOf(hypercalls);
        absentPages = Set.copyOf(absentPages);
    }

    /** The guest at the start of its ordinary code, registers zero, with the given secret. */
    public static InterruptsState initial(long secret) {
        return initial(secret, DEFAULT_ERASURE);
    }

    /** As {@link #initial(long)} with an explicit erasure constant. */
    public static InterruptsState initial(long secret, long erasure) {
        Map<Reg, Long> regs = new EnumMap<>(Reg.class);
        for (Reg r : Reg.values()) {
            regs.put(r, 0L);
        }
        return new InterruptsState(
                regs,
                0,
                CodeLayout.ORDINARY_CODE,
                List.of(),
                CodeLayout.sharedCode(secret, erasure),
                Map.of(),
                secret,
                erasure,
                List.of(),
                Set.of());
    }

    /** The value of one register. */
    public long reg(Reg r) {
        return registers.get(r);
    }

    /** True while a virtual interrupt handler runs. */
    public boolean inHandler() {
        return !returnStack.isEmpty();
    }

    /** True while the guest itself executes inside the protected sequence. */
    public boolean inSequence() {
        return !inHandler() && CodeLayout.inSequence(pc);
    }

    /** True when code the low observer controls runs: a handler, or guest code outside the sequence. */
    public boolean lowCodeRuns() {
        return !inSequence();
    }

    /** The value at a readable address (zero when never written). */
    public long read(long address) {
        return memory.getOrDefault(address, 0L);
    }

    /** Whether the guest OS has unmapped the guest page holding {@code address}'s slot. */
    public boolean pageAbsent(long address) {
        return !absentPages.isEmpty() && absentPages.contains(CodeLayout.guestPage(address));
    }

    InterruptsState withPagePresent(long address, boolean present) {
        Set<Long> pages = new HashSet<>(absentPages);
        if (present) {
            pages.remove(CodeLayout.guestPage(address));
        } else {
            pages.add(CodeLayout.guestPage(address));
        }
        return new InterruptsState(registers, flags, pc, returnStack, code, memory, secret, erasure, hypercalls, pages);
    }

    InterruptsState withReg(Reg r, long value) {
        Map<Reg, Long> regs = new EnumMap<>(registers);
        regs.put(r, value);
        return new InterruptsState(
                regs, flags, pc, returnStack, code, memory, secret, erasure, hypercalls, absentPages);
    }

    InterruptsState withRegisters(Map<Reg, Long> regs) {
        return new InterruptsState(
                regs, flags, pc, returnStack, code, memory, secret, erasure, hypercalls, absentPages);
    }

    InterruptsState withFlags(long newFlags) {
        return new InterruptsState(
                registers, newFlags, pc, returnStack, code, memory, secret, erasure, hypercalls, absentPages);
    }

    InterruptsState withPc(long newPc) {
        return new InterruptsState(
                registers, flags, newPc, returnStack, code, memory, secret, erasure, hypercalls, absentPages);
    }

    InterruptsState withReturnStack(List<Long> stack) {
        return new InterruptsState(registers, flags, pc, stack, code, memory, secret, erasure, hypercalls, absentPages);
    }

    InterruptsState withMemory(long address, long value) {
        Map<Long, Long> mem = new HashMap<>(memory);
        mem.put(address, value);
        return new InterruptsState(
                registers, flags, pc, returnStack, code, mem, secret, erasure, hypercalls, absentPages);
    }

    InterruptsState withHypercall(HypercallResult result) {
        List<HypercallResult> log = new ArrayList<>(hypercalls);
        log.add(result);
        return new InterruptsState(registers, flags, pc, returnStack, code, memory, secret, erasure, log, absentPages);
    }
}
