package org.hvproof.impl.machine;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BiConsumer;
import org.hvproof.model.common.AccessKind;
import org.hvproof.model.common.GuestPhysicalPage;

/**
 * A nested page table (EPT-like): four levels of 512 eight-byte entries stored in host frames,
 * translating 48-bit guest-physical addresses to host-physical ones. An entry is present when
 * any of its read (bit 0), write (bit 1) or execute (bit 2) bits is set; bits 12..51 hold the
 * next table's or the page's host frame. Rights are the conjunction over the levels walked, so a
 * cleared bit at any level refuses the access. Walked on every guest-physical access.
 *
 * <p>Large pages as EPT has them: an entry with bit 7 set at level 2 maps 2 MiB, at level 3 1 GiB,
 * and is the walk's leaf; the host address bits below the page size (12..20, resp. 12..29) are
 * reserved and a walk meeting a set one, or bit 7 at level 4, ends in an EPT misconfiguration
 * ({@link NestedViolationCause#MISCONFIGURATION}). A large leaf is listed by {@link #forEachLeaf}
 * as the 4 KiB pages it maps; its rights change only for all of them together, so {@link
 * #setPermissions} refuses a page under one and {@link #split} breaks it into 512 smaller leaves
 * with the same rights first. With accessed/dirty flags on ({@link #setAccessedDirty}, EPTP bit 6)
 * a walk sets bit 8 (accessed) in every entry it uses and a write sets bit 9 (dirty) in its leaf.
 *
 * <p>{@link #forEachLeaf} reads every table of the hierarchy each time, but decodes a table frame
 * again only when its {@linkplain HostMemory#lastWrite stamp} moved since it was last decoded, so
 * an abstraction can read the whole table after every step at the cost of the tables that changed.
 */
public final class NestedPageTable {
    /** Bits 12..51 of an entry: the host frame address. */
    static final long ADDRESS_MASK = 0x000F_FFFF_FFFF_F000L;

    static final long READ = 1L;
    static final long WRITE = 1L << 1;
    static final long EXECUTE = 1L << 2;
    /** Bit 7: the entry maps a large page (at level 2 or 3). */
    static final long PAGE_SIZE = 1L << 7;
    /** Bit 8: accessed, set by walks when accessed/dirty flags are on. */
    static final long ACCESSED = 1L << 8;
    /** Bit 9: dirty, set in the leaf by writes when accessed/dirty flags are on. */
    static final long DIRTY = 1L << 9;
    /** Level of a 2 MiB leaf. */
    public static final int LEVEL_2M = 2;
    /** Level of a 1 GiB leaf. */
    public static final int LEVEL_1G = 3;

    private static final int LEVELS = 4;
    private static final int ENTRIES = 512;
    private static final long WIDTH_LIMIT = 1L << 48;

    private final HostMemory memory;
    private final ViewId view;
    private final long rootFrame;
    private final Map<Long, Decoded> decoded = new HashMap<>();

    /** Slots of a direct-mapped cache in front of {@link #decoded}: the last decoding of a frame, by its low bits. */
    private static final int RECENT = 64;

    /** The last decoding put for a frame in each slot (the same objects {@link #decoded} holds, found without boxing). */
    private final Decoded[] recent = new Decoded[RECENT];

    /** {@link HostMemory#lastWrite()} when {@link #version} was last computed (-1: never), and what it was. */
    private long versionAt = -1;

    private long versionThen;
    /** Scratch for {@link #decode}: the entries of the table frame being decoded, read in one copy. */
    private final long[] entries = new long[ENTRIES];

    private boolean accessedDirty;

    private NestedPageTable(HostMemory memory, ViewId view, long rootFrame) {
        this.memory = memory;
        this.view = view;
        this.rootFrame = rootFrame;
    }

    /** An empty table for {@code view} with its root in a fresh host frame; empty when host memory is full. */
    public static Optional<NestedPageTable> create(HostMemory memory, ViewId view) {
        OptionalLong root = memory.allocateFrame();
        if (root.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new NestedPageTable(memory, view, root.getAsLong()));
    }

