package org.hvproof.impl.tree;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import org.hvproof.impl.machine.HostMemory;
import org.hvproof.impl.machine.HypercallHandler;
import org.hvproof.impl.machine.Hypervisor;
import org.hvproof.impl.machine.NestedEntry;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.impl.machine.VirtualCpu;
import org.hvproof.impl.tracing.TraceListener;
import org.hvproof.impl.tracing.TracingService;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.Notification;
import org.hvproof.model.common.Observation;
import org.hvproof.model.common.Owner;
import org.hvproof.model.common.Privilege;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.AlertCause;
import org.hvproof.model.tree.BPlusTree;
import org.hvproof.model.tree.PageRange;
import org.hvproof.model.tree.RequestCode;
import org.hvproof.model.tree.TreeConfig;
import org.hvproof.model.tree.TreeNode;
import org.hvproof.model.tree.TreeObservation;
import org.hvproof.model.tree.Writer;

/**
 * The hypervisor's traced tree of protected-page mappings: a B+-tree of order
 * {@value org.hvproof.model.tree.BPlusTree#ORDER} keyed by guest-physical page, each node
 * serialized ({@link NodeCodec}) into its own guest-physical page from a node pool, written by
 * the hypervisor straight into the host frame backing that page. Node pages are keys of the same
 * tree (their entry says "stores a node"), so one walk answers both questions a notification
 * asks. Every node page and every mapped page carries the tree's trace ({@link #OWNER}).
 *
 * <p>What lives in hypervisor memory, out of every guest's reach (TREE-6): the base pointer (the
 * root's page) and the tree's height are fields of this object; the free part of the pool and
 * the count of mapped pages likewise. The guest can reach node pages only through the nested
 * page tables, where their write bit is cleared.
 *
 * <p>Requests ({@link #protect}, {@link #unprotect}) are decoded first (one place, raw hostile
 * arguments become a {@link RequestCode}), checked against the tree, then performed on a write-back
 * copy of the touched nodes; only a request that succeeds entirely is written to the node pages
 * and the traces, so a request that runs out of pool pages changes nothing. The tree is written
 * by the hypervisor, on behalf of whoever may make requests (the integrity driver from integrity
 * mode; that gate is the integrity mechanism's).
 *
 * <p>A notified write ({@link #onTracedWrite}) is looked up from the base pointer, reading the
 * serialized nodes from memory: the node-page mark first (TREE-2), then the leaf mapping
 * (TREE-1); the alert's action decides whether the write completes. The walk counts the nodes
 * it reads (TREE-5).
 */
public final class ProtectedPageTree implements TraceListener {
    /** The tracing owner of every trace the tree holds. */
    public static final Owner OWNER = new Owner("tree");
    /** The hypercall numbers {@link #protectHypercall()} and {@link #unprotectHypercall()} are meant for. */
    public static final long PROTECT_HYPERCALL = 0x7470_0001L;

    public static final long UNPROTECT_HYPERCALL = 0x7470_0002L;

    private static final long NONE = -1;
    /** A walk longer than this is reading a corrupt structure (only a flawed tree gets there). */
    private static final int MAX_WALK = 64;

    private final Hypervisor hypervisor;
    private final HostMemory memory;
    private final TracingService tracing;
    private final TreeConfig config;
    private final TreeImplFlaw flaw;

    // ---- hypervisor memory: no guest access reaches these (TREE-6) -------------------------
    private long rootPage = NONE;
    private int height = -1;
    private long mapped;
    /** Bit i set: pool page {@code poolFirst + i} is free. */
    private final BitSet free;
    /** Host frame backing pool page {@code poolFirst + i}; 0 until first used. */
    private final long[] poolFrames;

