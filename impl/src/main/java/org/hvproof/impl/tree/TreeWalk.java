package org.hvproof.impl.tree;

import java.util.Optional;
import org.hvproof.model.tree.TreeNode;

/**
 * The walk: from the base pointer to the one leaf whose key range holds a page, reading the
 * serialized nodes from memory word by word and counting the nodes read (TREE-5).
 */
final class TreeWalk {
    /** A walk longer than this is reading a corrupt structure (only a flawed tree gets there). */
    static final int MAX_WALK = 64;

    private final NodeMemory memory;
    private final TreeImplFlaw flaw;

    TreeWalk(NodeMemory memory, TreeImplFlaw flaw) {
        this.memory = memory;
        this.flaw = flaw;
    }

    /** Walks from {@code root} to the leaf whose key range holds {@code page}. */
    ProtectedPageTree.Lookup lookup(long root, long page) {
        long at = root;
        int visited = 0;
        while (at != TreeRootCell.NONE && visited < MAX_WALK) {
            long frame = memory.frameOf(at);
            visited++;
            long header = frame == 0 ? 0 : memory.word(frame, 0);
            int kind = NodeCodec.kind(header, memory.order());
            int count = NodeCodec.count(header);
            if (kind == NodeCodec.INTERIOR) {
                // the first separator above the page, by bisection (separators ascend)
                int lo = 0;
                int hi = count - 1;
                while (lo < hi) {
                    int mid = (lo + hi) >>> 1;
                    if (memory.word(frame, 1 + mid) <= page) {
                        lo = mid + 1;
                    } else {
                        hi = mid;
                    }
                }
                if (flaw == TreeImplFlaw.WALK_READS_LEFT_SIBLINGS) {
                    // FLAW: each child left of the one to descend into is read too (its header),
                    // as a walk that checks every child's key range before choosing would.
                    for (int i = 0; i < lo && visited < MAX_WALK; i++) {
                        long sibling = memory.frameOf(memory.word(frame, NodeCodec.childrenAt(memory.order()) + i));
                        visited++;
                        if (sibling != 0) {
                            memory.word(sibling, 0);
                        }
                    }
                }
                at = memory.word(frame, NodeCodec.childrenAt(memory.order()) + lo);
            } else if (kind == NodeCodec.LEAF) {
                int lo = 0;
                int hi = count - 1;
                while (lo <= hi) {
                    int mid = (lo + hi) >>> 1;
                    long key = memory.word(frame, 1 + 2 * mid);
                    if (key < page) {
                        lo = mid + 1;
                    } else if (key > page) {
                        hi = mid - 1;
                    } else {
                        TreeNode.Entry e = NodeCodec.entry(memory.word(frame, 2 + 2 * mid));
                        return e == null
                                ? new ProtectedPageTree.Lookup(page, false, Optional.empty(), visited)
                                : new ProtectedPageTree.Lookup(page, e.nodePage(), e.mapping(), visited);
                    }
                }
                break;
            } else {
                break; // not a node: nothing found
            }
        }
        return new ProtectedPageTree.Lookup(page, false, Optional.empty(), visited);
    }
}
