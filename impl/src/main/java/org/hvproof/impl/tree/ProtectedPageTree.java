package org.hvproof.impl.tree;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import org.hvproof.impl.machine.HypercallHandler;
import org.hvproof.impl.machine.Hypervisor;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.impl.machine.VirtualCpu;
import org.hvproof.impl.tracing.TraceListener;
import org.hvproof.impl.tracing.TracingService;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.Notification;
import org.hvproof.model.common.Owner;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.PageSet;
import org.hvproof.model.tree.RequestCode;
import org.hvproof.model.tree.TreeConfig;
import org.hvproof.model.tree.TreeNode;
import org.hvproof.model.tree.TreeState;

/**
 * The hypervisor's traced tree of protected-page mappings: a B+-tree of the configured order
 * ({@link TreeConfig#shape}) keyed by guest-physical page, each node
 * serialized ({@link NodeCodec}) into its own guest-physical page from a node pool, written by
 * the hypervisor straight into the host frame backing that page. Node pages are keys of the same
 * tree (their entry says "stores a node"), so one walk answers both questions a notification
 * asks. Alone, every node page and every mapped page carries the tree's trace ({@link #OWNER});
 * as another service's protection store ({@link #store}, TREE-7) only the node pages do, in every
 * view backed by the guest's frames ({@link #coverViews}), and the mapped pages are that service's
 * to trace and answer.
 *
 * <p>What lives in hypervisor memory, out of every guest's reach (TREE-6): the base pointer (the
 * root's page), the tree's height and the count of mapped pages ({@link TreeRootCell}) and the
 * free part of the pool ({@link NodePagePool}). The guest can reach node pages ({@link
 * NodeMemory}) only through the nested page tables, where their write bit is cleared.
 *
 * <p>Requests ({@link #protect}, {@link #unprotect}) are decoded first ({@link TreeRequestDecoder}:
 * raw hostile arguments become a {@link RequestCode}), checked against the tree, then performed on
 * a write-back copy of the touched nodes ({@link TreeEdit}); only a request that succeeds entirely is written to the node pages
 * and the traces, so a request that runs out of pool pages changes nothing. A request holds the
 * tree lock from its start ({@link #startProtect}, {@link #startUnprotect}) through the
 * micro-steps of its commit ({@link TreeCommitStep}, one per {@link #continueRequest}), between
 * which other vCPUs write; it takes effect at {@link TreeCommitStep#PUBLISH}, and until then the
 * published tree (what the root cell names) is the one before it. The tree is written
 * by the hypervisor, on behalf of whoever may make requests (the integrity driver from integrity
 * mode; that gate is the integrity mechanism's).
 *
 * <p>A notified write ({@link #onTracedWrite}) is looked up from the base pointer ({@link TreeWalk}),
 * reading the serialized nodes from memory, and answered ({@link TreeAlerts}): the node-page mark first (TREE-2), then the leaf mapping
 * (TREE-1); the alert's action decides whether the write completes. The walk counts the nodes
 * it reads (TREE-5).
 */
public final class ProtectedPageTree implements TraceListener {
    /** The tracing owner of every trace the tree holds. */
    public static final Owner OWNER = new Owner("tree");
    /** The hypercall numbers {@link #protectHypercall()} and {@link #unprotectHypercall()} are meant for. */
    public static final long PROTECT_HYPERCALL = 0x7470_0001L;

    public static final long UNPROTECT_HYPERCALL = 0x7470_0002L;

    private final Hypervisor hypervisor;
    private final TracingService tracing;
    private final TreeConfig config;
    /** Alone, the tree traces node pages and mapped pages; as a protection store, node pages only. */
    private final boolean tracesMappings;
    /** The views whose nested page tables carry the tree's traces so far, in creation order. */
    private final List<ViewId> covered = new ArrayList<>();

    private final TreeImplFlaw flaw;
    private final TreeRootCell cell;
    private final NodePagePool pool;
    private final NodeMemory memory;
    private final TreeWalk walk;
    /** The abstraction function over this tree, made on first use ({@link #readState}). */
    private TreeAbstraction abstraction;

