package org.hvproof.properties.tree;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import org.hvproof.impl.tree.TreeSystem;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.Privilege;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.PageSet;
import org.hvproof.model.tree.TreeConfig;
import org.hvproof.model.tree.TreeState;
import org.hvproof.propcheck.Action;
import org.hvproof.propcheck.Gen;
import org.hvproof.propcheck.Gens;

/**
 * The trace generator of the protected-page tree, drawing from the current model state over the
 * whole input space, biased towards its edges. Pages: mostly a small region (so ranges meet,
 * overlap and fill leaves until they split, depth 2 and more), else every guest page the machine
 * has (the tree's pages and the page-table pool above them) or a page at an edge derived from the
 * state: first and last page of the tree's memory, of the node pool, of the machine's memory, and
 * the pages on both sides of every run of traced pages. Addresses: such a page at offset 0, near
 * its end or anywhere, sometimes with one bit above bit 31 flipped (an alias of a real page), drawn
 * over all 64 bits, or at an address edge (end of guest memory, of the physical-address width, of
 * the canonical half the guest window reaches, negative). Requests: protect and unprotect over the
 * state's mapped runs and node pages, and hostile ones whose start, length and action code come
 * from the same whole-range draws. Writes from every vCPU, user or kernel, at any instruction
 * pointer, of 1 to 4096 bytes (so they cross page boundaries). One request in three runs in
 * micro-steps ({@link TreeSystemAction.StartProtect}, {@link TreeSystemAction.StartUnprotect});
 * while one is in flight the next action is its next micro-step or a write by another vCPU, to
 * the tree's node pages, its mapped pages, the pages the request took for nodes or frees, or
 * anywhere ({@link #forTrace}).
 *
 * <p>The generator is sized by the tree it drives ({@link #of}: its memory, its node pool, its
 * largest request; the node capacity is the tree's own, {@link TreeConfig#shape}); {@link #next}
 * drives the traces' tree ({@link TreeTrace#CONFIG}). The kinds of action ({@link Kind}) are shared
 * with the spec-conformance runs, which weigh them for their smaller tree.
 */
public final class TreeActions {
    private static final long PAGE = 4096;
    /** Where most protections go: small, so they meet. */
    private static final int HOT_PAGES = 48;

    /** The kinds of action a tree run draws, each weighted by its user. */
    enum Kind {
        PROTECT,
        PROTECT_OVER_NODES,
        UNPROTECT,
        HOSTILE_REQUEST,
        WRITE_MAPPED,
        WRITE_NODE,
        WRITE_ANYWHERE,
        CROSSING_WRITE,
        HOSTILE_WRITE
    }

    /**
     * The kinds drawn with fixed weights (one per kind, in {@link Kind}'s order), so that a run's
     * choices keep their meaning as it shrinks.
     */
    static Gen<Kind> kinds(double... weights) {
        if (weights.length != Kind.values().length) {
            throw new IllegalArgumentException("one weight per kind: " + Arrays.toString(Kind.values()));
        }
        return Gens.frequency(Arrays.stream(Kind.values())
                .map(k -> Gens.weighted(weights[k.ordinal()], Gens.constant(k)))
                .toList());
    }

    /** The traces' weights: protections and writes to mapped pages first, hostile writes rarest. */
    private static final Gen<Kind> KINDS = kinds(5, 0.8, 2.5, 1.2, 3, 2, 2, 1, 0.5);

    /** The generator of the traces' tree. */
    private static final TreeActions TRACES = of(TreeTrace.CONFIG);

    private final TreeConfig cfg;
    /** Every guest page the machine has: the tree's pages and the guest's page-table pool above them. */
    private final long machinePages;

    /** The generator for a tree of configuration {@code cfg} on a {@link TreeSystem}. */
    static TreeActions of(TreeConfig cfg) {
        return new TreeActions(cfg);
    }

