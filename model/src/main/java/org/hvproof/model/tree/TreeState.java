package org.hvproof.model.tree;

import java.util.Collections;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The tree's whole state at the level of {@code tree.als}: the layout (base pointer in hypervisor
 * memory and node pages), the mappings (page to alert action), the pages the tracing service
 * traces for the tree, the free part of the node pool, and the count of mapped pages the
 * hypervisor keeps. Immutable.
 *
 * @param config          the tree's fixed parameters
 * @param layout          the base pointer and the node pages' contents
 * @param mappings        every mapped page and its alert action
 * @param traced          the pages traced for the tree
 * @param freePool        the pool pages that store no node
 * @param mappedPageCount the count of mapped pages, as the hypervisor keeps it
 */
public record TreeState(
        TreeConfig config,
        TreeLayout layout,
        SortedMap<Long, AlertAction> mappings,
        SortedSet<Long> traced,
        SortedSet<Long> freePool,
        long mappedPageCount) {

    /** Copies the collections. */
    public TreeState {
        mappings = Collections.unmodifiableSortedMap(new TreeMap<>(mappings));
        traced = Collections.unmodifiableSortedSet(new TreeSet<>(traced));
        freePool = Collections.unmodifiableSortedSet(new TreeSet<>(freePool));
    }

    /** No tree, nothing mapped, nothing traced, the whole pool free. */
    public static TreeState initial(TreeConfig config) {
        SortedSet<Long> pool = new TreeSet<>();
        config.pool().pages().forEach(pool::add);
        return new TreeState(config, TreeLayout.EMPTY, new TreeMap<>(), new TreeSet<>(), pool, 0);
    }

    /** The base pointer. */
    public HypervisorCell base() {
        return layout.base();
    }

    /** The node pages and their contents. */
    public SortedMap<Long, TreeNode> nodes() {
        return layout.nodes();
    }

    /** The pages that store a node (root, interior or leaf). */
    public SortedSet<Long> nodePages() {
        return layout.nodePages();
    }

    /** The keys whose leaf entry says "this page stores a node". */
    public SortedSet<Long> pagesMarkedAsNodes() {
        SortedSet<Long> out = new TreeSet<>();
        layout.entries().forEach((key, entry) -> {
            if (entry.nodePage()) {
                out.add(key);
            }
        });
        return Collections.unmodifiableSortedSet(out);
    }

    /** Edges on the leftmost root-to-leaf path; -1 for no tree. */
    public int depth() {
        return layout.depth();
    }

    /** For messages: the shape of the tree in one line. */
    public String describe() {
        return layout.describe() + " mapped=" + mappedPageCount + " traced=" + traced.size();
    }
}
