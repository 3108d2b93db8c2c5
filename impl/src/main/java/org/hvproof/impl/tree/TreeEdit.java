package org.hvproof.impl.tree;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hvproof.impl.tracing.TracingService;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.tree.BPlusTree;
import org.hvproof.model.tree.TreeNode;

/**
 * Edits: one request's write-back copy of the tree, where inserts and removes split, borrow and
 * merge nodes; nodes are read from memory on first touch, changed here, and written to their pages
 * (with the traces, the base pointer and the pool) only on {@link #commit}, so a request that
 * fails half-way is dropped with {@link #abort} and changes nothing.
 */
final class TreeEdit {
    /** The pool has no page left for a split: the request is refused as a whole. */
    static final class PoolExhausted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PoolExhausted() {
            super(null, null, false, false);
        }
    }

    /** A node page that does not decode: only a tree whose base pointer the guest could write gets here. */
    static final class CorruptNode extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CorruptNode() {
            super(null, null, false, false);
        }
    }

    private record Split(long separator, long rightPage) {}

    /** A node page allocated or freed during this request, awaiting its entry and its trace. */
    private record Event(long page, boolean allocated, boolean bySplit) {}

    private final TreeRootCell cell;
    private final NodePagePool pool;
    private final NodeMemory memory;
    private final TracingService tracing;
    private final TreeImplFlaw flaw;

    private long root;
    private int levels;
    private long mapped;
    /** Touched nodes; a null value is a node freed in this request. */
    private final Map<Long, TreeNode> touched = new HashMap<>();

    private final List<Long> taken = new ArrayList<>();
    private final List<Long> freedNow = new ArrayList<>();
    private final Deque<Event> pending = new ArrayDeque<>();
    /** Trace changes in order; the last one for a page wins. */
    private final Map<Long, Boolean> traces = new LinkedHashMap<>();

    /** One more mapped page ({@code +1}) or one fewer ({@code -1}). */
    void countMapped(int delta) {
        mapped += delta;
    }

    /** Mapped pages, as this edit counts them. */
    long mapped() {
        return mapped;
    }

    /** Sets whether {@code page} carries the tree's trace on commit; the last call for a page wins. */
    void trace(long page, boolean traced) {
        traces.remove(page);
        traces.put(page, traced);
    }

    private TreeNode node(long page) {
        if (touched.containsKey(page)) {
            TreeNode n = touched.get(page);
            if (n == null) {
                throw new CorruptNode();
            }
            return n;
        }
        TreeNode n = memory.read(page);
        if (n == null) {
            throw new CorruptNode();
        }
        return n;
    }

    private void store(long page, TreeNode n) {
        touched.put(page, n);
    }

    TreeNode.Entry get(long key) {
        long at = root;
        int guard = 0;
        while (at != TreeRootCell.NONE && guard++ < TreeWalk.MAX_WALK) {
            TreeNode n = node(at);
            if (n instanceof TreeNode.Interior in) {
                at = in.children().get(in.childIndex(key));
            } else {
                TreeNode.Leaf leaf = (TreeNode.Leaf) n;
                int i = Collections.binarySearch(leaf.keys(), key);
                return i >= 0 ? leaf.entries().get(i) : TreeNode.Entry.NONE;
            }
        }
        return TreeNode.Entry.NONE;
    }

    void putOrDelete(long key, TreeNode.Entry e) {
        if (e.isEmpty()) {
            delete(key);
        } else {
            put(key, e);
        }
    }

    void settle() {
        while (!pending.isEmpty()) {
            Event ev = pending.removeFirst();
            if (ev.allocated()) {
                put(ev.page(), get(ev.page()).withNodePage(true));
                // FLAW SPLIT_NODE_UNTRACED: a split's new sibling is left untraced.
                if (!(ev.bySplit() && flaw == TreeImplFlaw.SPLIT_NODE_UNTRACED)) {
                    trace(ev.page(), true);
                }
            } else {
                TreeNode.Entry e = get(ev.page()).withNodePage(false);
                putOrDelete(ev.page(), e);
                // FLAW FREED_NODE_STAYS_TRACED: the freed page keeps its trace.
                if (e.mapping().isEmpty() && flaw != TreeImplFlaw.FREED_NODE_STAYS_TRACED) {
                    trace(ev.page(), false);
                }
            }
        }
    }

    void tearDown() {
        List<Long> all = new ArrayList<>();
        if (root != TreeRootCell.NONE) {
            collect(root, all);
        }
        Collections.sort(all);
        for (long page : all) {
            if (flaw != TreeImplFlaw.FREED_NODE_STAYS_TRACED) {
                trace(page, false);
            }
            freedNow.add(page);
            touched.put(page, null);
        }
        root = TreeRootCell.NONE;
        levels = -1;
    }

    private void collect(long page, List<Long> out) {
        out.add(page);
        if (node(page) instanceof TreeNode.Interior in) {
            for (long child : in.children()) {
                collect(child, out);
            }
        }
    }

    private long allocate(boolean bySplit) {
        long page = pool.take();
        if (page == TreeRootCell.NONE) {
            throw new PoolExhausted();
        }
        taken.add(page);
        pending.addLast(new Event(page, true, bySplit));
        return page;
    }

    private void release(long page) {
        touched.put(page, null);
        freedNow.add(page);
        pending.addLast(new Event(page, false, false));
    }

    void abort() {
        taken.forEach(pool::giveBack);
    }

    void commit() {
        for (Map.Entry<Long, TreeNode> t : touched.entrySet()) {
            if (t.getValue() == null) {
                memory.scrub(t.getKey());
            } else {
                memory.write(t.getKey(), t.getValue());
            }
        }
        cell.store(root, levels, mapped);
        traces.forEach(this::setTrace);
        freedNow.forEach(pool::giveBack);
    }

    // ---- insert -----------------------------------------------------------------------

    void put(long key, TreeNode.Entry e) {
        if (root == TreeRootCell.NONE) {
            long page = allocate(false);
            store(page, new TreeNode.Leaf(List.of(), List.of()));
            root = page;
            levels = 0;
        }
        Split s = insert(root, key, e);
        if (s != null) {
            long page = allocate(false);
            store(page, new TreeNode.Interior(List.of(s.separator()), List.of(root, s.rightPage())));
            root = page;
            levels++;
        }
    }

    private Split insert(long page, long key, TreeNode.Entry e) {
        TreeNode n = node(page);
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
                store(page, new TreeNode.Leaf(keys, entries));
                return null;
            }
            int half = keys.size() / 2;
            long right = allocate(true);
            store(page, new TreeNode.Leaf(keys.subList(0, half), entries.subList(0, half)));
            store(right, new TreeNode.Leaf(keys.subList(half, keys.size()), entries.subList(half, entries.size())));
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
            store(page, new TreeNode.Interior(seps, kids));
            return null;
        }
        int leftKids = (kids.size() + 1) / 2;
        long up = seps.get(leftKids - 1);
        long right = allocate(true);
        store(page, new TreeNode.Interior(seps.subList(0, leftKids - 1), kids.subList(0, leftKids)));
        store(right, new TreeNode.Interior(seps.subList(leftKids, seps.size()), kids.subList(leftKids, kids.size())));
        return new Split(up, right);
    }

    // ---- delete -----------------------------------------------------------------------

    private void delete(long key) {
        if (root == TreeRootCell.NONE) {
            return;
        }
        remove(root, key);
        TreeNode r = node(root);
        if (r instanceof TreeNode.Interior in && in.size() == 1) {
            long old = root;
            root = in.children().get(0);
            levels--;
            release(old);
        } else if (r instanceof TreeNode.Leaf leaf && leaf.size() == 0) {
            long old = root;
            root = TreeRootCell.NONE;
            levels = -1;
            release(old);
        }
    }

    private boolean remove(long page, long key) {
        TreeNode n = node(page);
        if (n instanceof TreeNode.Leaf leaf) {
            int i = Collections.binarySearch(leaf.keys(), key);
            if (i < 0) {
                return false;
            }
            List<Long> keys = new ArrayList<>(leaf.keys());
            List<TreeNode.Entry> entries = new ArrayList<>(leaf.entries());
            keys.remove(i);
            entries.remove(i);
            store(page, new TreeNode.Leaf(keys, entries));
            return keys.size() < BPlusTree.MIN;
        }
        TreeNode.Interior in = (TreeNode.Interior) n;
        int ci = in.childIndex(key);
        if (remove(in.children().get(ci), key)) {
            rebalance(page, ci);
        }
        return node(page).size() < BPlusTree.MIN;
    }

    /** Child {@code ci} of {@code parentPage} is underfull: borrow from a sibling (left first), or merge. */
    private void rebalance(long parentPage, int ci) {
        TreeNode.Interior parent = (TreeNode.Interior) node(parentPage);
        int li = ci > 0 ? ci - 1 : ci;
        long leftPage = parent.children().get(li);
        long rightPage = parent.children().get(li + 1);
        TreeNode left = node(leftPage);
        TreeNode right = node(rightPage);
        boolean siblingIsLeft = li != ci;
        TreeNode sibling = siblingIsLeft ? left : right;
        List<Long> pseps = new ArrayList<>(parent.separators());
        List<Long> pkids = new ArrayList<>(parent.children());
        if (sibling.size() > BPlusTree.MIN) {
            borrow(left, right, leftPage, rightPage, siblingIsLeft, pseps, li);
            store(parentPage, new TreeNode.Interior(pseps, pkids));
            return;
        }
        // merge the right node into the left; the right node's page is freed
        if (left instanceof TreeNode.Leaf l && right instanceof TreeNode.Leaf r) {
            store(leftPage, new TreeNode.Leaf(concat(l.keys(), r.keys()), concat(l.entries(), r.entries())));
        } else {
            TreeNode.Interior l = (TreeNode.Interior) left;
            TreeNode.Interior r = (TreeNode.Interior) right;
            List<Long> seps = new ArrayList<>(l.separators());
            seps.add(pseps.get(li));
            seps.addAll(r.separators());
            store(leftPage, new TreeNode.Interior(seps, concat(l.children(), r.children())));
        }
        pseps.remove(li);
        pkids.remove(li + 1);
        store(parentPage, new TreeNode.Interior(pseps, pkids));
        release(rightPage);
    }

    private void borrow(
            TreeNode left, TreeNode right, long leftPage, long rightPage, boolean fromLeft, List<Long> pseps, int li) {
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
            store(leftPage, new TreeNode.Leaf(lk, le));
            store(rightPage, new TreeNode.Leaf(rk, re));
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
        store(leftPage, new TreeNode.Interior(ls, lc));
        store(rightPage, new TreeNode.Interior(rs, rc));
    }

    /** Starts an edit of the tree whose cell, pool and node memory these are. */
    TreeEdit(TreeRootCell cell, NodePagePool pool, NodeMemory memory, TracingService tracing, TreeImplFlaw flaw) {
        this.cell = cell;
        this.pool = pool;
        this.memory = memory;
        this.tracing = tracing;
        this.flaw = flaw;
        this.root = cell.basePointer();
        this.levels = cell.height();
        this.mapped = cell.mapped();
    }

    private void setTrace(long page, boolean traced) {
        GuestPhysicalPage p = new GuestPhysicalPage(page);
        boolean owned = tracing.owners(p).contains(ProtectedPageTree.OWNER);
        if (traced && !owned) {
            tracing.addTrace(ProtectedPageTree.OWNER, p);
        } else if (!traced && owned) {
            tracing.removeTrace(ProtectedPageTree.OWNER, p);
        }
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
