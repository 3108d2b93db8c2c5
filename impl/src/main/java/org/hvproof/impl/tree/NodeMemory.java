package org.hvproof.impl.tree;

import java.util.Optional;
import org.hvproof.impl.machine.HostMemory;
import org.hvproof.impl.machine.Hypervisor;
import org.hvproof.impl.machine.NestedEntry;
import org.hvproof.impl.machine.NestedPageTable;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.tree.BPlusTree;
import org.hvproof.model.tree.TreeConfig;

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
    /** The tree's order, and the words a node of it can occupy ({@link NodeCodec#words}). */
    private final int order;

    private final int nodeWords;

    NodeMemory(Hypervisor hypervisor, TreeConfig config) {
        this.hypervisor = hypervisor;
        this.memory = hypervisor.machine().memory();
        this.config = config;
        this.poolFrames = new long[config.poolSize()];
        this.order = config.shape().order();
        this.nodeWords = NodeCodec.words(order);
        this.bytes = new byte[8 * nodeWords];
    }

    /** The tree's shape limits: its order and the fewest keys of a non-root node. */
    BPlusTree shape() {
        return config.shape();
    }

    /** The tree's order: what every node in these pages is encoded for. */
    int order() {
        return order;
    }

    /** Words a node can occupy in its page ({@link NodeCodec#words} of the order). */
    int nodeWords() {
        return nodeWords;
    }

    /** The host frame backing node page {@code page}: pinned for pool pages, else the nested table's; 0 if none. */
    long frameOf(long page) {
        long i = page - config.poolFirst();
        if (i >= 0 && i < config.poolSize()) {
            long f = poolFrames[(int) i];
            if (f == 0) {
                // Backed already at boot (TreeSystem), else backed now.
                GuestPhysicalPage p = new GuestPhysicalPage(page);
                NestedPageTable npt = hypervisor.machine().defaultView();
                Optional<NestedEntry> leaf = npt.leaf(p);
                if (leaf.isEmpty() && hypervisor.populate(ViewId.DEFAULT, p)) {
                    leaf = npt.leaf(p);
                }
                f = leaf.map(NestedEntry::hostFrame).orElse(0L);
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

    /** The write stamp of host frame {@code frame}: it moves on every write to the frame, by anyone. */
    long stamp(long frame) {
        return memory.lastWrite(frame);
    }

    /** Word {@code index} of host frame {@code frame}. */
    long word(long frame, int index) {
        return memory.readLong((frame << 12) + 8L * index);
    }

    /** Scratch for {@link #readWords} and {@link #write}: a node's words as bytes. */
    private final byte[] bytes;

    /**
     * Reads the {@link #nodeWords} words a node can occupy at {@code page} into {@code words};
     * false when no frame backs the page (it holds no node).
     */
    boolean readWords(long page, long[] words) {
        long frame = frameOf(page);
        if (frame == 0) {
            return false;
        }
        memory.read(frame << 12, bytes, 0, bytes.length);
        for (int i = 0; i < nodeWords; i++) {
            words[i] = (long) NodeCodec.LONG_LE.get(bytes, 8 * i);
        }
        return true;
    }

    /**
     * Writes a node's {@link #nodeWords} words into {@code page}: every word a node of either
     * kind can use, so no stale word of an earlier node survives; the rest of the page is never read.
     */
    void write(long page, long[] words) {
        long frame = frameOf(page);
        for (int i = 0; i < nodeWords; i++) {
            NodeCodec.LONG_LE.set(bytes, 8 * i, words[i]);
        }
        memory.write(frame << 12, bytes, 0, bytes.length);
    }

    /** The first page of the node pool. */
    long poolFirst() {
        return config.poolFirst();
    }

    /** Pages in the node pool. */
    int poolSize() {
        return config.poolSize();
    }

    /** Clears {@code page}, freed from the tree. */
    void scrub(long page) {
        memory.clearFrame(frameOf(page));
    }
}
