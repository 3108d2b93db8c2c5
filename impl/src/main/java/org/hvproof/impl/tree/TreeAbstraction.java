package org.hvproof.impl.tree;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hvproof.impl.machine.HostMemory;
import org.hvproof.impl.machine.Machine;
import org.hvproof.impl.machine.NestedPageTable;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.HypervisorCell;
import org.hvproof.model.tree.PageMap;
import org.hvproof.model.tree.PageSet;
import org.hvproof.model.tree.TreeLayout;
import org.hvproof.model.tree.TreeNode;
import org.hvproof.model.tree.TreeState;

/**
 * The abstraction function from the machine to the model's {@link TreeState}, read from the real
 * structures: the base pointer where the tree keeps it, the nodes by deserializing guest memory
 * from the base pointer down (any guest page the machine has, not only the tree's), the traced
 * pages from every leaf of the default view's nested page table whose write bit is cleared (held
 * by the tree, by another owner, or by no one: a stale trace), the free pool and the mapped count
 * from hypervisor memory. While a request is in flight ({@link TreeCommitStep}) it reads the
 * published tree: the traces the request has set but not published, or no longer needs but has
 * not withdrawn, are left out, and the pool pages it holds that the published tree does not name
 * count as free; a trace or a pool page that a flaw changes at the wrong micro-step shows.
 *
 * <p>It reads all of that after every step, but incrementally, and returns the very objects of
 * the last state for the parts that did not change (so a step that changes nothing costs a few
 * comparisons, and equality with the model's state is decided by identity where they share
 * parts). Every cache is keyed by what moves whenever its input changes, whoever changes it:
 * <ul>
 *   <li>everything read from host memory (leaves, nodes) by the memory's {@linkplain
 *       HostMemory#lastWrite() global write stamp} together with the base pointer: while no byte of
 *       host memory was written and the base pointer is the same, the layout and the traces are
 *       the ones last read;
 *   <li>the traced pages and the host frame behind every guest page, per last-level table of the
 *       nested page table, by that table's host frame and the frame's {@linkplain
 *       HostMemory#lastWrite(long) write stamp}: a table whose stamp moved has all its 512
 *       entries read again, and the tables above are walked every time, so a table linked in,
 *       unlinked or replaced is seen;
 *   <li>a node page's decoded node by the frame behind the page and that frame's write stamp: a
 *       write to the frame by anyone moves the stamp;
 *   <li>the free pool by the allocator's bits themselves, compared whole.
 * </ul>
 * The base pointer and the mapped count are read every time.
 */
final class TreeAbstraction {
    private static final int ENTRIES = 512;

    private final Machine machine;
    private final ProtectedPageTree tree;
    private final HostMemory memory;

    /** A node page as last read: the frame that backed it, that frame's stamp, and the node decoded (null: none). */
    private record CachedNode(long frame, long stamp, TreeNode node) {}

    /** Per guest page (below the machine's limit): the node last read from it, or null. */
    private final CachedNode[] nodes;

    /** One last-level table of the nested page table as last read: its frame, the frame's stamp, what its leaves say. */
    private static final class LeafTable {
        final long firstPage;
        long frame;
        long stamp = -1;
        /** Per entry: the host frame a present leaf names, 0 when not present. */
        final long[] frames = new long[ENTRIES];
        /** Bit i: entry i is present with its write bit cleared (a trace). */
        final long[] traced = new long[ENTRIES / 64];

        LeafTable(long firstPage) {
            this.firstPage = firstPage;
        }
    }

    /** The last-level tables by the first page they map, as last read: by block below the machine's limit, else in a map. */
    private final LeafTable[] byBlock;

    private final Map<Long, LeafTable> leafTables = new HashMap<>();
    /** The tables linked in at the last read, in guest-physical order. */
    private final List<LeafTable> linked = new ArrayList<>();
    /** Scratch: the tables linked in now, and a table frame's entries. */
    private final List<LeafTable> linking = new ArrayList<>();

