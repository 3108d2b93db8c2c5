package org.hvproof.model.tree;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

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

    /** Every leaf entry reachable from the base pointer, by key (a later leaf's entry for a key wins). */
    public PageMap<TreeNode.Entry> entries() {
        PageMap.Builder<TreeNode.Entry> out = new PageMap.Builder<>();
        base.rootPage().ifPresent(root -> collect(root, out, 0));
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

    /**
     * What keeps this from being a B+-tree of order {@value BPlusTree#ORDER}, empty when it is
     * one: every stored node reachable exactly once from the base pointer, all leaves at one
     * depth, sizes within the order (so the depth is at most log2 of the keys), keys sorted and
     * inside their separators, no empty leaf entry, an interior root with two children or more.
     */
    public List<String> shapeProblems() {
        List<String> problems = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        List<Integer> leafDepths = new ArrayList<>();
        base.rootPage()
                .ifPresent(root -> shape(root, Long.MIN_VALUE, Long.MAX_VALUE, 0, true, seen, leafDepths, problems));
        if (seen.size() != nodes.size() || !nodes.keySet().containsAll(seen)) {
            problems.add("reachable nodes " + PageSet.copyOf(seen) + " differ from stored nodes " + nodes.keySet());
        }
        for (int d : leafDepths) {
            if (d != leafDepths.get(0)) {
                problems.add("leaves at depths " + leafDepths);
                break;
            }
        }
        return problems;
    }

    private void shape(
            long page,
            long lo,
            long hi,
            int depth,
            boolean isRoot,
            Set<Long> seen,
            List<Integer> leafDepths,
            List<String> problems) {
        if (!seen.add(page)) {
            problems.add("node page " + page + " reached twice");
            return;
        }
        TreeNode n = nodes.get(page);
        if (n == null) {
            problems.add("page " + page + " named as a node but stores none");
            return;
        }
        if (n.size() > BPlusTree.ORDER || (!isRoot && n.size() < BPlusTree.MIN)) {
            problems.add("node " + page + " has size " + n.size());
        }
        if (n instanceof TreeNode.Leaf leaf) {
            leafDepths.add(depth);
            long prev = Long.MIN_VALUE;
            for (int i = 0; i < leaf.keys().size(); i++) {
                long k = leaf.keys().get(i);
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
            shape(in.children().get(i), clo, chi, depth + 1, false, seen, leafDepths, problems);
        }
    }

    /** For messages: the base pointer, the depth and the node pages in one line. */
    public String describe() {
        return "base=" + base.rootPage().map(String::valueOf).orElse("none") + " depth=" + depth() + " nodes="
                + nodes.keySet();
    }
}
