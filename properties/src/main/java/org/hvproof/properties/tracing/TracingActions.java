package org.hvproof.properties.tracing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.GuestVirtualAddresses;
import org.hvproof.model.common.GuestVirtualPage;
import org.hvproof.model.common.MachineShape;
import org.hvproof.model.common.Owner;
import org.hvproof.model.common.PagePermissions;
import org.hvproof.model.common.Privilege;
import org.hvproof.model.common.VCpu;
import org.hvproof.model.tracing.AddTrace;
import org.hvproof.model.tracing.ContinueTrace;
import org.hvproof.model.tracing.DeviceWrite;
import org.hvproof.model.tracing.GuestExecute;
import org.hvproof.model.tracing.GuestRead;
import org.hvproof.model.tracing.GuestWrite;
import org.hvproof.model.tracing.MapPage;
import org.hvproof.model.tracing.Mapping;
import org.hvproof.model.tracing.RemoveTrace;
import org.hvproof.model.tracing.SetPrivilege;
import org.hvproof.model.tracing.StartRemoveTrace;
import org.hvproof.model.tracing.StartTrace;
import org.hvproof.model.tracing.TracingAction;
import org.hvproof.model.tracing.TracingModel;
import org.hvproof.model.tracing.TracingState;
import org.hvproof.model.tracing.UnmapPage;
import org.hvproof.propcheck.Action;
import org.hvproof.propcheck.Context;
import org.hvproof.propcheck.Gen;
import org.hvproof.propcheck.Gens;

/**
 * The trace generator of the tracing service: the next action is drawn from the current model
 * state, so writes land mostly on mapped pages (traced or not), traces are removed mostly by
 * owners that hold them, and hostile actions are weighted in: writes to unmapped and
 * non-canonical addresses, writes that cross into an unmapped page, traces of pages outside
 * guest RAM or of the guest's page tables, removals by owners that hold nothing, user-mode
 * writes to supervisor pages, execution of no-execute pages.
 *
 * <p>No value comes from a fixed list. Every address, page, vCPU, length and right is drawn
 * from its whole domain (all 64-bit addresses, every guest-physical page number, every vCPU
 * number, lengths 0 to past a page, all eight rights), mixed with draws biased towards the
 * boundaries derived from the current state and the machine's shape: pages and addresses next
 * to every mapped or traced one, high-bit flips of them, the edges of guest RAM and of the
 * page-table pool, the canonical-address edges, the ends of a page.
 */
public final class TracingActions {
    private static final long PAGE = GuestPhysicalPage.SIZE;
    /** The lowest non-canonical address: the top of the lower canonical half plus one. */
    private static final long LOWER_HALF_END = 1L << (GuestVirtualAddresses.WIDTH - 1);
    /** Bits of a guest-physical page number. */
    private static final int PAGE_NUMBER_BITS = Long.numberOfTrailingZeros(GuestPhysicalPage.LIMIT);

    private TracingActions() {}

    /** The kinds of action, with fixed weights: a fixed table keeps a trace's choices meaning the same
     * actions when the shrinker deletes earlier ones, so traces shrink further. */
    private enum Kind {
        MAP(2),
        UNMAP(0.5),
        ADD_TRACE(2.5),
        /** Next to {@code ADD_TRACE}, so that a shrinker lowering the kind meets the atomic request first. */
        START_TRACE(1),
        REMOVE_TRACE(2),
        REMOVE_BY_STRANGER(0.3),
        WRITE(6),
        CROSSING_WRITE(3),
        HOSTILE_WRITE(0.7),
        READ(1.5),
        EXECUTE(0.5),
        SET_PRIVILEGE(0.5),
        DEVICE_WRITE(2);

        final double weight;

        Kind(double weight) {
            this.weight = weight;
        }
    }

    /** {@link #vcpus(TracingState)} by vCPU count, made once per count. */
    private static final Map<Integer, Gen<VCpu>> VCPUS = new ConcurrentHashMap<>();

    private static final Gen<Kind> KINDS = Gens.frequency(java.util.Arrays.stream(Kind.values())
            .map(k -> Gens.weighted(k.weight, Gens.constant(k)))
            .toList());

