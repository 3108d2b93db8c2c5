package org.hvproof.properties.tree;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.hvproof.model.common.Transition;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.AlertCause;
import org.hvproof.model.tree.RangeRequest;
import org.hvproof.model.tree.RequestCode;
import org.hvproof.model.tree.TreeAction;
import org.hvproof.model.tree.TreeLayout;
import org.hvproof.model.tree.TreeNode;
import org.hvproof.model.tree.TreeObservation;
import org.hvproof.model.tree.TreeState;
import org.hvproof.properties.harness.ModelRun;
import org.hvproof.properties.harness.SpecTrace;

/**
 * The abstraction from a run of the Java tree model to a trace of {@code tree.als}: one formula per
 * spec state, one pinned operation per spec step, over the spec's own names.
 *
 * <p><b>Atoms.</b> Every guest page the run names (node pages of any layout, mapped and traced
 * pages, pages written inside the tree's memory) is a {@code Page} atom {@code gp<n>}, and the
 * spec's {@code Page} is exactly them; every page that stores a node in some layout of the run is
 * also a {@code Node} atom {@code n<page>} bound to that page (the spec's nodes live in their page
 * for good, as the model's do), and the spec's {@code Node} is exactly them. Writers are not atoms:
 * the spec has one writer, so vCPU, instruction pointer and privilege of an alert are dropped.
 *
 * <p><b>States.</b> The base pointer, every node's children, the leaves' mappings ({@code maps}:
 * a leaf entry with a mapping; the entry's node-page mark is not kept, the spec's node pages are
 * {@code nodes.page}), the traced pages, the requested protections (the model's mappings), no
 * guest copy of the base pointer and no flaw (the correct hypervisor is pinned, so no flaw of the
 * spec explains a flawed model), and {@code Last} from the step into the state. What the spec
 * collapses: key ranges become {@code covers}, the set of page atoms inside a node's range
 * (separators bound the range; the root covers every page), so key order, fanout limits and the
 * node-page entries of the leaves are gone.
 *
 * <p><b>Steps.</b> A write inside the tree's memory is {@code guestWrite[p]} with {@code Last}
 * pinned from its observations: the page, the alert's cause and action, and the walk's nodes (the
 * root-to-leaf path of the layout before, whose length must be the walk's count). A write outside it
 * and every refused request are {@code stutter}. A request the model performs becomes one spec step
 * per page ({@code protect[p, a]}, {@code unprotect[p]}) interleaved with the structural steps the
 * spec names ({@code plant}, {@code grow}, {@code split}, {@code merge}, {@code shrink},
 * {@code uproot}): the model takes the layout after a request as the implementation chose it and
 * does not split or merge, so these steps are not pinned one by one. The states between are free;
 * the request's pages, a bounded number of steps ({@link #structuralSteps}) and the state after it,
 * pinned whole, leave it to the solver to find the splits, merges and borrows (a borrow is a merge
 * and a split) that lead from the layout before to the layout after; a layout the spec's operations
 * cannot reach in that many steps is rejected at the state after the request.
 */
public final class TreeSpecAbstraction {

    /** The spec's file. */
    static final String SPEC = "tree.als";

    /**
     * The validator's overall scope: one atom per signature, so that the spec's operations are
     * grounded over the run's own pages and nodes only (the run's atoms raise {@code Page} and
     * {@code Node} to their counts); a larger universe only slows the solver down.
     */
    static final int SCOPE = 1;

    /** Any structural step of the spec, or a stutter. */
    private static final String STRUCTURAL = "(some n: Node | plant[n] or grow[n]) or (some n, m: Node | split[n, m]"
            + " or merge[n, m]) or shrink or uproot or stutter";

    private TreeSpecAbstraction() {}

    /** The run as a trace of {@code tree.als}. */
    public static SpecTrace of(ModelRun<TreeState, TreeAction, TreeObservation> run) {
        return of(run, false);
    }

