package org.hvproof.impl.interrupts;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hvproof.impl.machine.Machine;
import org.hvproof.impl.machine.NestedEntry;
import org.hvproof.impl.machine.NestedPageTable;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.interrupts.Instruction;
import org.hvproof.model.interrupts.InterruptsState;

/**
 * The abstraction function from the machine to the model's {@link InterruptsState}, read off the
 * real structures: registers from the vCPU, the program counter from its instruction pointer,
 * interrupt frames from the virtual interrupt controller, the secret, erasure constant and
 * answered hypercalls from the hypervisor's records, and code and memory from every guest page
 * the nested page table backs (every leaf, whichever way it came to be backed), outside the guest
 * OS's page-table pool: each slot's data word is memory (zero words left out: they read as zero,
 * as absent addresses do in the model) and each slot's decodable instruction is code. Pages
 * nothing backs read as zero and hold no code, as in the model. The leaves are found
 * incrementally ({@link BackedPages}).
 */
public final class InterruptsAbstraction {
    private InterruptsAbstraction() {}

    /** The model state {@code system} represents. */
    public static InterruptsState abstractState(InterruptsSystem system) {
        Map<Long, Instruction> code = new HashMap<>();
        Map<Long, Long> memory = new HashMap<>();
        Machine machine = system.machine();
        system.backedPages()
                .forEach(machine, (page, frame) -> scan(machine.memory().frameContents(frame), page, code, memory));
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

    /**
     * The backed guest pages of one machine, found incrementally: the nested page table is walked
     * again only when the machine has handed out a host frame since the last walk (a guest page
     * becomes backed only with a fresh frame, and a new table of the walk is a fresh frame too);
     * otherwise each known page's leaf is looked up again, so a page unmapped or moved to another
     * frame is read as it now is.
     */
    static final class BackedPages {
        private long allocatedAtWalk = -1;
        private long[] pages = new long[0];

        /**
         * Calls {@code visitor} with every backed page outside the page-table pool and its host
         * frame, in guest-physical order.
         */
        void forEach(Machine machine, PageVisitor visitor) {
            NestedPageTable npt = machine.defaultView();
            long allocated = machine.memory().allocatedFrames();
            if (allocated != allocatedAtWalk) {
                List<Long> found = new ArrayList<>();
                npt.forEachLeaf((page, leaf) -> {
                    if (!inPageTablePool(page.number())) {
                        found.add(page.number());
                    }
                });
                pages = found.stream().mapToLong(Long::longValue).toArray();
                allocatedAtWalk = allocated;
            }
            for (long p : pages) {
                Optional<NestedEntry> leaf = npt.leaf(new GuestPhysicalPage(p));
                if (leaf.isPresent()) {
                    visitor.visit(p, leaf.get().hostFrame());
                }
            }
        }
    }

    /** Receives one backed guest page and the host frame behind it. */
    interface PageVisitor {
        void visit(long pageNumber, long hostFrame);
    }

    /** Whether a guest-physical page holds the guest OS's page tables (no model address lives there). */
    private static boolean inPageTablePool(long pageNumber) {
        return pageNumber >= GuestLayout.PAGE_TABLE_POOL_FIRST
                && pageNumber < GuestLayout.PAGE_TABLE_POOL_FIRST + GuestLayout.PAGE_TABLE_POOL_PAGES;
    }

    /** Reads one machine page's slots: every non-zero data word and every decodable instruction. */
    private static void scan(byte[] frame, long pageNumber, Map<Long, Instruction> code, Map<Long, Long> memory) {
        ByteBuffer b = ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN);
        long firstAddress = (pageNumber << 12) / GuestLayout.SLOT_SIZE;
        for (int slot = 0; slot < 4096 / GuestLayout.SLOT_SIZE; slot++) {
            int at = (int) (slot * GuestLayout.SLOT_SIZE);
            long word = b.getLong(at);
            if (word != 0) {
                memory.put(firstAddress + slot, word);
            }
            if (frame[at + (int) GuestLayout.INSTRUCTION_OFFSET] != 0) {
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