    private TreeActions(TreeConfig cfg) {
        this.cfg = cfg;
        this.machinePages = cfg.guestPages() + TreeSystem.TABLE_POOL_PAGES;
        this.regionEdges = regionEdges();
        this.regionEdgePages = Gens.elements(regionEdges);
        this.addressEdges = List.of(
                machinePages * PAGE - 8,
                GuestPhysicalPage.LIMIT * PAGE - PAGE,
                GuestPhysicalPage.LIMIT * PAGE,
                (1L << 47) - TreeSystem.WINDOW - 8,
                (1L << 47) - TreeSystem.WINDOW,
                -PAGE,
                -1L,
                Long.MAX_VALUE & ~(PAGE - 1),
                Long.MIN_VALUE);
        this.counts = Gens.frequency(
                Gens.weighted(3, Gens.longs(1, 8, 1)),
                Gens.weighted(1, Gens.longs(1, 24, 1)),
                Gens.weighted(0.2, Gens.longs(1, cfg.maxPagesPerRequest(), 1)));
        this.hostileLengths = Gens.frequency(
                Gens.weighted(3, Gens.longs(1, cfg.maxPagesPerRequest() + 1, 1).map(n -> n * PAGE)),
                Gens.weighted(1, Gens.combine(Gens.longs(1, 8, 1), Gens.elements(-1L, 1L), (n, d) -> n * PAGE + d)),
                Gens.weighted(1, Gens.elements(0L, -PAGE, Long.MAX_VALUE & ~(PAGE - 1), Long.MIN_VALUE)),
                Gens.weighted(1, Gens.longs(Long.MIN_VALUE, Long.MAX_VALUE, 0)));
    }

    /** The state {@link #next} last built a generator for on this thread, and that generator. */
    private record Built(TreeState state, Gen<Action<TreeTrace>> gen) {}

    private static final ThreadLocal<Built> LAST = new ThreadLocal<>();

    /**
     * The next action for the trace's state; a kind that does not apply yet becomes a protection.
     * The generator reads nothing but the (immutable) model state, so the one built for the very
     * same state object is used again (a write leaves the model's state as it was).
     */
    public static Gen<Action<TreeTrace>> next(TreeTrace trace) {
        TreeState s = trace.state();
        if (trace.requestInFlight()) {
            return TRACES.forTrace(s, true, trace.takenPages(), trace.freedPages())
                    .map(TreeActions::asStep);
        }
        Built last = LAST.get();
        if (last != null && last.state() == s) {
            return last.gen();
        }
        Gen<Action<TreeTrace>> gen =
                TRACES.forTrace(s, false, PageSet.EMPTY, PageSet.EMPTY).map(TreeActions::asStep);
        LAST.set(new Built(s, gen));
        return gen;
    }

    /** The next action on this generator's tree for state {@code s}, drawn with the traces' weights, requests whole. */
    Gen<TreeSystemAction> forState(TreeState s) {
        return KINDS.flatMap(kind -> kindAction(kind, s, VCPUS));
    }

    /** The kinds of writes that only a request in flight gives a page to. */
    private enum InFlightWrite {
        /** A write to a pool page the request in flight took for a node. */
        WRITE_TAKEN,
        /** A write to a node page the request in flight frees. */
        WRITE_FREED
    }

    /**
     * The traces' kinds: {@link Kind}'s, weighted as {@link #KINDS}, then the writes a request in
     * flight gives pages to (no request in flight: a write anywhere). Fixed weights, one draw
     * whatever the state, so a choice keeps its meaning as a trace shrinks.
     */
    private static final Gen<Enum<?>> TRACE_KINDS = Gens.frequency(List.of(
            Gens.weighted(5, Gens.constant(Kind.PROTECT)),
            Gens.weighted(0.8, Gens.constant(Kind.PROTECT_OVER_NODES)),
            Gens.weighted(2.5, Gens.constant(Kind.UNPROTECT)),
            Gens.weighted(1.2, Gens.constant(Kind.HOSTILE_REQUEST)),
            Gens.weighted(3, Gens.constant(Kind.WRITE_MAPPED)),
            Gens.weighted(2, Gens.constant(Kind.WRITE_NODE)),
            Gens.weighted(2, Gens.constant(Kind.WRITE_ANYWHERE)),
            Gens.weighted(1, Gens.constant(Kind.CROSSING_WRITE)),
            Gens.weighted(0.5, Gens.constant(Kind.HOSTILE_WRITE)),
            Gens.weighted(3, Gens.constant(InFlightWrite.WRITE_TAKEN)),
            Gens.weighted(3, Gens.constant(InFlightWrite.WRITE_FREED))));

