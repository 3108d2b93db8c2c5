package org.hvproof.model.tree;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.hvproof.model.common.Notation;

/**
 * The tree as the hypervisor laid it out: the base pointer and the contents of each node page.
 * Which pool page a node takes, how keys spread over the nodes and which pages a rebalance frees
 * are the implementation's freedom; the model receives the layout after each request (in the
 * {@link TreeAction}) and checks that it is a legal one ({@link TreeModel#illegalLayout}), as
 * {@code tree.als} quantifies over the nodes a split or merge may take.
 *
 * @param base  the base pointer: the root's page, or empty for no tree
 * @param nodes every node page and its contents
 */
public record TreeLayout(HypervisorCell base, PageMap<TreeNode> nodes) {
    /** No tree at all. */
    public static final TreeLayout EMPTY = new TreeLayout(HypervisorCell.EMPTY, PageMap.empty());

    /** Checks for nulls; the nodes are an immutable map already. */
    public TreeLayout {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(nodes, "nodes");
    }

    /** A layout of a copy of {@code nodes}. */
    public TreeLayout(HypervisorCell base, Map<Long, TreeNode> nodes) {
        this(base, PageMap.copyOf(nodes));
    }

    /** The pages that store a node (root, interior or leaf): the nodes' keys, no copy. */
    public PageSet nodePages() {
        return nodes.keySet();
    }

    /** Edges on the leftmost root-to-leaf path; -1 for no tree. */
    public int depth() {
        Optional<Long> page = base.rootPage();
        int d = -1;
        while (page.isPresent() && d <= nodes.size()) {
            d++;
            TreeNode n = nodes.get(page.get());
            page = n instanceof TreeNode.Interior in ? Optional.of(in.children().get(0)) : Optional.empty();
        }
        return d;
    }

    /**
     * Every leaf entry reachable from the base pointer, by key (a later leaf's entry for a key
     * wins); derived once per layout object ({@link LayoutFacts}: a layout is immutable).
     */
    public PageMap<TreeNode.Entry> entries() {
        return LayoutFacts.entries(this, TreeLayout::deriveEntries);
    }

    private static PageMap<TreeNode.Entry> deriveEntries(TreeLayout layout) {
        PageMap.Builder<TreeNode.Entry> out = new PageMap.Builder<>();
        layout.base.rootPage().ifPresent(root -> layout.collect(root, out, 0));
        return out.build();
    }

    private void collect(long page, PageMap.Builder<TreeNode.Entry> out, int guard) {
        TreeNode n = nodes.get(page);
        if (n == null || guard > nodes.size()) {
            return;
        }
        if (n instanceof TreeNode.Leaf leaf) {
            for (int i = 0; i < leaf.keys().size(); i++) {
                out.put(leaf.keys().get(i), leaf.entries().get(i));
            }
        } else if (n instanceof TreeNode.Interior in) {
            for (long child : in.children()) {
                collect(child, out, guard + 1);
            }
        }
    }

    /** The keys whose leaf entry says "this page stores a node"; derived once per layout object. */
    public PageSet pagesMarkedAsNodes() {
        return LayoutFacts.markedAsNodes(this, TreeLayout::deriveMarked);
    }

    private static PageSet deriveMarked(TreeLayout layout) {
        PageMap<TreeNode.Entry> entries = layout.entries();
        long[] out = new long[entries.size()];
        int n = 0;
        for (int i = 0; i < out.length; i++) {
            if (entries.valueAt(i).nodePage()) {
                out[n++] = entries.keyAt(i);
            }
        }
        return PageSet.ofAscending(Arrays.copyOf(out, n));
    }

    /**
     * What keeps this from being a B+-tree of {@code shape}'s order, empty when it is one: every stored node reachable exactly once from the base pointer, all leaves at one
     * depth, sizes within the order (so the depth is at most log2 of the keys), keys sorted and
     * inside their separators, no empty leaf entry, an interior root with two children or more.
     * Derived once per layout object ({@link LayoutFacts}: a layout is immutable).
     */
    public List<String> shapeProblems(BPlusTree shape) {
        return LayoutFacts.shapeProblems(this, shape, l -> deriveShapeProblems(l, shape));
    }