    /**
     * The next action for the trace's current state. A kind that does not apply yet (a write with
     * nothing mapped, a removal with nothing traced) becomes a mapping or a trace, which is what
     * the trace needs next to reach it.
     *
     * <p>The generator is a function of the state's shape, mappings and traces alone (nothing
     * here reads memory or privileges), and each kind's part of it of the shape and mappings
     * alone unless it names traced pages. So the trace keeps its last {@link Menu}: a kind's
     * generator is made the first time the kind is drawn and kept while what it reads is
     * unchanged; the draws and their span labels are those of a freshly made one.
     */
    public static Gen<Action<TracingTrace>> next(TracingTrace trace) {
        return action(trace.state(), trace.menus()).map(TracingActions::asStep);
    }

    /**
     * Where a trace keeps its last {@link Menu} between draws: a trace of the tracing service's, or
     * the tracing guest's part of a composed trace.
     */
    public static final class Menus {
        private Menu menu;
    }

    /**
     * The next action of a guest in state {@code s} under the tracing service, as {@link
     * #next(TracingTrace)} draws it; {@code kept} holds the menu of the guest's last draw.
     */
    public static Gen<TracingAction> action(TracingState s, Menus kept) {
        Menu menu = kept.menu;
        if (menu == null || !menu.hasShapeAndMappingsOf(s)) {
            // Every trace starts in the same state and many pass through equal ones: share their menus.
            menu = lastMade(
                    new MenuInputs(s.shape(), s.mappings(), s.traces()), in -> new Menu(s, new EnumMap<>(Kind.class)));
        } else if (!menu.state.traces().equals(s.traces())) {
            menu = menu.withTracesOf(s);
        }
        kept.menu = menu;
        if (s.pending().isEmpty()) {
            return menu.idle;
        }
        // A trace request is half done: its next micro-step, or another vCPU's action between two,
        // writes to the page being traced among them.
        Gen<TracingAction> toPending = writeTo(s, s.pending().get().page());
        return Gens.frequency(
                Gens.weighted(2, CONTINUE),
                Gens.weighted(0, CONTINUE),
                Gens.weighted(3, menu.actions),
                Gens.weighted(toPending == null ? 0 : 1, toPending == null ? CONTINUE : toPending));
    }

    /**
     * The actions with no request pending: mostly the menu's, rarely a micro-step with nothing to
     * continue (a hostile no-op) or, with something traced, a trace removal run in micro-steps. The
     * same four options as while a request is pending, so a trace whose request the shrinker turns
     * into an atomic one keeps its later steps' meaning: the micro-steps become these no-ops,
     * which it then deletes. The removal takes half of the no-op's old share and nothing of the
     * menu's, so every draw that picked a menu action still picks it.
     */
    private static Gen<TracingAction> idle(Gen<TracingAction> actions, Gen<TracingAction> removal) {
        return Gens.frequency(
                Gens.weighted(0.05, CONTINUE),
                Gens.weighted(0.05, removal == null ? CONTINUE : removal),
                Gens.weighted(3, actions),
                Gens.weighted(0, CONTINUE));
    }

    /** The pending request's next micro-step. */
    private static final Gen<TracingAction> CONTINUE = Gens.constant(new ContinueTrace());

    /** A write by some vCPU to a virtual page it maps to {@code page}; null when none maps it. */
    private static Gen<TracingAction> writeTo(TracingState s, GuestPhysicalPage page) {
        List<MappedPage> onPage = new ArrayList<>();
        s.mappings()
                .forEach((vcpu, space) -> space.forEach((va, m) -> {
                    if (m.page().equals(page)) {
                        onPage.add(new MappedPage(vcpu, va));
                    }
                }));
        if (onPage.isEmpty()) {
            return null;
        }
        return elementsOf(onPage)
                .flatMap(p -> Gens.combine(OFFSET_IN_PAGE, FILL, (off, fill) -> (TracingAction) new GuestWrite(
                        p.vcpu(), p.page().base() + off, fill(Math.min(8, GuestPhysicalPage.SIZE - off), fill))));
    }

    /** All a {@link Menu} reads of its state. */
    private record MenuInputs(
            MachineShape shape, Map<VCpu, Map<GuestVirtualPage, Mapping>> mappings, Map<GuestPhysicalPage, ?> traces) {}

