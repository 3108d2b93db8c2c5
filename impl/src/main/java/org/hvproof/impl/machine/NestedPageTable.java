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
 * next table's or the page's host frame. Rights are the conjunction over the four levels, so a
 * cleared bit at any level refuses the access. Walked on every guest-physical access.
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
    private static final int LEVELS = 4;
    private static final int ENTRIES = 512;
    private static final long WIDTH_LIMIT = 1L << 48;

    private final HostMemory memory;
    private final ViewId view;
    private final long rootFrame;
    private final Map<Long, Decoded> decoded = new HashMap<>();
    /** Scratch for {@link #decode}: the entries of the table frame being decoded, read in one copy. */
    private final long[] entries = new long[ENTRIES];

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

    /** Walks the table for one access at {@code gpa}: the host address, or why it is refused. */
    public NestedWalk translate(long gpa, AccessKind access) {
        if (gpa < 0 || gpa >= WIDTH_LIMIT) {
            return new NestedWalk.Violation(NestedViolationCause.NOT_PRESENT);
        }
        long table = rootFrame;
        long rights = READ | WRITE | EXECUTE;
        for (int level = LEVELS; level >= 1; level--) {
            long entry = memory.readLong(entryAddress(table, gpa, level));
            if ((entry & (READ | WRITE | EXECUTE)) == 0) {
                return new NestedWalk.Violation(NestedViolationCause.NOT_PRESENT);
            }
            rights &= entry;
            table = (entry & ADDRESS_MASK) >>> 12;
        }
        if (!rightsOf(rights).allows(access)) {
            return new NestedWalk.Violation(NestedViolationCause.PERMISSION);
        }
        return new NestedWalk.Translated((table << 12) | (gpa & 0xfff));
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

    /** The host frame of the last-level table that maps {@code gpa}, 0 when a level above is not present. */
    private long leafTableFrame(long gpa) {
        long table = rootFrame;
        for (int level = LEVELS; level > 1; level--) {
            long entry = memory.readLong(entryAddress(table, gpa, level));
            if ((entry & (READ | WRITE | EXECUTE)) == 0) {
                return 0;
            }
            table = (entry & ADDRESS_MASK) >>> 12;
        }
        return table;
    }

    /**
     * The rights a walk for {@code gpa} grants: the conjunction over the four levels, as
     * {@link #translate} applies them; empty when some level is not present.
     */
    public Optional<NestedPermissions> effectiveRights(long gpa) {
        if (gpa < 0 || gpa >= WIDTH_LIMIT) {
            return Optional.empty();
        }
        long table = rootFrame;
        long rights = READ | WRITE | EXECUTE;
        for (int level = LEVELS; level >= 1; level--) {
            long entry = memory.readLong(entryAddress(table, gpa, level));
            if ((entry & (READ | WRITE | EXECUTE)) == 0) {
                return Optional.empty();
            }
            rights &= entry;
            table = (entry & ADDRESS_MASK) >>> 12;
        }
        return Optional.of(rightsOf(rights));
    }

    /** The leaf entry of {@code page}, if present at every level. */
    public Optional<NestedEntry> leaf(GuestPhysicalPage page) {
        OptionalLong at = leafAddress(page);
        if (at.isEmpty()) {
            return Optional.empty();
        }
        long entry = memory.readLong(at.getAsLong());
        return Optional.of(new NestedEntry((entry & ADDRESS_MASK) >>> 12, rightsOf(entry)));
    }

    /** Sets the rights of {@code page}'s leaf, keeping its frame; false when the page is not mapped. */
    public boolean setPermissions(GuestPhysicalPage page, NestedPermissions rights) {
        OptionalLong at = leafAddress(page);
        if (at.isEmpty() || !rights.present()) {
            return false;
        }
        long entry = memory.readLong(at.getAsLong());
        memory.writeLong(at.getAsLong(), (entry & ADDRESS_MASK) | bitsOf(rights));
        return true;
    }

    /** Visits every present leaf in guest-physical order. */
    public void forEachLeaf(BiConsumer<GuestPhysicalPage, NestedEntry> visitor) {
        visit(rootFrame, LEVELS, 0L, visitor);
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
            visitTables(d.next[i], level - 1, d.gpa[i], visitor);
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
        return version(rootFrame, LEVELS, 0L);
    }

    private long version(long table, int level, long prefix) {
        Decoded d = decode(table, level, prefix);
        long v = memory.lastWrite(table);
        if (level > 1) {
            for (int i = 0; i < d.size; i++) {
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
            } else {
                visit(d.next[i], level - 1, d.gpa[i], visitor);
            }
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
        Decoded d = decoded.get(table);
        if (d != null && d.stamp == stamp && d.level == level && d.prefix == prefix) {
            return d;
        }
        Decoded before = d != null && d.level == level && d.prefix == prefix ? d : null;
        d = new Decoded(stamp, level, prefix);
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
                } else {
                    d.add(gpa, next, null, null);
                }
            }
            i = j + 1;
        }
        d.raw = entries.clone();
        decoded.put(table, d);
        return d;
    }

    /** One table frame's present entries: their guest-physical addresses and next frames (leaves at level 1), and its raw entries. */
    private static final class Decoded {
        final long stamp;
        final int level;
        final long prefix;
        int size;
        long[] gpa = new long[8];
        long[] next = new long[8];
        GuestPhysicalPage[] pages = new GuestPhysicalPage[8];
        NestedEntry[] leaves = new NestedEntry[8];
        /** All 512 raw entries of the frame as decoded. */
        long[] raw;

        Decoded(long stamp, int level, long prefix) {
            this.stamp = stamp;
            this.level = level;
            this.prefix = prefix;
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

    /** The host address of {@code page}'s leaf entry, if every level above it is present. */
    private OptionalLong leafAddress(GuestPhysicalPage page) {
        long gpa = page.base();
        if (gpa >= WIDTH_LIMIT) {
            return OptionalLong.empty();
        }
        long table = rootFrame;
        for (int level = LEVELS; level > 1; level--) {
            long entry = memory.readLong(entryAddress(table, gpa, level));
            if ((entry & (READ | WRITE | EXECUTE)) == 0) {
                return OptionalLong.empty();
            }
            table = (entry & ADDRESS_MASK) >>> 12;
        }
        long at = entryAddress(table, gpa, 1);
        return (memory.readLong(at) & (READ | WRITE | EXECUTE)) == 0 ? OptionalLong.empty() : OptionalLong.of(at);
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
