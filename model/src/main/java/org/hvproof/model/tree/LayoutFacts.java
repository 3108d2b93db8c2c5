package org.hvproof.model.tree;

import java.util.List;
import java.util.function.Function;

/**
 * What is derived from one {@link TreeLayout} (its leaf entries, its shape problems, the pages its
 * leaves mark as nodes), remembered by the layout's identity: a layout is immutable (a record of
 * an immutable base pointer and an immutable {@link PageMap} of immutable nodes), so a remembered
 * fact is the one deriving it again would give, and a hit can never be stale. The abstraction
 * hands the model the very layout object it read until a node or the base pointer changes, so the
 * model's legality check and every state invariant derive these once per layout, not once per
 * check. A well-formed layout's shape walk meets every leaf entry in order, so it records the
 * entries too. A few slots, the older layout overwritten on a collision; safe to share between threads
 * (a slot is published whole, and a lost race only derives a fact again).
 */
final class LayoutFacts {
    private static final int SLOTS = 32;

    /** One layout's facts; a null fact is not derived yet. */
    private record Slot(
            TreeLayout layout,
            PageMap<TreeNode.Entry> entries,
            BPlusTree shape,
            List<String> shapeProblems,
            PageSet markedAsNodes) {}

    private static final Slot[] slots = new Slot[SLOTS];

    private LayoutFacts() {}

    private static int index(TreeLayout layout) {
        int h = System.identityHashCode(layout) * 0x9E3779B9;
        return (h ^ (h >>> 16)) & (SLOTS - 1);
    }

    private static Slot slot(TreeLayout layout) {
        Slot s = slots[index(layout)];
        return s != null && s.layout() == layout ? s : new Slot(layout, null, null, null, null);
    }

    /** {@code layout}'s leaf entries, derived with {@code derive} once per layout. */
    static PageMap<TreeNode.Entry> entries(TreeLayout layout, Function<TreeLayout, PageMap<TreeNode.Entry>> derive) {
        Slot s = slot(layout);
        if (s.entries() == null) {
            PageMap<TreeNode.Entry> derived = derive.apply(layout);
            s = slot(layout); // deriving may have recorded another fact of the layout
            s = new Slot(layout, derived, s.shape(), s.shapeProblems(), s.markedAsNodes());
            slots[index(layout)] = s;
        }
        return s.entries();
    }

    /**
     * {@code layout}'s shape problems as a tree of {@code shape}'s order, derived with {@code
     * derive} once per layout and order (a layout is checked against one order in practice).
     */
    static List<String> shapeProblems(TreeLayout layout, BPlusTree shape, Function<TreeLayout, List<String>> derive) {
        Slot s = slot(layout);
        if (s.shapeProblems() == null || !shape.equals(s.shape())) {
            List<String> derived = List.copyOf(derive.apply(layout));
            s = slot(layout); // deriving may have recorded another fact of the layout (its entries)
            s = new Slot(layout, s.entries(), shape, derived, s.markedAsNodes());
            slots[index(layout)] = s;
        }
        return s.shapeProblems();
    }

    /** The pages {@code layout}'s leaves mark as nodes, derived with {@code derive} once per layout. */
    static PageSet markedAsNodes(TreeLayout layout, Function<TreeLayout, PageSet> derive) {
        Slot s = slot(layout);
        if (s.markedAsNodes() == null) {
            PageSet derived = derive.apply(layout);
            s = slot(layout); // deriving may have recorded another fact of the layout (its entries)
            s = new Slot(layout, s.entries(), s.shape(), s.shapeProblems(), derived);
            slots[index(layout)] = s;
        }
        return s.markedAsNodes();
    }
}