    /**
     * The next action of a trace in state {@code s}. No request in flight: as {@link #forState},
     * but one request in three is started in micro-steps. A request in flight (it took {@code
     * taken} for nodes and frees {@code freed}): a request kind mostly becomes its next micro-step
     * ({@link TreeSystemAction.Continue}), else a request that waits for it to finish, and writes
     * come from the vCPUs other than vCPU 0, which runs the request in the hypervisor: to the
     * published tree's node pages and mapped pages, to the pages being taken or freed, anywhere.
     * A request kind draws its request even when it continues instead, so every kind draws the
     * same choices in either case.
     */
    Gen<TreeSystemAction> forTrace(TreeState s, boolean inFlight, PageSet taken, PageSet freed) {
        Gen<Integer> writers = inFlight ? OTHER_VCPUS : VCPUS;
        return TRACE_KINDS.flatMap(kind -> {
            if (kind instanceof Kind k) {
                return kindAction(k, s, writers).flatMap(a -> stepped(a, inFlight));
            }
            List<Long> pages = (kind == InFlightWrite.WRITE_TAKEN ? taken : freed).asList();
            return pages.isEmpty() ? writeAt(writers, address(page(runEdges(s))), LENGTHS) : writeTo(writers, pages);
        });
    }

    /** How a request drawn with no request in flight runs: whole (two in three) or started in micro-steps. */
    private static final Gen<Integer> STEPPED =
            Gens.frequency(Gens.weighted(2, Gens.constant(0)), Gens.weighted(1, Gens.constant(1)));
    /**
     * What a request drawn while one is in flight becomes: itself, waiting for the tree lock (one
     * in seven), or the next micro-step of the one in flight. The same choice as {@link #STEPPED}
     * (a request as drawn first), so that a trace that shrinks away a micro-step keeps its requests.
     */
    private static final Gen<Integer> WAITS =
            Gens.frequency(Gens.weighted(1, Gens.constant(0)), Gens.weighted(6, Gens.constant(1)));

    private static final TreeSystemAction CONTINUE = new TreeSystemAction.Continue();

    /**
     * A request as drawn (whole, or waiting for the request in flight), started in micro-steps
     * instead, or the next micro-step of the request in flight; a write as drawn.
     */
    private static Gen<TreeSystemAction> stepped(TreeSystemAction a, boolean inFlight) {
        if (!(a instanceof TreeSystemAction.Protect) && !(a instanceof TreeSystemAction.Unprotect)) {
            return Gens.constant(a);
        }
        if (inFlight) {
            return WAITS.map(m -> m == 0 ? a : CONTINUE);
        }
        return STEPPED.map(m -> m == 0 ? a : started(a));
    }

    /** Request {@code a} started in micro-steps. */
    private static TreeSystemAction started(TreeSystemAction a) {
        if (a instanceof TreeSystemAction.Protect p) {
            return new TreeSystemAction.StartProtect(p.start(), p.length(), p.actionCode());
        }
        TreeSystemAction.Unprotect u = (TreeSystemAction.Unprotect) a;
        return new TreeSystemAction.StartUnprotect(u.start(), u.length());
    }

