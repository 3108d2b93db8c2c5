package org.hvproof.impl.tree;

/**
 * The micro-steps of one tree request's commit, in the order the hypervisor runs them under the
 * tree lock ({@link ProtectedPageTree#continueRequest}); other vCPUs write between any two. The
 * order is what keeps every TREE claim true at every boundary: a node page is traced before it is
 * written, so no write lands in it unseen; the request takes effect at {@link #PUBLISH} alone;
 * a freed node page keeps its trace until the published tree no longer names it.
 */
public enum TreeCommitStep {
    /**
     * Trace every page the request newly traces: node pages taken from the pool and, alone, the
     * pages it maps. Until {@link #PUBLISH} such a trace is not published: a write to the page
     * lands and is seen by no one (the tree as published does not have the page), and a write to
     * a taken page marks it for writing again.
     */
    TRACE_TAKEN,
    /** Write the nodes of the pages taken from the pool: no walk reaches them yet. */
    WRITE_TAKEN,
    /**
     * The request takes effect: write the changed nodes the published tree has (walks read the
     * tree under its lock, so no walk sees them half-written), write again every taken page a
     * notified write touched, and store root, height and count in the root cell.
     */
    PUBLISH,
    /** Scrub the pages of the nodes the request freed: the published tree no longer names them. */
    SCRUB_FREED,
    /**
     * Withdraw the traces the request removes (freed node pages, pages no longer mapped) and give
     * the freed pages back to the pool; the request is finished and the lock released.
     */
    UNTRACE_FREED
}
