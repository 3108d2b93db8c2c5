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
        this.decodedFrame = new long[config.poolSize()];
        this.decodedStamp = new long[config.poolSize()];
        this.decodedNode = new TreeNode[config.poolSize()];
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

    /**
     * Per pool page: the frame and that frame's write stamp when its node was last decoded, and
     * the node (null: none). A write to the frame by anyone moves its stamp, so a node is decoded
     * again exactly when its words may have changed.
     */
    private final long[] decodedFrame;

    private final long[] decodedStamp;
    private final TreeNode[] decodedNode;

    /** The node stored in {@code page}, or null when the page holds none. */
    TreeNode read(long page) {
        long frame = frameOf(page);
        if (frame == 0) {
            return null;
        }
        long i = page - config.poolFirst();
        if (i < 0 || i >= config.poolSize()) {
            return NodeCodec.decode(memory, frame);
        }
        int at = (int) i;
        long stamp = memory.lastWrite(frame);
        if (decodedFrame[at] != frame || decodedStamp[at] != stamp) {
            decodedNode[at] = NodeCodec.decode(memory, frame);
            decodedFrame[at] = frame;
            decodedStamp[at] = stamp;
        }
        return decodedNode[at];
    }

    /** Scratch for {@link #write}: a node's words, then their bytes. */
    private final long[] words = new long[NodeCodec.WORDS];

    private final byte[] bytes = new byte[8 * NodeCodec.WORDS];

    /** Serializes {@code node} into {@code page}. */
    void write(long page, TreeNode node) {
        // Every word a node of either kind can use is rewritten, so no stale word of an earlier
        // node survives; the rest of the page is never read.
        long frame = frameOf(page);
        NodeCodec.encode(node, words);
        for (int i = 0; i < words.length; i++) {
            NodeCodec.LONG_LE.set(bytes, 8 * i, words[i]);
        }
        memory.write(frame << 12, bytes, 0, bytes.length);
    }

    /** Clears {@code page}, freed from the tree. */
    void scrub(long page) {
        memory.clearFrame(frameOf(page));
    }
}