    /** The view this table implements. */
    public ViewId view() {
        return view;
    }

    /** The host frame of the top-level table (the EPT pointer). */
    public long rootFrame() {
        return rootFrame;
    }

    /** Whether walks set accessed and dirty bits in the entries (EPTP bit 6); off unless turned on. */
    public void setAccessedDirty(boolean on) {
        accessedDirty = on;
    }

    /** Whether walks set accessed and dirty bits. */
    public boolean accessedDirty() {
        return accessedDirty;
    }

    /** Where a walk for one address ended: the leaf's entry address, its level, the raw entry and the rights over all levels. */
    private record Located(long at, int level, long entry, long rights) {}

    /** A walk that met a misconfigured entry (reserved bits set). */
    private static final Located MISCONFIGURED = new Located(-1, 0, 0, 0);

    /** Walks to the leaf of {@code gpa}: null when some level is not present, {@link #MISCONFIGURED} on reserved bits. */
    private Located locate(long gpa) {
        long table = rootFrame;
        long rights = READ | WRITE | EXECUTE;
        for (int level = LEVELS; level >= 1; level--) {
            long at = entryAddress(table, gpa, level);
            long entry = memory.readLong(at);
            if ((entry & (READ | WRITE | EXECUTE)) == 0) {
                return null;
            }
            rights &= entry;
            if (level > 1 && (entry & PAGE_SIZE) != 0) {
                return wellFormedLarge(entry, level) ? new Located(at, level, entry, rights) : MISCONFIGURED;
            }
            if (level == 1) {
                return new Located(at, 1, entry, rights);
            }
            table = (entry & ADDRESS_MASK) >>> 12;
        }
        throw new AssertionError("unreachable");
    }

    /** Whether a page-size entry at {@code level} is a valid large leaf: level 2 or 3, reserved address bits clear. */
    private static boolean wellFormedLarge(long entry, int level) {
        return level <= LEVEL_1G && (entry & ADDRESS_MASK & ((1L << shift(level)) - 1)) == 0;
    }

    /** The host address {@code gpa} lands at through a leaf found by {@link #locate}. */
    private static long hostAddress(Located l, long gpa) {
        return (l.entry() & ADDRESS_MASK) | (gpa & ((1L << shift(l.level())) - 1));
    }

    /** Walks the table for one access at {@code gpa}: the host address, or why it is refused. */
    public NestedWalk translate(long gpa, AccessKind access) {
        if (gpa < 0 || gpa >= WIDTH_LIMIT) {
            return new NestedWalk.Violation(NestedViolationCause.NOT_PRESENT);
        }
        Located l = locate(gpa);
        if (l == null) {
            return new NestedWalk.Violation(NestedViolationCause.NOT_PRESENT);
        }
        if (l == MISCONFIGURED) {
            return new NestedWalk.Violation(NestedViolationCause.MISCONFIGURATION);
        }
        if (!rightsOf(l.rights()).allows(access)) {
            return new NestedWalk.Violation(NestedViolationCause.PERMISSION);
        }
        if (accessedDirty) {
            markAccessed(gpa, l, access == AccessKind.WRITE);
        }
        return new NestedWalk.Translated(hostAddress(l, gpa), shift(l.level()));
    }

    /**
     * Sets the bits a write at {@code gpa} would have set, whatever the rights (with accessed/dirty
     * flags on; nothing otherwise): accessed in every entry down to the leaf and dirty in the leaf,
     * which for a large leaf is its one entry over the whole block. For a write the hypervisor makes
     * in the processor's place, so the table records the page as written as hardware would have.
     */
    public void markWritten(long gpa) {
        if (!accessedDirty || gpa < 0 || gpa >= WIDTH_LIMIT) {
            return;
        }
        Located l = locate(gpa);
        if (l != null && l != MISCONFIGURED) {
            markAccessed(gpa, l, true);
        }
    }

