package org.hvproof.impl.tracing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.hvproof.impl.machine.GuestOs;
import org.hvproof.impl.machine.GuestPageTableEntry;
import org.hvproof.impl.machine.HostMemory;
import org.hvproof.impl.machine.Machine;
import org.hvproof.impl.machine.NestedEntry;
import org.hvproof.impl.machine.NestedPageTable;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.impl.machine.VirtualCpu;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.GuestVirtualPage;
import org.hvproof.model.common.MachineShape;
import org.hvproof.model.common.Owner;
import org.hvproof.model.common.PagePermissions;
import org.hvproof.model.common.Privilege;
import org.hvproof.model.common.VCpu;
import org.hvproof.model.tracing.Mapping;
import org.hvproof.model.tracing.PendingTrace;
import org.hvproof.model.tracing.TracingState;

/**
 * The abstraction function from the machine to the model's {@link TracingState}, computed from
 * the real structures rather than from any bookkeeping kept for the purpose: mappings by walking
 * each vCPU's guest page tables, traced pages by the guest's view's cleared write bits (with
 * owners from the service's registry), memory from host frames, privileges from the vCPUs. On a
 * machine of its own the guest's view is the default one and its vCPUs are the machine's; on a
 * shared machine it reads the guest's own view and vCPUs only (numbered from 0, as the guest
 * numbers them) and the guest's own RAM, whatever the other guests hold. Below, "the default
 * view" is the guest's view.
 *
 * <p>It reads the whole state the TRACE claims speak of, not a window: every present entry of
 * every level of every vCPU's guest page tables (an entry with the large-page bit maps nothing,
 * since the machine's walker faults on it), every present leaf of the default view's nested page
 * table, so every guest-physical page the guest has touched, and every vCPU. The page-table
 * pool's contents are read as the mappings they encode; the model keeps no bytes for them.
 *
 * <p>It is incremental, never partial: what it derives from a host frame (a guest page table's
 * present entries, a guest page's contents) it keeps together with the frame's {@linkplain
 * HostMemory#lastWrite write stamp} and the frame it came from, and derives again whenever either
 * moved. The stamp moves on every write to the frame, whoever makes it (guest, hypervisor, a
 * flawed service), and equal stamps mean equal contents, so a kept value is always the one a
 * fresh read would give. A vCPU's address space is kept with the list of every table frame its
 * walk read (by the guest-physical page the walk looked up, the host frame the default view maps
 * it to, and that frame's stamp): the walk is a function of CR3 and of the bytes of the tables it
 * reads, and which tables it reads follows from the bytes of the ones read before, so when CR3,
 * every such frame and every such stamp are unchanged the walk would give the same mappings. The
 * default view's leaves (pages, frames, write bits) are a function of its table frames alone, so
 * while the same table's {@linkplain NestedPageTable#version version} (the latest stamp of every
 * table frame reachable from its root) is unchanged, the last leaf pass's leaves are kept and
 * only each leaf frame's stamp is compared again.
 */
final class TracingAbstraction {
    private final Machine machine;
    private final GuestOs guestOs;
    private final TracingService tracing;

    /** Decoded guest page tables, by host frame; each valid while its frame's stamp is unchanged. */
    private final Map<Long, GuestTable> tables = new HashMap<>();

    /** Each vCPU's last address space, with the table reads it depends on. */
    private final Map<VCpu, Space> spaces = new HashMap<>();

    /** The last memory read, leaf by leaf in guest-physical order, and the map made from it. */
    private final MemoryLeaves leaves = new MemoryLeaves();

    /** The last traced pages, in guest-physical order, and the traces made from them. */
    private final TracedLeaves traced = new TracedLeaves();

    /** Per page of guest RAM, the host frame the default view mapped it to in this abstraction's leaf pass (0: none). */
    private long[] frameOfRam = new long[0];

    private final NestedPageTable.LeafFrameVisitor leafVisitor = this::visitLeaf;

    /** The table and its {@linkplain NestedPageTable#version version} at the last leaf pass (none yet: null). */
    private NestedPageTable passTable;