    /** A tree on {@code hypervisor} using {@code tracing}, listening for its owner's notifications. */
    public ProtectedPageTree(Hypervisor hypervisor, TracingService tracing, TreeConfig config, TreeImplFlaw flaw) {
        this(hypervisor, tracing, config, flaw, true);
    }

    /**
     * A tree that is another service's protection store (TREE-7): it traces its node pages only,
     * in every view, and answers writes to them; its mapped pages are the store owner's to trace
     * and to answer, so that each write has one answerer.
     */
    public static ProtectedPageTree store(
            Hypervisor hypervisor, TracingService tracing, TreeConfig config, TreeImplFlaw flaw) {
        return new ProtectedPageTree(hypervisor, tracing, config, flaw, false);
    }

    private ProtectedPageTree(
            Hypervisor hypervisor,
            TracingService tracing,
            TreeConfig config,
            TreeImplFlaw flaw,
            boolean tracesMappings) {
        this.hypervisor = Objects.requireNonNull(hypervisor, "hypervisor");
        this.tracesMappings = tracesMappings;
        this.tracing = Objects.requireNonNull(tracing, "tracing");
        this.config = Objects.requireNonNull(config, "config");
        this.flaw = Objects.requireNonNull(flaw, "flaw");
        if (config.guestPages() > hypervisor.guestRamPages(ViewId.DEFAULT)) {
            throw new IllegalArgumentException("the tree covers " + config.guestPages() + " pages, the guest has "
                    + hypervisor.guestRamPages(ViewId.DEFAULT));
        }
        this.cell = new TreeRootCell(hypervisor, config, flaw);
        this.pool = new NodePagePool(config);
        this.memory = new NodeMemory(hypervisor, config);
        this.walk = new TreeWalk(memory, flaw);
        tracing.setListener(OWNER, this);
    }

    public TreeConfig config() {
        return config;
    }

    public TreeImplFlaw flaw() {
        return flaw;
    }

    // ---- requests ---------------------------------------------------------------------------

    /**
     * Protects the pages of {@code [start, start + length)} with the action of raw code {@code
     * actionCode}, as one call: a request in flight is finished first (the caller waits for the
     * tree lock), then this one is started and all its micro-steps run.
     */
    public RequestCode protect(long start, long length, long actionCode) {
        finishRequest();
        RequestCode code = startProtect(start, length, actionCode);
        finishRequest();
        return code;
    }

    /** Removes the protection of every page of {@code [start, start + length)}, as one call (see {@link #protect}). */
    public RequestCode unprotect(long start, long length) {
        finishRequest();
        RequestCode code = startUnprotect(start, length);
        finishRequest();
        return code;
    }

    /**
     * Starts protecting the pages of {@code [start, start + length)} with the action of raw code
     * {@code actionCode}: the request is decoded, checked against the published tree and its
     * edit computed, holding the tree lock. {@link RequestCode#OK}: the request is in flight and
     * takes effect at its {@link TreeCommitStep#PUBLISH} ({@link #continueRequest}); any other
     * code: refused, nothing changed, the lock released. Only one request at a time: the caller
     * must not start one while another is in flight ({@link #requestInFlight}).
     */
    public RequestCode startProtect(long start, long length, long actionCode) {
        requireLockFree();
        TreeRequestDecoder.Decoded d = TreeRequestDecoder.decode(start, length, config, flaw);
        if (d.code() != RequestCode.OK) {
            return d.code();
        }
        Optional<AlertAction> action = AlertAction.fromRequestCode(actionCode);
        if (action.isEmpty()) {
            return RequestCode.UNKNOWN_ACTION;
        }
        // Guard: no page of the range is protected already.
        for (long page = d.first(); page < d.end(); page++) {
            if (lookup(page).mapping().isPresent()) {
                return RequestCode.OVERLAPS;
            }
        }
        // FLAW REFUSES_WITH_ROOM: the worst case reserved up front, whatever the insert needs.
        if (flaw == TreeImplFlaw.REFUSES_WITH_ROOM
                && pool.freeCount() < (d.end() - d.first() + 1) * (Math.max(cell.height(), 0) + 2L)) {
            return RequestCode.POOL_EXHAUSTED;
        }
        TreeEdit ed = edit();
        try {
            for (long page = d.first(); page < d.end(); page++) {
                ed.put(
                        page,
                        (ed.get(page) & ~TreeEdit.MAPPING) | (long) action.get().requestCode() << 8);
                if (tracesMappings) {
                    ed.trace(page, true);
                }
                ed.countMapped(1);
                ed.settle();
            }
        } catch (TreeEdit.PoolExhausted | TreeEdit.CorruptNode e) {
            ed.abort();
            return e instanceof TreeEdit.PoolExhausted ? RequestCode.POOL_EXHAUSTED : RequestCode.OUT_OF_RANGE;
        }
        ed.seal();
        inFlight = ed;
        return RequestCode.OK;
    }