    private final long[] entries = new long[ENTRIES];
    /** Per 512-page block below the machine's limit: the table linked in for it at the last read, or null. */
    private final LeafTable[] blocks;

    /** The memory's global write stamp and the base pointer when the layout and traces were last read. */
    private long readAtStamp = -1;

    private long readAtRoot;

    private PageSet lastTraced;
    private TreeLayout lastLayout;
    /** The node pages of {@link #lastLayout}, ascending, and their nodes as the walk found them. */
    private long[] walkPages = new long[16];

    private TreeNode[] walkNodes = new TreeNode[16];
    private int walkSize;
    /** Scratch for a walk, and the pages it has seen. */
    private long[] scratchPages = new long[16];

    private TreeNode[] scratchNodes = new TreeNode[16];
    private int scratchSize;
    private final BitSet seen = new BitSet();
    /**
     * Every page the last walk visited (a node found there or not), the frame behind it and that
     * frame's stamp: while all are the same, a walk from the same base pointer finds the same nodes.
     */
    private long[] visitedPages = new long[16];

    private long[] visitedFrames = new long[16];
    private long[] visitedStamps = new long[16];
    private int visitedSize;
    /** The layout {@link #lastMappings} were read from. */
    private TreeLayout mappingsLayout;

    private PageMap<AlertAction> lastMappings;
    private BitSet lastFreeBits;
    private PageSet lastFreePool;
    private TreeState last;

    /** Reads {@code tree} off {@code machine}, whose guest (the default view's) has {@code ramPages} pages of RAM. */
    TreeAbstraction(Machine machine, ProtectedPageTree tree, long ramPages) {
        this.machine = machine;
        this.tree = tree;
        this.memory = machine.memory();
        int pages = Math.toIntExact(ramPages);
        this.nodes = new CachedNode[pages];
        this.blocks = new LeafTable[(pages + ENTRIES - 1) / ENTRIES];
        this.byBlock = new LeafTable[blocks.length];
    }

    /** The tree's state, read from the machine. */
    TreeState abstractState() {
        TreeLayout layout = layout();
        if (layout != mappingsLayout) {
            PageMap.Builder<AlertAction> mappings = new PageMap.Builder<>();
            layout.entries().forEach((page, entry) -> entry.mapping().ifPresent(a -> mappings.put(page, a)));
            lastMappings = mappings.build();
            mappingsLayout = layout;
        }
        PageSet traced = lastTraced;
        PageSet free = freePool();
        if (tree.requestInFlight()) {
            // Mid-request the state is the published tree's: traces the request has not
            // published (or no longer needs) are not the tree's yet (any more), and pool pages it
            // holds that the published tree does not name are free.
            PageSet unpublished = tree.unpublishedTraces();
            if (!unpublished.isEmpty()) {
                traced = traced.minus(unpublished);
            }
            PageSet held = tree.unpublishedFree();
            if (!held.isEmpty()) {
                free = free.union(held);
            }
        }
        long mapped = tree.mappedPageCount();
        TreeState s = last;
        if (s == null
                || s.layout() != layout
                || s.mappings() != lastMappings
                || s.traced() != traced
                || s.freePool() != free
                || s.mappedPageCount() != mapped) {
            s = new TreeState(tree.config(), layout, lastMappings, traced, free, mapped);
            last = s;
        }
        return s;
    }