    /** A tree on {@code hypervisor} using {@code tracing}, listening for its owner's notifications. */
    public ProtectedPageTree(Hypervisor hypervisor, TracingService tracing, TreeConfig config, TreeImplFlaw flaw) {
        this.hypervisor = Objects.requireNonNull(hypervisor, "hypervisor");
        this.memory = hypervisor.machine().memory();
        this.tracing = Objects.requireNonNull(tracing, "tracing");
        this.config = Objects.requireNonNull(config, "config");
        this.flaw = Objects.requireNonNull(flaw, "flaw");
        if (config.guestPages() > hypervisor.machine().shape().guestPhysicalPages()) {
            throw new IllegalArgumentException("the tree covers " + config.guestPages() + " pages, the guest has "
                    + hypervisor.machine().shape().guestPhysicalPages());
        }
        this.free = new BitSet(config.poolSize());
        free.set(0, config.poolSize());
        this.poolFrames = new long[config.poolSize()];
        tracing.setListener(OWNER, this);
    }

    public TreeConfig config() {
        return config;
    }

    public TreeImplFlaw flaw() {
        return flaw;
    }

    // ---- requests ---------------------------------------------------------------------------

    /** Protects the pages of {@code [start, start + length)} with the action of raw code {@code actionCode}. */
    public RequestCode protect(long start, long length, long actionCode) {
        Decoded d = decode(start, length);
        if (d.code != RequestCode.OK) {
            return d.code;
        }
        Optional<AlertAction> action = AlertAction.fromRequestCode(actionCode);
        if (action.isEmpty()) {
            return RequestCode.UNKNOWN_ACTION;
        }
        // Guard: no page of the range is protected already.
        for (long page = d.first; page < d.end; page++) {
            if (lookup(page).mapping().isPresent()) {
                return RequestCode.OVERLAPS;
            }
        }
        Edit ed = new Edit();
        try {
            for (long page = d.first; page < d.end; page++) {
                ed.put(page, ed.get(page).withMapping(action));
                ed.trace(page, true);
                ed.mapped++;
                ed.settle();
            }
        } catch (PoolExhausted | CorruptNode e) {
            ed.abort();
            return e instanceof PoolExhausted ? RequestCode.POOL_EXHAUSTED : RequestCode.OUT_OF_RANGE;
        }
        ed.commit();
        return RequestCode.OK;
    }

    /** Removes the protection of every page of {@code [start, start + length)}. */
    public RequestCode unprotect(long start, long length) {
        Decoded d = decode(start, length);
        if (d.code != RequestCode.OK) {
            return d.code;
        }
        // Guard: every page of the range is protected.
        for (long page = d.first; page < d.end; page++) {
            if (lookup(page).mapping().isEmpty()) {
                return RequestCode.NOT_PROTECTED;
            }
        }
        Edit ed = new Edit();
        try {
            for (long page = d.first; page < d.end; page++) {
                TreeNode.Entry e = ed.get(page).withMapping(Optional.empty());
                ed.putOrDelete(page, e);
                if (!e.nodePage()) {
                    ed.trace(page, false);
                }
                ed.mapped--;
                ed.settle();
            }
            if (ed.mapped == 0) {
                ed.tearDown();
            }
        } catch (PoolExhausted | CorruptNode e) {
            ed.abort();
            return e instanceof PoolExhausted ? RequestCode.POOL_EXHAUSTED : RequestCode.OUT_OF_RANGE;
        }
        ed.commit();
        return RequestCode.OK;
    }

    /** The protect request as a hypercall (start, length, action): status is the request code's ordinal. */
    public HypercallHandler protectHypercall() {
        return (cpu, start, length, action) -> protect(start, length, action).ordinal();
    }

    /** The unprotect request as a hypercall (start, length): status is the request code's ordinal. */
    public HypercallHandler unprotectHypercall() {
        return (cpu, start, length, unused) -> unprotect(start, length).ordinal();
    }

    private record Decoded(RequestCode code, long first, long end) {
        static Decoded refused(RequestCode code) {
            return new Decoded(code, 0, 0);
        }
    }

