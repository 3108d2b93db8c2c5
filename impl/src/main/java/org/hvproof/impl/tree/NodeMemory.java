package org.hvproof.impl.tree;

import org.hvproof.impl.machine.HostMemory;
import org.hvproof.impl.machine.Hypervisor;
import org.hvproof.impl.machine.NestedEntry;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.tree.TreeConfig;
import org.hvproof.model.tree.TreeNode;

/**
 * Node pages in memory: each node serialized ({@link NodeCodec}) into the host frame backing its
 * guest page, written and read by the hypervisor straight in host memory.
 */
final class NodeMemory {
    private final Hypervisor hypervisor;
    private final HostMemory memory;
    private final TreeConfig config;
    /** Host frame backing pool page {@code poolFirst + i}; 0 until first used. */
    private final long[] poolFrames;

    NodeMemory(Hypervisor hypervisor, TreeConfig config) {
        this.hypervisor = hypervisor;
        this.memory = hypervisor.machine().memory();
        this.config = config;
        this.poolFrames = new long[config.poolSize()];
    }

    /** The host frame backing node page {@code page}: pinned for pool pages, else the nested table's; 0 if none. */
    long frameOf(long page) {
        long i = page - config.poolFirst();
        if (i >= 0 && i < config.poolSize()) {
            long f = poolFrames[(int) i];
            if (f == 0 && hypervisor.populate(ViewId.DEFAULT, new GuestPhysicalPage(page))) {
                f = hypervisor
                        .machine()
                        .defaultView()
                        .leaf(new GuestPhysicalPage(page))
                        .map(NestedEntry::hostFrame)
                        .orElse(0L);
                poolFrames[(int) i] = f;
            }
            return f;
        }
        // Only a corrupt (guest-written) base pointer leads outside the pool.
        if (page < 0 || page >= GuestPhysicalPage.LIMIT) {
            return 0;
        }
        return hypervisor
                .machine()
                .defaultView()
                .leaf(new GuestPhysicalPage(page))
                .map(NestedEntry::hostFrame)
                .orElse(0L);
    }

    /** Word {@code index} of host frame {@code frame}. */
    long word(long frame, int index) {
        return memory.readLong((frame << 12) + 8L * index);
    }

    /** The node stored in {@code page}, or null when the page holds none. */
    TreeNode read(long page) {
        long frame = frameOf(page);
        return frame == 0 ? null : NodeCodec.decode(i -> word(frame, (int) i));
    }

    /** Serializes {@code node} into {@code page}. */
    void write(long page, TreeNode node) {
        // Every word a node of either kind can use is rewritten, so no stale word of an earlier
        // node survives; the rest of the page is never read.
        long frame = frameOf(page);
        long[] words = new long[NodeCodec.WORDS];
        for (NodeCodec.Word w : NodeCodec.encode(node)) {
            words[w.index()] = w.value();
        }
        for (int i = 0; i < words.length; i++) {
            memory.writeLong((frame << 12) + 8L * i, words[i]);
        }
    }

    /** Clears {@code page}, freed from the tree. */
    void scrub(long page) {
        memory.clearFrame(frameOf(page));
    }
}