    private long passVersion;

    /** The last state made, whose maps the next one shares where nothing moved (and which it is, if nothing did). */
    private TracingState last;

    /** Scratch for {@link GuestTable#decode}: a table frame's entries, read in one copy. */
    private final long[] entries = new long[512];

    /** The view the guest runs on (the default one on a machine of its own). */
    private final ViewId view;

    /** The guest's vCPUs, in the guest's order: the guest's vCPU k is the k-th. */
    private final List<VirtualCpu> cpus;

    /** The guest's dimensions (the machine's, on a machine of its own). */
    private final MachineShape shape;

    TracingAbstraction(
            Machine machine,
            GuestOs guestOs,
            TracingService tracing,
            ViewId view,
            List<VirtualCpu> cpus,
            MachineShape shape) {
        this.machine = machine;
        this.guestOs = guestOs;
        this.tracing = tracing;
        this.view = view;
        this.cpus = List.copyOf(cpus);
        this.shape = shape;
    }

    /** The guest's number of its {@code k}-th vCPU. */
    private static VCpu guestVcpu(int k) {
        return new VCpu(k);
    }

    /** The model state the machine represents now. */
    TracingState abstractState() {
        NestedPageTable npt = machine.view(view).orElseThrow();
        HostMemory memory = machine.memory();
        // One pass over every leaf of the default view: traced pages, guest pages' contents, and
        // the frame of every page of guest RAM (for the walks below).
        // The leaves are a function of the table hierarchy alone: while its version and the table
        // object are unchanged, the last pass's pages, frames and write bits are this pass's, and only
        // the frames' contents can have moved (each leaf's stamp says whether it did).
        long version = npt.version();
        Map<GuestPhysicalPage, Bytes> memoryNow;
        Map<GuestPhysicalPage, Set<Owner>> traces;
        if (npt != passTable || version != passVersion) {
            if (frameOfRam.length != shape.guestPhysicalPages()) {
                frameOfRam = new long[Math.toIntExact(shape.guestPhysicalPages())];
            }
            Arrays.fill(frameOfRam, 0L);
            leaves.start();
            traced.start();
            npt.forEachLeafFrame(leafVisitor);
            memoryNow = leaves.finish();
            traces = traced.finish(tracing, view);
            passTable = npt;
            passVersion = version;
        } else {
            memoryNow = leaves.refresh(memory);
            traces = traced.again(tracing, view);
        }

        boolean spacesKept = last != null;
        for (int k = 0; k < cpus.size(); k++) {
            VirtualCpu cpu = cpus.get(k);
            Space space = spaces.get(guestVcpu(k));
            if (space == null || !space.isCurrent(cpu.cr3(), this, npt, memory)) {
                space = walk(cpu.cr3(), npt);
                spaces.put(guestVcpu(k), space);
                spacesKept = false;
            }
        }
        Map<VCpu, Map<GuestVirtualPage, Mapping>> mappings;
        if (spacesKept && spaces.size() == last.mappings().size()) {
            mappings = last.mappings();
        } else {
            mappings = new HashMap<>();
            for (int k = 0; k < cpus.size(); k++) {
                mappings.put(guestVcpu(k), spaces.get(guestVcpu(k)).mappings);
            }
        }
        Map<VCpu, Privilege> privileges = new HashMap<>();
        for (int k = 0; k < cpus.size(); k++) {
            privileges.put(guestVcpu(k), cpus.get(k).privilege());
        }
        if (last != null && last.privileges().equals(privileges)) {
            privileges = last.privileges();
        }
        Optional<PendingTrace> pending = tracing.pendingTrace();
        if (last != null
                && mappings == last.mappings()
                && traces == last.traces()
                && memoryNow == last.memory()
                && privileges == last.privileges()
                && pending.equals(last.pending())
                && last.shape().equals(shape)) {
            return last;
        }
        TracingState state = new TracingState(shape, mappings, traces, memoryNow, privileges, pending);
        // Keep the state's own immutable copies, so that the next state shares what has not changed.
        spaces.forEach((id, space) -> space.mappings = state.mappings().get(id));
        leaves.memory = state.memory();
        traced.traces = state.traces();
        last = state;
        return state;
    }

