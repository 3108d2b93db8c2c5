package org.hvproof.impl.tree;

import java.util.BitSet;
import java.util.Objects;
import java.util.Optional;
import org.hvproof.impl.machine.HypercallHandler;
import org.hvproof.impl.machine.Hypervisor;
import org.hvproof.impl.machine.VirtualCpu;
import org.hvproof.impl.tracing.TraceListener;
import org.hvproof.impl.tracing.TracingService;
import org.hvproof.model.common.Notification;
import org.hvproof.model.common.Owner;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.PageSet;
import org.hvproof.model.tree.RequestCode;
import org.hvproof.model.tree.TreeConfig;

/**
 * The hypervisor's traced tree of protected-page mappings: a B+-tree of the configured order
 * ({@link TreeConfig#shape}) keyed by guest-physical page, each node
 * serialized ({@link NodeCodec}) into its own guest-physical page from a node pool, written by
 * the hypervisor straight into the host frame backing that page. Node pages are keys of the same
 * tree (their entry says "stores a node"), so one walk answers both questions a notification
 * asks. Every node page and every mapped page carries the tree's trace ({@link #OWNER}).
 *
 * <p>What lives in hypervisor memory, out of every guest's reach (TREE-6): the base pointer (the
 * root's page), the tree's height and the count of mapped pages ({@link TreeRootCell}) and the
 * free part of the pool ({@link NodePagePool}). The guest can reach node pages ({@link
 * NodeMemory}) only through the nested page tables, where their write bit is cleared.
 *
 * <p>Requests ({@link #protect}, {@link #unprotect}) are decoded first ({@link TreeRequestDecoder}:
 * raw hostile arguments become a {@link RequestCode}), checked against the tree, then performed on
 * a write-back copy of the touched nodes ({@link TreeEdit}); only a request that succeeds entirely is written to the node pages
 * and the traces, so a request that runs out of pool pages changes nothing. The tree is written
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

    private final TracingService tracing;
    private final TreeConfig config;
    private final TreeImplFlaw flaw;
    private final TreeRootCell cell;
    private final NodePagePool pool;
    private final NodeMemory memory;
    private final TreeWalk walk;

    /** A tree on {@code hypervisor} using {@code tracing}, listening for its owner's notifications. */
    public ProtectedPageTree(Hypervisor hypervisor, TracingService tracing, TreeConfig config, TreeImplFlaw flaw) {
        Objects.requireNonNull(hypervisor, "hypervisor");
        this.tracing = Objects.requireNonNull(tracing, "tracing");
        this.config = Objects.requireNonNull(config, "config");
        this.flaw = Objects.requireNonNull(flaw, "flaw");
        if (config.guestPages() > hypervisor.machine().shape().guestPhysicalPages()) {
            throw new IllegalArgumentException("the tree covers " + config.guestPages() + " pages, the guest has "
                    + hypervisor.machine().shape().guestPhysicalPages());
        }
        this.cell = new TreeRootCell(hypervisor, config, flaw);
        this.pool = new NodePagePool(config);
        this.memory = new NodeMemory(hypervisor, config);
        this.walk = new TreeWalk(memory);
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
        TreeEdit ed = new TreeEdit(cell, pool, memory, tracing, flaw);
        try {
            for (long page = d.first(); page < d.end(); page++) {
                ed.put(
                        page,
                        (ed.get(page) & ~TreeEdit.MAPPING) | (long) action.get().requestCode() << 8);
                ed.trace(page, true);
                ed.countMapped(1);
                ed.settle();
            }
        } catch (TreeEdit.PoolExhausted | TreeEdit.CorruptNode e) {
            ed.abort();
            return e instanceof TreeEdit.PoolExhausted ? RequestCode.POOL_EXHAUSTED : RequestCode.OUT_OF_RANGE;
        }
        ed.commit();
        return RequestCode.OK;
    }

    /** Removes the protection of every page of {@code [start, start + length)}. */
    public RequestCode unprotect(long start, long length) {
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
        TreeEdit ed = new TreeEdit(cell, pool, memory, tracing, flaw);
        try {
            for (long page = d.first(); page < d.end(); page++) {
                long e = ed.get(page) & ~TreeEdit.MAPPING;
                ed.putOrDelete(page, e);
                if ((e & TreeEdit.NODE_PAGE) == 0) {
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
     * mapping's alert with its action, else nothing. Pure: what it returns is seen only if the
     * whole access goes ahead.
     */
    @Override
    public Verdict onTracedWrite(VirtualCpu cpu, Notification notification) {
        return TreeAlerts.alert(cpu, lookup(notification.page().number()), cell.height(), flaw);
    }

    // ---- what the abstraction function reads ---------------------------------------------------

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