    /** The generators of one state's actions, by kind, each made when first drawn. */
    static final class Menu {
        private final TracingState state;
        private final boolean anyMapped;
        private final boolean anyTraced;
        /** Whether some mapped page's successor is mapped too: worked out when a kind first needs it. */
        private Boolean anyCrossable;
        /** The kinds' generators made so far, and for each whether it reads the traces. */
        private final Map<Kind, Gen<TracingAction>> made;

        private final Map<Kind, Boolean> readsTraces = new EnumMap<>(Kind.class);
        final Gen<TracingAction> actions;
        /** {@link #actions} with no request pending ({@link TracingActions#idle}). */
        final Gen<TracingAction> idle;

        private Menu(TracingState s, Map<Kind, Gen<TracingAction>> kept) {
            this.state = s;
            this.anyMapped = s.mappings().values().stream().anyMatch(m -> !m.isEmpty());
            this.anyTraced = !s.traces().isEmpty();
            this.made = kept;
            kept.keySet().forEach(k -> readsTraces.put(k, false));
            this.actions = KINDS.flatMap(this::kind);
            this.idle = idle(actions, anyTraced ? startRemoveTrace(s) : null);
        }

        boolean hasShapeAndMappingsOf(TracingState s) {
            return state.shape().equals(s.shape()) && state.mappings().equals(s.mappings());
        }

        /** A menu for {@code s}, whose mappings are this one's, keeping the kinds that do not read the traces. */
        Menu withTracesOf(TracingState s) {
            Map<Kind, Gen<TracingAction>> kept = new EnumMap<>(Kind.class);
            made.forEach((k, g) -> {
                if (!readsTraces.get(k)) {
                    kept.put(k, g);
                }
            });
            return new Menu(s, kept);
        }

        private boolean anyCrossable() {
            if (anyCrossable == null) {
                anyCrossable = !crossable(state).isEmpty();
            }
            return anyCrossable;
        }

        private Gen<TracingAction> kind(Kind kind) {
            Gen<TracingAction> g = made.get(kind);
            if (g == null) {
                TracingState s = state;
                // Which maker a kind falls back to decides whether its generator reads the traces.
                boolean map = false;
                boolean traces = false;
                switch (kind) {
                    case MAP -> map = true;
                    case UNMAP -> map = !anyMapped;
                    case ADD_TRACE, REMOVE_TRACE, REMOVE_BY_STRANGER, DEVICE_WRITE, START_TRACE -> traces = true;
                    case WRITE, READ, EXECUTE -> map = !anyMapped;
                    case CROSSING_WRITE -> map = !anyCrossable() && !anyMapped;
                    case HOSTILE_WRITE, SET_PRIVILEGE -> {}
                }
                g = map
                        ? mapPage(s)
                        : switch (kind) {
                            case MAP -> mapPage(s);
                            case UNMAP -> unmapPage(s);
                            case ADD_TRACE -> addTrace(s);
                            case REMOVE_TRACE -> anyTraced ? removeTrace(s) : addTrace(s);
                            case REMOVE_BY_STRANGER -> removeByStranger(s);
                            case WRITE -> write(s);
                            case CROSSING_WRITE -> anyCrossable() ? crossingWrite(s) : write(s);
                            case HOSTILE_WRITE -> hostileWrite(s);
                            case READ -> read(s);
                            case EXECUTE -> execute(s);
                            case SET_PRIVILEGE -> setPrivilege(s);
                            case DEVICE_WRITE -> deviceWrite(s);
                            case START_TRACE -> startTrace(s);
                        };
                made.put(kind, g);
                readsTraces.put(kind, map || traces);
            }
            return g;
        }
    }

    /**
     * The action as a trace step. Its description is the action's {@code toString}, made only when
     * asked for (a failure report), not for every generated step: a write's bytes take long to print.
     */
    private static Action<TracingTrace> asStep(TracingAction a) {
        return Action.of(a::toString, (TracingTrace trace, Context ctx) -> trace.apply(a, ctx));
    }

    /** A vCPU: mostly one the machine has, sometimes the first it lacks or any vCPU number at all. */
    private static Gen<VCpu> vcpus(TracingState s) {
        return VCPUS.computeIfAbsent(s.shape().vcpuCount(), TracingActions::vcpus);
    }