    /** Sets accessed in every entry down to the leaf, and dirty in the leaf for a write, where not yet set. */
    private void markAccessed(long gpa, Located leaf, boolean write) {
        long table = rootFrame;
        for (int level = LEVELS; level >= leaf.level(); level--) {
            long at = entryAddress(table, gpa, level);
            long entry = memory.readLong(at);
            long set = entry | ACCESSED | (level == leaf.level() && write ? DIRTY : 0);
            if (set != entry) {
                memory.writeLong(at, set);
            }
            table = (entry & ADDRESS_MASK) >>> 12;
        }
    }

    /** The raw entry of {@code page}'s leaf (a large one if a large page maps it), if present and well formed. */
    public OptionalLong rawLeaf(GuestPhysicalPage page) {
        Located l = page.base() >= WIDTH_LIMIT ? null : locate(page.base());
        return l == null || l == MISCONFIGURED ? OptionalLong.empty() : OptionalLong.of(l.entry());
    }

    /** The size in bytes of the leaf mapping {@code page}: 4 KiB, 2 MiB or 1 GiB; 0 when not mapped. */
    public long leafSize(GuestPhysicalPage page) {
        Located l = page.base() >= WIDTH_LIMIT ? null : locate(page.base());
        return l == null || l == MISCONFIGURED ? 0 : 1L << shift(l.level());
    }

    /**
     * Maps the {@code 2 MiB} ({@code level} 2) or {@code 1 GiB} ({@code level} 3) of guest-physical
     * memory starting at {@code first} to the host frames starting at {@code hostFrame} with one
     * large leaf, creating the tables above it as needed. Both addresses must be aligned to the
     * page size, every host frame allocated, and nothing mapped there yet; false (changing nothing
     * visible) otherwise or when host memory runs out.
     */
    public boolean mapLarge(GuestPhysicalPage first, long hostFrame, int level, NestedPermissions rights) {
        if (level != LEVEL_2M && level != LEVEL_1G || !rights.present()) {
            return false;
        }
        long pages = 1L << (9 * (level - 1));
        long gpa = first.base();
        if (gpa >= WIDTH_LIMIT
                || (first.number() & (pages - 1)) != 0
                || (hostFrame & (pages - 1)) != 0
                || !memory.isAllocated(hostFrame)
                || !memory.isAllocated(hostFrame + pages - 1)) {
            return false;
        }
        long table = rootFrame;
        for (int l = LEVELS; l > level; l--) {
            long at = entryAddress(table, gpa, l);
            long entry = memory.readLong(at);
            if ((entry & (READ | WRITE | EXECUTE)) == 0) {
                OptionalLong fresh = memory.allocateFrame();
                if (fresh.isEmpty()) {
                    return false;
                }
                entry = (fresh.getAsLong() << 12) | READ | WRITE | EXECUTE;
                memory.writeLong(at, entry);
            } else if ((entry & PAGE_SIZE) != 0) {
                return false;
            }
            table = (entry & ADDRESS_MASK) >>> 12;
        }
        long at = entryAddress(table, gpa, level);
        if ((memory.readLong(at) & (READ | WRITE | EXECUTE)) != 0) {
            return false;
        }
        memory.writeLong(at, (hostFrame << 12) | PAGE_SIZE | bitsOf(rights));
        return true;
    }

    /**
     * Breaks the large leaf mapping {@code page} into a table of 512 leaves one level down (1 GiB
     * into 2 MiB leaves, 2 MiB into 4 KiB ones) mapping the same host frames with the same rights:
     * a walk finds the same address and rights as before. The caller must still invalidate what
     * vCPUs cached of the large translation. False when no large leaf maps {@code page} or host
     * memory has no frame for the new table.
     */
    public boolean split(GuestPhysicalPage page) {
        Optional<LargeLeaf> large = largeLeaf(page);
        if (large.isEmpty()) {
            return false;
        }
        OptionalLong fresh = memory.allocateFrame();
        if (fresh.isEmpty()) {
            return false;
        }
        writeSplitTable(large.get(), fresh.getAsLong());
        linkSplitTable(large.get(), fresh.getAsLong());
        return true;
    }