    /**
     * The run as a trace of {@code tree.als}, with the tight or the generous number of structural
     * steps per request ({@link #structuralSteps}).
     */
    public static SpecTrace of(ModelRun<TreeState, TreeAction, TreeObservation> run, boolean generous) {
        Atoms atoms = Atoms.of(run);
        SpecTrace.Builder b = new SpecTrace.Builder("Page = " + atoms.all(atoms.pages) + " and Node = "
                + atoms.all(atoms.nodes) + " and " + atoms.nodeBinding() + " and no Hypervisor.flaw and "
                + state(run.initial(), Optional.empty(), List.of(), atoms));
        for (int i = 0; i < run.steps().size(); i++) {
            steps(run.steps().get(i), i + 1, b, atoms, generous);
        }
        Map<String, Integer> scopes = new LinkedHashMap<>();
        if (atoms.pages.size() > SCOPE) {
            scopes.put("Page", atoms.pages.size());
        }
        if (atoms.nodes.size() > SCOPE) {
            scopes.put("Node", atoms.nodes.size());
        }
        return b.build(atoms.declarations(), scopes);
    }

    /** The spec steps of one model step, appended to {@code b}. */
    static void steps(
            Transition<TreeState, TreeAction, TreeObservation> t,
            int index,
            SpecTrace.Builder b,
            Atoms atoms,
            boolean generous) {
        TreeState s = t.before();
        if (t.action() instanceof TreeAction.GuestWrite w) {
            if (!inMemory(s, w)) {
                b.step("stutter", state(t.after(), Optional.empty(), List.of(), atoms), index);
            } else {
                b.step(
                        "guestWrite[" + atoms.page(w.page()) + "]",
                        state(t.after(), Optional.of(w.page()), t.observations(), atoms),
                        index);
            }
            return;
        }
        String after = state(t.after(), Optional.empty(), List.of(), atoms);
        if (!t.observations().contains(new TreeObservation.RequestResult(RequestCode.OK))) {
            b.step("stutter", after, index);
            return;
        }
        List<String> pageSteps = new ArrayList<>();
        if (t.action() instanceof TreeAction.Protect p) {
            RangeRequest r = RangeRequest.decodeProtect(
                            p.startAddress(),
                            p.length(),
                            p.actionCode(),
                            s.config().guestPages(),
                            s.config().maxPagesPerRequest())
                    .request()
                    .orElseThrow();
            String action = action(r.action().orElseThrow());
            r.range().pages().forEach(q -> pageSteps.add("protect[" + atoms.page(q) + ", " + action + "]"));
        } else {
            TreeAction.Unprotect u = (TreeAction.Unprotect) t.action();
            RangeRequest r = RangeRequest.decodeUnprotect(
                            u.startAddress(),
                            u.length(),
                            s.config().guestPages(),
                            s.config().maxPagesPerRequest())
                    .request()
                    .orElseThrow();
            r.range().pages().forEach(q -> pageSteps.add("unprotect[" + atoms.page(q) + "]"));
        }
        if (!generous) {
            Optional<List<String>> ops = Decomposition.of(s.layout(), t.after().layout(), pageSteps, atoms);
            if (ops.isPresent()) {
                for (int k = 0; k < ops.get().size(); k++) {
                    b.step(ops.get().get(k), k == ops.get().size() - 1 ? after : FREE, index);
                }
                return;
            }
        }
        String any = String.join(" or ", pageSteps) + " or " + STRUCTURAL;
        int n = pageSteps.size() + structuralSteps(s.layout(), t.after().layout(), atoms, generous);
        for (int k = 0; k < n - 1; k++) {
            b.step(any, FREE, index);
        }
        b.step(any, after, index);
    }

    /** A state the spec chooses (between the steps of one request). */
    private static final String FREE = "some Tracing";