    /** {@link #vcpus(TracingState)} for a machine of {@code count} vCPUs, made once per count. */
    private static Gen<VCpu> vcpus(int count) {
        return Gens.frequency(
                        Gens.weighted(40, Gens.integers(0, count - 1)),
                        Gens.weighted(1, Gens.constant(count)),
                        Gens.weighted(1, Gens.integers(0, Integer.MAX_VALUE)))
                .map(VCpu::new);
    }

    /** Rights: the two user-data kinds most often (so writes land), any of the eight otherwise. */
    private static Gen<PagePermissions> permissions() {
        return PERMISSIONS;
    }

    private static final Gen<PagePermissions> PERMISSIONS = Gens.frequency(
            Gens.weighted(3, Gens.elements(PagePermissions.USER_DATA, PagePermissions.ALL)),
            Gens.weighted(3, Gens.combine(Gens.booleans(), Gens.booleans(), Gens.booleans(), PagePermissions::new)));

    /** The pages the state names: mapping targets and traced pages, in page order. */
    private static List<GuestPhysicalPage> namedPages(TracingState s) {
        TreeSet<GuestPhysicalPage> out = new TreeSet<>(s.traces().keySet());
        s.mappings().values().forEach(space -> space.values().forEach(m -> out.add(m.page())));
        return List.copyOf(out);
    }

    /**
     * A guest-physical page from the whole domain of page numbers, biased towards the boundaries:
     * pages the state names and their neighbours and high-bit flips, any data page of guest RAM,
     * the edges of guest RAM and of the page-table pool (each side), any page at all.
     */
    static Gen<GuestPhysicalPage> physicalPage(TracingState s) {
        return lastMade(new PhysicalPageInputs(s.shape(), namedPages(s)), TracingActions::physicalPage);
    }

    /** All {@link #physicalPage(TracingState)} reads of a state. */
    private record PhysicalPageInputs(MachineShape shape, List<GuestPhysicalPage> named) {}

    private static Gen<GuestPhysicalPage> physicalPage(PhysicalPageInputs in) {
        List<GuestPhysicalPage> named = in.named();
        ShapePages fixed = SHAPE_PAGES.computeIfAbsent(in.shape(), ShapePages::new);
        Gen<Long> number = Gens.<Long>mix()
                .addIf(!named.isEmpty(), 4, () -> elementsOf(named).map(GuestPhysicalPage::number))
                .addIf(
                        !named.isEmpty(),
                        2,
                        () -> Gens.combine(elementsOf(named), Gens.elements(-1L, 1L), (p, d) -> p.number() + d))
                .addIf(
                        !named.isEmpty(),
                        1,
                        () -> Gens.combine(
                                elementsOf(named),
                                Gens.integers(0, PAGE_NUMBER_BITS - 1),
                                (p, bit) -> p.number() ^ (1L << bit)))
                .addIf(fixed.dataPages > 0, 5, () -> fixed.dataPage)
                .add(1, fixed.ramPage)
                .add(1.5, fixed.edge)
                .add(0.5, ANY_PAGE_NUMBER)
                .build();
        return number.map(n -> new GuestPhysicalPage(Math.floorMod(n, GuestPhysicalPage.LIMIT)));
    }

    /** Any guest-physical page number. */
    private static final Gen<Long> ANY_PAGE_NUMBER = Gens.longs(0, GuestPhysicalPage.LIMIT - 1);

    /** {@link ShapePages} by machine shape, made once per shape. */
    private static final Map<MachineShape, ShapePages> SHAPE_PAGES = new ConcurrentHashMap<>();

    /**
     * The parts of {@link #physicalPage(TracingState)} that depend on the shape alone, made once per
     * shape (generators are values: these draw and describe as ones made afresh for each state).
     */
    private static final class ShapePages {
        final long dataPages;
        final Gen<Long> dataPage;
        final Gen<Long> ramPage;
        final Gen<Long> edge;

        ShapePages(MachineShape shape) {
            long ram = shape.guestPhysicalPages();
            long poolFirst = shape.pageTablePoolFirst();
            long poolEnd = poolFirst + shape.pageTablePoolPages();
            this.dataPages = ram - shape.pageTablePoolPages();
            TreeSet<Long> edges = new TreeSet<>();
            for (long e : new long[] {0, poolFirst, poolEnd, ram, GuestPhysicalPage.LIMIT}) {
                for (long n : new long[] {e - 1, e}) {
                    if (n >= 0 && n < GuestPhysicalPage.LIMIT) {
                        edges.add(n);
                    }
                }
            }
            this.dataPage = dataPages > 0
                    ? Gens.longs(0, dataPages - 1).map(n -> n < poolFirst ? n : n + shape.pageTablePoolPages())
                    : null;
            this.ramPage = Gens.longs(0, ram - 1);
            this.edge = Gens.elements(edges);
        }
    }