    /**
     * A large leaf as found in the table: the address of its slot, its level and its raw entry.
     * What {@link #writeSplitTable} and {@link #linkSplitTable} need, kept by a caller that splits
     * in two micro-steps (the slot may change in between).
     */
    public record LargeLeaf(long slot, int level, long entry) {}

    /** The well-formed large leaf that maps {@code page}, if one does. */
    public Optional<LargeLeaf> largeLeaf(GuestPhysicalPage page) {
        Located l = page.base() >= WIDTH_LIMIT ? null : locate(page.base());
        if (l == null || l == MISCONFIGURED || l.level() == 1) {
            return Optional.empty();
        }
        return Optional.of(new LargeLeaf(l.at(), l.level(), l.entry()));
    }

    /**
     * The first half of {@link #split}: writes into {@code tableFrame} (an allocated frame no
     * table links yet) the 512 entries one level down that map {@code large}'s host frames with
     * its rights. Nothing a walk reads changes.
     */
    public void writeSplitTable(LargeLeaf large, long tableFrame) {
        int child = large.level() - 1;
        long span = 1L << (9 * (child - 1));
        long base = (large.entry() & ADDRESS_MASK) >>> 12;
        long bits = large.entry() & (READ | WRITE | EXECUTE);
        for (int i = 0; i < ENTRIES; i++) {
            memory.writeLong(
                    (tableFrame << 12) + 8L * i, ((base + i * span) << 12) | bits | (child > 1 ? PAGE_SIZE : 0));
        }
    }

    /**
     * The second half of {@link #split}: sets the pointer, the large leaf's slot, to {@code
     * tableFrame}; from then on walks read that table, whatever it holds.
     */
    public void linkSplitTable(LargeLeaf large, long tableFrame) {
        memory.writeLong(large.slot(), (tableFrame << 12) | READ | WRITE | EXECUTE);
    }

    /**
     * Maps {@code page} to {@code hostFrame} with {@code rights}, creating intermediate tables
     * (with all rights) as needed. Returns false, changing nothing visible, when host memory runs out.
     */
    public boolean map(GuestPhysicalPage page, long hostFrame, NestedPermissions rights) {
        long gpa = page.base();
        if (gpa >= WIDTH_LIMIT || !memory.isAllocated(hostFrame)) {
            return false;
        }
        long table = rootFrame;
        for (int level = LEVELS; level > 1; level--) {
            long at = entryAddress(table, gpa, level);
            long entry = memory.readLong(at);
            if ((entry & (READ | WRITE | EXECUTE)) == 0) {
                OptionalLong fresh = memory.allocateFrame();
                if (fresh.isEmpty()) {
                    return false;
                }
                entry = (fresh.getAsLong() << 12) | READ | WRITE | EXECUTE;
                memory.writeLong(at, entry);
            } else if ((entry & PAGE_SIZE) != 0) {
                // A large leaf maps the page already: only split() may change it.
                return false;
            }
            table = (entry & ADDRESS_MASK) >>> 12;
        }
        memory.writeLong(entryAddress(table, gpa, 1), (hostFrame << 12) | bitsOf(rights));
        return true;
    }