    /**
     * The structural steps a request may take, from the layouts before and after. Tight: one per
     * node taken (plant, grow or split) or freed (merge, shrink or uproot), and at least one per
     * kept node whose range changed (a borrow is a merge and a split of the same two nodes, and
     * changes both ranges). Generous: one per node taken or freed and two per kept node whose range
     * or children changed, enough for any mix of them.
     */
    static int structuralSteps(TreeLayout before, TreeLayout after, Atoms atoms, boolean generous) {
        Map<Long, Set<Long>> c0 = covers(before, atoms);
        Map<Long, Set<Long>> c1 = covers(after, atoms);
        int takenOrFreed = 0;
        int changed = 0;
        for (long page : before.nodePages()) {
            if (!after.nodes().containsKey(page)) {
                takenOrFreed++;
            } else if (!c0.get(page).equals(c1.get(page))
                    || (generous
                            && !children(before.nodes().get(page))
                                    .equals(children(after.nodes().get(page))))) {
                changed++;
            }
        }
        for (long page : after.nodePages()) {
            if (!before.nodes().containsKey(page)) {
                takenOrFreed++;
            }
        }
        return generous ? takenOrFreed + 2 * changed : Math.max(takenOrFreed, changed);
    }

    /** An interior node's children; none for a leaf. */
    private static List<Long> children(TreeNode n) {
        return n instanceof TreeNode.Interior in ? in.children() : List.of();
    }

    private static boolean inMemory(TreeState s, TreeAction.GuestWrite w) {
        return w.address() >= 0 && w.page() < s.config().guestPages();
    }

    /**
     * One state: the tree, the traces, the requests, and what the step into it showed ({@code
     * written}: the page of a write inside memory, with its observations).
     */
    static String state(TreeState s, Optional<Long> written, List<TreeObservation> observed, Atoms atoms) {
        List<String> f = new ArrayList<>();
        TreeLayout layout = s.layout();
        f.add(layout.base()
                .rootPage()
                .map(r -> "Hypervisor.base = " + atoms.node(r))
                .orElse("no Hypervisor.base"));
        f.add("no Hypervisor.copy");
        List<String> kids = new ArrayList<>();
        List<String> maps = new ArrayList<>();
        layout.nodes().forEach((page, node) -> {
            if (node instanceof TreeNode.Interior in) {
                in.children().forEach(c -> kids.add(atoms.node(page) + " -> " + atoms.node(c)));
            } else {
                TreeNode.Leaf leaf = (TreeNode.Leaf) node;
                for (int i = 0; i < leaf.keys().size(); i++) {
                    Optional<AlertAction> m = leaf.entries().get(i).mapping();
                    if (m.isPresent()) {
                        maps.add(atoms.node(page) + " -> "
                                + atoms.page(leaf.keys().get(i)) + " -> " + action(m.get()));
                    }
                }
            }
        });
        f.add(relation("kids", kids));
        f.add(relation("maps", maps));
        List<String> covers = new ArrayList<>();
        covers(layout, atoms).forEach((page, pages) -> {
            if (!pages.isEmpty()) {
                covers.add(atoms.node(page) + " -> (" + atoms.set(pages) + ")");
            }
        });
        f.add(relation("covers", covers));
        f.add(s.traced().isEmpty() ? "no Tracing.traced" : "Tracing.traced = " + atoms.set(s.traced()));
        f.add(relation(
                "Hypervisor.requested",
                s.mappings().entrySet().stream()
                        .map(e -> atoms.page(e.getKey()) + " -> " + action(e.getValue()))
                        .toList()));
        f.add(last(s, written, observed, atoms));
        return String.join(" and ", f);
    }

    /** {@code Last}: the page written, the alert's cause and action, the walk's path and count. */
    private static String last(TreeState s, Optional<Long> written, List<TreeObservation> observed, Atoms atoms) {
        if (written.isEmpty()) {
            return "no Last.written and no Last.cause and no Last.action and no Last.visited";
        }
        List<String> f = new ArrayList<>();
        f.add("Last.written = " + atoms.page(written.get()));
        Optional<TreeObservation.Alert> alert = observed.stream()
                .filter(TreeObservation.Alert.class::isInstance)
                .map(TreeObservation.Alert.class::cast)
                .findFirst();
        f.add(alert.map(a -> "Last.cause = " + (a.cause() == AlertCause.NODE_PAGE ? "NodeHit" : "MappingHit")
                        + " and Last.action = " + action(a.action()))
                .orElse("no Last.cause and no Last.action"));
        Optional<TreeObservation.Walk> walk = observed.stream()
                .filter(TreeObservation.Walk.class::isInstance)
                .map(TreeObservation.Walk.class::cast)
                .findFirst();
        if (walk.isEmpty()) {
            f.add("no Last.visited");
        } else {
            List<Long> path = path(s.layout(), written.get());
            f.add((path.isEmpty()
                            ? "no Last.visited"
                            : "Last.visited = " + path.stream().map(atoms::node).collect(Collectors.joining(" + ")))
                    + " and #Last.visited = " + walk.get().nodesVisited());
        }
        return String.join(" and ", f);
    }