    /**
     * A 64-bit guest-virtual address from the whole domain, biased towards the boundaries: pages
     * the vCPU's state maps, the pages next to them, their flips in one bit above the page offset
     * (so also above bit 31 and above the canonical width), the canonical edges and the 4 GiB
     * edge, any canonical address in either half, any 64-bit value. The offset in the page is any,
     * the page's first byte or its last.
     */
    static Gen<Long> address(TracingState s) {
        List<Long> mapped = new ArrayList<>();
        s.mappings().values().forEach(space -> space.keySet().forEach(p -> mapped.add(p.base())));
        return lastMade(mapped, TracingActions::address);
    }

    private static Gen<Long> address(List<Long> mapped) {
        Gen<Long> page = Gens.<Long>mix()
                .addIf(!mapped.isEmpty(), 3, () -> elementsOf(mapped))
                .addIf(
                        !mapped.isEmpty(),
                        3,
                        () -> Gens.combine(elementsOf(mapped), Gens.elements(-PAGE, PAGE), Long::sum))
                .addIf(
                        !mapped.isEmpty(),
                        2,
                        () -> Gens.combine(
                                elementsOf(mapped),
                                Gens.integers(GuestPhysicalPage.SHIFT, 63),
                                (va, bit) -> va ^ (1L << bit)))
                .add(
                        1.5,
                        Gens.elements(
                                0L,
                                (1L << 32) - PAGE,
                                1L << 32,
                                LOWER_HALF_END - PAGE,
                                LOWER_HALF_END,
                                -LOWER_HALF_END - PAGE,
                                -LOWER_HALF_END,
                                -PAGE))
                .add(1.5, Gens.longs(0, LOWER_HALF_END - 1))
                .add(0.7, Gens.longs(-LOWER_HALF_END, -1))
                .add(0.5, Gens.longs(Long.MIN_VALUE, Long.MAX_VALUE))
                .build();
        return Gens.combine(page, offsetInPage(), (base, off) -> (base & -PAGE) + off);
    }

    /** An offset in a page: anywhere, its first byte, its last. */
    private static Gen<Integer> offsetInPage() {
        return OFFSET_IN_PAGE;
    }

    private static final Gen<Integer> OFFSET_IN_PAGE = Gens.frequency(
            Gens.weighted(4, Gens.integers(0, GuestPhysicalPage.SIZE - 1)),
            Gens.weighted(1, Gens.constant(0)),
            Gens.weighted(1, Gens.constant(GuestPhysicalPage.SIZE - 1)));

    /** Where a write to a mapped page starts: anywhere in it, at its start, or near its end so that it crosses. */
    private static final Gen<Integer> WRITE_OFFSET = Gens.frequency(
            Gens.weighted(4, OFFSET_IN_PAGE),
            Gens.weighted(3, Gens.integers(GuestPhysicalPage.SIZE - 16, GuestPhysicalPage.SIZE - 1)));

    /**
     * An access length from offset {@code offset} in a page: short ones most often, any valid one
     * (1 to a page), the one that ends exactly at the page's end or one byte past it, the edges
     * of the valid range and just outside them (0, a page plus one).
     */
    private static Gen<Integer> length(int offset) {
        if (offset < 0 || offset >= GuestPhysicalPage.SIZE) {
            return lengthFrom(offset);
        }
        Gen<Integer> made = LENGTHS.get(offset);
        if (made == null) {
            made = lengthFrom(offset);
            LENGTHS.set(offset, made);
        }
        return made;
    }

    /** {@link #length(int)} made once per offset (generators are values: any two made alike draw alike). */
    private static final AtomicReferenceArray<Gen<Integer>> LENGTHS =
            new AtomicReferenceArray<>(GuestPhysicalPage.SIZE);