    /**
     * Traced pages: every leaf of the default view's nested page table whose write bit is
     * cleared, over all the guest memory the machine has (the page-table pool above the tree's
     * pages included), whoever holds the trace: a stale trace, or one on a page the tree never
     * covers, shows up too. Read, with the frame behind every page, table by table: a last-level
     * table whose frame or stamp moved has every entry read again.
     */
    private void readLeaves() {
        linking.clear();
        boolean[] moved = {false};
        machine.defaultView().forEachLeafTable((firstPage, frame) -> {
            LeafTable t = leafTable(firstPage);
            long stamp = memory.lastWrite(frame);
            if (t.frame != frame || t.stamp != stamp) {
                readTable(t, frame, stamp);
                moved[0] = true;
            }
            linking.add(t);
        });
        if (!moved[0] && lastTraced != null && linking.equals(linked)) {
            return;
        }
        linked.clear();
        linked.addAll(linking);
        Arrays.fill(blocks, null);
        int count = 0;
        for (LeafTable t : linked) {
            long block = t.firstPage / ENTRIES;
            if (block < blocks.length) {
                blocks[(int) block] = t;
            }
            for (long w : t.traced) {
                count += Long.bitCount(w);
            }
        }
        long[] out = new long[count];
        int n = 0;
        for (LeafTable t : linked) {
            for (int w = 0; w < t.traced.length; w++) {
                for (long bits = t.traced[w]; bits != 0; bits &= bits - 1) {
                    out[n++] = t.firstPage + 64L * w + Long.numberOfTrailingZeros(bits);
                }
            }
        }
        lastTraced = PageSet.of(out);
    }

    /** The table kept for the block of 512 pages from {@code firstPage}, made on first sight. */
    private LeafTable leafTable(long firstPage) {
        long block = firstPage / ENTRIES;
        if (block >= 0 && block < byBlock.length) {
            LeafTable t = byBlock[(int) block];
            if (t == null) {
                t = new LeafTable(firstPage);
                byBlock[(int) block] = t;
            }
            return t;
        }
        return leafTables.computeIfAbsent(firstPage, LeafTable::new);
    }

    private void readTable(LeafTable t, long frame, long stamp) {
        memory.readLongs(frame, entries);
        Arrays.fill(t.traced, 0L);
        for (int i = 0; i < ENTRIES; i++) {
            long e = entries[i];
            boolean present = NestedPageTable.entryPresent(e);
            t.frames[i] = present ? NestedPageTable.entryFrame(e) : 0;
            if (present && !NestedPageTable.entryWritable(e)) {
                t.traced[i >>> 6] |= 1L << i;
            }
        }
        t.frame = frame;
        t.stamp = stamp;
    }

    /** The host frame behind guest page {@code page} (below the machine's limit) as the last read of the leaves saw it; 0: none. */
    private long frameOf(int page) {
        LeafTable t = blocks[page / ENTRIES];
        return t == null ? 0 : t.frames[page % ENTRIES];
    }

    /**
     * The base pointer where the tree keeps it and every node page reachable from it, deserialized;
     * the last layout itself when the pointer and every reachable node are the same.
     */
    TreeLayout layout() {
        Optional<Long> root = tree.root();
        long rootPage = root.orElse(-1L);
        long stamp = memory.lastWrite();
        if (lastLayout != null && stamp == readAtStamp && rootPage == readAtRoot) {
            return lastLayout;
        }
        readLeaves();
        if (lastLayout == null || rootPage != readAtRoot || !visitedUnchanged()) {
            walk(root);
        }
        readAtStamp = stamp;
        readAtRoot = rootPage;
        return lastLayout;
    }

    /**
     * Whether every page the last walk visited is still backed by the same frame with the same
     * stamp: then each decodes to the same node, so the walk from the same base pointer would
     * visit the same pages and find the same nodes.
     */
    private boolean visitedUnchanged() {
        for (int i = 0; i < visitedSize; i++) {
            long frame = frameOf((int) visitedPages[i]);
            if (frame != visitedFrames[i] || memory.lastWrite(frame) != visitedStamps[i]) {
                return false;
            }
        }
        return true;
    }