    /** The node pages a look-up of {@code page} reads, root to leaf, by the separators. */
    static List<Long> path(TreeLayout layout, long page) {
        List<Long> out = new ArrayList<>();
        Optional<Long> at = layout.base().rootPage();
        while (at.isPresent() && out.size() <= layout.nodes().size()) {
            out.add(at.get());
            TreeNode n = layout.nodes().get(at.get());
            at = n instanceof TreeNode.Interior in
                    ? Optional.of(in.children().get(in.childIndex(page)))
                    : Optional.empty();
        }
        return out;
    }

    /** Each node page's {@code covers}: the page atoms inside its key range (the root's: all). */
    static Map<Long, Set<Long>> covers(TreeLayout layout, Atoms atoms) {
        Map<Long, Set<Long>> out = new TreeMap<>();
        layout.base().rootPage().ifPresent(r -> covers(layout, r, Long.MIN_VALUE, Long.MAX_VALUE, atoms, out, 0));
        return out;
    }

    private static void covers(
            TreeLayout layout, long page, long lo, long hi, Atoms atoms, Map<Long, Set<Long>> out, int depth) {
        TreeNode n = layout.nodes().get(page);
        if (n == null || out.containsKey(page) || depth > layout.nodes().size()) {
            return;
        }
        out.put(page, new TreeSet<>(atoms.pageNumbers.subSet(lo, hi)));
        if (n instanceof TreeNode.Interior in) {
            for (int i = 0; i < in.children().size(); i++) {
                long clo = i == 0 ? lo : in.separators().get(i - 1);
                long chi = i == in.separators().size() ? hi : in.separators().get(i);
                covers(layout, in.children().get(i), clo, Math.max(clo, chi), atoms, out, depth + 1);
            }
        }
    }

    private static String relation(String name, List<String> tuples) {
        return tuples.isEmpty() ? "no " + name : name + " = " + String.join(" + ", tuples);
    }

    static String action(AlertAction a) {
        return switch (a) {
            case RECORD_AND_ALLOW -> "RecordAndAllow";
            case BLOCK -> "Block";
            case TREE_NODE -> "TreeNodeAlert";
        };
    }

    /**
     * The spec operations one performed request takes, found by replaying the spec's structural
     * steps on the ranges ({@code covers}) and parents of the layout before until they are the
     * layout after's: the request's pages first (after {@code plant} for a first protection), then
     * {@code grow} for a new root and {@code split}s from the leaves up (each moving exactly the
     * range the new node has after); or the pages first, then {@code merge}s from the leaves up,
     * {@code shrink} of a root left with one child and {@code uproot} of an empty one; or the pages
     * and a borrow between two siblings, a {@code merge} and a {@code split} of the same two nodes.
     * Empty when the change is none of these (the solver then looks for the steps).
     */
    static final class Decomposition {
        private final Map<Long, Set<Long>> covers;
        private final Map<Long, Long> parent = new TreeMap<>();
        private Optional<Long> root;
        private final List<String> ops = new ArrayList<>();
        private final Atoms atoms;

        private Decomposition(TreeLayout before, Atoms atoms) {
            this.atoms = atoms;
            this.covers = covers(before, atoms);
            this.root = before.base().rootPage();
            parents(before).forEach(parent::put);
        }