    private static Gen<Integer> lengthFrom(int offset) {
        int toEnd = GuestPhysicalPage.SIZE - offset;
        return Gens.frequency(
                Gens.weighted(6, Gens.integers(1, 32)),
                Gens.weighted(3, Gens.integers(1, TracingModel.MAX_ACCESS_LENGTH)),
                Gens.weighted(1, Gens.elements(toEnd, toEnd + 1)),
                Gens.weighted(
                        0.5,
                        Gens.elements(
                                0,
                                1,
                                TracingModel.MAX_ACCESS_LENGTH - 1,
                                TracingModel.MAX_ACCESS_LENGTH,
                                TracingModel.MAX_ACCESS_LENGTH + 1)));
    }

    private static Gen<TracingAction> mapPage(TracingState s) {
        Gen<GuestPhysicalPage> page = physicalPage(s);
        Gen<TracingAction> anywhere = Gens.combine(vcpus(s), address(s), page, permissions(), MapPage::new);
        List<MappedPage> neighbours = mappedPairs(s).stream()
                .filter(p -> GuestVirtualAddresses.isCanonical(p.page().base() + PAGE)
                        && s.mappingOf(p.vcpu(), p.page().base() + PAGE).isEmpty())
                .toList();
        // Always draw the coin, so the choices keep their meaning whether or not a neighbour exists.
        return Gens.booleans().flatMap(besideAnother -> {
            if (!besideAnother || neighbours.isEmpty()) {
                return anywhere;
            }
            return elementsOf(neighbours)
                    .flatMap(n -> Gens.combine(page, permissions(), (pg, perm) ->
                            (TracingAction) new MapPage(n.vcpu(), n.page().base() + PAGE, pg, perm)));
        });
    }

    private static Gen<TracingAction> unmapPage(TracingState s) {
        return elementsOf(mappedPairs(s))
                .map(p -> new UnmapPage(p.vcpu(), p.page().base()));
    }

    private static Gen<TracingAction> addTrace(TracingState s) {
        List<GuestPhysicalPage> mappedTargets = new ArrayList<>();
        s.mappings().values().forEach(space -> space.values().forEach(m -> mappedTargets.add(m.page())));
        List<GuestPhysicalPage> traced = List.copyOf(s.traces().keySet());
        Gen<GuestPhysicalPage> page = Gens.<GuestPhysicalPage>mix()
                .addIf(!mappedTargets.isEmpty(), 6, () -> elementsOf(mappedTargets))
                .addIf(!traced.isEmpty(), 1.5, () -> elementsOf(traced))
                .add(2.5, physicalPage(s))
                .build();
        return Gens.combine(Gens.elements(TracingTrace.OWNERS), page, AddTrace::new);
    }

    /** A trace request run in micro-steps, on the pages {@link #addTrace(TracingState)} draws. */
    private static Gen<TracingAction> startTrace(TracingState s) {
        return addTrace(s).map(a -> {
            AddTrace add = (AddTrace) a;
            return (TracingAction) new StartTrace(add.owner(), add.page());
        });
    }

    private static Gen<TracingAction> removeTrace(TracingState s) {
        List<RemoveTrace> held = new ArrayList<>();
        s.traces().forEach((page, owners) -> owners.forEach(o -> held.add(new RemoveTrace(o, page))));
        return elementsOf(held).map(r -> (TracingAction) r);
    }

    /** A trace removal run in micro-steps, of the traces {@link #removeTrace(TracingState)} draws. */
    private static Gen<TracingAction> startRemoveTrace(TracingState s) {
        return removeTrace(s).map(a -> {
            RemoveTrace remove = (RemoveTrace) a;
            return (TracingAction) new StartRemoveTrace(remove.owner(), remove.page());
        });
    }

    private static Gen<TracingAction> removeByStranger(TracingState s) {
        return Gens.combine(
                Gens.elements(List.of(new Owner("stranger"), TracingTrace.OWNERS.get(0))),
                physicalPage(s),
                RemoveTrace::new);
    }

    /** A write to a mapped page: anywhere in it, at its start, or near its end so that it crosses. */
    private static Gen<TracingAction> write(TracingState s) {
        return elementsOf(mappedPairs(s)).flatMap(p -> {
            return WRITE_OFFSET.flatMap(off -> Gens.combine(length(off), FILL, (len, fill) ->
                    (TracingAction) new GuestWrite(p.vcpu(), p.page().base() + off, fill(len, fill))));
        });
    }

