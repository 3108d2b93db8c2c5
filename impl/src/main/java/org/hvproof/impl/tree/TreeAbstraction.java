package org.hvproof.impl.tree;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.BitSet;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.hvproof.impl.machine.Machine;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.HypervisorCell;
import org.hvproof.model.tree.TreeConfig;
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
 */
final class TreeAbstraction {
    private final Machine machine;
    private final ProtectedPageTree tree;
    private BitSet lastFreeBits;
    private SortedSet<Long> lastFreePool;

    TreeAbstraction(Machine machine, ProtectedPageTree tree) {
        this.machine = machine;
        this.tree = tree;
    }

    /** The tree's state, read from the machine. */
    TreeState abstractState() {
        TreeConfig config = tree.config();
        TreeLayout layout = layout();
        SortedMap<Long, AlertAction> mappings = new TreeMap<>();
        layout.entries().forEach((page, entry) -> entry.mapping().ifPresent(a -> mappings.put(page, a)));
        // Traced pages: every leaf of the default view's nested page table whose write bit is
        // cleared, over all the guest memory the machine has (the page-table pool above the
        // tree's pages included), whoever holds the trace: a stale trace, or one on a page the
        // tree never covers, shows up too.
        SortedSet<Long> traced = new TreeSet<>();
        machine.defaultView().forEachLeaf((page, entry) -> {
            if (!entry.permissions().write()) {
                traced.add(page.number());
            }
        });
        return new TreeState(config, layout, mappings, traced, freePool(), tree.mappedPageCount());
    }

    /** The base pointer where the tree keeps it and every node page reachable from it, deserialized. */
    TreeLayout layout() {
        Optional<Long> root = tree.root();
        SortedMap<Long, TreeNode> nodes = new TreeMap<>();
        root.ifPresent(r -> readReachable(tree.config(), r, nodes, new HashSet<>()));
        return new TreeLayout(new HypervisorCell(root), nodes);
    }

    private SortedSet<Long> freePool() {
        // The pool changes only on requests: read it again only when the allocator's bits differ.
        BitSet bits = tree.freeBits();
        if (!bits.equals(lastFreeBits)) {
            lastFreeBits = bits;
            lastFreePool = tree.freePool();
        }
        return lastFreePool;
    }

    private void readReachable(TreeConfig config, long page, SortedMap<Long, TreeNode> out, Set<Long> seen) {
        // Every page the machine has: a corrupt base pointer may name one above the tree's pages.
        if (!seen.add(page) || page < 0 || page >= machine.shape().guestPhysicalPages()) {
            return;
        }
        byte[] bytes = machine.peekGuestPage(ViewId.DEFAULT, new GuestPhysicalPage(page));
        ByteBuffer words = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        TreeNode n = NodeCodec.decode(i -> words.getLong((int) i * 8));
        if (n == null) {
            return;
        }
        out.put(page, n);
        if (n instanceof TreeNode.Interior in) {
            for (long child : in.children()) {
                readReachable(config, child, out, seen);
            }
        }
    }
}