    /**
     * Maps every page of {@code [firstPage, firstPage + count)} that is not present to a fresh
     * frame of host memory with all rights, in ascending page order: the very frames and tables
     * that allocating a frame and calling {@link #map} page by page would give, but each
     * last-level table read and written once. Returns false when a page lies beyond the table's
     * width or host memory runs out (the pages before it stay mapped).
     */
    public boolean mapAbsent(long firstPage, long count) {
        long end = firstPage + count;
        long page = firstPage;
        long[] table = null;
        while (page < end) {
            if (page < 0 || page >= WIDTH_LIMIT >>> 12) {
                return false;
            }
            long tableFrame = leafTableFrame(page << 12);
            if (tableFrame == UNDER_LARGE_LEAF) {
                // Mapped already, by a large leaf: present, so left as it is.
                page++;
                continue;
            }
            if (tableFrame == 0) {
                // The first page of a block without a last-level table: as map does it.
                OptionalLong frame = memory.allocateFrame();
                if (frame.isEmpty() || !map(new GuestPhysicalPage(page), frame.getAsLong(), NestedPermissions.RWX)) {
                    return false;
                }
                page++;
                continue;
            }
            // The rest of the block: its table read once, the absent entries filled, written once.
            long blockEnd = Math.min(end, ((page >>> 9) + 1) << 9);
            table = table == null ? new long[ENTRIES] : table;
            memory.readLongs(tableFrame, table);
            boolean changed = false;
            for (; page < blockEnd; page++) {
                int i = (int) (page & (ENTRIES - 1));
                if ((table[i] & (READ | WRITE | EXECUTE)) != 0) {
                    continue;
                }
                OptionalLong frame = memory.allocateFrame();
                if (frame.isEmpty()) {
                    if (changed) {
                        memory.writeLongs(tableFrame, table);
                    }
                    return false;
                }
                table[i] = (frame.getAsLong() << 12) | READ | WRITE | EXECUTE;
                changed = true;
            }
            if (changed) {
                memory.writeLongs(tableFrame, table);
            }
        }
        return true;
    }

    /** What {@link #leafTableFrame} answers for an address a large leaf maps (no frame is ever -1). */
    private static final long UNDER_LARGE_LEAF = -1;

    /**
     * The host frame of the last-level table that maps {@code gpa}, 0 when a level above is not
     * present, {@link #UNDER_LARGE_LEAF} when a 2 MiB or 1 GiB leaf maps it.
     */
    private long leafTableFrame(long gpa) {
        long table = rootFrame;
        for (int level = LEVELS; level > 1; level--) {
            long entry = memory.readLong(entryAddress(table, gpa, level));
            if ((entry & (READ | WRITE | EXECUTE)) == 0) {
                return 0;
            }
            if ((entry & PAGE_SIZE) != 0) {
                return UNDER_LARGE_LEAF;
            }
            table = (entry & ADDRESS_MASK) >>> 12;
        }
        return table;
    }

    /**
     * The rights a walk for {@code gpa} grants: the conjunction over the levels down to its leaf, as
     * {@link #translate} applies them; empty when some level is not present or misconfigured.
     */
    public Optional<NestedPermissions> effectiveRights(long gpa) {
        if (gpa < 0 || gpa >= WIDTH_LIMIT) {
            return Optional.empty();
        }
        Located l = locate(gpa);
        return l == null || l == MISCONFIGURED ? Optional.empty() : Optional.of(rightsOf(l.rights()));
    }

    /**
     * The leaf entry of {@code page}, if present at every level: under a large leaf, the host
     * frame of this 4 KiB page within the large page and the large leaf's own rights.
     */
    public Optional<NestedEntry> leaf(GuestPhysicalPage page) {
        Located l = page.base() >= WIDTH_LIMIT ? null : locate(page.base());
        if (l == null || l == MISCONFIGURED) {
            return Optional.empty();
        }
        long frame = ((l.entry() & ADDRESS_MASK) >>> 12) + (page.number() & ((1L << (9 * (l.level() - 1))) - 1));
        return Optional.of(new NestedEntry(frame, rightsOf(l.entry())));
    }

    /**
     * Sets the rights of {@code page}'s 4 KiB leaf, keeping its frame; false when the page is not
     * mapped, or a large leaf maps it (its rights are 512 pages' rights: {@link #split} it first).
     */
    public boolean setPermissions(GuestPhysicalPage page, NestedPermissions rights) {
        Located l = page.base() >= WIDTH_LIMIT ? null : locate(page.base());
        if (l == null || l == MISCONFIGURED || l.level() != 1 || !rights.present()) {
            return false;
        }
        memory.writeLong(l.at(), (l.entry() & ADDRESS_MASK) | bitsOf(rights));
        return true;
    }