    /** The seed of a written pattern. */
    private static final Gen<Integer> FILL = Gens.integers(1, 255);

    /** A write that starts near the end of a mapped page whose successor is mapped too, so it crosses. */
    private static Gen<TracingAction> crossingWrite(TracingState s) {
        Gen<Integer> side = Gens.frequency(
                Gens.weighted(4, Gens.integers(1, 16)), Gens.weighted(1, Gens.integers(1, GuestPhysicalPage.SIZE / 2)));
        return elementsOf(crossable(s))
                .flatMap(p -> Gens.combine(side, side, Gens.integers(1, 255), (before, after, fill) -> (TracingAction)
                        new GuestWrite(p.vcpu(), p.page().base() + PAGE - before, fill(before + after, fill))));
    }

    /** Mapped pages whose next virtual page is mapped in the same address space. */
    private static List<MappedPage> crossable(TracingState s) {
        return mappedPairs(s).stream()
                .filter(p -> GuestVirtualAddresses.isCanonical(p.page().base() + PAGE)
                        && s.mappingOf(p.vcpu(), p.page().base() + PAGE).isPresent())
                .toList();
    }

    /** A write anywhere in the 64-bit address space, biased towards the edges of what is mapped. */
    private static Gen<TracingAction> hostileWrite(TracingState s) {
        return Gens.tuples(vcpus(s), address(s))
                .flatMap(t -> length(GuestVirtualAddresses.pageOffset(t.second()))
                        .map(len -> (TracingAction) new GuestWrite(t.first(), t.second(), fill(len, 0xAA))));
    }

    /** A read of a mapped page, or of any address. */
    private static Gen<TracingAction> read(TracingState s) {
        Gen<TracingAction> mapped = elementsOf(mappedPairs(s))
                .flatMap(p -> offsetInPage()
                        .flatMap(off -> length(off).map(len ->
                                (TracingAction) new GuestRead(p.vcpu(), p.page().base() + off, len))));
        Gen<TracingAction> anywhere = Gens.combine(vcpus(s), address(s), Gens.integers(1, 32), GuestRead::new);
        return Gens.frequency(Gens.weighted(4, mapped), Gens.weighted(1, anywhere));
    }

    /** An instruction fetch from a mapped page, or from any address. */
    private static Gen<TracingAction> execute(TracingState s) {
        Gen<TracingAction> mapped = elementsOf(mappedPairs(s))
                .flatMap(p -> offsetInPage().map(off ->
                        (TracingAction) new GuestExecute(p.vcpu(), p.page().base() + off)));
        Gen<TracingAction> anywhere = Gens.combine(vcpus(s), address(s), GuestExecute::new);
        return Gens.frequency(Gens.weighted(4, mapped), Gens.weighted(1, anywhere));
    }

    /** The requester id of a DMA: mostly the guest's device, sometimes any PCI function or any int at all. */
    private static final Gen<Integer> DEVICES = Gens.frequency(
            Gens.weighted(20, Gens.constant(TracingModel.DEVICE)),
            Gens.weighted(1, Gens.integers(0, 0xFFFF)),
            Gens.weighted(1, Gens.integers(Integer.MIN_VALUE, Integer.MAX_VALUE)));

    /**
     * A device's DMA write over the whole bus-address space, biased to traced pages and their
     * neighbours (so transfers cross into and out of them), pages the guest maps, any page of the
     * domain ({@link #physicalPage(TracingState)}: RAM edges, the page-table pool, beyond RAM), the
     * edges of the 48-bit bus width, and any 64-bit address.
     */
    private static Gen<TracingAction> deviceWrite(TracingState s) {
        List<GuestPhysicalPage> traced = List.copyOf(s.traces().keySet());
        List<GuestPhysicalPage> mappedTargets = new ArrayList<>();
        s.mappings().values().forEach(space -> space.values().forEach(m -> mappedTargets.add(m.page())));
        Gen<Long> page = Gens.<Long>mix()
                .addIf(!traced.isEmpty(), 5, () -> elementsOf(traced).map(GuestPhysicalPage::number))
                .addIf(
                        !traced.isEmpty(),
                        2,
                        () -> Gens.combine(elementsOf(traced), Gens.elements(-1L, 1L), (p, d) -> p.number() + d))
                .addIf(
                        !mappedTargets.isEmpty(),
                        2,
                        () -> elementsOf(mappedTargets).map(GuestPhysicalPage::number))
                .add(2, physicalPage(s).map(GuestPhysicalPage::number))
                .build();
        Gen<Long> bus = Gens.frequency(
                Gens.weighted(12, Gens.combine(page, WRITE_OFFSET, (n, off) -> (n << GuestPhysicalPage.SHIFT) + off)),
                Gens.weighted(
                        0.5,
                        Gens.elements(
                                TracingModel.BUS_ADDRESS_LIMIT - PAGE,
                                TracingModel.BUS_ADDRESS_LIMIT - 16,
                                TracingModel.BUS_ADDRESS_LIMIT,
                                -PAGE,
                                Long.MAX_VALUE - 8)),
                Gens.weighted(0.5, Gens.longs(Long.MIN_VALUE, Long.MAX_VALUE)));
        return Gens.tuples(DEVICES, bus)
                .flatMap(t -> Gens.combine(length((int) (t.second() & (PAGE - 1))), FILL, (len, fill) ->
                        (TracingAction) new DeviceWrite(t.first(), t.second(), fill(len, fill))));
    }