    /** Starts removing the protection of every page of {@code [start, start + length)} (see {@link #startProtect}). */
    public RequestCode startUnprotect(long start, long length) {
        requireLockFree();
        TreeRequestDecoder.Decoded d = TreeRequestDecoder.decode(start, length, config, flaw);
        if (d.code() != RequestCode.OK) {
            return d.code();
        }
        // Guard: every page of the range is protected.
        for (long page = d.first(); page < d.end(); page++) {
            if (lookup(page).mapping().isEmpty()) {
                return RequestCode.NOT_PROTECTED;
            }
        }
        TreeEdit ed = edit();
        try {
            for (long page = d.first(); page < d.end(); page++) {
                long e = ed.get(page) & ~TreeEdit.MAPPING;
                ed.putOrDelete(page, e);
                if (tracesMappings && (e & TreeEdit.NODE_PAGE) == 0) {
                    ed.trace(page, false);
                }
                ed.countMapped(-1);
                ed.settle();
            }
            if (ed.mapped() == 0) {
                ed.tearDown();
            }
        } catch (TreeEdit.PoolExhausted | TreeEdit.CorruptNode e) {
            ed.abort();
            return e instanceof TreeEdit.PoolExhausted ? RequestCode.POOL_EXHAUSTED : RequestCode.OUT_OF_RANGE;
        }
        ed.seal();
        inFlight = ed;
        return RequestCode.OK;
    }

    /**
     * The pool pages a protect of the {@code count} pages from {@code firstPage} would take from the
     * published tree now, or empty when the free pool cannot give them (the insert stops at the
     * first node it cannot get, which is when {@link #startProtect} answers {@link
     * RequestCode#POOL_EXHAUSTED}). A dry run of the same insert on a write-back copy, given back
     * at once: nothing changes, no view is covered, no lock is taken. It lets a checker tell a
     * refusal for want of node pages from one made with room (TREE-7). The range is taken as
     * decoded, none of it mapped; the lock must be free.
     */
    public OptionalInt nodesToProtect(long firstPage, long count) {
        requireLockFree();
        TreeEdit ed = new TreeEdit(cell, pool, memory, tracing, flaw, covered, tracesMappings);
        int freeBefore = pool.bits().cardinality();
        try {
            for (long page = firstPage; page < firstPage + count; page++) {
                ed.put(page, (ed.get(page) & ~TreeEdit.MAPPING) | (long) AlertAction.BLOCK.requestCode() << 8);
                ed.settle();
            }
            return OptionalInt.of(freeBefore - pool.bits().cardinality());
        } catch (TreeEdit.PoolExhausted e) {
            return OptionalInt.empty();
        } catch (TreeEdit.CorruptNode e) {
            throw new IllegalStateException("the published tree has a corrupt node below page " + firstPage, e);
        } finally {
            ed.abort();
        }
    }

    /** The request in flight: it holds the tree lock until its last micro-step has run (null: none). */
    private TreeEdit inFlight;

    private void requireLockFree() {
        if (inFlight != null) {
            throw new IllegalStateException("a tree request is in flight: the tree lock is held");
        }
    }