    /** Visits every present leaf in guest-physical order. */
    public void forEachLeaf(BiConsumer<GuestPhysicalPage, NestedEntry> visitor) {
        visit(rootFrame, LEVELS, 0L, visitor);
    }

    /** What {@link #forEachLeafFrame} hands over: one present 4 KiB page's leaf, as primitives. */
    @FunctionalInterface
    public interface LeafFrameVisitor {
        /** Guest page {@code page} maps host frame {@code hostFrame}; {@code writable}: its leaf's write bit. */
        void visit(long page, long hostFrame, boolean writable);
    }

    /**
     * Visits every present leaf in guest-physical order, as {@link #forEachLeaf} does (a large
     * leaf as the 4 KiB pages it maps, with the large leaf's own write bit), but as primitives: no
     * page or entry object is made, and a last-level table is read raw every time rather than
     * decoded. The visitor must not walk this table itself while it is being visited.
     */
    public void forEachLeafFrame(LeafFrameVisitor visitor) {
        visitFrames(rootFrame, LEVELS, 0L, visitor);
    }

    /** Scratch for {@link #visitFrames}: a last-level table's entries. */
    private final long[] leafEntries = new long[ENTRIES];

    private void visitFrames(long table, int level, long prefix, LeafFrameVisitor visitor) {
        if (level == 1) {
            memory.readLongs(table, leafEntries);
            long first = prefix >>> 12;
            for (int i = 0; i < ENTRIES; i++) {
                long entry = leafEntries[i];
                if ((entry & (READ | WRITE | EXECUTE)) != 0) {
                    visitor.visit(first + i, (entry & ADDRESS_MASK) >>> 12, (entry & WRITE) != 0);
                }
            }
            return;
        }
        Decoded d = decode(table, level, prefix);
        for (int i = 0; i < d.size; i++) {
            NestedEntry large = d.leaves[i];
            if (large == null) {
                visitFrames(d.next[i], level - 1, d.gpa[i], visitor);
                continue;
            }
            long first = d.gpa[i] >>> 12;
            long count = 1L << (9 * (level - 1));
            long frame = large.hostFrame();
            boolean writable = large.permissions().write();
            for (long k = 0; k < count; k++) {
                visitor.visit(first + k, frame + k, writable);
            }
        }
    }

    /** What {@link #forEachLeafTable} hands over: one present last-level table. */
    @FunctionalInterface
    public interface LeafTableVisitor {
        /** The table in host frame {@code tableFrame} maps guest pages {@code firstPage .. firstPage + 511}. */
        void visit(long firstPage, long tableFrame);
    }

    /**
     * Visits every last-level table reachable from the root, in guest-physical order: the first
     * guest page it maps and the host frame holding its 512 entries, which the caller reads itself
     * (with {@link HostMemory#readLongs} and {@link #entryPresent}, {@link #entryFrame}, {@link
     * #entryWritable}), so it can keep what it derived from a table until that frame's {@linkplain
     * HostMemory#lastWrite stamp} moves. The tables above are read as {@link #forEachLeaf} reads them.
     */
    public void forEachLeafTable(LeafTableVisitor visitor) {
        visitTables(rootFrame, LEVELS, 0L, visitor);
    }

    private void visitTables(long table, int level, long prefix, LeafTableVisitor visitor) {
        if (level == 1) {
            visitor.visit(prefix >>> 12, table);
            return;
        }
        Decoded d = decode(table, level, prefix);
        for (int i = 0; i < d.size; i++) {
            if (d.leaves[i] == null) {
                visitTables(d.next[i], level - 1, d.gpa[i], visitor);
            }
        }
    }

    /** Whether a raw entry is present (any of its read, write or execute bits set). */
    public static boolean entryPresent(long entry) {
        return (entry & (READ | WRITE | EXECUTE)) != 0;
    }

