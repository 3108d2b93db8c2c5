package org.hvproof.model.interrupts;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Where things are in guest memory: the execute-only page holding the protected sequence, the
 * ordinary code that calls it, and the handler's entry. Addresses count instructions, not
 * bytes; a page is 4096 addresses.
 */
public final class CodeLayout {

    /** Page size in addresses. */
    public static final long PAGE_SIZE = 4096;
    /**
     * Bytes of guest-virtual memory per address: a data word, then the encoded instruction. A
     * control transfer names a byte; only the first byte of a slot starts an instruction.
     */
    public static final long SLOT_SIZE = 32;
    /** First address of the execute-only page; the sequence starts here. */
    public static final long SEQUENCE_START = 0x1000;
    /** Address of the sequence's compare-and-restart. */
    public static final long SEQUENCE_COMPARE = SEQUENCE_START + 2;
    /** Address of the sequence's hypercall, its last instruction. */
    public static final long SEQUENCE_HYPERCALL = SEQUENCE_START + 3;
    /** Where the execute-only page returns to ordinary code after the hypercall. */
    public static final long SEQUENCE_EXIT = SEQUENCE_START + 4;
    /** Ordinary (readable) guest code: sets the message, calls the sequence, loops. */
    public static final long ORDINARY_CODE = 0x2000;
    /** Handler code runs here; its instructions are not modelled, only its reads and writes. */
    public static final long HANDLER_ENTRY = 0x3000;
    /** The registers the sequence writes with the secret or a function of it. */
    public static final Set<Reg> SECRET_REGISTERS = Set.of(Reg.R1, Reg.R2);

    /** Addresses whose slots share one 4 KiB guest page: the unit the guest OS maps and unmaps. */
    public static final long ADDRESSES_PER_GUEST_PAGE = 4096 / SLOT_SIZE;

    /** The guest pages the guest OS maps as code at boot: the execute-only page's and every code address's. */
    private static final Set<Long> CODE_GUEST_PAGES = codeGuestPages();

    /** Recently built {@link #sharedCode} maps by (secret, erasure); a few suffice (two runs, their machines). */
    private static final Map<List<Long>, Map<Long, Instruction>> SHARED = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<List<Long>, Map<Long, Instruction>> eldest) {
            return size() > 16;
        }
    };

    private CodeLayout() {}

    /** True for every address of the execute-only page. */
    public static boolean onExecuteOnlyPage(long address) {
        return Math.floorDiv(address, PAGE_SIZE) == SEQUENCE_START / PAGE_SIZE;
    }

    /** The 4 KiB guest page (its number) holding {@code address}'s slot. */
    public static long guestPage(long address) {
        return Math.floorDiv(address, ADDRESSES_PER_GUEST_PAGE);
    }

    /**
     * Whether {@code address}'s slot lies on a guest page mapped as code (executable): there a
     * fetch reads the slot's bytes, and a slot holding no instruction is an invalid opcode; every
     * other page is mapped no-execute or not at all, and a fetch there is a page fault.
     */
    public static boolean onCodeGuestPage(long address) {
        return CODE_GUEST_PAGES.contains(guestPage(address));
    }

    private static Set<Long> codeGuestPages() {
        TreeSet<Long> pages = new TreeSet<>();
        long first = guestPage(SEQUENCE_START - Math.floorMod(SEQUENCE_START, PAGE_SIZE));
        for (long p = first; p < first + PAGE_SIZE / ADDRESSES_PER_GUEST_PAGE; p++) {
            pages.add(p);
        }
        code(0, 1).keySet().forEach(a -> pages.add(guestPage(a)));
        return Set.copyOf(pages);
    }

    /** The guest-virtual byte where the sequence starts: the only byte of it a transfer may target. */
    public static long entryByte() {
        return SEQUENCE_START * SLOT_SIZE;
    }

    /** True for every byte of the four slots of the protected sequence. */
    public static boolean byteInSequence(long virtualAddress) {
        return inSequence(Math.floorDiv(virtualAddress, SLOT_SIZE));
    }

    /** True for the four addresses of the protected sequence. */
    public static boolean inSequence(long address) {
        return address >= SEQUENCE_START && address <= SEQUENCE_HYPERCALL;
    }

    /**
     * {@link #code} as an immutable map, the same instance for the same secret and erasure constant
     * while it is among the recently asked for: states whose code is this map compare it by
     * identity first (an equal map built elsewhere can be exchanged for it), so the step-by-step
     * comparison of model and machine does not walk equal code again and again.
     */
    public static Map<Long, Instruction> sharedCode(long secret, long erasure) {
        synchronized (SHARED) {
            return SHARED.computeIfAbsent(List.of(secret, erasure), k -> Map.copyOf(code(secret, erasure)));
        }
    }

    /**
     * The guest code with the secret written into the move at the sequence's start: the
     * protected sequence, a jump back to ordinary code, and ordinary code that sets a message
     * in R3 and calls the sequence again and again.
     */
    public static Map<Long, Instruction> code(long secret, long erasure) {
        Map<Long, Instruction> code = new TreeMap<>();
        code.put(SEQUENCE_START, new Instruction.MovImm(Reg.R1, secret));
        code.put(SEQUENCE_START + 1, new Instruction.Mix(Reg.R2, Reg.R1, Reg.R3));
        code.put(SEQUENCE_COMPARE, new Instruction.CmpImmJumpIfEqual(Reg.R1, erasure, SEQUENCE_START));
        code.put(SEQUENCE_HYPERCALL, new Instruction.Hypercall());
        code.put(SEQUENCE_EXIT, new Instruction.Jump(ORDINARY_CODE + 2));
        List<Instruction> ordinary = List.of(
                new Instruction.MovImm(Reg.R3, 0x4D5347L),
                new Instruction.Jump(SEQUENCE_START),
                new Instruction.Load(Reg.R0, 0x8000),
                new Instruction.Store(Reg.R0, 0x8001),
                new Instruction.Nop(),
                new Instruction.Jump(ORDINARY_CODE));
        for (int i = 0; i < ordinary.size(); i++) {
            code.put(ORDINARY_CODE + i, ordinary.get(i));
        }
        return code;
    }
}
