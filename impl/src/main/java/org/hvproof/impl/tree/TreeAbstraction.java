package org.hvproof.impl.tree;

import java.util.Arrays;
import java.util.BitSet;
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
 * from hypervisor memory.
 *
 * <p>It reads all of that after every step, but incrementally, and returns the very objects of
 * the last state for the parts that did not change (so a step that changes nothing costs a few
 * comparisons, and equality with the model's state is decided by identity where they share
 * parts). Every cache is keyed by what moves whenever its input changes, whoever changes it:
 * <ul>
 *   <li>the traced pages, and the host frame behind every guest page, by the nested page table's
 *       {@linkplain NestedPageTable#version() version}: any write to any of its reachable tables
 *       (a trace set or cleared, a page remapped to another frame) moves it, and then every leaf
 *       is visited again;
 *   <li>a node page's decoded node by the frame behind the page and that frame's {@linkplain
 *       HostMemory#lastWrite write stamp}: a write to the frame by anyone moves the stamp;
 *   <li>the free pool by the allocator's bits themselves, compared whole.
 * </ul>
 * The base pointer and the mapped count are read every time.
 */
final class TreeAbstraction {
    private final Machine machine;
    private final ProtectedPageTree tree;
    private final HostMemory memory;

    /** A node page as last read: the frame that backed it, that frame's stamp, and the node decoded (null: none). */
    private record CachedNode(long frame, long stamp, TreeNode node) {}

    /** Per guest page (below the machine's limit): the node last read from it, or null. */
    private final CachedNode[] nodes;
    /**
     * Per guest page: the host frame its present leaf names (0: none), read in the one pass over
     * the nested page table's leaves made whenever the table's version moved.
     */
    private final long[] frameOf;
    /** The nested page table's version when {@link #frameOf} and {@link #lastTraced} were read. */
    private long leavesVersion = -1;

    private PageSet lastTraced;
    private TreeLayout lastLayout;
    /** The layout {@link #lastMappings} were read from. */
    private TreeLayout mappingsLayout;

    private PageMap<AlertAction> lastMappings;
    private BitSet lastFreeBits;
    private PageSet lastFreePool;
    private TreeState last;

    TreeAbstraction(Machine machine, ProtectedPageTree tree) {
        this.machine = machine;
        this.tree = tree;
        this.memory = machine.memory();
        int pages = Math.toIntExact(machine.shape().guestPhysicalPages());
        this.nodes = new CachedNode[pages];
        this.frameOf = new long[pages];
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
        PageSet traced = traced();
        PageSet free = freePool();
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
     * covers, shows up too. Read, with the frame behind every page, in one pass over every leaf
     * whenever the table's version moved.
     */
    private PageSet traced() {
        readLeaves();
        return lastTraced;
    }

    private void readLeaves() {
        NestedPageTable view = machine.defaultView();
        long version = view.version();
        if (lastTraced != null && version == leavesVersion) {
            return;
        }
        Arrays.fill(frameOf, 0);
        long[][] out = {new long[64]};
        int[] n = {0};
        view.forEachLeaf((page, entry) -> {
            long p = page.number();
            if (p < frameOf.length) {
                frameOf[(int) p] = entry.hostFrame();
            }
            if (!entry.permissions().write()) {
                if (n[0] == out[0].length) {
                    out[0] = Arrays.copyOf(out[0], 2 * n[0]);
                }
                out[0][n[0]++] = p;
            }
        });
        lastTraced = PageSet.of(Arrays.copyOf(out[0], n[0]));
        leavesVersion = version;
    }

    /**
     * The base pointer where the tree keeps it and every node page reachable from it, deserialized;
     * the last layout itself when the pointer and every reachable node are the same.
     */
    TreeLayout layout() {
        readLeaves();
        Optional<Long> root = tree.root();
        PageMap.Builder<TreeNode> found = new PageMap.Builder<>();
        if (root.isPresent()) {
            readReachable(root.get(), found, new BitSet());
        }
        PageMap<TreeNode> read = found.build();
        if (lastLayout == null
                || !lastLayout.base().rootPage().equals(root)
                || !lastLayout.nodes().equals(read)) {
            lastLayout = new TreeLayout(new HypervisorCell(root), read);
        }
        return lastLayout;
    }

    private PageSet freePool() {
        // Read again only when the allocator's bits differ.
        BitSet bits = tree.freeBits();
        if (!bits.equals(lastFreeBits)) {
            lastFreeBits = bits;
            lastFreePool = tree.freePool();
        }
        return lastFreePool;
    }

    private void readReachable(long page, PageMap.Builder<TreeNode> out, BitSet seen) {
        // Every page the machine has: a corrupt base pointer may name one above the tree's pages.
        if (page < 0 || page >= nodes.length || seen.get((int) page)) {
            return;
        }
        seen.set((int) page);
        TreeNode n = node((int) page);
        if (n == null) {
            return;
        }
        out.put(page, n);
        if (n instanceof TreeNode.Interior in) {
            for (long child : in.children()) {
                readReachable(child, out, seen);
            }
        }
    }

    /** The node page {@code page} holds (null: none), decoded again only when its frame or the frame's stamp moved. */
    private TreeNode node(int page) {
        CachedNode c = nodes[page];
        // Frame 0 is never handed out: an unbacked page reads as zeros, and so decodes to no node.
        long frame = frameOf[page];
        long stamp = memory.lastWrite(frame);
        if (c != null && c.frame() == frame && c.stamp() == stamp) {
            return c.node();
        }
        TreeNode n = frame == 0 ? null : NodeCodec.decode(i -> memory.readLong((frame << 12) + 8 * i));
        nodes[page] = new CachedNode(frame, stamp, n);
        return n;
    }
}