    /** Visits one leaf of the default view: notes its frame, whether it is traced, and its page's contents. */
    private void visitLeaf(long n, long hostFrame, boolean writable) {
        if (n < frameOfRam.length) {
            frameOfRam[(int) n] = hostFrame;
        }
        if (!writable) {
            // A cleared write bit is a trace; a stale one shows up with no owners.
            traced.visit(n);
        }
        if (!guestOs.isPool(n)) {
            leaves.visit(n, hostFrame, machine.memory());
        }
    }

    /**
     * The host frame the default view maps {@code page} to, or 0 when it maps none, as of the leaf
     * pass of this abstraction (the machine does not change during one): frame 0 is never handed
     * out, so it reads as zeros with stamp 0, as an unbacked page reads.
     */
    private long hostFrame(NestedPageTable npt, GuestPhysicalPage page) {
        long n = page.number();
        return n < frameOfRam.length
                ? frameOfRam[(int) n]
                : npt.leaf(page).map(NestedEntry::hostFrame).orElse(0L);
    }

    /** Walks one address space from {@code cr3}, noting every table frame it reads. */
    private Space walk(long cr3, NestedPageTable npt) {
        Space space = new Space(cr3);
        Map<GuestVirtualPage, Mapping> out = new TreeMap<>();
        collect(npt, space, GuestPageTableEntry.address(cr3), 4, 0L, true, true, false, out);
        space.mappings = Collections.unmodifiableMap(out);
        return space;
    }

    /** Visits the present entries of one table, accumulating rights, down to the leaves. */
    private void collect(
            NestedPageTable npt,
            Space space,
            long table,
            int level,
            long prefix,
            boolean writable,
            boolean user,
            boolean noExecute,
            Map<GuestVirtualPage, Mapping> out) {
        GuestPhysicalPage tablePage = GuestPhysicalPage.containing(table);
        long frame = hostFrame(npt, tablePage);
        long stamp = machine.memory().lastWrite(frame);
        space.read(tablePage, frame, stamp);
        GuestTable decoded = tables.get(frame);
        if (decoded == null || decoded.stamp != stamp) {
            decoded = GuestTable.decode(machine.memory(), frame, stamp, entries);
            tables.put(frame, decoded);
        }
        for (int k = 0; k < decoded.size; k++) {
            int i = decoded.index[k];
            long entry = decoded.entry[k];
            long va = prefix | ((long) i << (12 + 9 * (level - 1)));
            boolean w = writable && (entry & GuestPageTableEntry.WRITABLE) != 0;
            boolean u = user && (entry & GuestPageTableEntry.USER) != 0;
            boolean nx = noExecute || (entry & GuestPageTableEntry.NO_EXECUTE) != 0;
            if (level > 1 && (entry & GuestPageTableEntry.PAGE_SIZE) != 0) {
                // A large leaf maps its 4 KiB pages as the walker translates them; one with
                // reserved bits set (or at level 4) maps nothing: every access to it faults.
                if (level < 4 && (entry & GuestPageTableEntry.reservedLargeAddressBits(level)) == 0) {
                    long first = GuestPageTableEntry.address(entry) >>> 12;
                    first &= ~((1L << (9 * (level - 1))) - 1);
                    PagePermissions rights = new PagePermissions(w, u, !nx);
                    for (long n = 0; n < 1L << (9 * (level - 1)); n++) {
                        out.put(
                                new GuestVirtualPage(((va + (n << 12)) << 16) >> 16),
                                new Mapping(new GuestPhysicalPage(first + n), rights));
                    }
                }
                continue;
            }
            if (level == 1) {
                long canonical = (va << 16) >> 16;
                out.put(
                        new GuestVirtualPage(canonical),
                        new Mapping(
                                GuestPhysicalPage.containing(GuestPageTableEntry.address(entry)),
                                new PagePermissions(w, u, !nx)));
            } else {
                collect(npt, space, GuestPageTableEntry.address(entry), level - 1, va, w, u, nx, out);
            }
        }
    }