    /** Whether a request holds the tree lock: started and not all its micro-steps run. */
    public boolean requestInFlight() {
        return inFlight != null;
    }

    /** The micro-step the request in flight runs next; empty when none is in flight. */
    public Optional<TreeCommitStep> nextStep() {
        return inFlight == null ? Optional.empty() : inFlight.next();
    }

    /**
     * Runs the next micro-step of the request in flight and returns it; after the last one the
     * request is finished and the lock released. Empty, and nothing done, when none is in flight.
     */
    public Optional<TreeCommitStep> continueRequest() {
        if (inFlight == null) {
            return Optional.empty();
        }
        TreeCommitStep step = inFlight.runNext();
        if (inFlight.next().isEmpty()) {
            inFlight = null;
        }
        return Optional.of(step);
    }

    /** Runs every micro-step left of the request in flight, if any. */
    private void finishRequest() {
        while (inFlight != null) {
            continueRequest();
        }
    }

    /** Whether the request in flight has run micro-step {@code step} (false when none is in flight). */
    public boolean hasRun(TreeCommitStep step) {
        return inFlight != null && inFlight.hasRun(step);
    }

    /** The pool pages the request in flight took for nodes (empty when none is in flight). */
    public PageSet takenPages() {
        return inFlight == null ? PageSet.EMPTY : inFlight.taken();
    }

    /** The pages of the nodes the request in flight frees (empty when none is in flight). */
    public PageSet freedPages() {
        return inFlight == null ? PageSet.EMPTY : inFlight.freed();
    }

    /**
     * The tree's traces the request in flight has set and not published yet, or that the
     * published tree no longer needs and the request has not withdrawn yet: a write to such a
     * page lands, seen by no one, as the published tree says of the page.
     */
    public PageSet unpublishedTraces() {
        return inFlight == null ? PageSet.EMPTY : inFlight.unpublishedTraces();
    }

    /**
     * The pool pages the request in flight holds that the published tree does not name (taken
     * ones before it publishes, freed ones after it until they are given back): free, as the
     * published tree says.
     */
    public PageSet unpublishedFree() {
        return inFlight == null ? PageSet.EMPTY : inFlight.unpublishedFree();
    }

    /**
     * An edit of the tree, after bringing every view that can map the node pages under the
     * tree's traces: such a view created since the last request gets a trace of every node page
     * now, before any node changes (TREE-7), so that the edit's own trace changes reach it too.
     */
    private TreeEdit edit() {
        coverViews();
        return new TreeEdit(cell, pool, memory, tracing, flaw, covered, tracesMappings);
    }

    /**
     * Traces every node page (every pool page not free) in each view not covered yet that is
     * backed by the default view's frames (the default view, and every view sharing its frames,
     * as the integrity view does): those are the views that can map a node page's frame. A view
     * with frames of its own (another guest's on a shared machine, as the protection domains'
     * are) never maps a node frame, so it has nothing to protect; tracing a node page there would
     * back that page number in it with a fresh frame, a page the view's owner never gave it.
     * Under {@link TreeImplFlaw#NODE_PAGES_TRACED_IN_DEFAULT_VIEW_ONLY} the default view is the
     * only one.
     */
    public void coverViews() {
        for (ViewId view : hypervisor.machine().viewIds()) {
            if (covered.contains(view)
                    || !hypervisor.backedBy(view, ViewId.DEFAULT)
                    || (flaw == TreeImplFlaw.NODE_PAGES_TRACED_IN_DEFAULT_VIEW_ONLY && !view.equals(ViewId.DEFAULT))) {
                continue;
            }
            BitSet free = pool.bits();
            for (int i = free.nextClearBit(0); i < config.poolSize(); i = free.nextClearBit(i + 1)) {
                GuestPhysicalPage p = new GuestPhysicalPage(config.poolFirst() + i);
                if (!tracing.holds(view, OWNER, p)) {
                    tracing.addTrace(view, OWNER, p);
                }
            }
            covered.add(view);
        }
    }

