package org.hvproof.model.tree;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The pure step function of the traced tree: {@code step(state, action)} returns the next
 * state and the observations, never throws on any action, and leaves the state unchanged on
 * every refused request.
 *
 * <p>Requests: decode (one place, {@link RangeRequest}), check against the tree (overlap,
 * presence), then perform on a private working copy; the copy becomes the next state only
 * when the whole request succeeded, so a request that runs out of pool pages half-way changes
 * nothing. Writes: an untraced page gets no notification and no alert; a traced page is
 * looked up from the base pointer, node pages first.
 */
public final class TreeModel {

    /** The model with no flaw: the oracle. */
    public static final TreeModel DEFAULT = new TreeModel(Set.of());

    private final Set<TreeModelFlaw> flaws;

    private TreeModel(Set<TreeModelFlaw> flaws) {
        this.flaws = flaws.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(flaws));
    }

    /** A deliberately flawed variant (for showing the checks catch it). */
    public static TreeModel withFlaws(Set<TreeModelFlaw> flaws) {
        return new TreeModel(flaws);
    }

    public Set<TreeModelFlaw> flaws() {
        return flaws;
    }

    /** The result of one look-up: the entry found (if any) and the nodes read to find it. */
    public record Lookup(Optional<TreeNode.Entry> entry, int nodesVisited) {}

    /** Walks from the base pointer to the one leaf whose key range holds {@code page}. */
    public static Lookup lookup(TreeState state, long page) {
        return lookup(state.base().rootPage(), state.nodes(), page);
    }

    private static Lookup lookup(Optional<Long> base, java.util.Map<Long, TreeNode> nodes, long page) {
        Optional<Long> at = base;
        int visited = 0;
        while (at.isPresent()) {
            TreeNode node = nodes.get(at.get());
            visited++;
            if (node instanceof TreeNode.Interior in) {
                at = Optional.of(in.children().get(in.childIndex(page)));
            } else {
                TreeNode.Leaf leaf = (TreeNode.Leaf) node;
                int i = Collections.binarySearch(leaf.keys(), page);
                return new Lookup(i >= 0 ? Optional.of(leaf.entries().get(i)) : Optional.empty(), visited);
            }
        }
        return new Lookup(Optional.empty(), visited);
    }

    /** One step. */
    public TreeStep step(TreeState state, TreeAction action) {
        if (action instanceof TreeAction.Protect p) {
            return protect(state, p);
        }
        if (action instanceof TreeAction.Unprotect u) {
            return unprotect(state, u);
        }
        return write(state, (TreeAction.GuestWrite) action);
    }

    private TreeStep protect(TreeState state, TreeAction.Protect p) {
        TreeConfig cfg = state.config();
        RangeRequest.Decoded d = RangeRequest.decodeProtect(
                p.startAddress(), p.length(), p.actionCode(), cfg.guestPages(), cfg.maxPagesPerRequest());
        if (d.request().isEmpty()) {
            return refused(state, d.code());
        }
        RangeRequest req = d.request().get();
        // Guard: no page of the range is protected already.
        for (long page = req.range().first(); page < req.range().end(); page++) {
            if (lookup(state, page).entry().flatMap(TreeNode.Entry::mapping).isPresent()) {
                return refused(state, RequestCode.OVERLAPS);
            }
        }
        Editor ed = new Editor(state);
        try {
            for (long page = req.range().first(); page < req.range().end(); page++) {
                ed.put(page, ed.get(page).withMapping(req.action()));
                ed.traced.add(page);
                ed.mapped++;
                ed.settle();
            }
        } catch (PoolExhausted e) {
            return refused(state, RequestCode.POOL_EXHAUSTED);
        }
        return new TreeStep(ed.freeze(), List.of(new TreeObservation.RequestResult(RequestCode.OK)));
    }

    private TreeStep unprotect(TreeState state, TreeAction.Unprotect u) {
        TreeConfig cfg = state.config();
        RangeRequest.Decoded d =
                RangeRequest.decodeUnprotect(u.startAddress(), u.length(), cfg.guestPages(), cfg.maxPagesPerRequest());
        if (d.request().isEmpty()) {
            return refused(state, d.code());
        }
        PageRange range = d.request().get().range();
        // Guard: every page of the range is protected.
        for (long page = range.first(); page < range.end(); page++) {
            if (lookup(state, page).entry().flatMap(TreeNode.Entry::mapping).isEmpty()) {
                return refused(state, RequestCode.NOT_PROTECTED);
            }
        }
        Editor ed = new Editor(state);
        try {
            for (long page = range.first(); page < range.end(); page++) {
                TreeNode.Entry e = ed.get(page).withMapping(Optional.empty());
                ed.putOrDelete(page, e);
                if (!e.nodePage()) {
                    ed.traced.remove(page);
                }
                ed.mapped--;
                ed.settle();
            }
            if (ed.mapped == 0) {
                ed.tearDown();
            }
        } catch (PoolExhausted e) {
            // Removing keys can borrow and merge but never allocates; kept for completeness.
            return refused(state, RequestCode.POOL_EXHAUSTED);
        }
        return new TreeStep(ed.freeze(), List.of(new TreeObservation.RequestResult(RequestCode.OK)));
    }

    private TreeStep write(TreeState state, TreeAction.GuestWrite w) {
        long page = w.page();
        // No notification: the page is not traced (or is not guest memory at all).
        if (w.address() < 0
                || page >= state.config().guestPages()
                || !state.traced().contains(page)) {
            return new TreeStep(state, List.of());
        }
        Lookup found = lookup(state, page);
        List<TreeObservation> obs = new ArrayList<>();
        obs.add(new TreeObservation.Walk(page, found.nodesVisited(), Math.max(state.depth(), 0)));
        Optional<TreeNode.Entry> e = found.entry();
        boolean node = e.map(TreeNode.Entry::nodePage).orElse(false);
        Optional<AlertAction> mapping = e.flatMap(TreeNode.Entry::mapping);
        if (flaws.contains(TreeModelFlaw.LOOKUP_MAPPINGS_FIRST) && mapping.isPresent()) {
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

    private static final class PoolExhausted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PoolExhausted() {
            super(null, null, false, false);
        }
    }

    /** A split's result: the first key of the new right node, and that node's page. */
    private record Split(long separator, long rightPage) {}

    /** A node page allocated or freed during this request, awaiting its entry and its trace. */
    private record Event(long page, boolean allocated, boolean bySplit) {}

    /** The private working copy one request edits; frozen into the next state at the end. */
    private final class Editor {
        final TreeConfig cfg;
        Optional<Long> root;
        final TreeMap<Long, TreeNode> nodes;
        final TreeSet<Long> traced;
        final TreeSet<Long> free;
        final List<Long> freedNow = new ArrayList<>();
        final Deque<Event> pending = new ArrayDeque<>();
        long mapped;

        Editor(TreeState s) {
            cfg = s.config();
            root = s.base().rootPage();
            nodes = new TreeMap<>(s.nodes());
            traced = new TreeSet<>(s.traced());
            free = new TreeSet<>(s.freePool());
            mapped = s.mappedPageCount();
        }

        TreeState freeze() {
            free.addAll(freedNow);
            return new TreeState(cfg, new HypervisorCell(root), nodes, traced, free, mapped);
        }

        TreeNode.Entry get(long key) {
            return lookup(root, nodes, key).entry().orElse(TreeNode.Entry.NONE);
        }

        void putOrDelete(long key, TreeNode.Entry e) {
            if (e.isEmpty()) {
                delete(key);
            } else {
                put(key, e);
            }
        }

        /** Gives every allocated node page its entry and trace, every freed one the reverse. */
        void settle() {
            while (!pending.isEmpty()) {
                Event ev = pending.removeFirst();
                if (ev.allocated()) {
                    put(ev.page(), get(ev.page()).withNodePage(true));
                    if (!(ev.bySplit() && flaws.contains(TreeModelFlaw.SPLIT_NODE_UNTRACED))) {
                        traced.add(ev.page());
                    }
                } else {
                    TreeNode.Entry e = get(ev.page()).withNodePage(false);
                    putOrDelete(ev.page(), e);
                    if (e.mapping().isEmpty() && !flaws.contains(TreeModelFlaw.FREED_NODE_STAYS_TRACED)) {
                        traced.remove(ev.page());
                    }
                }
            }
        }

        /** The last mapping is gone: free every node page, the base pointer goes empty. */
        void tearDown() {
            for (long page : new ArrayList<>(nodes.keySet())) {
                if (!flaws.contains(TreeModelFlaw.FREED_NODE_STAYS_TRACED)) {
                    traced.remove(page);
                }
                freedNow.add(page);
            }
            nodes.clear();
            root = Optional.empty();
        }

        long allocate(boolean bySplit) {
            Long page = free.pollFirst();
            if (page == null) {
                throw new PoolExhausted();
            }
            pending.addLast(new Event(page, true, bySplit));
            return page;
        }

        void release(long page) {
            nodes.remove(page);
            freedNow.add(page);
            pending.addLast(new Event(page, false, false));
        }

        // ---- insert ------------------------------------------------------------------------

        void put(long key, TreeNode.Entry e) {
            if (root.isEmpty()) {
                long page = allocate(false);
                nodes.put(page, new TreeNode.Leaf(List.of(), List.of()));
                root = Optional.of(page);
            }
            Split s = insert(root.get(), key, e);
            if (s != null) {
                long page = allocate(false);
                nodes.put(page, new TreeNode.Interior(List.of(s.separator()), List.of(root.get(), s.rightPage())));
                root = Optional.of(page);
            }
        }

        private Split insert(long page, long key, TreeNode.Entry e) {
            TreeNode n = nodes.get(page);
            if (n instanceof TreeNode.Leaf leaf) {
                List<Long> keys = new ArrayList<>(leaf.keys());
                List<TreeNode.Entry> entries = new ArrayList<>(leaf.entries());
                int i = Collections.binarySearch(keys, key);
                if (i >= 0) {
                    entries.set(i, e);
                } else {
                    keys.add(-i - 1, key);
                    entries.add(-i - 1, e);
                }
                if (keys.size() <= BPlusTree.ORDER) {
                    nodes.put(page, new TreeNode.Leaf(keys, entries));
                    return null;
                }
                int half = keys.size() / 2;
                long right = allocate(true);
                nodes.put(page, new TreeNode.Leaf(keys.subList(0, half), entries.subList(0, half)));
                nodes.put(
                        right,
                        new TreeNode.Leaf(keys.subList(half, keys.size()), entries.subList(half, entries.size())));
                return new Split(keys.get(half), right);
            }
            TreeNode.Interior in = (TreeNode.Interior) n;
            int ci = in.childIndex(key);
            Split s = insert(in.children().get(ci), key, e);
            if (s == null) {
                return null;
            }
            List<Long> seps = new ArrayList<>(in.separators());
            List<Long> kids = new ArrayList<>(in.children());
            seps.add(ci, s.separator());
            kids.add(ci + 1, s.rightPage());
            if (kids.size() <= BPlusTree.ORDER) {
                nodes.put(page, new TreeNode.Interior(seps, kids));
                return null;
            }
            int leftKids = (kids.size() + 1) / 2;
            long up = seps.get(leftKids - 1);
            long right = allocate(true);
            nodes.put(page, new TreeNode.Interior(seps.subList(0, leftKids - 1), kids.subList(0, leftKids)));
            nodes.put(
                    right,
                    new TreeNode.Interior(seps.subList(leftKids, seps.size()), kids.subList(leftKids, kids.size())));
            return new Split(up, right);
        }

        // ---- delete ------------------------------------------------------------------------

        void delete(long key) {
            if (root.isEmpty()) {
                return;
            }
            remove(root.get(), key);
            TreeNode r = nodes.get(root.get());
            if (r instanceof TreeNode.Interior in && in.size() == 1) {
                long old = root.get();
                root = Optional.of(in.children().get(0));
                release(old);
            } else if (r instanceof TreeNode.Leaf leaf && leaf.size() == 0) {
                long old = root.get();
                root = Optional.empty();
                release(old);
            }
        }

        /** Removes {@code key} below {@code page}; true when {@code page} is now underfull. */
        private boolean remove(long page, long key) {
            TreeNode n = nodes.get(page);
            if (n instanceof TreeNode.Leaf leaf) {
                int i = Collections.binarySearch(leaf.keys(), key);
                if (i < 0) {
                    return false;
                }
                List<Long> keys = new ArrayList<>(leaf.keys());
                List<TreeNode.Entry> entries = new ArrayList<>(leaf.entries());
                keys.remove(i);
                entries.remove(i);
                nodes.put(page, new TreeNode.Leaf(keys, entries));
                return keys.size() < BPlusTree.MIN;
            }
            TreeNode.Interior in = (TreeNode.Interior) n;
            int ci = in.childIndex(key);
            if (remove(in.children().get(ci), key)) {
                rebalance(page, ci);
            }
            return nodes.get(page).size() < BPlusTree.MIN;
        }

        /** Child {@code ci} of {@code parentPage} is underfull: borrow from a sibling, or merge. */
        private void rebalance(long parentPage, int ci) {
            TreeNode.Interior parent = (TreeNode.Interior) nodes.get(parentPage);
            int li = ci > 0 ? ci - 1 : ci;
            long leftPage = parent.children().get(li);
            long rightPage = parent.children().get(li + 1);
            TreeNode left = nodes.get(leftPage);
            TreeNode right = nodes.get(rightPage);
            TreeNode sibling = li == ci ? right : left;
            List<Long> pseps = new ArrayList<>(parent.separators());
            List<Long> pkids = new ArrayList<>(parent.children());
            if (sibling.size() > BPlusTree.MIN) {
                borrow(left, right, leftPage, rightPage, sibling == left, pseps, li);
                nodes.put(parentPage, new TreeNode.Interior(pseps, pkids));
                return;
            }
            // merge right into left; the right node's page is freed
            if (left instanceof TreeNode.Leaf l && right instanceof TreeNode.Leaf r) {
                nodes.put(leftPage, new TreeNode.Leaf(concat(l.keys(), r.keys()), concat(l.entries(), r.entries())));
            } else {
                TreeNode.Interior l = (TreeNode.Interior) left;
                TreeNode.Interior r = (TreeNode.Interior) right;
                List<Long> seps = new ArrayList<>(l.separators());
                seps.add(pseps.get(li));
                seps.addAll(r.separators());
                nodes.put(leftPage, new TreeNode.Interior(seps, concat(l.children(), r.children())));
            }
            pseps.remove(li);
            pkids.remove(li + 1);
            nodes.put(parentPage, new TreeNode.Interior(pseps, pkids));
            release(rightPage);
        }

        private void borrow(
                TreeNode left,
                TreeNode right,
                long leftPage,
                long rightPage,
                boolean fromLeft,
                List<Long> pseps,
                int li) {
            if (left instanceof TreeNode.Leaf l && right instanceof TreeNode.Leaf r) {
                List<Long> lk = new ArrayList<>(l.keys());
                List<TreeNode.Entry> le = new ArrayList<>(l.entries());
                List<Long> rk = new ArrayList<>(r.keys());
                List<TreeNode.Entry> re = new ArrayList<>(r.entries());
                if (fromLeft) {
                    rk.add(0, lk.remove(lk.size() - 1));
                    re.add(0, le.remove(le.size() - 1));
                } else {
                    lk.add(rk.remove(0));
                    le.add(re.remove(0));
                }
                nodes.put(leftPage, new TreeNode.Leaf(lk, le));
                nodes.put(rightPage, new TreeNode.Leaf(rk, re));
                pseps.set(li, rk.get(0));
                return;
            }
            TreeNode.Interior l = (TreeNode.Interior) left;
            TreeNode.Interior r = (TreeNode.Interior) right;
            List<Long> ls = new ArrayList<>(l.separators());
            List<Long> lc = new ArrayList<>(l.children());
            List<Long> rs = new ArrayList<>(r.separators());
            List<Long> rc = new ArrayList<>(r.children());
            if (fromLeft) {
                rc.add(0, lc.remove(lc.size() - 1));
                rs.add(0, pseps.get(li));
                pseps.set(li, ls.remove(ls.size() - 1));
            } else {
                lc.add(rc.remove(0));
                ls.add(pseps.get(li));
                pseps.set(li, rs.remove(0));
            }
            nodes.put(leftPage, new TreeNode.Interior(ls, lc));
            nodes.put(rightPage, new TreeNode.Interior(rs, rc));
        }
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
