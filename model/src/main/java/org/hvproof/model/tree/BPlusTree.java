package org.hvproof.model.tree;

/** The B+-tree's shape limits, in one place. */
public final class BPlusTree {
    /** Most keys in a leaf, most children of an interior node. */
    public static final int ORDER = 4;
    /** Fewest keys in a non-root leaf, fewest children of a non-root interior node. */
    public static final int MIN = ORDER / 2;

    private BPlusTree() {}
}
