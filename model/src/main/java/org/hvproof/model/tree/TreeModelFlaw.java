package org.hvproof.model.tree;

/**
 * Deliberately flawed variants of the model, for showing that the TREE invariants catch them.
 * {@link #NONE} is the model; each other constant changes exactly one rule of {@link TreeModel}.
 */
public enum TreeModelFlaw {
    /** The model as specified. */
    NONE,
    /** A node page a request takes from the pool for a split (not the root) is not traced (breaks TREE-4, then TREE-2). */
    SPLIT_NODE_UNTRACED,
    /** A node page a request frees keeps its trace (breaks TREE-4). */
    FREED_NODE_STAYS_TRACED,
    /** The look-up checks leaf mappings before node pages (breaks TREE-2 for a mapped node page). */
    LOOKUP_MAPPINGS_FIRST
}