    /** One guest page table's present entries (index and raw value), as of one write stamp of its frame. */
    private static final class GuestTable {
        final long stamp;
        int size;
        int[] index = new int[8];
        long[] entry = new long[8];

        private GuestTable(long stamp) {
            this.stamp = stamp;
        }

        static GuestTable decode(HostMemory memory, long frame, long stamp, long[] entries) {
            GuestTable t = new GuestTable(stamp);
            memory.readLongs(frame, entries);
            for (int i = 0; i < 512; i++) {
                long e = entries[i];
                if (!GuestPageTableEntry.isPresent(e)) {
                    continue;
                }
                if (t.size == t.index.length) {
                    t.index = Arrays.copyOf(t.index, 2 * t.size);
                    t.entry = Arrays.copyOf(t.entry, 2 * t.size);
                }
                t.index[t.size] = i;
                t.entry[t.size] = e;
                t.size++;
            }
            return t;
        }
    }

    /** One vCPU's address space and the table reads it was derived from, in walk order. */
    private static final class Space {
        final long cr3;
        final List<GuestPhysicalPage> pages = new ArrayList<>();
        long[] frames = new long[8];
        long[] stamps = new long[8];
        Map<GuestVirtualPage, Mapping> mappings;

        Space(long cr3) {
            this.cr3 = cr3;
        }

        void read(GuestPhysicalPage page, long frame, long stamp) {
            int n = pages.size();
            if (n == frames.length) {
                frames = Arrays.copyOf(frames, 2 * n);
                stamps = Arrays.copyOf(stamps, 2 * n);
            }
            pages.add(page);
            frames[n] = frame;
            stamps[n] = stamp;
        }

