package org.hvproof.model.tree;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The pure step function of the traced tree, at the level of {@code tree.als}: mappings, node
 * pages, traced pages, the pool and a depth bound. It never throws on any action and leaves the
 * state unchanged on every refused request.
 *
 * <p>Requests: decode (one place, {@link RangeRequest}), check against the mappings (overlap,
 * presence), compute the mappings after; the layout of the nodes is not computed here but taken
 * from the request ({@link TreeAction}), as the implementation chose it, and accepted only when
 * it is legal ({@link #illegalLayout}): a B+-tree whose node pages come from the pool and whose
 * leaves hold exactly the mappings and the node-page marks. The traced pages and the free pool
 * then follow from the rule of TREE-4: traced = node pages + mapped pages, free = pool - node
 * pages. An illegal layout is not followed (the model keeps its layout), so refinement reports
 * it. An unchanged layout after a protect is the implementation's claim that the pool ran out; the
 * model accepts it only when the free pool is smaller than the most the insert can take from
 * the current layout ({@link InsertDemand}).
 *
 * <p>Writes: an untraced page gets no notification and no alert; a traced page is looked up
 * from the base pointer along one root-to-leaf path (depth + 1 nodes), node pages first.
 */
public final class TreeModel {

    private TreeModel() {}

    /** The model's initial state: no tree, nothing traced, the whole pool free. */
    public static TreeState initial(TreeConfig config) {
        return TreeState.initial(config);
    }

    /** One step of the model as specified. */
    public static TreeStep step(TreeState state, TreeAction action) {
        return step(state, action, TreeModelFlaw.NONE);
    }

    /** One step of the model with {@code flaw} (for showing the invariants catch it). */
    public static TreeStep step(TreeState state, TreeAction action, TreeModelFlaw flaw) {
        if (action instanceof TreeAction.Protect p) {
            return protect(state, p, flaw);
        }
        if (action instanceof TreeAction.Unprotect u) {
            return unprotect(state, u, flaw);
        }
        return write(state, (TreeAction.GuestWrite) action, flaw);
    }

    private static TreeStep protect(TreeState state, TreeAction.Protect p, TreeModelFlaw flaw) {
        TreeConfig cfg = state.config();
        RangeRequest.Decoded d = RangeRequest.decodeProtect(
                p.startAddress(), p.length(), p.actionCode(), cfg.guestPages(), cfg.maxPagesPerRequest());
        if (d.request().isEmpty()) {
            return refused(state, d.code());
        }
        RangeRequest req = d.request().get();
        // Guard: no page of the range is protected already.
        if (req.range().pages().anyMatch(state.mappings()::containsKey)) {
            return refused(state, RequestCode.OVERLAPS);
        }
        PageMap<AlertAction> after = state.mappings()
                .with(req.range().first(), req.range().count(), req.action().orElseThrow());
        if (p.layout().equals(state.layout()) && poolMayRunOut(state, req.range())) {
            return refused(state, RequestCode.POOL_EXHAUSTED);
        }
        return perform(state, after, p.layout(), flaw);
    }

    private static TreeStep unprotect(TreeState state, TreeAction.Unprotect u, TreeModelFlaw flaw) {
        TreeConfig cfg = state.config();
        RangeRequest.Decoded d =
                RangeRequest.decodeUnprotect(u.startAddress(), u.length(), cfg.guestPages(), cfg.maxPagesPerRequest());
        if (d.request().isEmpty()) {
            return refused(state, d.code());
        }
        PageRange range = d.request().get().range();
        // Guard: every page of the range is protected.
        if (!range.pages().allMatch(state.mappings()::containsKey)) {
            return refused(state, RequestCode.NOT_PROTECTED);
        }
        PageMap<AlertAction> after = state.mappings().without(range.first(), range.count());
        return perform(state, after, u.layout(), flaw);
    }

    /** The request succeeds: the new mappings, the chosen layout if legal, traces and pool by TREE-4's rule. */
    private static TreeStep perform(
            TreeState state, PageMap<AlertAction> mappings, TreeLayout chosen, TreeModelFlaw flaw) {
        TreeLayout layout = illegalLayout(state.config(), mappings, chosen).isEmpty() ? chosen : state.layout();
        PageSet traced = layout.nodePages().union(mappings.keySet());
        if (flaw != TreeModelFlaw.NONE) {
            traced = PageSet.copyOf(flawedTraces(state, mappings, layout, traced, flaw));
        }
        // free = pool - node pages, as in every model state: the same node pages, the same free pool.
        PageSet free = layout.nodePages().equals(state.nodePages())
                ? state.freePool()
                : PageSet.rangeMinus(state.config().poolFirst(), state.config().poolSize(), layout.nodePages());
        TreeState next = new TreeState(state.config(), layout, mappings, traced, free, mappings.size());
        return new TreeStep(next, List.of(new TreeObservation.RequestResult(RequestCode.OK)));
    }

    /** The traces a flawed model keeps instead of {@code exact}. */
    private static SortedSet<Long> flawedTraces(
            TreeState state, PageMap<AlertAction> mappings, TreeLayout layout, PageSet exact, TreeModelFlaw flaw) {
        SortedSet<Long> traced = new TreeSet<>(exact);
        if (flaw == TreeModelFlaw.SPLIT_NODE_UNTRACED) {
            // FLAW: a node page taken for a split (not the root) is left untraced.
            for (long page : layout.nodePages()) {
                if (!state.nodes().containsKey(page)
                        && !layout.base().rootPage().equals(Optional.of(page))
                        && !mappings.containsKey(page)) {
                    traced.remove(page);
                }
            }
        }
        if (flaw == TreeModelFlaw.FREED_NODE_STAYS_TRACED) {
            // FLAW: a freed node page keeps its trace.
            state.nodePages().stream()
                    .filter(page -> !layout.nodes().containsKey(page))
                    .forEach(traced::add);
        }
        return traced;
    }

    /**
     * Why {@code layout} is no legal tree for {@code mappings}, empty when it is legal: it must be
     * empty exactly when nothing is mapped, a B+-tree ({@link TreeLayout#shapeProblems}, which
     * bounds the depth by the keys), its node pages taken from the pool, and its leaves must hold
     * exactly one entry per mapped page and per node page, saying whether the page stores a node
     * and the action it is mapped to.
     */
    public static List<String> illegalLayout(TreeConfig config, Map<Long, AlertAction> mappings, TreeLayout layout) {
        List<String> problems = new ArrayList<>();
        if (mappings.isEmpty() != layout.base().rootPage().isEmpty()) {
            problems.add(mappings.isEmpty() ? "a tree is left with nothing mapped" : "no tree, but pages are mapped");
        }
        problems.addAll(layout.shapeProblems(config.shape()));
        PageSet nodePages = layout.nodePages();
        if (!nodePages.within(config.poolFirst(), config.poolSize())) {
            PageSet outside = nodePages.minus(PageSet.range(config.poolFirst(), config.poolSize()));
            problems.add("node pages " + outside + " outside the pool " + config.pool());
        }
        PageMap<AlertAction> mapped = PageMap.copyOf(mappings);
        PageMap<TreeNode.Entry> entries = layout.entries();
        if (!entriesAsExpected(entries, mapped, nodePages)) {
            PageMap<TreeNode.Entry> expected = expectedEntries(mapped, nodePages);
            problems.add("leaf entries " + entries + " but expected " + expected);
        }
        return problems;
    }

    /**
     * The expected entries, merged in key order: one per mapped page and per node page, saying
     * whether the page stores a node and the action it is mapped to.
     */
    private static PageMap<TreeNode.Entry> expectedEntries(PageMap<AlertAction> mapped, PageSet nodePages) {
        PageMap.Builder<TreeNode.Entry> expectedEntries = new PageMap.Builder<>();
        int i = 0;
        int j = 0;
        while (i < mapped.size() || j < nodePages.size()) {
            long m = i < mapped.size() ? mapped.keyAt(i) : Long.MAX_VALUE;
            long n = j < nodePages.size() ? nodePages.page(j) : Long.MAX_VALUE;
            if (i < mapped.size() && (j >= nodePages.size() || m <= n)) {
                boolean node = j < nodePages.size() && m == n;
                expectedEntries.put(m, entry(node, mapped.valueAt(i)));
                i++;
                j += node ? 1 : 0;
            } else {
                expectedEntries.put(n, NODE_ENTRY);
                j++;
            }
        }
        return expectedEntries.build();
    }

    /**
     * Whether {@code entries} equals {@link #expectedEntries}, decided by walking the same merge
     * without building the expected map (built only to report a difference).
     */
    private static boolean entriesAsExpected(
            PageMap<TreeNode.Entry> entries, PageMap<AlertAction> mapped, PageSet nodePages) {
        int i = 0;
        int j = 0;
        int k = 0;
        while (i < mapped.size() || j < nodePages.size()) {
            if (k == entries.size()) {
                return false;
            }
            long m = i < mapped.size() ? mapped.keyAt(i) : Long.MAX_VALUE;
            long n = j < nodePages.size() ? nodePages.page(j) : Long.MAX_VALUE;
            long key;
            boolean node;
            AlertAction action;
            if (i < mapped.size() && (j >= nodePages.size() || m <= n)) {
                node = j < nodePages.size() && m == n;
                key = m;
                action = mapped.valueAt(i);
                i++;
                j += node ? 1 : 0;
            } else {
                node = true;
                key = n;
                action = null;
                j++;
            }
            TreeNode.Entry e = entries.valueAt(k);
            if (entries.keyAt(k) != key || e.nodePage() != node || e.mapping().orElse(null) != action) {
                return false;
            }
            k++;
        }
        return k == entries.size();
    }

    private static final TreeNode.Entry NODE_ENTRY = new TreeNode.Entry(true, Optional.empty());

    /** The entry of a page that is mapped to {@code action}, and stores a node if {@code node}. */
    private static TreeNode.Entry entry(boolean node, AlertAction action) {
        return new TreeNode.Entry(node, Optional.of(action));
    }

    /**
     * Whether a protect of {@code range} may legally run out of pool pages: the free pool is
     * smaller than the most its insert can take from the current layout ({@link InsertDemand}:
     * a split for each node on the way that would overflow, a new root above a root that splits,
     * and the same again for the node pages taken, which are keys too).
     */
    private static boolean poolMayRunOut(TreeState state, PageRange range) {
        return state.freePool().size() < InsertDemand.mostNodesToProtect(state, range);
    }

    private static TreeStep write(TreeState state, TreeAction.GuestWrite w, TreeModelFlaw flaw) {
        long page = w.page();
        // No notification: the page is not traced (or is not guest memory at all).
        if (w.address() < 0
                || page >= state.config().guestPages()
                || !state.traced().contains(page)) {
            return new TreeStep(state, List.of());
        }
        // The walk reads one node per level, root to leaf.
        int visited = state.base().rootPage().isPresent() ? state.depth() + 1 : 0;
        List<TreeObservation> obs = new ArrayList<>();
        obs.add(new TreeObservation.Walk(page, visited, Math.max(state.depth(), 0)));
        boolean node = state.nodePages().contains(page);
        Optional<AlertAction> mapping = Optional.ofNullable(state.mappings().get(page));
        if (flaw == TreeModelFlaw.LOOKUP_MAPPINGS_FIRST && mapping.isPresent()) {
            obs.add(new TreeObservation.Alert(page, AlertCause.MAPPED_PAGE, mapping.get(), w.writer()));
        } else if (node) {
            obs.add(new TreeObservation.Alert(page, AlertCause.NODE_PAGE, AlertAction.TREE_NODE, w.writer()));
        } else if (mapping.isPresent()) {
            obs.add(new TreeObservation.Alert(page, AlertCause.MAPPED_PAGE, mapping.get(), w.writer()));
        }
        // The tree-node action blocks the write and the tree lives only in node pages and the
        // hypervisor's cell, so a guest write never changes the state.
        return new TreeStep(state, obs);
    }

    private static TreeStep refused(TreeState state, RequestCode code) {
        return new TreeStep(state, List.of(new TreeObservation.RequestResult(code)));
    }
}