    /** Walks the nodes from the base pointer and keeps the layout they make (the last one, when equal). */
    private void walk(Optional<Long> root) {
        visitedSize = 0;
        if (root.isPresent()) {
            readReachable(root.get());
        }
        // The pages found, ascending: the visited ones (a bit each) that hold a node.
        scratchSize = 0;
        for (int p = seen.nextSetBit(0); p >= 0; p = seen.nextSetBit(p + 1)) {
            TreeNode n = nodes[p].node();
            if (n != null) {
                if (scratchSize == scratchPages.length) {
                    scratchPages = Arrays.copyOf(scratchPages, 2 * scratchSize);
                    scratchNodes = Arrays.copyOf(scratchNodes, 2 * scratchSize);
                }
                scratchPages[scratchSize] = p;
                scratchNodes[scratchSize] = n;
                scratchSize++;
            }
        }
        seen.clear();
        if (lastLayout == null || !sameWalk() || !lastLayout.base().rootPage().equals(root)) {
            PageMap.Builder<TreeNode> found = new PageMap.Builder<>();
            for (int i = 0; i < scratchSize; i++) {
                found.put(scratchPages[i], scratchNodes[i]);
            }
            PageMap<TreeNode> read = found.build();
            if (lastLayout == null
                    || !lastLayout.base().rootPage().equals(root)
                    || !lastLayout.nodes().equals(read)) {
                lastLayout = new TreeLayout(new HypervisorCell(root), read);
            }
            long[] p = walkPages;
            walkPages = scratchPages;
            scratchPages = p;
            TreeNode[] q = walkNodes;
            walkNodes = scratchNodes;
            scratchNodes = q;
            walkSize = scratchSize;
        }
    }

    /** Whether this walk found the very pages and node objects the last one did. */
    private boolean sameWalk() {
        if (scratchSize != walkSize) {
            return false;
        }
        for (int i = 0; i < scratchSize; i++) {
            if (scratchPages[i] != walkPages[i] || scratchNodes[i] != walkNodes[i]) {
                return false;
            }
        }
        return true;
    }

    private PageSet freePool() {
        // Read again only when the allocator's bits differ from the copy kept of them (compared
        // in place, every step: whatever changed them, a difference is seen).
        if (lastFreeBits == null || !tree.freeBitsEqual(lastFreeBits)) {
            lastFreeBits = tree.freeBits();
            lastFreePool = tree.freePool();
        }
        return lastFreePool;
    }

    private void readReachable(long page) {
        // Every page of the guest's RAM: a corrupt base pointer may name one above the tree's pages.
        if (page < 0 || page >= nodes.length || seen.get((int) page)) {
            return;
        }
        seen.set((int) page);
        TreeNode n = node((int) page);
        if (visitedSize == visitedPages.length) {
            visitedPages = Arrays.copyOf(visitedPages, 2 * visitedSize);
            visitedFrames = Arrays.copyOf(visitedFrames, 2 * visitedSize);
            visitedStamps = Arrays.copyOf(visitedStamps, 2 * visitedSize);
        }
        CachedNode c = nodes[(int) page];
        visitedPages[visitedSize] = page;
        visitedFrames[visitedSize] = c.frame();
        visitedStamps[visitedSize] = c.stamp();
        visitedSize++;
        if (n instanceof TreeNode.Interior in) {
            for (long child : in.children()) {
                readReachable(child);
            }
        }
    }

    /** The node page {@code page} holds (null: none), decoded again only when its frame or the frame's stamp moved. */
    private TreeNode node(int page) {
        CachedNode c = nodes[page];
        // Frame 0 is never handed out: an unbacked page reads as zeros, and so decodes to no node.
        long frame = frameOf(page);
        long stamp = memory.lastWrite(frame);
        if (c != null && c.frame() == frame && c.stamp() == stamp) {
            return c.node();
        }
        TreeNode n = frame == 0
                ? null
                : NodeCodec.decode(memory, frame, tree.config().shape().order());
        nodes[page] = new CachedNode(frame, stamp, n);
        return n;
    }
}
