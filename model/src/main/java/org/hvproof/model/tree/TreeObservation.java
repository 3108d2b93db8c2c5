package org.hvproof.model.tree;

import org.hvproof.model.common.Notation;

/** What an observer outside the guest sees of one step. */
public sealed interface TreeObservation {

    /** The result code of a protect or unprotect request. */
    record RequestResult(RequestCode code) implements TreeObservation {
        @Override
        public String toString() {
            return "request " + code;
        }
    }

    /** An alert: the page written, why it is monitored, the action performed, who wrote. */
    record Alert(long page, AlertCause cause, AlertAction action, Writer writer) implements TreeObservation {
        @Override
        public String toString() {
            return "alert " + Notation.gpp(page) + " " + Notation.words(cause) + ", " + Notation.words(action) + ", by "
                    + writer;
        }
    }

    /**
     * The hypervisor handled a write notification for {@code page} by walking the tree:
     * {@code nodesVisited} nodes on a tree of {@code depth} levels below the root (TREE-5).
     * A model-level observation: refinement may compare it only where the impl uses the same tree.
     */
    record Walk(long page, int nodesVisited, int depth) implements TreeObservation {
        @Override
        public String toString() {
            return "walk for " + Notation.gpp(page) + ": " + nodesVisited + " nodes visited, depth " + depth;
        }
    }
}