    /** The host frame a raw entry names. */
    public static long entryFrame(long entry) {
        return (entry & ADDRESS_MASK) >>> 12;
    }

    /** Whether a raw entry's own write bit is set. */
    public static boolean entryWritable(long entry) {
        return (entry & WRITE) != 0;
    }

    /**
     * A number that changes whenever any table of this hierarchy changes (an entry written, a
     * table linked in or unlinked), whoever wrote it: the latest write stamp over the tables
     * reachable from the root. Equal versions mean {@link #forEachLeaf} visits the same leaves.
     */
    public long version() {
        // No write to host memory since the last computation: no table can have changed.
        long writes = memory.lastWrite();
        if (writes != versionAt) {
            versionThen = version(rootFrame, LEVELS, 0L);
            versionAt = writes;
        }
        return versionThen;
    }

    private long version(long table, int level, long prefix) {
        long v = memory.lastWrite(table);
        if (level == 1) {
            // A last-level table links no further table: its own stamp is all it adds.
            return v;
        }
        Decoded d = decode(table, level, prefix);
        for (int i = 0; i < d.size; i++) {
            if (d.leaves[i] == null) {
                v = Math.max(v, version(d.next[i], level - 1, d.gpa[i]));
            }
        }
        return v;
    }

    private void visit(long table, int level, long prefix, BiConsumer<GuestPhysicalPage, NestedEntry> visitor) {
        Decoded d = decode(table, level, prefix);
        for (int i = 0; i < d.size; i++) {
            if (level == 1) {
                visitor.accept(d.pages[i], d.leaves[i]);
            } else if (d.leaves[i] != null) {
                visitLarge(d, i, visitor);
            } else {
                visit(d.next[i], level - 1, d.gpa[i], visitor);
            }
        }
    }

    /** Visits the 4 KiB pages of the large leaf {@code i} of {@code d}, those of a 2 MiB leaf made once per decoding. */
    private static void visitLarge(Decoded d, int i, BiConsumer<GuestPhysicalPage, NestedEntry> visitor) {
        NestedEntry large = d.leaves[i];
        long first = d.gpa[i] >>> 12;
        long count = 1L << (9 * (d.level - 1));
        if (d.level == LEVEL_2M) {
            if (d.expanded == null) {
                d.expanded = new NestedEntry[d.gpa.length][];
            }
            NestedEntry[] pages = d.expanded[i];
            if (pages == null) {
                pages = new NestedEntry[ENTRIES];
                for (int k = 0; k < ENTRIES; k++) {
                    pages[k] = new NestedEntry(large.hostFrame() + k, large.permissions());
                }
                d.expanded[i] = pages;
            }
            for (int k = 0; k < ENTRIES; k++) {
                visitor.accept(new GuestPhysicalPage(first + k), pages[k]);
            }
            return;
        }
        for (long k = 0; k < count; k++) {
            visitor.accept(
                    new GuestPhysicalPage(first + k), new NestedEntry(large.hostFrame() + k, large.permissions()));
        }
    }

