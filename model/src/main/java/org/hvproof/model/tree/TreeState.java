package org.hvproof.model.tree;

import java.util.Collections;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The tree's whole state: the base pointer in hypervisor memory, the node pages (page to
 * contents), the pages the tracing service traces for the tree, the free part of the node
 * pool, and the number of mapped pages. Immutable; the views below are computed by walking.
 */
public record TreeState(
        TreeConfig config,
        HypervisorCell base,
        SortedMap<Long, TreeNode> nodes,
        SortedSet<Long> traced,
        SortedSet<Long> freePool,
        long mappedPageCount) {

    public TreeState {
        nodes = Collections.unmodifiableSortedMap(new TreeMap<>(nodes));
        traced = Collections.unmodifiableSortedSet(new TreeSet<>(traced));
        freePool = Collections.unmodifiableSortedSet(new TreeSet<>(freePool));
    }

    /** No tree, nothing traced, the whole pool free. */
    public static TreeState initial(TreeConfig config) {
        SortedSet<Long> pool = new TreeSet<>();
        config.pool().pages().forEach(pool::add);
        return new TreeState(config, HypervisorCell.EMPTY, new TreeMap<>(), new TreeSet<>(), pool, 0);
    }

    /** The pages that store a node (root, interior or leaf). */
    public SortedSet<Long> nodePages() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(nodes.keySet()));
    }

    /** Every mapped page and its action, read from the leaves reachable from the base pointer. */
    public SortedMap<Long, AlertAction> mappings() {
        SortedMap<Long, AlertAction> out = new TreeMap<>();
        forEachLeafEntry((key, entry) -> entry.mapping().ifPresent(a -> out.put(key, a)));
        return Collections.unmodifiableSortedMap(out);
    }

    /** The keys whose entry says "this page stores a node". */
    public SortedSet<Long> pagesMarkedAsNodes() {
        SortedSet<Long> out = new TreeSet<>();
        forEachLeafEntry((key, entry) -> {
            if (entry.nodePage()) {
                out.add(key);
            }
        });
        return Collections.unmodifiableSortedSet(out);
    }

    /** Edges on the leftmost root-to-leaf path; -1 for no tree. */
    public int depth() {
        Optional<Long> page = base.rootPage();
        int d = -1;
        while (page.isPresent()) {
            d++;
            TreeNode n = nodes.get(page.get());
            page = n instanceof TreeNode.Interior in ? Optional.of(in.children().get(0)) : Optional.empty();
        }
        return d;
    }

    private void forEachLeafEntry(java.util.function.BiConsumer<Long, TreeNode.Entry> action) {
        base.rootPage().ifPresent(root -> visit(root, action, 0));
    }

    private void visit(long page, java.util.function.BiConsumer<Long, TreeNode.Entry> action, int guard) {
        TreeNode n = nodes.get(page);
        if (n == null || guard > nodes.size()) {
            return;
        }
        if (n instanceof TreeNode.Leaf leaf) {
            for (int i = 0; i < leaf.keys().size(); i++) {
                action.accept(leaf.keys().get(i), leaf.entries().get(i));
            }
        } else if (n instanceof TreeNode.Interior in) {
            for (long child : in.children()) {
                visit(child, action, guard + 1);
            }
        }
    }

    /** For messages: the shape of the tree in one line. */
    public String describe() {
        return "base=" + base.rootPage().map(String::valueOf).orElse("none") + " depth=" + depth() + " nodes="
                + nodes.keySet() + " mapped=" + mappedPageCount + " traced=" + traced.size();
    }
}
