package org.hvproof.model.tree;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hvproof.model.common.Invariant;
import org.hvproof.model.common.InvariantSet;
import org.hvproof.model.common.Notation;
import org.hvproof.model.common.Transition;

/**
 * The TREE claims as named invariants (each name equals the suffix of the assert in
 * {@code specs/tree.als} that states the same predicate): state invariants on a {@link TreeState},
 * step invariants on a {@link Transition} of the tree. They read only the abstract state and the
 * observations, so they judge the model and the machine (through its abstraction function)
 * alike. {@link #ALL} is the mechanism's {@code invs}.
 */
public final class TreeInvariants {

    // ---- step invariants -------------------------------------------------------------------

    /** TREE-1: a write to a mapped page that stores no node alerts once, with that page's action. */
    public static final Invariant<Transition<TreeState, TreeAction, TreeObservation>> MAPPED_PAGES_ALERT =
            Invariant.of("TREE-1", "mappedPagesAlert", TreeInvariants::mappedPagesAlert);

    /** TREE-2: a write to a node page alerts once with the tree-node action, mapped or not. */
    public static final Invariant<Transition<TreeState, TreeAction, TreeObservation>> NODE_PAGES_ALERT =
            Invariant.of("TREE-2", "nodePagesAlert", TreeInvariants::nodePagesAlert);

    /** TREE-3: a write to a page neither storing a node nor mapped raises no alert. */
    public static final Invariant<Transition<TreeState, TreeAction, TreeObservation>> UNTRACED_PAGES_QUIET =
            Invariant.of("TREE-3", "untracedPagesQuiet", TreeInvariants::untracedPagesQuiet);

    /** TREE-5: handling one notification visits at most depth + 1 nodes. */
    public static final Invariant<Transition<TreeState, TreeAction, TreeObservation>> WALK_BOUNDED =
            Invariant.of("TREE-5", "walkBounded", TreeInvariants::walkBounded);

    /** TREE-6: a guest write changes neither the base pointer nor any node. */
    public static final Invariant<Transition<TreeState, TreeAction, TreeObservation>> GUEST_WRITE_LEAVES_TREE =
            Invariant.of("TREE-6", "guestWriteLeavesTree", TreeInvariants::guestWriteLeavesTree);

    // ---- state invariants ------------------------------------------------------------------

    /** TREE-2 (support): the leaf entries marked "node page" are exactly the pages storing nodes. */
    public static final Invariant<TreeState> NODE_PAGES_MARKED =
            Invariant.of("TREE-2", "nodePagesMarked", TreeInvariants::nodePagesMarked);

    /** TREE-4: the traced pages are exactly the node pages plus the mapped pages. */
    public static final Invariant<TreeState> TRACES_EXACT =
            Invariant.of("TREE-4", "tracesExact", TreeInvariants::tracesExact);

    /** TREE-4 (support): the nodes form a well-formed B+-tree and the pool is accounted for. */
    public static final Invariant<TreeState> WELL_FORMED =
            Invariant.of("TREE-4", "wellFormed", TreeInvariants::wellFormed);

    /** TREE-6: the base pointer names the root, and only the root. */
    public static final Invariant<TreeState> BASE_POINTER_GUARDED =
            Invariant.of("TREE-6", "basePointerGuarded", TreeInvariants::basePointerGuarded);

    /** Every TREE invariant: the tree's {@code invs}. */
    public static final InvariantSet<TreeState, TreeAction, TreeObservation> ALL = new InvariantSet<>(
            "tree",
            List.of(NODE_PAGES_MARKED, TRACES_EXACT, WELL_FORMED, BASE_POINTER_GUARDED),
            List.of(MAPPED_PAGES_ALERT, NODE_PAGES_ALERT, UNTRACED_PAGES_QUIET, WALK_BOUNDED, GUEST_WRITE_LEAVES_TREE),
            List.of());

    private TreeInvariants() {}

    /** Throws an AssertionError naming the first invariant {@code t} or its after-state breaks. */
    public static void assertHolds(Transition<TreeState, TreeAction, TreeObservation> t) {
        ALL.checkStep(t).forEach(c -> c.orThrow());
    }

    private static Optional<String> mappedPagesAlert(Transition<TreeState, TreeAction, TreeObservation> t) {
        TreeState before = t.before();
        if (!(t.action() instanceof TreeAction.GuestWrite w) || !inGuest(before, w)) {
            return Optional.empty();
        }
        AlertAction mapped = before.mappings().get(w.page());
        if (mapped == null || before.nodePages().contains(w.page())) {
            return Optional.empty();
        }
        List<TreeObservation.Alert> alerts = alerts(t);
        boolean ok = alerts.size() == 1
                && alerts.get(0).cause() == AlertCause.MAPPED_PAGE
                && alerts.get(0).action() == mapped
                && alerts.get(0).page() == w.page();
        return ok
                ? Optional.empty()
                : Optional.of("write to page " + w.page() + " mapped to " + mapped + " gave alerts " + alerts);
    }