    /**
     * The present entries of one table frame, decoded again only when the frame was written since.
     * A decoding again compares the frame's 512 raw entries with those of its last decoding and
     * decodes only the entries that differ; an entry whose raw value is unchanged keeps its
     * address, next frame, page and entry object (immutable values, equal to fresh ones), so
     * rewriting one entry of a table allocates and decodes for that entry alone.
     */
    private Decoded decode(long table, int level, long prefix) {
        long stamp = memory.lastWrite(table);
        Decoded d = recent[(int) (table & (RECENT - 1))];
        if (d == null || d.frame != table) {
            d = decoded.get(table);
        }
        if (d != null && d.stamp == stamp && d.level == level && d.prefix == prefix) {
            return d;
        }
        Decoded before = d != null && d.level == level && d.prefix == prefix ? d : null;
        d = new Decoded(table, stamp, level, prefix, before == null ? 8 : Math.max(8, before.size + 1));
        memory.readLongs(table, entries);
        int p = 0;
        int i = 0;
        while (i < ENTRIES) {
            // Entries [i, j) are as last decoded: keep what was decoded of them.
            int j = i;
            if (before != null) {
                int m = Arrays.mismatch(entries, i, ENTRIES, before.raw, i, ENTRIES);
                j = m < 0 ? ENTRIES : i + m;
                while (p < before.size && before.index(p) < j) {
                    d.add(before.gpa[p], before.next[p], before.pages[p], before.leaves[p]);
                    p++;
                }
                if (p < before.size && before.index(p) == j) {
                    p++;
                }
            }
            if (j == ENTRIES) {
                break;
            }
            long entry = entries[j];
            if ((entry & (READ | WRITE | EXECUTE)) != 0) {
                long gpa = prefix | ((long) j << shift(level));
                long next = (entry & ADDRESS_MASK) >>> 12;
                if (level == 1) {
                    d.add(gpa, next, GuestPhysicalPage.containing(gpa), new NestedEntry(next, rightsOf(entry)));
                } else if ((entry & PAGE_SIZE) == 0) {
                    d.add(gpa, next, null, null);
                } else if (wellFormedLarge(entry, level)) {
                    // A large leaf: kept with its first frame and rights; a misconfigured one maps nothing.
                    d.add(gpa, next, null, new NestedEntry(next, rightsOf(entry)));
                }
            }
            i = j + 1;
        }
        d.raw = entries.clone();
        decoded.put(table, d);
        recent[(int) (table & (RECENT - 1))] = d;
        return d;
    }

    /** One table frame's present entries: their guest-physical addresses and next frames (leaves at level 1), and its raw entries. */
    private static final class Decoded {
        final long frame;
        final long stamp;
        final int level;
        final long prefix;
        int size;
        long[] gpa;
        long[] next;
        GuestPhysicalPage[] pages;
        NestedEntry[] leaves;
        /** All 512 raw entries of the frame as decoded. */
        long[] raw;
        /** Per present entry that is a 2 MiB leaf, its 512 pages' entries once made (null until then). */
        NestedEntry[][] expanded;

        /** An empty decoding with room for {@code capacity} entries (it grows past them). */
        Decoded(long frame, long stamp, int level, long prefix, int capacity) {
            this.frame = frame;
            this.stamp = stamp;
            this.level = level;
            this.prefix = prefix;
            gpa = new long[capacity];
            next = new long[capacity];
            pages = new GuestPhysicalPage[capacity];
            leaves = new NestedEntry[capacity];
        }

        /** The slot (0..511) of the {@code k}-th present entry in its table. */
        int index(int k) {
            return (int) ((gpa[k] >>> shift(level)) & (ENTRIES - 1));
        }

        void add(long address, long nextFrame, GuestPhysicalPage page, NestedEntry leaf) {
            if (size == gpa.length) {
                gpa = Arrays.copyOf(gpa, 2 * size);
                next = Arrays.copyOf(next, 2 * size);
                pages = Arrays.copyOf(pages, 2 * size);
                leaves = Arrays.copyOf(leaves, 2 * size);
            }
            gpa[size] = address;
            next[size] = nextFrame;
            pages[size] = page;
            leaves[size] = leaf;
            size++;
        }
    }

    private static long entryAddress(long tableFrame, long gpa, int level) {
        long index = (gpa >>> shift(level)) & (ENTRIES - 1);
        return (tableFrame << 12) + 8 * index;
    }

    private static int shift(int level) {
        return 12 + 9 * (level - 1);
    }

    private static NestedPermissions rightsOf(long bits) {
        return new NestedPermissions((bits & READ) != 0, (bits & WRITE) != 0, (bits & EXECUTE) != 0);
    }

    private static long bitsOf(NestedPermissions rights) {
        return (rights.read() ? READ : 0) | (rights.write() ? WRITE : 0) | (rights.execute() ? EXECUTE : 0);
    }
}
