package org.hvproof.model.tree;

import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;

/**
 * The tree's whole state at the level of {@code tree.als}: the layout (base pointer in hypervisor
 * memory and node pages), the mappings (page to alert action), the pages the tracing service
 * traces for the tree, the free part of the node pool, and the count of mapped pages the
 * hypervisor keeps. Immutable: the collections are {@link PageMap}s and {@link PageSet}s, shared
 * with the states before and after wherever they did not change.
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
        PageMap<AlertAction> mappings,
        PageSet traced,
        PageSet freePool,
        long mappedPageCount) {

    /** Checks for nulls; the collections are immutable already. */
    public TreeState {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(mappings, "mappings");
        Objects.requireNonNull(traced, "traced");
        Objects.requireNonNull(freePool, "freePool");
    }

    /** A state of copies of the collections. */
    public TreeState(
            TreeConfig config,
            TreeLayout layout,
            Map<Long, AlertAction> mappings,
            SortedSet<Long> traced,
            SortedSet<Long> freePool,
            long mappedPageCount) {
        this(
                config,
                layout,
                PageMap.copyOf(mappings),
                PageSet.copyOf(traced),
                PageSet.copyOf(freePool),
                mappedPageCount);
    }

    /** No tree, nothing mapped, nothing traced, the whole pool free. */
    public static TreeState initial(TreeConfig config) {
        PageSet pool = PageSet.range(config.poolFirst(), config.poolSize());
        return new TreeState(config, TreeLayout.EMPTY, PageMap.empty(), PageSet.EMPTY, pool, 0);
    }

    /** The base pointer. */
    public HypervisorCell base() {
        return layout.base();
    }

    /** The node pages and their contents. */
    public PageMap<TreeNode> nodes() {
        return layout.nodes();
    }

    /** The pages that store a node (root, interior or leaf). */
    public PageSet nodePages() {
        return layout.nodePages();
    }

    /** The keys whose leaf entry says "this page stores a node". */
    public PageSet pagesMarkedAsNodes() {
        return layout.pagesMarkedAsNodes();
    }

    /** Edges on the leftmost root-to-leaf path; -1 for no tree. */
    public int depth() {
        return layout.depth();
    }

    /** For messages: the shape of the tree in one line. */
    public String describe() {
        return layout.describe() + ", " + mappedPageCount + " mapped, " + traced.size() + " traced";
    }
}
