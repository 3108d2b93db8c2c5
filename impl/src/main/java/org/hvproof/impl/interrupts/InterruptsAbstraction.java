package org.hvproof.impl.interrupts;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hvproof.impl.machine.HostMemory;
import org.hvproof.impl.machine.Machine;
import org.hvproof.impl.machine.NestedPageTable;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.impl.machine.VirtualCpu;
import org.hvproof.model.interrupts.CodeLayout;
import org.hvproof.model.interrupts.Instruction;
import org.hvproof.model.interrupts.InterruptsState;
import org.hvproof.model.interrupts.Reg;

/**
 * The abstraction function from the machine to the model's {@link InterruptsState}, read off the
 * real structures: registers from the vCPU, the program counter from its instruction pointer,
 * interrupt frames from the virtual interrupt controller, the secret, erasure constant and
 * answered hypercalls from the hypervisor's records, and code and memory from every guest page
 * the nested page table backs (every leaf, whichever way it came to be backed), outside the guest
 * OS's page-table pool: each slot's data word is memory (zero words left out: they read as zero,
 * as absent addresses do in the model) and each slot's decodable instruction is code. Pages
 * nothing backs read as zero and hold no code, as in the model. Code and memory are read
 * incrementally ({@link BackedPages}): whole, but each page decoded again only when its frame
 * changed.
 */
public final class InterruptsAbstraction {
    private InterruptsAbstraction() {}

    /** The model state {@code system} represents. */
    public static InterruptsState abstractState(InterruptsSystem system) {
        BackedPages pages = system.backedPages();
        SequenceAuthenticator authenticator = system.authenticator();
        pages.refresh(
                system.machine(),
                system.view(),
                CodeLayout.sharedCode(authenticator.secret(), authenticator.erasure()));
        return new InterruptsState(
                pages.registers(system.cpu()),
                system.cpu().flags(),
                GuestLayout.address(system.cpu().instructionPointer()),
                system.module().frames(),
                pages.code(),
                pages.memory(),
                authenticator.secret(),
                authenticator.erasure(),
                authenticator.log(),
                system.data().absentPages());
    }

    /** The model state with zero memory words dropped: the form {@link #abstractState} gives. */
    public static InterruptsState canonical(InterruptsState s) {
        if (!s.memory().containsValue(0L)) {
            return s;
        }
        Map<Long, Long> memory = new HashMap<>(s.memory());
        memory.values().removeIf(v -> v == 0L);
        return new InterruptsState(
                s.registers(),
                s.flags(),
                s.pc(),
                s.returnStack(),
                s.code(),
                memory,
                s.secret(),
                s.erasure(),
                s.hypercalls(),
                s.absentPages());
    }

    /**
     * The code and memory of one machine's backed guest pages, kept between steps and brought up
     * to date by {@link #refresh}, which reads the whole of both every time but redoes work only
     * where an input moved:
     *
     * <ul>
     *   <li>the backed pages and their frames are found again by walking every leaf of the nested
     *       page table only when {@link NestedPageTable#version()} moved (the latest write stamp
     *       over every table reachable from the root: any write to a table, by anyone, moves it, so
     *       an unchanged version means the same leaves with the same frames);
     *   <li>a page is decoded again only when its frame or the frame's {@link HostMemory#lastWrite}
     *       stamp moved (every write to a frame, whoever does it, stamps it with a value no earlier
     *       write had, so an unchanged stamp means unchanged bytes);
     *   <li>the code and memory maps are assembled again only when some page was decoded again or
     *       the set of pages changed; otherwise the previous immutable maps are the answer. Code
     *       equal to the booted guest's {@link CodeLayout#sharedCode} is that very map, so the
     *       model's code (the same map) compares equal to it by identity.
     * </ul>
     *
     * <p>It also keeps the last register snapshot: {@link #registers} reads every register each
     * time and answers the previous immutable map when all values are the same.
     */
    static final class BackedPages {
        private static final PageContents EMPTY =
                new PageContents(0, 0, new long[0], new Instruction[0], new long[0], new long[0]);

        private NestedPageTable table;
        private long version = -1;
        private long[] pages = new long[0];
        private long[] frames = new long[0];
        private PageContents[] contents = new PageContents[0];
        private Map<Long, Instruction> code = Map.of();
        private Map<Long, Long> memory = Map.of();
        private final long[] registerValues = new long[REGISTERS.length];
        private Map<Reg, Long> registers;

        /**
         * Reads the machine's backed pages again, decoding only the frames written since the last
         * read; code equal to {@code sharedCode} is answered as that map.
         */
        void refresh(Machine machine, ViewId view, Map<Long, Instruction> sharedCode) {
            NestedPageTable npt = machine.view(view).orElseThrow();
            HostMemory hostMemory = machine.memory();
            boolean changed = false;
            long v = npt.version();
            if (npt != table || v != version) {
                walk(npt);
                table = npt;
                version = v;
                changed = true;
            }
            for (int i = 0; i < pages.length; i++) {
                long stamp = hostMemory.lastWrite(frames[i]);
                PageContents c = contents[i];
                if (c == null || c.frame() != frames[i] || c.stamp() != stamp) {
                    contents[i] = read(hostMemory, pages[i], frames[i], stamp);
                    changed = true;
                }
            }
            if (changed) {
                assemble(sharedCode);
            }
        }

