package org.hvproof.properties.tree;

/** The situations a tree trace can reach; the properties set coverage minimums on them. */
final class TreeLabels {
    static final String SPLIT = "a request split a node";
    static final String MERGE = "a request merged nodes (a node page freed)";
    static final String TEAR_DOWN = "the last mapping removed: tree torn down";
    static final String DEPTH_2 = "tree of depth >= 2";
    static final String NODE_ALERT = "node-page alert";
    static final String NODE_AND_MAPPED_ALERT = "node-page alert on a page that is also mapped";
    static final String ALLOW_ALERT = "mapping alert, record and allow";
    static final String BLOCK_ALERT = "mapping alert, block";
    static final String BLOCKED_WRITE = "write blocked";
    static final String QUIET_WRITE = "quiet write (no alert)";
    static final String REFUSED = "request refused";
    static final String HOSTILE_REFUSED = "hostile request refused (bad arguments)";
    static final String POOL_EXHAUSTED = "a protect refused: the node pool cannot give its nodes";
    static final String FULL_WALK_DEPTH_2 = "walk of depth + 1 nodes on a tree of depth >= 2";
    static final String CROSSING_TRACED_WRITE = "crossing write touching a traced page";
    static final String WRITE_OVER_GUEST_POINTER_PAGE = "write over the first word of the page below the pool";

    static final String HIGH_BIT_ALIAS =
            "request or write at an address differing from a tree page's only above bit 31";
    static final String OUTSIDE_TREE_WRITE = "write at a page outside the tree's memory (page-table pool or beyond)";
    static final String NEXT_TO_TRACED_WRITE = "write to an untraced page next to a traced one";

    static final String PUBLISHED_IN_MICRO_STEPS = "a request run in micro-steps published";
    static final String WRITE_BETWEEN_STEPS = "a write between two micro-steps of a request";
    static final String NODE_WRITE_BETWEEN_STEPS = "a node-page write between two micro-steps";
    static final String MAPPED_WRITE_BETWEEN_STEPS = "a mapped-page write between two micro-steps";
    static final String TAKEN_WRITE_BEFORE_TRACED = "a write to a page being taken for a node before it was traced";
    static final String TAKEN_WRITE_AFTER_WRITTEN =
            "a write to a page being taken for a node after its node was written, before publication";
    static final String FREED_WRITE_BEFORE_UNTRACED =
            "a write to a freed node page after publication, before its trace was withdrawn";

    private TreeLabels() {}
}
