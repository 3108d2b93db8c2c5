package org.hvproof.model.tree;

/** The B+-tree's shape limits, in one place. */
public final class BPlusTree {
    /** Most keys in a leaf, most children of an interior node. */
    public static final int ORDER = 4;
    /** Fewest keys in a non-root leaf, fewest children of a non-root interior node. */
    public static final int MIN = ORDER / 2;

    private BPlusTree() {}

    /**
     * The greatest depth (edges from root to leaf) a B+-tree of {@code keys} keys can have: at
     * depth h the root has two children or more and every other node at least {@link #MIN}, so
     * there are at least {@code 2 * MIN^(h-1)} leaves of at least {@link #MIN} keys each.
     */
    public static int depthBound(long keys) {
        int h = 0;
        long fewestKeys = 2L * MIN; // at depth 1
        while (fewestKeys <= keys) {
            h++;
            fewestKeys *= MIN;
        }
        return h;
    }
}
