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
import org.hvproof.impl.tracing.TracingService;
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
 * from the base pointer down, the traced pages from the default view's cleared write bits (held
 * by the tree, or by no one: a stale trace), the free pool and the mapped count from hypervisor
 * memory.
 */
final class TreeAbstraction {
    private final Machine machine;
    private final TracingService tracing;
    private final ProtectedPageTree tree;
    private BitSet lastFreeBits;
    private SortedSet<Long> lastFreePool;

    TreeAbstraction(Machine machine, TracingService tracing, ProtectedPageTree tree) {
        this.machine = machine;
        this.tracing = tracing;
        this.tree = tree;
    }

    /** The tree's state, read from the machine. */
    TreeState abstractState() {
        TreeConfig config = tree.config();
        TreeLayout layout = layout();
        SortedMap<Long, AlertAction> mappings = new TreeMap<>();
        layout.entries().forEach((page, entry) -> entry.mapping().ifPresent(a -> mappings.put(page, a)));
        // Traced pages: every page the tree's trace is registered on, every page the tree says
        // should be traced (its node pages and its leaves' keys), each judged by its nested
        // entry's write bit. A cleared bit elsewhere could come only from the tracing service (TRACE-2).
        SortedSet<Long> candidates = new TreeSet<>();
        tracing.pagesTracedBy(ProtectedPageTree.OWNER).forEach(p -> candidates.add(p.number()));
        candidates.addAll(layout.nodePages());
        candidates.addAll(layout.entries().keySet());
        SortedSet<Long> traced = new TreeSet<>();
        for (long page : candidates) {
            if (page >= 0 && page < config.guestPages() && tracing.isTraced(new GuestPhysicalPage(page))) {
                traced.add(page);
            }
        }
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
        if (!seen.add(page) || page < 0 || page >= config.guestPages()) {
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