    /**
     * The pages a shape walk reached: stored ones by their index in the nodes, others (named,
     * storing none) apart; and the leaf entries in the order the walk met them.
     */
    private static final class Seen {
        final boolean[] stored;
        int storedCount;
        final Set<Long> other = new HashSet<>();
        final PageMap.Builder<TreeNode.Entry> entries = new PageMap.Builder<>();

        Seen(int size) {
            stored = new boolean[size];
        }
    }

    private static List<String> deriveShapeProblems(TreeLayout layout, BPlusTree shape) {
        List<String> problems = new ArrayList<>();
        PageMap<TreeNode> nodes = layout.nodes;
        Seen seen = new Seen(nodes.size());
        List<Integer> leafDepths = new ArrayList<>();
        layout.base
                .rootPage()
                .ifPresent(root ->
                        layout.shape(root, Long.MIN_VALUE, Long.MAX_VALUE, 0, true, shape, seen, leafDepths, problems));
        if (seen.storedCount != nodes.size() || !seen.other.isEmpty()) {
            Set<Long> all = new HashSet<>(seen.other);
            for (int i = 0; i < seen.stored.length; i++) {
                if (seen.stored[i]) {
                    all.add(nodes.keyAt(i));
                }
            }
            problems.add("reachable nodes " + PageSet.copyOf(all) + " differ from stored nodes " + nodes.keySet());
        }
        for (int d : leafDepths) {
            if (d != leafDepths.get(0)) {
                problems.add("leaves at depths " + leafDepths);
                break;
            }
        }
        if (problems.isEmpty()) {
            // A B+-tree: the walk met every stored node once, depth first in child order, as
            // deriveEntries does, so the entries it met are exactly the layout's entries.
            LayoutFacts.entries(layout, l -> seen.entries.build());
        }
        return problems;
    }

    private void shape(
            long page,
            long lo,
            long hi,
            int depth,
            boolean isRoot,
            BPlusTree limits,
            Seen seen,
            List<Integer> leafDepths,
            List<String> problems) {
        int index = nodes.keySet().indexOf(page);
        boolean first;
        if (index >= 0) {
            first = !seen.stored[index];
            seen.stored[index] = true;
            seen.storedCount += first ? 1 : 0;
        } else {
            first = seen.other.add(page);
        }
        if (!first) {
            problems.add("node page " + page + " reached twice");
            return;
        }
        if (index < 0) {
            problems.add("page " + page + " named as a node but stores none");
            return;
        }
        TreeNode n = nodes.valueAt(index);
        if (n.size() > limits.order() || (!isRoot && n.size() < limits.min())) {
            problems.add("node " + page + " has size " + n.size());
        }
        if (n instanceof TreeNode.Leaf leaf) {
            leafDepths.add(depth);
            long prev = Long.MIN_VALUE;
            for (int i = 0; i < leaf.keys().size(); i++) {
                long k = leaf.keys().get(i);
                seen.entries.put(k, leaf.entries().get(i));
                if ((i > 0 && k <= prev) || k < lo || k >= hi) {
                    problems.add("leaf " + page + " key " + k + " out of order or outside [" + lo + ", " + hi + ")");
                }
                if (leaf.entries().get(i).isEmpty()) {
                    problems.add("leaf " + page + " holds an empty entry for " + k);
                }
                prev = k;
            }
            return;
        }
        TreeNode.Interior in = (TreeNode.Interior) n;
        if (isRoot && in.size() < 2) {
            problems.add("interior root " + page + " has one child");
        }
        for (int i = 0; i < in.children().size(); i++) {
            long clo = i == 0 ? lo : in.separators().get(i - 1);
            long chi = i == in.separators().size() ? hi : in.separators().get(i);
            if (clo > chi) {
                problems.add("separators of " + page + " out of order");
            }
            shape(in.children().get(i), clo, chi, depth + 1, false, limits, seen, leafDepths, problems);
        }
    }

    /** For messages: the base pointer, the depth and the node pages in one line. */
    public String describe() {
        return "base " + base.rootPage().map(Notation::gpp).orElse("none") + ", depth " + depth() + ", nodes "
                + Notation.gpps(nodes.keySet());
    }
}
