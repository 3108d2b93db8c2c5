package org.hvproof.model.tree;

/**
 * Deliberately flawed variants, for showing that the TREE invariants and properties catch
 * them. The default model has none; each flaw changes exactly one code path of {@link TreeModel}.
 */
public enum TreeModelFlaw {
    /** The sibling a split allocates is not traced (breaks TREE-4, then TREE-2). */
    SPLIT_NODE_UNTRACED,
    /** A node page freed by a merge or shrink keeps its trace (breaks TREE-4). */
    FREED_NODE_STAYS_TRACED,
    /** The look-up checks leaf mappings before node pages (breaks TREE-2 for a mapped node page). */
    LOOKUP_MAPPINGS_FIRST
}