    /** Decode: the raw range, checked in a fixed order before anything is touched. */
    private Decoded decode(long start, long length) {
        // 1. a length that names no page
        if (length <= 0) {
            return Decoded.refused(RequestCode.EMPTY);
        }
        // 2. both ends page-aligned
        if (start % PageRange.PAGE_SIZE != 0 || length % PageRange.PAGE_SIZE != 0) {
            return Decoded.refused(RequestCode.UNALIGNED);
        }
        long count = length / PageRange.PAGE_SIZE;
        // 3. bounded work per request
        if (count > config.maxPagesPerRequest()) {
            return Decoded.refused(RequestCode.TOO_LARGE);
        }
        // 4. inside the guest memory the tree covers, without overflow
        long first = start / PageRange.PAGE_SIZE;
        if (start < 0 || first >= config.guestPages() || count > config.guestPages() - first) {
            return Decoded.refused(RequestCode.OUT_OF_RANGE);
        }
        return new Decoded(RequestCode.OK, first, first + count);
    }

    // ---- notifications ------------------------------------------------------------------------

    /** What one look-up found: the page's node-page mark and mapping, and the nodes read. */
    public record Lookup(long page, boolean nodePage, Optional<AlertAction> mapping, int nodesVisited) {}

    /**
     * Walks from the base pointer to the leaf whose key range holds {@code page}, reading the
     * serialized nodes from memory, and counts the nodes read.
     */
    public Lookup lookup(long page) {
        long at = basePointer();
        int visited = 0;
        while (at != NONE && visited < MAX_WALK) {
            long frame = frameOf(at);
            visited++;
            long header = frame == 0 ? 0 : word(frame, 0);
            int kind = NodeCodec.kind(header);
            int count = NodeCodec.count(header);
            if (kind == NodeCodec.INTERIOR) {
                int i = 0;
                while (i < count - 1 && word(frame, 1 + i) <= page) {
                    i++;
                }
                at = word(frame, NodeCodec.CHILDREN_AT + i);
            } else if (kind == NodeCodec.LEAF) {
                int lo = 0;
                int hi = count - 1;
                while (lo <= hi) {
                    int mid = (lo + hi) >>> 1;
                    long key = word(frame, 1 + 2 * mid);
                    if (key < page) {
                        lo = mid + 1;
                    } else if (key > page) {
                        hi = mid - 1;
                    } else {
                        TreeNode.Entry e = NodeCodec.entry(word(frame, 2 + 2 * mid));
                        return e == null
                                ? new Lookup(page, false, Optional.empty(), visited)
                                : new Lookup(page, e.nodePage(), e.mapping(), visited);
                    }
                }
                break;
            } else {
                break; // not a node: nothing found
            }
        }
        return new Lookup(page, false, Optional.empty(), visited);
    }

    /**
     * A write to a page the tree traces: walk, then the node-page alert (blocks), else the
     * mapping's alert with its action, else nothing. Pure: what it returns is seen only if the
     * whole access goes ahead.
     */
    @Override
    public Verdict onTracedWrite(VirtualCpu cpu, Notification notification) {
        long page = notification.page().number();
        Lookup found = lookup(page);
        List<Observation> seen = new ArrayList<>(2);
        seen.add(new TreeEvent(new TreeObservation.Walk(page, found.nodesVisited(), Math.max(height, 0))));
        Writer writer = new Writer(cpu.id().id(), cpu.instructionPointer(), cpu.privilege() == Privilege.USER ? 3 : 0);
        AlertAction action = null;
        AlertCause cause = null;
        if (flaw == TreeImplFlaw.LOOKUP_MAPPINGS_FIRST && found.mapping().isPresent()) {
            // FLAW: the mapping wins over the node-page mark.
            action = found.mapping().get();
            cause = AlertCause.MAPPED_PAGE;
        } else if (found.nodePage()) {
            action = AlertAction.TREE_NODE;
            cause = AlertCause.NODE_PAGE;
        } else if (found.mapping().isPresent()) {
            action = found.mapping().get();
            cause = AlertCause.MAPPED_PAGE;
        }
        if (action == null) {
            return new Verdict(seen, true);
        }
        seen.add(new TreeEvent(new TreeObservation.Alert(page, cause, action, writer)));
        return new Verdict(seen, action.completesWrite());
    }

