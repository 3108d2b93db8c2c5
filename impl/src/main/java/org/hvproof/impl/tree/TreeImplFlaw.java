package org.hvproof.impl.tree;

import static org.hvproof.model.common.Flaw.caught;

import java.util.List;
import org.hvproof.model.common.Flaw;

/**
 * Deliberately broken variants of the protected-page tree, each one bug a real hypervisor could
 * have. Only tests select them; {@link #NONE} is the tree as specified, and every other value
 * declares the TREE properties that must catch it ({@link #caughtBy()}). Each changes one code
 * path of the tree's implementation, marked where it is read.
 */
public enum TreeImplFlaw implements Flaw {
    /** The tree as specified. */
    NONE(List.of()),
    /**
     * The sibling a split allocates is not traced (TREE-4; then TREE-2 for a write to it). TREE-2's
     * own invariants see the untraced node only when it is written; the split itself already
     * parts machine and model, so refinement names it first there.
     */
    SPLIT_NODE_UNTRACED(List.of(caught("TREE-4", "TREE-4 tracesExact", 2), caught("TREE-2", "refinement", 2))),
    /** The look-up checks the leaf mapping before the node-page mark (TREE-2 for a mapped node page). */
    LOOKUP_MAPPINGS_FIRST(List.of(caught("TREE-2", "TREE-2 nodePagesAlert", 4))),
    /**
     * The walk reads every child left of the one it descends into (their headers), as a walk that
     * checks each child's key range before choosing would: a notification for a page in a later
     * child reads more than depth + 1 nodes (TREE-5).
     */
    WALK_READS_LEFT_SIBLINGS(List.of(caught("TREE-5", "TREE-5 walkBounded", 3))),
    /** A node page freed by a merge, a root collapse or a tear-down keeps its trace (TREE-4). */
    FREED_NODE_STAYS_TRACED(List.of(caught("TREE-4", "TREE-4 tracesExact", 3))),
    /**
     * The base pointer is kept in a guest page (the one just below the node pool) and every walk
     * starts from what that page says: a guest write redirects the walk (TREE-6). The state
     * invariant sees it first: after the write the base pointer names no root.
     */
    WALK_FROM_GUEST_POINTER(List.of(caught("TREE-6", "TREE-6 basePointerGuarded", 4))),
    /**
     * Request decoding keeps the page number in a 32-bit frame field: a start that differs from a
     * page of the tree only above bit 43 (page-number bits 32 and up) is taken as that page, so a
     * request far outside guest memory protects or unprotects a real page (refinement: the model
     * refuses it as out of range).
     */
    REQUEST_PAGE_NUMBER_32_BITS(List.of(caught("TREE-4", "refinement", 1))),
    /**
     * The tree traces its node pages in the default view only: in any other view (the integrity
     * view, which maps every frame read/write) a vCPU writes a node page unseen (TREE-7). Alone,
     * the tree runs on one view, so only the tree as the integrity service's store shows it.
     */
    NODE_PAGES_TRACED_IN_DEFAULT_VIEW_ONLY(List.of(caught("TREE-7", "TREE-7 nodePagesTracedInEveryView", 4))),
    /**
     * A request run in micro-steps writes the nodes of the pages it took from the pool before it
     * traces them ({@link TreeCommitStep#WRITE_TAKEN} before {@link TreeCommitStep#TRACE_TAKEN}): a
     * guest write between the two lands in a node unnotified, so the hypervisor does not write it
     * again, and the request publishes the guest's bytes as a node: the published tree loses the
     * node, and its page stays traced and marked (TREE-4 tracesExact, TREE-2 nodePagesMarked).
     */
    NODE_WRITTEN_BEFORE_TRACED(
            List.of(caught("TREE-4", "TREE-4 tracesExact", 4), caught("TREE-2", "TREE-2 nodePagesMarked", 4))),
    /**
     * A request run in micro-steps withdraws the traces of the node pages it frees and gives them
     * back to the pool before it publishes ({@link TreeCommitStep#UNTRACE_FREED} before {@link
     * TreeCommitStep#PUBLISH}): the published tree still names a page the guest may now write
     * unseen: at that boundary the published tree's node pages are untraced and free (TREE-4;
     * refinement names it first in TREE-2, before a write to the page can).
     */
    FREED_NODE_UNTRACED_BEFORE_PUBLISH(
            List.of(caught("TREE-4", "TREE-4 tracesExact", 5), caught("TREE-2", "refinement", 5))),
    /**
     * A request run in micro-steps scrubs the node pages it frees before it publishes ({@link
     * TreeCommitStep#SCRUB_FREED} before {@link TreeCommitStep#PUBLISH}): the published tree
     * names pages that hold no node any more, traced and marked as node pages (TREE-4
     * tracesExact, TREE-2 nodePagesMarked).
     */
    FREED_NODE_SCRUBBED_BEFORE_PUBLISH(
            List.of(caught("TREE-4", "TREE-4 tracesExact", 5), caught("TREE-2", "TREE-2 nodePagesMarked", 5))),
    /**
     * The publication does not write again the taken pages a notified write touched after their
     * nodes were written: the guest's bytes are published as the node although the hypervisor
     * was told of the write (TREE-4 tracesExact, TREE-2 nodePagesMarked).
     */
    TAKEN_NODE_NOT_WRITTEN_AGAIN(
            List.of(caught("TREE-4", "TREE-4 tracesExact", 5), caught("TREE-2", "TREE-2 nodePagesMarked", 5))),
    /**
     * A protect reserves its worst case up front: the tree refuses it ({@code POOL_EXHAUSTED})
     * whenever fewer pool pages are free than a split on every level and a new root for each page
     * of the range and one more, although the insert would take far fewer: a protection is lost
     * with room in the pool (refinement: the model accepts the refusal only when the free pool is
     * below the most the insert can take from the current layout).
     */
    REFUSES_WITH_ROOM(List.of(caught("TREE-4", "refinement", 2)));

    private final List<Caught> caughtBy;

    TreeImplFlaw(List<Caught> caughtBy) {
        this.caughtBy = caughtBy;
    }

    @Override
    public List<Caught> caughtBy() {
        return caughtBy;
    }
}