    /** The views whose nested page tables carry the tree's traces. */
    public List<ViewId> coveredViews() {
        return List.copyOf(covered);
    }

    /**
     * Every leaf mapping, read from the node pages: the whole tree walked from the base pointer
     * (not a window of it), node-page marks left out. A corrupt node ends the walk below it.
     */
    public SortedMap<Long, AlertAction> mappings() {
        readWholeTree();
        return readMappings;
    }

    /** The pages of every node reachable from the base pointer, read from the node pages. */
    public PageSet nodePages() {
        readWholeTree();
        return readNodes;
    }

    /**
     * Every node reachable from the base pointer, read from the node pages: its page and the leaf
     * mappings it holds (none for an interior node), for readers that need the tree's layout, not
     * only its union ({@link #mappings()}). Node-page marks are left out; a corrupt node ends the
     * walk below it.
     */
    public SortedMap<Long, SortedMap<Long, AlertAction>> nodeMappings() {
        SortedMap<Long, SortedMap<Long, AlertAction>> out = new TreeMap<>();
        visit(cell.basePointer(), 0, new HashSet<>(), new ArrayList<>(), (page, node) -> {
            SortedMap<Long, AlertAction> held = new TreeMap<>();
            if (node instanceof TreeNode.Leaf leaf) {
                for (int i = 0; i < leaf.size(); i++) {
                    long key = leaf.keys().get(i);
                    leaf.entries().get(i).mapping().ifPresent(a -> held.put(key, a));
                }
            }
            out.put(page, Collections.unmodifiableSortedMap(held));
        });
        return Collections.unmodifiableSortedMap(out);
    }

    /** A node page as the last whole-tree read found it: its page, the frame behind it and the frame's write stamp. */
    private record NodeRead(long page, long frame, long stamp) {}

    /** What the last whole-tree read visited, from which base pointer, and what it found. */
    private List<NodeRead> readVisited;

    private long readRoot = TreeRootCell.NONE;
    private SortedMap<Long, AlertAction> readMappings;
    private PageSet readNodes;

    /**
     * Reads the whole tree from memory, unless the base pointer and every node page the last read
     * visited are as they were (the same frame, its write stamp unmoved: no byte of it written by
     * anyone since), in which case the walk would read the same nodes and find the same.
     */
    private void readWholeTree() {
        long root = cell.basePointer();
        if (readVisited != null && root == readRoot && unchanged(readVisited)) {
            return;
        }
        List<NodeRead> visited = new ArrayList<>();
        SortedMap<Long, AlertAction> mappings = new TreeMap<>();
        List<Long> pages = new ArrayList<>();
        visit(root, 0, new HashSet<>(), visited, (page, node) -> {
            pages.add(page);
            if (node instanceof TreeNode.Leaf leaf) {
                for (int i = 0; i < leaf.size(); i++) {
                    long key = leaf.keys().get(i);
                    leaf.entries().get(i).mapping().ifPresent(a -> mappings.put(key, a));
                }
            }
        });
        readVisited = visited;
        readRoot = root;
        readMappings = Collections.unmodifiableSortedMap(mappings);
        readNodes = PageSet.of(pages.stream().mapToLong(Long::longValue).toArray());
    }