    private static Optional<String> nodePagesAlert(Transition<TreeState, TreeAction, TreeObservation> t) {
        TreeState before = t.before();
        if (!(t.action() instanceof TreeAction.GuestWrite w)
                || !before.nodePages().contains(w.page())) {
            return Optional.empty();
        }
        List<TreeObservation.Alert> alerts = alerts(t);
        boolean ok = alerts.size() == 1
                && alerts.get(0).cause() == AlertCause.NODE_PAGE
                && alerts.get(0).action() == AlertAction.TREE_NODE;
        return ok
                ? Optional.empty()
                : Optional.of("write to node page " + Notation.gpp(w.page()) + " gave alerts " + alerts + "; "
                        + before.describe());
    }

    private static Optional<String> untracedPagesQuiet(Transition<TreeState, TreeAction, TreeObservation> t) {
        TreeState before = t.before();
        if (!(t.action() instanceof TreeAction.GuestWrite w)
                || before.nodePages().contains(w.page())
                || before.mappings().containsKey(w.page())) {
            return Optional.empty();
        }
        List<TreeObservation.Alert> alerts = alerts(t);
        return alerts.isEmpty()
                ? Optional.empty()
                : Optional.of("write to unprotected page " + w.page() + " gave alerts " + alerts);
    }

    private static Optional<String> walkBounded(Transition<TreeState, TreeAction, TreeObservation> t) {
        int bound = t.before().depth() + 1;
        for (TreeObservation o : t.observations()) {
            if (o instanceof TreeObservation.Walk walk && walk.nodesVisited() > bound) {
                return Optional.of(
                        "walk for page " + walk.page() + " visited " + walk.nodesVisited() + " nodes, bound " + bound);
            }
        }
        return Optional.empty();
    }

    private static Optional<String> guestWriteLeavesTree(Transition<TreeState, TreeAction, TreeObservation> t) {
        if (!(t.action() instanceof TreeAction.GuestWrite)) {
            return Optional.empty();
        }
        TreeState before = t.before();
        TreeState after = t.after();
        boolean ok = after.layout().equals(before.layout());
        return ok
                ? Optional.empty()
                : Optional.of("a guest write changed the tree: " + before.describe() + " -> " + after.describe());
    }

    private static Optional<String> nodePagesMarked(TreeState s) {
        PageSet marked = s.pagesMarkedAsNodes();
        return marked.equals(s.nodePages())
                ? Optional.empty()
                : Optional.of(
                        "marked " + Notation.gpps(marked) + " but node pages are " + Notation.gpps(s.nodePages()));
    }

    private static Optional<String> tracesExact(TreeState s) {
        PageSet expected = s.nodePages().union(s.mappings().keySet());
        if (s.traced().equals(expected)) {
            return Optional.empty();
        }
        PageSet stale = s.traced().minus(expected);
        PageSet gaps = expected.minus(s.traced());
        return Optional.of("stale traces " + Notation.gpps(stale) + ", untraced " + Notation.gpps(gaps));
    }

    /**
     * The layout is a B+-tree ({@link TreeLayout#shapeProblems}), the mapped count is right, and
     * every pool page is either free or a node page.
     */
    private static Optional<String> wellFormed(TreeState s) {
        List<String> problems =
                new ArrayList<>(s.layout().shapeProblems(s.config().shape()));
        if (s.mappings().size() != s.mappedPageCount()) {
            problems.add("mapped count " + s.mappedPageCount() + " but "
                    + s.mappings().size() + " mappings");
        }
        if (s.base().rootPage().isEmpty() && s.mappedPageCount() != 0) {
            problems.add("mappings without a tree");
        }
        // free + node pages = the pool, and disjoint: both inside the pool, disjoint, and as many as it has pages.
        int poolSize = s.config().poolSize();
        boolean accounted = s.freePool().within(s.config().poolFirst(), poolSize)
                && s.nodePages().within(s.config().poolFirst(), poolSize)
                && s.freePool().size() + s.nodePages().size() == poolSize;
        if (!accounted || s.freePool().intersects(s.nodePages())) {
            problems.add("pool accounting: free " + s.freePool() + " nodes "
                    + s.nodes().keySet());
        }
        return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
    }

    private static Optional<String> basePointerGuarded(TreeState s) {
        Optional<Long> root = s.base().rootPage();
        boolean ok = root.map(s.nodes()::containsKey).orElse(s.nodes().isEmpty())
                && root.map(r -> noChildIs(s.nodes(), r)).orElse(true);
        return ok
                ? Optional.empty()
                : Optional.of("base pointer " + root.map(Notation::hex).orElse("none") + " does not name the root; "
                        + s.describe());
    }

    /** Whether no interior node of {@code nodes} names {@code page} as a child. */
    private static boolean noChildIs(PageMap<TreeNode> nodes, long page) {
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.valueAt(i) instanceof TreeNode.Interior in
                    && in.children().contains(page)) {
                return false;
            }
        }
        return true;
    }

    private static boolean inGuest(TreeState s, TreeAction.GuestWrite w) {
        return w.address() >= 0 && w.page() < s.config().guestPages();
    }

    private static List<TreeObservation.Alert> alerts(Transition<TreeState, TreeAction, TreeObservation> t) {
        return t.observations().stream()
                .filter(TreeObservation.Alert.class::isInstance)
                .map(TreeObservation.Alert.class::cast)
                .toList();
    }
}