    /**
     * The action of {@code kind} for state {@code s}, writes by one of {@code writers}; a kind
     * that does not apply yet becomes a protection.
     */
    private Gen<TreeSystemAction> kindAction(Kind kind, TreeState s, Gen<Integer> writers) {
        List<Long> mappedPages = s.mappings().keySet().asList();
        List<Long> nodePages = s.nodePages().asList();
        List<Long> traced = s.traced().asList();
        Gen<Long> page = page(runEdges(s));
        return switch (kind) {
            case PROTECT -> protect(page);
            case PROTECT_OVER_NODES -> nodePages.isEmpty() ? protect(page) : protectOver(nodePages);
            case UNPROTECT -> mappedPages.isEmpty() ? protect(page) : unprotect(mappedPages);
            case HOSTILE_REQUEST -> hostileRequest(page, mappedPages);
            case WRITE_MAPPED -> mappedPages.isEmpty() ? protect(page) : writeTo(writers, mappedPages);
            case WRITE_NODE -> nodePages.isEmpty() ? protect(page) : writeTo(writers, nodePages);
            case WRITE_ANYWHERE -> writeAt(writers, address(page), LENGTHS);
            case CROSSING_WRITE -> traced.isEmpty() ? protect(page) : crossingWrite(writers, traced);
            case HOSTILE_WRITE -> writeAt(writers, mutated(address(page)), LENGTHS);
        };
    }

    private static Action<TreeTrace> asStep(TreeSystemAction a) {
        return Action.of(a::toString, (trace, ctx) -> trace.apply(a, ctx));
    }

    // ---- pages and addresses ------------------------------------------------------------------

    /**
     * The edges of the regions the machine and the tree have (tree memory, node pool, machine
     * memory): each region's first and last page and the page on either side.
     */
    private final List<Long> regionEdges;

    private List<Long> regionEdges() {
        SortedSet<Long> out = new TreeSet<>();
        long[][] regions = {
            {0, cfg.guestPages() - 1}, {cfg.poolFirst(), cfg.poolFirst() + cfg.poolSize() - 1}, {0, machinePages - 1}
        };
        for (long[] r : regions) {
            out.addAll(List.of(r[0] - 1, r[0], r[1], r[1] + 1));
        }
        out.removeIf(p -> p < 0);
        return List.copyOf(out);
    }

    /** The pages on both sides of every run of traced pages (mapped and node pages) of the state. */
    static List<Long> runEdges(TreeState s) {
        PageSet traced = s.traced();
        long[] out = new long[4 * traced.size()];
        int n = 0;
        for (int i = 0; i < traced.size(); i++) {
            long p = traced.page(i);
            if (i == 0 || traced.page(i - 1) != p - 1) {
                out[n++] = p - 1;
                out[n++] = p;
            }
            if (i == traced.size() - 1 || traced.page(i + 1) != p + 1) {
                out[n++] = p;
                out[n++] = p + 1;
            }
        }
        PageSet edges = PageSet.of(Arrays.copyOf(out, n));
        return edges.tailSet(0L).asList();
    }

    private final Gen<Long> regionEdgePages;

    /**
     * One of {@code pages}, drawn exactly as {@code Gens.elements} draws (uniformly, shrinking
     * toward the first), but without copying the list or spelling it out in the generator's name:
     * these lists are the state's pages and a generator is built from them at every step.
     */
    static Gen<Long> pagesOf(List<Long> pages) {
        if (pages.isEmpty()) {
            throw new IllegalArgumentException("pagesOf needs at least one page");
        }
        return Gens.of("pages(" + pages.size() + ")", src -> pages.get((int) src.choose(pages.size() - 1L)));
    }

    /** A page: in the small region, at a region's edge or a traced run's, or any page the machine has. */
    private Gen<Long> page(List<Long> runEdges) {
        return Gens.frequency(
                Gens.weighted(4, Gens.longs(0, HOT_PAGES)),
                Gens.weighted(2, regionEdgePages),
                // Fixed weights keep a choice's meaning as the trace shrinks; no run yet: a region edge.
                Gens.weighted(2, runEdges.isEmpty() ? regionEdgePages : pagesOf(runEdges)),
                Gens.weighted(2, Gens.longs(0, machinePages - 1)));
    }

