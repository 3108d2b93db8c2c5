package org.hvproof.impl.tree;

/**
 * Deliberately broken variants of the protected-page tree, each one bug a real hypervisor could
 * have. Only tests select them; {@link #NONE} is the tree as specified, and every other value
 * must be caught by the TREE property of the claim it breaks. Each changes one code path of
 * {@link ProtectedPageTree}, marked where it is read.
 */
public enum TreeImplFlaw {
    /** The tree as specified. */
    NONE,
    /** The sibling a split allocates is not traced (TREE-4; then TREE-2 for a write to it). */
    SPLIT_NODE_UNTRACED,
    /** The look-up checks the leaf mapping before the node-page mark (TREE-2 for a mapped node page). */
    LOOKUP_MAPPINGS_FIRST,
    /** A node page freed by a merge, a root collapse or a tear-down keeps its trace (TREE-4). */
    FREED_NODE_STAYS_TRACED,
    /**
     * The base pointer is kept in a guest page (the one just below the node pool) and every walk
     * starts from what that page says: a guest write redirects the walk (TREE-6).
     */
    WALK_FROM_GUEST_POINTER
}