    private boolean unchanged(List<NodeRead> visited) {
        for (NodeRead r : visited) {
            long frame = memory.frameOf(r.page());
            if (frame != r.frame() || (frame != 0 && memory.stamp(frame) != r.stamp())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Depth-first over the nodes below {@code page}, decoded from memory, each page read once
     * ({@code seen}: a corrupt tree that names a node twice, or in a cycle, is read in linear time,
     * not once per path to it) and recorded in {@code visited}; stops at a corrupt node.
     */
    private void visit(long page, int depth, Set<Long> seen, List<NodeRead> visited, BiConsumer<Long, TreeNode> each) {
        if (page == TreeRootCell.NONE || depth > TreeWalk.MAX_WALK || !seen.add(page)) {
            return;
        }
        long frame = memory.frameOf(page);
        visited.add(new NodeRead(page, frame, frame == 0 ? 0 : memory.stamp(frame)));
        long[] words = new long[memory.nodeWords()];
        if (!memory.readWords(page, words)) {
            return;
        }
        TreeNode node = NodeCodec.decode(words, memory.order());
        if (node == null) {
            return;
        }
        each.accept(page, node);
        if (node instanceof TreeNode.Interior in) {
            for (long child : in.children()) {
                visit(child, depth + 1, seen, visited, each);
            }
        }
    }

    /** The protect request as a hypercall (start, length, action): status is the request code's ordinal. */
    public HypercallHandler protectHypercall() {
        return (cpu, start, length, action) -> protect(start, length, action).ordinal();
    }

    /** The unprotect request as a hypercall (start, length): status is the request code's ordinal. */
    public HypercallHandler unprotectHypercall() {
        return (cpu, start, length, unused) -> unprotect(start, length).ordinal();
    }

    // ---- notifications ------------------------------------------------------------------------

    /** What one look-up found: the page's node-page mark and mapping, and the nodes read. */
    public record Lookup(long page, boolean nodePage, Optional<AlertAction> mapping, int nodesVisited) {}

    /**
     * Walks from the base pointer to the leaf whose key range holds {@code page}, reading the
     * serialized nodes from memory, and counts the nodes read.
     */
    public Lookup lookup(long page) {
        return walk.lookup(cell.basePointer(), page);
    }

    /**
     * A write to a page the tree traces: walk, then the node-page alert (blocks), else the
     * mapping's alert with its action, else nothing. A trace the request in flight has not
     * published, or no longer needs ({@link #unpublishedTraces}), answers as the published tree
     * says of the page: the write lands and no one sees it. Otherwise pure (what it returns is
     * seen only if the whole access goes ahead), but for one mark: a write to a page the request
     * in flight took for a node has that node written again when the request publishes.
     */
    @Override
    public Verdict onTracedWrite(VirtualCpu cpu, Notification notification) {
        long page = notification.page().number();
        if (inFlight != null) {
            inFlight.written(page);
            if (inFlight.unpublishedTraces().contains(page)) {
                return new Verdict(List.of(), true);
            }
        }
        return TreeAlerts.alert(cpu, lookup(page), cell.height(), flaw);
    }

    // ---- what the abstraction function reads ---------------------------------------------------

    /**
     * The tree's state read from the real structures ({@link TreeAbstraction}): base pointer,
     * nodes decoded from guest memory, pool. Its traced pages are every write-protected page of
     * the default view, whoever traces it, so for a store they include its owner's pages too.
     */
    public TreeState readState() {
        if (abstraction == null) {
            abstraction = new TreeAbstraction(hypervisor.machine(), this, hypervisor.guestRamPages(ViewId.DEFAULT));
        }
        return abstraction.abstractState();
    }

    /** The base pointer: the root's page, empty for no tree. Read where the tree keeps it. */
    public Optional<Long> root() {
        long r = cell.basePointer();
        return r == TreeRootCell.NONE ? Optional.empty() : Optional.of(r);
    }

    /** Levels below the root (-1: no tree), kept beside the base pointer. */
    public int height() {
        return cell.height();
    }

    /** Mapped pages, as counted in hypervisor memory. */
    public long mappedPageCount() {
        return cell.mapped();
    }

    /** How many node-pool pages are free: {@code freePool().size()} without building the set. */
    public int freePoolSize() {
        return pool.freeCount();
    }

    /** The free part of the node pool. */
    public PageSet freePool() {
        return pool.freePages();
    }

    /** A copy of the allocator's bits (bit i: pool page {@code poolFirst + i} is free). */
    public BitSet freeBits() {
        return pool.bits();
    }

    /** Whether the allocator's bits are exactly {@code bits}, compared in place (no copy). */
    boolean freeBitsEqual(BitSet bits) {
        return pool.bitsEqual(bits);
    }

    /** The guest page that holds the base pointer under {@link TreeImplFlaw#WALK_FROM_GUEST_POINTER}. */
    public long guestPointerPage() {
        return cell.guestPointerPage();
    }
}