        /** Whether a walk from {@code cr3} now would read the same frames with the same stamps. */
        boolean isCurrent(long cr3, TracingAbstraction from, NestedPageTable npt, HostMemory memory) {
            if (cr3 != this.cr3) {
                return false;
            }
            for (int i = 0; i < pages.size(); i++) {
                long frame = from.hostFrame(npt, pages.get(i));
                if (frame != frames[i] || memory.lastWrite(frame) != stamps[i]) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * The guest pages' contents, leaf by leaf of the default view in guest-physical order: page,
     * host frame, the frame's stamp and the contents read then (null for all zeros). A leaf whose
     * page, frame and stamp match the one at the same position last time keeps its contents;
     * when every leaf matched and their number is unchanged, the last memory map is the answer.
     */
    private static final class MemoryLeaves {
        private long[] numbers = new long[64];
        private GuestPhysicalPage[] pages = new GuestPhysicalPage[64];
        private long[] frames = new long[64];
        private long[] stamps = new long[64];
        private Bytes[] contents = new Bytes[64];
        private int size;
        private int visited;
        private boolean changed = true;
        private Map<GuestPhysicalPage, Bytes> memory = Map.of();
        /** {@link HostMemory#lastWrite()} when the contents were last brought up to date (-1: never). */
        private long seenWrites = -1;

        void start() {
            visited = 0;
            changed = false;
            seenWrites = -1;
        }

        void visit(long page, long frame, HostMemory memory) {
            long stamp = memory.lastWrite(frame);
            int i = visited++;
            if (i < size && numbers[i] == page && frames[i] == frame && stamps[i] == stamp) {
                return;
            }
            changed = true;
            if (i == pages.length) {
                int n = 2 * i;
                numbers = Arrays.copyOf(numbers, n);
                pages = Arrays.copyOf(pages, n);
                frames = Arrays.copyOf(frames, n);
                stamps = Arrays.copyOf(stamps, n);
                contents = Arrays.copyOf(contents, n);
            }
            if (i >= size || numbers[i] != page) {
                numbers[i] = page;
                pages[i] = new GuestPhysicalPage(page);
            }
            frames[i] = frame;
            stamps[i] = stamp;
            contents[i] = read(memory, frame, stamp);
        }

        /** A frame's contents, null for all zeros: stamp 0 means never written, so zeros without a read. */
        private static Bytes read(HostMemory memory, long frame, long stamp) {
            if (stamp == 0) {
                return null;
            }
            Bytes read = Bytes.of(memory.frameContents(frame));
            return read.isAllZero() ? null : read;
        }

        /**
         * The memory map for the same leaves as the last pass (same pages, same frames): the
         * contents of every leaf whose frame's stamp moved are read again, the others kept.
         */
        Map<GuestPhysicalPage, Bytes> refresh(HostMemory memory) {
            if (memory.lastWrite() == seenWrites) {
                return this.memory;
            }
            long now = memory.lastWrite();
            start();
            seenWrites = now;
            for (int i = 0; i < size; i++) {
                long stamp = memory.lastWrite(frames[i]);
                if (stamp != stamps[i]) {
                    stamps[i] = stamp;
                    contents[i] = read(memory, frames[i], stamp);
                    changed = true;
                }
            }
            visited = size;
            return finish();
        }

        Map<GuestPhysicalPage, Bytes> finish() {
            if (visited != size) {
                changed = true;
                for (int i = visited; i < size; i++) {
                    pages[i] = null;
                    contents[i] = null;
                }
                size = visited;
            }
            if (changed) {
                Map<GuestPhysicalPage, Bytes> m = new TreeMap<>();
                for (int i = 0; i < size; i++) {
                    if (contents[i] != null) {
                        m.put(pages[i], contents[i]);
                    }
                }
                memory = Collections.unmodifiableMap(m);
            }
            return memory;
        }
    }
    /**
     * The traced pages (present leaves of the default view without the write right), in
     * guest-physical order, and the traces made from them with the service's owners. The traces
     * are made again when the list of traced pages differs from the last one or the service's
     * {@linkplain TracingService#ownersVersion registry version} moved: the traces are a function
     * of exactly these two, so an unchanged pair gives the same traces.
     */
    private static final class TracedLeaves {
        private long[] numbers = new long[16];
        private GuestPhysicalPage[] pages = new GuestPhysicalPage[16];
        private int size;
        private int visited;
        private boolean changed = true;
        private long ownersVersion = -1;
        private Map<GuestPhysicalPage, Set<Owner>> traces = Map.of();

        void start() {
            visited = 0;
            changed = false;
        }

        void visit(long page) {
            int i = visited++;
            if (i < size && numbers[i] == page) {
                return;
            }
            changed = true;
            if (i == pages.length) {
                numbers = Arrays.copyOf(numbers, 2 * i);
                pages = Arrays.copyOf(pages, 2 * i);
            }
            numbers[i] = page;
            pages[i] = new GuestPhysicalPage(page);
        }

        /** The traces for the same traced pages as the last pass: made again only if the owners moved. */
        Map<GuestPhysicalPage, Set<Owner>> again(TracingService tracing, ViewId view) {
            visited = size;
            changed = false;
            return finish(tracing, view);
        }

        Map<GuestPhysicalPage, Set<Owner>> finish(TracingService tracing, ViewId view) {
            if (visited != size) {
                changed = true;
                for (int i = visited; i < size; i++) {
                    pages[i] = null;
                }
                size = visited;
            }
            if (changed || ownersVersion != tracing.ownersVersion()) {
                Map<GuestPhysicalPage, Set<Owner>> t = new HashMap<>();
                for (int i = 0; i < size; i++) {
                    Set<Owner> owners = tracing.owners(view, pages[i]);
                    // The cleared write bit of a trace still being added, with no owner yet, is no
                    // trace: the model adds it where the service publishes it, at the last micro-step;
                    // nor is that of a trace being removed, its last owner gone, before the restore.
                    if (!owners.isEmpty() || !(tracing.adding(view, pages[i]) || tracing.removing(view, pages[i]))) {
                        t.put(pages[i], owners);
                    }
                }
                traces = t;
                ownersVersion = tracing.ownersVersion();
            }
            return traces;
        }
    }
}