        static Optional<List<String>> of(TreeLayout before, TreeLayout after, List<String> pageSteps, Atoms atoms) {
            Decomposition d = new Decomposition(before, atoms);
            Set<Long> taken = new TreeSet<>(after.nodePages());
            taken.removeAll(before.nodePages());
            Set<Long> freed = new TreeSet<>(before.nodePages());
            freed.removeAll(after.nodePages());
            Map<Long, Set<Long>> target = covers(after, atoms);
            boolean ok;
            if (!freed.isEmpty() && !taken.isEmpty()) {
                return Optional.empty();
            } else if (!taken.isEmpty()) {
                ok = d.grow(after, taken, target, pageSteps);
            } else {
                d.ops.addAll(pageSteps);
                ok = freed.isEmpty() ? d.borrow(target) : d.shrink(after, freed);
            }
            return ok
                            && d.covers.equals(target)
                            && d.parent.equals(parents(after))
                            && d.root.equals(after.base().rootPage())
                    ? Optional.of(d.ops)
                    : Optional.empty();
        }

        /** Plant or grow, and splits from the leaves up. */
        private boolean grow(TreeLayout after, Set<Long> taken, Map<Long, Set<Long>> target, List<String> pageSteps) {
            Optional<Long> newRoot = after.base().rootPage();
            if (root.isEmpty()) {
                if (after.nodes().size() != 1) {
                    return false;
                }
                long r = newRoot.orElseThrow();
                ops.add("plant[" + atoms.node(r) + "]");
                covers.put(r, new TreeSet<>(atoms.pageNumbers));
                root = newRoot;
                taken.remove(r);
            }
            ops.addAll(pageSteps);
            if (!newRoot.equals(root)) {
                long r = newRoot.orElseThrow();
                if (!taken.remove(r)) {
                    return false;
                }
                ops.add("grow[" + atoms.node(r) + "]");
                parent.put(root.orElseThrow(), r);
                covers.put(r, new TreeSet<>(atoms.pageNumbers));
                root = newRoot;
            }
            Map<Long, Integer> depth = depths(after);
            List<Long> order = new ArrayList<>(taken);
            order.sort((a, b) -> Integer.compare(depth.get(b), depth.get(a)));
            for (long m : order) {
                Set<Long> moved = target.get(m);
                Optional<Long> from = covers.keySet().stream()
                        .filter(n -> !n.equals(root.orElseThrow())
                                && depth.get(n) == depth.get(m).intValue())
                        .filter(n -> covers.get(n).containsAll(moved)
                                && covers.get(n).size() > moved.size())
                        .findFirst();
                if (moved.isEmpty() || from.isEmpty()) {
                    return false;
                }
                split(from.get(), m, moved);
            }
            return true;
        }

        private void split(long n, long m, Set<Long> moved) {
            ops.add("Choice.moved = " + atoms.set(moved) + " and split[" + atoms.node(n) + ", " + atoms.node(m) + "]");
            parent.forEach((k, p) -> {
                if (p == n && moved.containsAll(covers.get(k))) {
                    parent.put(k, m);
                }
            });
            covers.get(n).removeAll(moved);
            covers.put(m, new TreeSet<>(moved));
            parent.put(m, parent.get(n));
        }

        /** Merges from the leaves up, shrink and uproot. */
        private boolean shrink(TreeLayout after, Set<Long> freed) {
            while (freed.stream().anyMatch(covers::containsKey)) {
                long r = root.orElseThrow();
                List<Long> rootKids = kids(r);
                if (freed.contains(r) && rootKids.size() == 1) {
                    ops.add("shrink");
                    covers.remove(r);
                    parent.remove(rootKids.get(0));
                    root = Optional.of(rootKids.get(0));
                    continue;
                }
                if (freed.contains(r) && rootKids.isEmpty() && after.nodes().isEmpty()) {
                    ops.add("uproot");
                    covers.remove(r);
                    root = Optional.empty();
                    continue;
                }
                Optional<long[]> pair = freed.stream()
                        .filter(parent::containsKey)
                        .flatMap(m -> kids(parent.get(m)).stream()
                                .filter(n -> n != m)
                                .sorted((a, b) -> Boolean.compare(freed.contains(a), freed.contains(b)))
                                .limit(1)
                                .map(n -> new long[] {n, m}))
                        .findFirst();
                if (pair.isEmpty()) {
                    return false;
                }
                merge(pair.get()[0], pair.get()[1]);
            }
            return true;
        }