    /** An offset in a page: its start, its last bytes (so a write runs into the next page) or anywhere. */
    private static final Gen<Long> OFFSETS = Gens.frequency(
            Gens.weighted(3, Gens.constant(0L)),
            Gens.weighted(1, Gens.longs(PAGE - 16, PAGE - 1)),
            Gens.weighted(2, Gens.longs(0, PAGE - 1)));

    private static Gen<Long> address(Gen<Long> page) {
        return Gens.combine(page, OFFSETS, (p, o) -> p * PAGE + o);
    }

    /**
     * Address edges: the end of the machine's memory, of the physical-address width, of the
     * canonical lower half as the guest's window reaches it, and the extremes of a signed word.
     */
    private final List<Long> addressEdges;

    /**
     * {@code base} as drawn, or with one bit above bit 31 flipped (an address that differs from a
     * real one only in its high bits), or any 64-bit value, or an address edge.
     */
    private Gen<Long> mutated(Gen<Long> base) {
        return Gens.frequency(
                Gens.weighted(2, base),
                Gens.weighted(3, Gens.combine(base, Gens.integers(32, 63, 63), (a, bit) -> a ^ (1L << bit))),
                Gens.weighted(1, Gens.longs(Long.MIN_VALUE, Long.MAX_VALUE, 0)),
                Gens.weighted(1, Gens.elements(addressEdges)));
    }

    // ---- requests -----------------------------------------------------------------------------

    private static final Gen<Long> ACTION_CODES =
            Gens.elements((long) AlertAction.RECORD_AND_ALLOW.requestCode(), (long) AlertAction.BLOCK.requestCode());

    /** Any action code: the two a request may carry, the tree-node one, or any 64-bit value. */
    private static final Gen<Long> ANY_ACTION_CODE = Gens.frequency(
            Gens.weighted(2, ACTION_CODES),
            Gens.weighted(1, Gens.constant((long) AlertAction.TREE_NODE.requestCode())),
            Gens.weighted(1, Gens.longs(Long.MIN_VALUE, Long.MAX_VALUE, 0)));

    /** Pages a protection names: a few, up to 24, rarely up to the most a request may name. */
    private final Gen<Long> counts;

    private Gen<TreeSystemAction> protect(Gen<Long> page) {
        return Gens.combine(page, counts, ACTION_CODES, (first, n, code) -> {
            long pages = Math.max(1, Math.min(n, cfg.guestPages() - first));
            return (TreeSystemAction) new TreeSystemAction.Protect(first * PAGE, pages * PAGE, code);
        });
    }

    /** A protection starting at a node page: makes pages that are both node pages and mapped. */
    private Gen<TreeSystemAction> protectOver(List<Long> nodePages) {
        return Gens.combine(pagesOf(nodePages), Gens.longs(1, 3, 1), ACTION_CODES, (first, n, code) -> {
            long pages = Math.min(n, cfg.guestPages() - first);
            return (TreeSystemAction) new TreeSystemAction.Protect(first * PAGE, pages * PAGE, code);
        });
    }

    /** Unprotects a run of mapped pages starting at one of them, no longer than the run. */
    private static Gen<TreeSystemAction> unprotect(List<Long> mapped) {
        return pagesOf(mapped).flatMap(first -> {
            long run = 1;
            while (mapped.contains(first + run) && run < 16) {
                run++;
            }
            return Gens.longs(1, run, run)
                    .map(n -> (TreeSystemAction) new TreeSystemAction.Unprotect(first * PAGE, n * PAGE));
        });
    }

    /**
     * Lengths a hostile request may carry: whole pages (up to one past the most a request may
     * name), one byte more or less, zero, negative, or any 64-bit value.
     */
    private final Gen<Long> hostileLengths;

