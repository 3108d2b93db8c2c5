package org.hvproof.model.tree;

import java.util.List;
import java.util.Optional;

/**
 * The contents of one node page, as the hypervisor serializes it: a leaf holds sorted keys
 * (guest pages) and their entries, an interior node holds separators and its children's pages.
 * Children are named by page, so a walk reads pages one by one from the base pointer.
 */
public sealed interface TreeNode permits TreeNode.Leaf, TreeNode.Interior {

    /** Keys for a leaf, children for an interior node: what the fanout limits count. */
    int size();

    /** What a leaf says about one page: whether it stores a node, and the action it is mapped to. */
    record Entry(boolean nodePage, Optional<AlertAction> mapping) {
        public static final Entry NONE = new Entry(false, Optional.empty());

        public Entry withNodePage(boolean value) {
            return new Entry(value, mapping);
        }

        public Entry withMapping(Optional<AlertAction> value) {
            return new Entry(nodePage, value);
        }

        public boolean isEmpty() {
            return !nodePage && mapping.isEmpty();
        }
    }

    /** A leaf: {@code keys} ascending, {@code entries} aligned with them. */
    record Leaf(List<Long> keys, List<Entry> entries) implements TreeNode {
        public Leaf {
            keys = List.copyOf(keys);
            entries = List.copyOf(entries);
            if (keys.size() != entries.size()) {
                throw new IllegalArgumentException("keys and entries differ in length");
            }
        }

        @Override
        public int size() {
            return keys.size();
        }
    }

    /**
     * An interior node: child {@code i} holds the keys k with {@code separators[i-1] <= k <
     * separators[i]}; there is one separator fewer than children.
     */
    record Interior(List<Long> separators, List<Long> children) implements TreeNode {
        public Interior {
            separators = List.copyOf(separators);
            children = List.copyOf(children);
            if (children.size() != separators.size() + 1) {
                throw new IllegalArgumentException("an interior node needs one separator fewer than children");
            }
        }

        @Override
        public int size() {
            return children.size();
        }

        /** The index of the child whose key range holds {@code key}. */
        public int childIndex(long key) {
            int i = 0;
            while (i < separators.size() && separators.get(i) <= key) {
                i++;
            }
            return i;
        }
    }
}