    // ---- what the abstraction function reads ---------------------------------------------------

    /** The base pointer: the root's page, empty for no tree. Read where the tree keeps it. */
    public Optional<Long> root() {
        long r = basePointer();
        return r == NONE ? Optional.empty() : Optional.of(r);
    }

    /** Levels below the root (-1: no tree), kept beside the base pointer. */
    public int height() {
        return height;
    }

    /** Mapped pages, as counted in hypervisor memory. */
    public long mappedPageCount() {
        return mapped;
    }

    /** The free part of the node pool. */
    public SortedSet<Long> freePool() {
        SortedSet<Long> out = new TreeSet<>();
        for (int i = free.nextSetBit(0); i >= 0; i = free.nextSetBit(i + 1)) {
            out.add(config.poolFirst() + i);
        }
        return Collections.unmodifiableSortedSet(out);
    }

    /** A copy of the allocator's bits (bit i: pool page {@code poolFirst + i} is free). */
    public BitSet freeBits() {
        return (BitSet) free.clone();
    }

    /** The guest page that holds the base pointer under {@link TreeImplFlaw#WALK_FROM_GUEST_POINTER}. */
    public long guestPointerPage() {
        return config.poolFirst() - 1;
    }

    private long basePointer() {
        if (flaw == TreeImplFlaw.WALK_FROM_GUEST_POINTER && config.poolFirst() > 0) {
            // FLAW: the walk trusts a pointer the guest can write (stored as page + 1; 0 = none).
            long stored = hypervisor.machine().peekGuestPhysicalLong(ViewId.DEFAULT, guestPointerPage() << 12);
            return stored == 0 ? NONE : stored - 1;
        }
        return rootPage;
    }

    // ---- node pages in memory -------------------------------------------------------------------

    /** The host frame backing node page {@code page}: pinned for pool pages, else the nested table's; 0 if none. */
    private long frameOf(long page) {
        long i = page - config.poolFirst();
        if (i >= 0 && i < config.poolSize()) {
            long f = poolFrames[(int) i];
            if (f == 0 && hypervisor.populate(ViewId.DEFAULT, new GuestPhysicalPage(page))) {
                f = hypervisor
                        .machine()
                        .defaultView()
                        .leaf(new GuestPhysicalPage(page))
                        .map(NestedEntry::hostFrame)
                        .orElse(0L);
                poolFrames[(int) i] = f;
            }
            return f;
        }
        // Only a corrupt (guest-written) base pointer leads outside the pool.
        if (page < 0 || page >= GuestPhysicalPage.LIMIT) {
            return 0;
        }
        return hypervisor
                .machine()
                .defaultView()
                .leaf(new GuestPhysicalPage(page))
                .map(NestedEntry::hostFrame)
                .orElse(0L);
    }

    private long word(long frame, int index) {
        return memory.readLong((frame << 12) + 8L * index);
    }

    private TreeNode readNode(long page) {
        long frame = frameOf(page);
        return frame == 0 ? null : NodeCodec.decode(i -> word(frame, (int) i));
    }

    private void writeNode(long page, TreeNode node) {
        // Every word a node of either kind can use is rewritten, so no stale word of an earlier
        // node survives; the rest of the page is never read.
        long frame = frameOf(page);
        long[] words = new long[NodeCodec.WORDS];
        for (NodeCodec.Word w : NodeCodec.encode(node)) {
            words[w.index()] = w.value();
        }
        for (int i = 0; i < words.length; i++) {
            memory.writeLong((frame << 12) + 8L * i, words[i]);
        }
    }

    private void scrubNode(long page) {
        memory.clearFrame(frameOf(page));
    }