    /**
     * A request the tree should refuse or that tests its guards: the start any address (aligned
     * or one byte off, aliased, far out), the length and action code hostile; or one that overlaps
     * a mapping or unprotects pages only partly protected.
     */
    private Gen<TreeSystemAction> hostileRequest(Gen<Long> page, List<Long> mapped) {
        Gen<Long> start =
                mutated(Gens.frequency(Gens.weighted(3, page.map(p -> p * PAGE)), Gens.weighted(1, address(page))));
        Gen<TreeSystemAction> protect = Gens.combine(
                start, hostileLengths, ANY_ACTION_CODE, (a, n, code) -> new TreeSystemAction.Protect(a, n, code));
        Gen<TreeSystemAction> unprotect =
                Gens.combine(start, hostileLengths, (a, n) -> new TreeSystemAction.Unprotect(a, n));
        List<Gen<TreeSystemAction>> options = new ArrayList<>(List.of(protect, unprotect));
        if (!mapped.isEmpty()) {
            options.add(Gens.combine(
                    pagesOf(mapped), ACTION_CODES, (p, code) -> new TreeSystemAction.Protect(p * PAGE, PAGE, code)));
            options.add(pagesOf(mapped).map(p -> new TreeSystemAction.Unprotect(p * PAGE, 2 * PAGE)));
        }
        return Gens.frequency(options.stream().map(g -> Gens.weighted(1, g)).toList());
    }

    // ---- writes -------------------------------------------------------------------------------

    /** Every vCPU. */
    private static final Gen<Integer> VCPUS = Gens.integers(0, TreeTrace.VCPUS - 1);
    /** The vCPUs that write while vCPU 0 runs a request in the hypervisor. */
    private static final Gen<Integer> OTHER_VCPUS = Gens.integers(1, TreeTrace.VCPUS - 1);

    private static final Gen<Privilege> PRIVILEGES = Gens.elements(Privilege.values());

    /** Instruction pointers: any 64-bit value, or an edge of the canonical halves. */
    private static final Gen<Long> IPS = Gens.frequency(
            Gens.weighted(3, Gens.longs(Long.MIN_VALUE, Long.MAX_VALUE, 0)),
            Gens.weighted(1, Gens.elements(0L, (1L << 47) - 1, -(1L << 47), -1L)));

    /** Write lengths: a word, a few bytes, or up to a whole page. */
    private static final Gen<Integer> LENGTHS = Gens.frequency(
            Gens.weighted(3, Gens.constant(8)),
            Gens.weighted(2, Gens.integers(1, 16, 1)),
            Gens.weighted(0.5, Gens.integers(1, (int) PAGE, 1)),
            Gens.weighted(0.3, Gens.constant((int) PAGE)));

    private static Gen<TreeSystemAction> writeAt(Gen<Integer> vcpus, Gen<Long> gpa, Gen<Integer> length) {
        return Gens.combine(
                List.of(vcpus, PRIVILEGES, IPS, gpa, length),
                v -> new TreeSystemAction.Write(
                        (Integer) v.get(0), (Privilege) v.get(1), (Long) v.get(2), (Long) v.get(3), (Integer)
                                v.get(4)));
    }

    /** A write inside one of {@code pages}, at its start or anywhere, not crossing; rarely at an alias of it. */
    private Gen<TreeSystemAction> writeTo(Gen<Integer> vcpus, List<Long> pages) {
        Gen<Long> offset = Gens.frequency(Gens.weighted(2, Gens.constant(0L)), Gens.weighted(3, Gens.longs(0, 4079)));
        Gen<Long> gpa = Gens.combine(pagesOf(pages), offset, (p, o) -> p * PAGE + o);
        return writeAt(
                vcpus, Gens.frequency(Gens.weighted(12, gpa), Gens.weighted(1, mutated(gpa))), Gens.integers(1, 16, 8));
    }

    /** A write that starts near the end of a traced page and runs into the next one (or starts before it). */
    private static Gen<TreeSystemAction> crossingWrite(Gen<Integer> writers, List<Long> traced) {
        return Gens.combine(pagesOf(traced), Gens.booleans(), Gens.integers(1, 8, 4), (p, intoNext, back) -> {
                    long gpa = intoNext ? (p + 1) * PAGE - back : p * PAGE - back;
                    return Math.max(gpa, 0);
                })
                .flatMap(gpa -> writeAt(writers, Gens.constant(gpa), Gens.integers(9, 16, 16)));
    }
}