        private void merge(long n, long m) {
            ops.add("merge[" + atoms.node(n) + ", " + atoms.node(m) + "]");
            covers.get(n).addAll(covers.remove(m));
            parent.remove(m);
            parent.replaceAll((k, p) -> p == m ? n : p);
        }

        /** A borrow between two siblings: merge and split the same two nodes. */
        private boolean borrow(Map<Long, Set<Long>> target) {
            List<Long> changed = covers.keySet().stream()
                    .filter(n -> !covers.get(n).equals(target.get(n)))
                    .toList();
            if (changed.isEmpty()) {
                return true;
            }
            if (changed.size() != 2 || !Objects.equals(parent.get(changed.get(0)), parent.get(changed.get(1)))) {
                return false;
            }
            long n = changed.get(0);
            long m = changed.get(1);
            merge(n, m);
            parent.put(m, parent.get(n));
            split(n, m, target.get(m));
            return true;
        }

        private List<Long> kids(long n) {
            return parent.entrySet().stream()
                    .filter(e -> e.getValue() == n)
                    .map(Map.Entry::getKey)
                    .toList();
        }

        private static Map<Long, Long> parents(TreeLayout layout) {
            Map<Long, Long> out = new TreeMap<>();
            layout.nodes().forEach((page, node) -> children(node).forEach(c -> out.put(c, page)));
            return out;
        }

        private static Map<Long, Integer> depths(TreeLayout layout) {
            Map<Long, Integer> out = new TreeMap<>();
            layout.base().rootPage().ifPresent(r -> depths(layout, r, 0, out));
            return out;
        }

        private static void depths(TreeLayout layout, long page, int depth, Map<Long, Integer> out) {
            if (out.putIfAbsent(page, depth) == null && layout.nodes().containsKey(page)) {
                children(layout.nodes().get(page)).forEach(c -> depths(layout, c, depth + 1, out));
            }
        }
    }

    /** The atoms a run names, collected before any formula is written (a node's range needs them all). */
    static final class Atoms {
        final TreeSet<Long> pageNumbers = new TreeSet<>();
        final Set<String> pages = new TreeSet<>();
        final Set<String> nodes = new TreeSet<>();
        private final Set<Long> nodePages = new TreeSet<>();

        static Atoms of(ModelRun<TreeState, TreeAction, TreeObservation> run) {
            Atoms atoms = new Atoms();
            atoms.collect(run.initial());
            for (Transition<TreeState, TreeAction, TreeObservation> t : run.steps()) {
                atoms.collect(t.after());
                if (t.action() instanceof TreeAction.GuestWrite w && inMemory(t.before(), w)) {
                    atoms.page(w.page());
                }
            }
            return atoms;
        }

        private void collect(TreeState s) {
            s.nodePages().forEach(p -> {
                page(p);
                node(p);
            });
            s.mappings().keySet().forEach(this::page);
            s.traced().forEach(this::page);
        }

        String page(long p) {
            pageNumbers.add(p);
            String atom = "gp" + p;
            pages.add(atom);
            return atom;
        }

        String node(long p) {
            nodePages.add(p);
            String atom = "n" + p;
            nodes.add(atom);
            return atom;
        }

        String set(Set<Long> ps) {
            return ps.stream().map(this::page).collect(Collectors.joining(" + "));
        }

        /** {@code none} for no atoms. */
        String all(Set<String> atoms) {
            return atoms.isEmpty() ? "none" : String.join(" + ", atoms);
        }

        /** Each node atom on its page. */
        String nodeBinding() {
            return nodePages.isEmpty()
                    ? "no page"
                    : "page = "
                            + nodePages.stream()
                                    .map(p -> "n" + p + " -> gp" + p)
                                    .collect(Collectors.joining(" + "));
        }

        /** {@code disj gp3, gp4: Page, disj n8, n9: Node}. */
        String declarations() {
            List<String> decls = new ArrayList<>();
            SpecTrace.declare(decls, pages, "Page");
            SpecTrace.declare(decls, nodes, "Node");
            return String.join(", ", decls);
        }
    }
}