    private static Gen<TracingAction> setPrivilege(TracingState s) {
        return Gens.combine(vcpus(s), Gens.elements(Privilege.values()), SetPrivilege::new);
    }

    /**
     * {@code length} bytes of the pattern {@code (seed + 31 * i) & 0xff}. As 31 is odd, byte
     * {@code i} is also byte {@code i + k} of the pattern with seed 0, where {@code 31 * k = seed}
     * modulo 256 ({@code k = seed * 223}, 223 being 31's inverse), so every fill is one slice of
     * {@link #PATTERN}.
     */
    private static Bytes fill(int length, int seed) {
        int start = (seed * 223) & 0xff;
        if (length < 0 || start + length > PATTERN.length()) {
            int[] values = new int[length];
            for (int i = 0; i < length; i++) {
                values[i] = (seed + 31 * i) & 0xff;
            }
            return Bytes.ofInts(values);
        }
        return PATTERN.slice(start, length);
    }

    /** The fill pattern with seed 0, long enough for any write the generators make from any seed. */
    private static final Bytes PATTERN = pattern(256 + 2 * GuestPhysicalPage.SIZE + 2);

    private static Bytes pattern(int length) {
        int[] values = new int[length];
        for (int i = 0; i < length; i++) {
            values[i] = (31 * i) & 0xff;
        }
        return Bytes.ofInts(values);
    }

    /**
     * {@code Gens.elements(values)}, the one made last for an equal list when there is one on this
     * thread: a generator is a value, so one made from an equal list has the same description and
     * draws the same; making it anew prints the list for its description every time.
     */
    private static <T> Gen<T> elementsOf(Collection<? extends T> values) {
        return lastMade(List.copyOf(values), Gens::elements);
    }

    /**
     * {@code make.apply(key)}, or the value it gave for an equal key among the last few made on this
     * thread: only for pure functions of immutable keys, as every generator maker here is.
     */
    @SuppressWarnings("unchecked")
    private static <K, V> V lastMade(K key, Function<K, V> make) {
        Map<Object, Object> made = LAST_MADE.get();
        Map<Object, Object> byKind = (Map<Object, Object>) made.computeIfAbsent(make.getClass(), k -> new HashMap<>());
        V value = (V) byKind.get(key);
        if (value == null) {
            value = make.apply(key);
            if (byKind.size() >= 64) {
                byKind.clear();
            }
            byKind.put(key, value);
        }
        return value;
    }

    /** Per thread, per maker: the values made by key (at most 64 each, then forgotten together). */
    private static final ThreadLocal<Map<Object, Object>> LAST_MADE = ThreadLocal.withInitial(HashMap::new);

    /** A vCPU and one of the virtual pages its address space maps. */
    private record MappedPage(VCpu vcpu, GuestVirtualPage page) {}

    private static List<MappedPage> mappedPairs(TracingState s) {
        List<MappedPage> out = new ArrayList<>();
        for (Map.Entry<VCpu, Map<GuestVirtualPage, Mapping>> e : s.mappings().entrySet()) {
            for (GuestVirtualPage page : e.getValue().keySet()) {
                out.add(new MappedPage(e.getKey(), page));
            }
        }
        return out;
    }
}