        /** Every register of {@code cpu}, as an immutable map: the previous one when no value moved. */
        Map<Reg, Long> registers(VirtualCpu cpu) {
            boolean same = registers != null;
            for (Reg r : REGISTERS) {
                long v = Registers.get(cpu, r);
                same &= registerValues[r.ordinal()] == v;
                registerValues[r.ordinal()] = v;
            }
            if (!same) {
                Map<Reg, Long> fresh = new EnumMap<>(Reg.class);
                for (Reg r : REGISTERS) {
                    fresh.put(r, registerValues[r.ordinal()]);
                }
                registers = Map.copyOf(fresh);
            }
            return registers;
        }

        /** Guest code by model address, as of the last {@link #refresh}; immutable. */
        Map<Long, Instruction> code() {
            return code;
        }

        /** Non-zero data words by model address, as of the last {@link #refresh}; immutable. */
        Map<Long, Long> memory() {
            return memory;
        }

        /** Finds every backed page outside the page-table pool and its frame, in guest-physical order. */
        private void walk(NestedPageTable npt) {
            Map<Long, PageContents> known = new HashMap<>();
            for (int i = 0; i < pages.length; i++) {
                if (contents[i] != null) {
                    known.put(pages[i], contents[i]);
                }
            }
            List<long[]> found = new ArrayList<>();
            npt.forEachLeaf((page, leaf) -> {
                if (!inPageTablePool(page.number())) {
                    found.add(new long[] {page.number(), leaf.hostFrame()});
                }
            });
            pages = new long[found.size()];
            frames = new long[found.size()];
            contents = new PageContents[found.size()];
            for (int i = 0; i < pages.length; i++) {
                pages[i] = found.get(i)[0];
                frames[i] = found.get(i)[1];
                contents[i] = known.get(pages[i]);
            }
        }

        private void assemble(Map<Long, Instruction> sharedCode) {
            Map<Long, Instruction> c = new HashMap<>();
            Map<Long, Long> m = new HashMap<>();
            for (PageContents p : contents) {
                for (int k = 0; k < p.codeAddresses().length; k++) {
                    c.put(p.codeAddresses()[k], p.instructions()[k]);
                }
                for (int k = 0; k < p.memoryAddresses().length; k++) {
                    m.put(p.memoryAddresses()[k], p.words()[k]);
                }
            }
            code = c.equals(code) ? code : c.equals(sharedCode) ? sharedCode : Map.copyOf(c);
            memory = m.equals(memory) ? memory : Map.copyOf(m);
        }

        /** Decodes one machine page's slots: every non-zero data word and every decodable instruction. */
        private static PageContents read(HostMemory hostMemory, long pageNumber, long frame, long stamp) {
            if (stamp == 0) {
                // Never written: the frame reads as zeros, so it holds no word and no instruction.
                return new PageContents(
                        frame, 0, EMPTY.codeAddresses(), EMPTY.instructions(), EMPTY.memoryAddresses(), EMPTY.words());
            }
            byte[] bytes = hostMemory.frameContents(frame);
            ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            long firstAddress = (pageNumber << 12) / GuestLayout.SLOT_SIZE;
            int slots = (int) (HostMemory.FRAME_SIZE / GuestLayout.SLOT_SIZE);
            long[] codeAddresses = new long[slots];
            Instruction[] instructions = new Instruction[slots];
            long[] memoryAddresses = new long[slots];
            long[] words = new long[slots];
            int nCode = 0;
            int nMemory = 0;
            for (int slot = 0; slot < slots; slot++) {
                int at = (int) (slot * GuestLayout.SLOT_SIZE);
                long word = b.getLong(at);
                if (word != 0) {
                    memoryAddresses[nMemory] = firstAddress + slot;
                    words[nMemory++] = word;
                }
                int insnAt = at + (int) GuestLayout.INSTRUCTION_OFFSET;
                if (bytes[insnAt] != 0) {
                    Instruction decoded = InstructionCodec.decode(bytes, insnAt);
                    if (decoded != null) {
                        codeAddresses[nCode] = firstAddress + slot;
                        instructions[nCode++] = decoded;
                    }
                }
            }
            return new PageContents(
                    frame,
                    stamp,
                    Arrays.copyOf(codeAddresses, nCode),
                    Arrays.copyOf(instructions, nCode),
                    Arrays.copyOf(memoryAddresses, nMemory),
                    Arrays.copyOf(words, nMemory));
        }
    }

    /**
     * One page's decoded slots, valid while its frame is {@code frame} and the frame's write stamp
     * is {@code stamp}: the addresses holding an instruction and those instructions, the addresses
     * holding a non-zero data word and those words.
     */
    private record PageContents(
            long frame,
            long stamp,
            long[] codeAddresses,
            Instruction[] instructions,
            long[] memoryAddresses,
            long[] words) {}

    private static final Reg[] REGISTERS = Reg.values();

    /** Whether a guest-physical page holds the guest OS's page tables (no model address lives there). */
    private static boolean inPageTablePool(long pageNumber) {
        return pageNumber >= GuestLayout.PAGE_TABLE_POOL_FIRST
                && pageNumber < GuestLayout.PAGE_TABLE_POOL_FIRST + GuestLayout.PAGE_TABLE_POOL_PAGES;
    }
}
