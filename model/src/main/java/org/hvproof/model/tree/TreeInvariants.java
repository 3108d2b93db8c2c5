package org.hvproof.model.tree;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The TREE claims as small named predicates, one per claim id (names match
 * {@code specs/tree.als}): state invariants take a state, step invariants take the state
 * before, the action, and the step. {@link #all} joins them.
 */
public final class TreeInvariants {
    private TreeInvariants() {}

    // ---- step invariants -------------------------------------------------------------------

    /** TREE-1 A write to a mapped page that stores no node alerts with that page's action. */
    public static Verdict tree1MappedPagesAlert(TreeState before, TreeAction action, TreeStep step) {
        if (!(action instanceof TreeAction.GuestWrite w) || !inGuest(before, w)) {
            return Verdict.ok("TREE-1", "mappedPagesAlert");
        }
        AlertAction mapped = before.mappings().get(w.page());
        if (mapped == null || before.nodePages().contains(w.page())) {
            return Verdict.ok("TREE-1", "mappedPagesAlert");
        }
        List<TreeObservation.Alert> alerts = alerts(step);
        boolean ok = alerts.size() == 1
                && alerts.get(0).cause() == AlertCause.MAPPED_PAGE
                && alerts.get(0).action() == mapped
                && alerts.get(0).page() == w.page();
        return Verdict.check(
                "TREE-1",
                "mappedPagesAlert",
                ok,
                "write to page " + w.page() + " mapped to " + mapped + " gave alerts " + alerts);
    }

    /** TREE-2 A write to a node page alerts with the tree-node action, mapped or not. */
    public static Verdict tree2NodePagesAlert(TreeState before, TreeAction action, TreeStep step) {
        if (!(action instanceof TreeAction.GuestWrite w) || !before.nodePages().contains(w.page())) {
            return Verdict.ok("TREE-2", "nodePagesAlert");
        }
        List<TreeObservation.Alert> alerts = alerts(step);
        boolean ok = alerts.size() == 1
                && alerts.get(0).cause() == AlertCause.NODE_PAGE
                && alerts.get(0).action() == AlertAction.TREE_NODE;
        return Verdict.check(
                "TREE-2",
                "nodePagesAlert",
                ok,
                "write to node page " + w.page() + " gave alerts " + alerts + "; " + before.describe());
    }

    /** TREE-3 A write to a page neither storing a node nor mapped raises no alert. */
    public static Verdict tree3UntracedPagesQuiet(TreeState before, TreeAction action, TreeStep step) {
        if (!(action instanceof TreeAction.GuestWrite w)
                || before.nodePages().contains(w.page())
                || before.mappings().containsKey(w.page())) {
            return Verdict.ok("TREE-3", "untracedPagesQuiet");
        }
        List<TreeObservation.Alert> alerts = alerts(step);
        return Verdict.check(
                "TREE-3",
                "untracedPagesQuiet",
                alerts.isEmpty(),
                "write to unprotected page " + w.page() + " gave alerts " + alerts);
    }

    /** TREE-5 Handling one notification visits at most depth + 1 nodes. */
    public static Verdict tree5WalkBounded(TreeState before, TreeAction action, TreeStep step) {
        for (TreeObservation o : step.observations()) {
            if (o instanceof TreeObservation.Walk walk) {
                int bound = before.depth() + 1;
                if (walk.nodesVisited() > bound) {
                    return Verdict.check(
                            "TREE-5",
                            "walkBounded",
                            false,
                            "walk for page " + walk.page() + " visited " + walk.nodesVisited() + " nodes, bound "
                                    + bound);
                }
            }
        }
        return Verdict.ok("TREE-5", "walkBounded");
    }

    /** TREE-6 A guest write changes neither the base pointer nor any node. */
    public static Verdict tree6GuestWriteLeavesTree(TreeState before, TreeAction action, TreeStep step) {
        if (!(action instanceof TreeAction.GuestWrite)) {
            return Verdict.ok("TREE-6", "guestWriteLeavesTree");
        }
        boolean ok =
                step.next().base().equals(before.base()) && step.next().nodes().equals(before.nodes());
        return Verdict.check(
                "TREE-6",
                "guestWriteLeavesTree",
                ok,
                "a guest write changed the tree: " + before.describe() + " -> "
                        + step.next().describe());
    }

    // ---- state invariants ------------------------------------------------------------------

    /** TREE-2 (support) The entries marked "node page" are exactly the pages storing nodes. */
    public static Verdict tree2NodePagesMarked(TreeState s) {
        SortedSet<Long> marked = s.pagesMarkedAsNodes();
        return Verdict.check(
                "TREE-2",
                "nodePagesMarked",
                marked.equals(s.nodePages()),
                "marked " + marked + " but node pages are " + s.nodePages());
    }

    /** TREE-4 The traced pages are exactly the node pages plus the mapped pages. */
    public static Verdict tree4TracesExact(TreeState s) {
        SortedSet<Long> expected = new TreeSet<>(s.nodePages());
        expected.addAll(s.mappings().keySet());
        if (s.traced().equals(expected)) {
            return Verdict.ok("TREE-4", "tracesExact");
        }
        SortedSet<Long> stale = new TreeSet<>(s.traced());
        stale.removeAll(expected);
        SortedSet<Long> gaps = new TreeSet<>(expected);
        gaps.removeAll(s.traced());
        return Verdict.check("TREE-4", "tracesExact", false, "stale traces " + stale + ", untraced " + gaps);
    }

    /**
     * TREE-4 (support) The tree is a well-formed B+-tree: every stored node reachable exactly
     * once from the base pointer, all leaves at one depth, sizes within the order, keys sorted
     * and inside their separators, the mapped count right, pool pages either free or in use.
     */
    public static Verdict tree4WellFormed(TreeState s) {
        List<String> problems = new ArrayList<>();
        SortedSet<Long> seen = new TreeSet<>();
        List<Integer> leafDepths = new ArrayList<>();
        s.base()
                .rootPage()
                .ifPresent(root ->
                        walkShape(s, root, Long.MIN_VALUE, Long.MAX_VALUE, 0, true, seen, leafDepths, problems));
        if (!seen.equals(s.nodes().keySet())) {
            problems.add("reachable nodes " + seen + " differ from stored nodes "
                    + s.nodes().keySet());
        }
        if (leafDepths.stream().distinct().count() > 1) {
            problems.add("leaves at depths " + leafDepths);
        }
        if (s.mappings().size() != s.mappedPageCount()) {
            problems.add("mapped count " + s.mappedPageCount() + " but "
                    + s.mappings().size() + " mappings");
        }
        if (s.base().rootPage().isEmpty() && s.mappedPageCount() != 0) {
            problems.add("mappings without a tree");
        }
        SortedSet<Long> pool = new TreeSet<>();
        s.config().pool().pages().forEach(pool::add);
        SortedSet<Long> accounted = new TreeSet<>(s.freePool());
        accounted.addAll(s.nodes().keySet());
        if (!accounted.equals(pool) || s.freePool().stream().anyMatch(s.nodes()::containsKey)) {
            problems.add("pool accounting: free " + s.freePool() + " nodes "
                    + s.nodes().keySet());
        }
        return Verdict.check("TREE-4", "wellFormed", problems.isEmpty(), String.join("; ", problems));
    }

    private static void walkShape(
            TreeState s,
            long page,
            long lo,
            long hi,
            int depth,
            boolean isRoot,
            SortedSet<Long> seen,
            List<Integer> leafDepths,
            List<String> problems) {
        if (!seen.add(page)) {
            problems.add("node page " + page + " reached twice");
            return;
        }
        TreeNode n = s.nodes().get(page);
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
            walkShape(s, in.children().get(i), clo, chi, depth + 1, false, seen, leafDepths, problems);
        }
    }

    /** TREE-6 The base pointer names the root, and only the root: no node is both. */
    public static Verdict tree6BasePointerGuarded(TreeState s) {
        Optional<Long> root = s.base().rootPage();
        boolean ok = root.map(s.nodes()::containsKey).orElse(s.nodes().isEmpty())
                && root.map(r -> s.nodes().values().stream()
                                .noneMatch(n -> n instanceof TreeNode.Interior in
                                        && in.children().contains(r)))
                        .orElse(true);
        return Verdict.check(
                "TREE-6",
                "basePointerGuarded",
                ok,
                "base pointer " + root + " does not name the root; " + s.describe());
    }

    // ---- joined ----------------------------------------------------------------------------

    /** Every state invariant of {@code s}. */
    public static List<Verdict> all(TreeState s) {
        return List.of(tree2NodePagesMarked(s), tree4TracesExact(s), tree4WellFormed(s), tree6BasePointerGuarded(s));
    }

    /** Every step invariant, then every state invariant of the next state. */
    public static List<Verdict> all(TreeState before, TreeAction action, TreeStep step) {
        List<Verdict> out = new ArrayList<>(List.of(
                tree1MappedPagesAlert(before, action, step),
                tree2NodePagesAlert(before, action, step),
                tree3UntracedPagesQuiet(before, action, step),
                tree5WalkBounded(before, action, step),
                tree6GuestWriteLeavesTree(before, action, step)));
        out.addAll(all(step.next()));
        return out;
    }

    /** Throws on the first invariant that does not hold. */
    public static void assertAll(TreeState before, TreeAction action, TreeStep step) {
        all(before, action, step).forEach(Verdict::orThrow);
    }

    private static boolean inGuest(TreeState s, TreeAction.GuestWrite w) {
        return w.address() >= 0 && w.page() < s.config().guestPages();
    }

    private static List<TreeObservation.Alert> alerts(TreeStep step) {
        List<TreeObservation.Alert> out = new ArrayList<>();
        for (TreeObservation o : step.observations()) {
            if (o instanceof TreeObservation.Alert a) {
                out.add(a);
            }
        }
        return out;
    }

    static Map<Long, AlertAction> mappings(TreeState s) {
        return s.mappings();
    }
}
