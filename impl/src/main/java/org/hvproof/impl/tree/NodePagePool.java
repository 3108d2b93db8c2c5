package org.hvproof.impl.tree;

import java.util.BitSet;
import org.hvproof.model.tree.PageSet;
import org.hvproof.model.tree.TreeConfig;

/** The node-page pool in hypervisor memory: which pool pages are free, taken lowest first and given back. */
final class NodePagePool {
    private final TreeConfig config;
    /** Bit i set: pool page {@code poolFirst + i} is free. */
    private final BitSet free;

    /** Every pool page free. */
    NodePagePool(TreeConfig config) {
        this.config = config;
        this.free = new BitSet(config.poolSize());
        free.set(0, config.poolSize());
    }

    /** Takes the lowest free pool page; {@link TreeRootCell#NONE} when none is left. */
    long take() {
        int i = free.nextSetBit(0);
        if (i < 0) {
            return TreeRootCell.NONE;
        }
        free.clear(i);
        return config.poolFirst() + i;
    }

    /** Makes pool page {@code page} free again. */
    void giveBack(long page) {
        free.set((int) (page - config.poolFirst()));
    }

    /** How many pool pages are free (no set built). */
    int freeCount() {
        return free.cardinality();
    }

    /** The free pool pages. */
    PageSet freePages() {
        long[] out = new long[free.cardinality()];
        int n = 0;
        long[] words = free.toLongArray();
        for (int w = 0; w < words.length; w++) {
            for (long bits = words[w]; bits != 0; bits &= bits - 1) {
                out[n++] = config.poolFirst() + 64L * w + Long.numberOfTrailingZeros(bits);
            }
        }
        return PageSet.of(out);
    }

    /** Whether the free bits are exactly {@code bits} (bit i: pool page {@code poolFirst + i} is free); no copy made. */
    boolean bitsEqual(BitSet bits) {
        return free.equals(bits);
    }

    /** A copy of the bits (bit i: pool page {@code poolFirst + i} is free). */
    BitSet bits() {
        return (BitSet) free.clone();
    }
}