    private void setTrace(long page, boolean traced) {
        GuestPhysicalPage p = new GuestPhysicalPage(page);
        boolean owned = tracing.owners(p).contains(OWNER);
        if (traced && !owned) {
            tracing.addTrace(OWNER, p);
        } else if (!traced && owned) {
            tracing.removeTrace(OWNER, p);
        }
    }

    // ---- editing ----------------------------------------------------------------------------

    private static final class PoolExhausted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PoolExhausted() {
            super(null, null, false, false);
        }
    }

    /** A node page that does not decode: only a tree whose base pointer the guest could write gets here. */
    private static final class CorruptNode extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CorruptNode() {
            super(null, null, false, false);
        }
    }

    private record Split(long separator, long rightPage) {}

    /** A node page allocated or freed during this request, awaiting its entry and its trace. */
    private record Event(long page, boolean allocated, boolean bySplit) {}

    /**
     * One request's write-back copy: nodes read from memory on first touch, changed here, and
     * written to their pages (with the traces, the base pointer and the pool) only on commit.
     */
    private final class Edit {
        long root = basePointer();
        int levels = height;
        long mapped = ProtectedPageTree.this.mapped;
        /** Touched nodes; a null value is a node freed in this request. */
        final Map<Long, TreeNode> touched = new HashMap<>();

        final List<Long> taken = new ArrayList<>();
        final List<Long> freedNow = new ArrayList<>();
        final Deque<Event> pending = new ArrayDeque<>();
        /** Trace changes in order; the last one for a page wins. */
        final Map<Long, Boolean> traces = new LinkedHashMap<>();

        void trace(long page, boolean traced) {
            traces.remove(page);
            traces.put(page, traced);
        }

        TreeNode node(long page) {
            if (touched.containsKey(page)) {
                TreeNode n = touched.get(page);
                if (n == null) {
                    throw new CorruptNode();
                }
                return n;
            }
            TreeNode n = readNode(page);
            if (n == null) {
                throw new CorruptNode();
            }
            return n;
        }

        void store(long page, TreeNode n) {
            touched.put(page, n);
        }

        TreeNode.Entry get(long key) {
            long at = root;
            int guard = 0;
            while (at != NONE && guard++ < MAX_WALK) {
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
            if (root != NONE) {
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
            root = NONE;
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

        long allocate(boolean bySplit) {
            int i = free.nextSetBit(0);
            if (i < 0) {
                throw new PoolExhausted();
            }
            free.clear(i);
            long page = config.poolFirst() + i;
            taken.add(page);
            pending.addLast(new Event(page, true, bySplit));
            return page;
        }

        void release(long page) {
            touched.put(page, null);
            freedNow.add(page);
            pending.addLast(new Event(page, false, false));
        }

        void abort() {
            for (long page : taken) {
                free.set((int) (page - config.poolFirst()));
            }
        }

        void commit() {
            for (Map.Entry<Long, TreeNode> t : touched.entrySet()) {
                if (t.getValue() == null) {
                    scrubNode(t.getKey());
                } else {
                    writeNode(t.getKey(), t.getValue());
                }
            }
            rootPage = root;
            height = levels;
            ProtectedPageTree.this.mapped = mapped;
            if (flaw == TreeImplFlaw.WALK_FROM_GUEST_POINTER && config.poolFirst() > 0) {
                hypervisor.storeGuestPhysicalLong(
                        ViewId.DEFAULT, guestPointerPage() << 12, root == NONE ? 0 : root + 1);
            }
            traces.forEach(ProtectedPageTree.this::setTrace);
            for (long page : freedNow) {
                free.set((int) (page - config.poolFirst()));
            }
        }

        // ---- insert -----------------------------------------------------------------------

        void put(long key, TreeNode.Entry e) {
            if (root == NONE) {
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
            store(
                    right,
                    new TreeNode.Interior(seps.subList(leftKids, seps.size()), kids.subList(leftKids, kids.size())));
            return new Split(up, right);
        }

        // ---- delete -----------------------------------------------------------------------

        void delete(long key) {
            if (root == NONE) {
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
                root = NONE;
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
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
