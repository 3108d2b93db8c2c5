package org.hvproof.properties.tracing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.GuestVirtualPage;
import org.hvproof.model.common.Owner;
import org.hvproof.model.common.PagePermissions;
import org.hvproof.model.common.Privilege;
import org.hvproof.model.common.VCpu;
import org.hvproof.model.tracing.AddTrace;
import org.hvproof.model.tracing.GuestExecute;
import org.hvproof.model.tracing.GuestRead;
import org.hvproof.model.tracing.GuestWrite;
import org.hvproof.model.tracing.MapPage;
import org.hvproof.model.tracing.Mapping;
import org.hvproof.model.tracing.RemoveTrace;
import org.hvproof.model.tracing.SetPrivilege;
import org.hvproof.model.tracing.TracingAction;
import org.hvproof.model.tracing.TracingState;
import org.hvproof.model.tracing.UnmapPage;
import org.hvproof.propcheck.Action;
import org.hvproof.propcheck.Gen;
import org.hvproof.propcheck.Gens;

/**
 * The trace generator of the tracing service: the next action is drawn from the current model
 * state, so writes land mostly on mapped pages (traced or not), traces are removed mostly by
 * owners that hold them, and hostile actions are weighted in: writes to unmapped and
 * non-canonical addresses, writes that cross into an unmapped page, traces of pages outside
 * guest RAM or of the guest's page tables, removals by owners that hold nothing, user-mode
 * writes to supervisor pages, execution of no-execute pages.
 */
public final class TracingActions {
    /** Guest-physical data pages the guest maps; few, so traces and writes meet often. */
    static final List<GuestPhysicalPage> DATA_PAGES = pages(16, 8);

    /** Guest-physical pages no trace may name: beyond RAM, and the guest's own page-table pool. */
    static final List<GuestPhysicalPage> HOSTILE_PAGES = List.of(
            new GuestPhysicalPage(TracingTrace.SHAPE.guestPhysicalPages()),
            new GuestPhysicalPage(1L << 30),
            new GuestPhysicalPage(TracingTrace.SHAPE.pageTablePoolFirst()));

    /** Virtual pages: two runs of adjacent user pages (for crossing writes) and a kernel-half page. */
    static final List<Long> VIRTUAL_PAGES =
            List.of(0x40_0000L, 0x40_1000L, 0x40_2000L, 0x7fff_ffff_d000L, 0x7fff_ffff_e000L, 0xffff_8000_0000_0000L);

    /** Addresses no mapping covers: unmapped, non-canonical, the very top of the address space. */
    static final List<Long> HOSTILE_ADDRESSES =
            List.of(0x0L, 0x9000_0000L, 0x0000_8000_0000_0000L, 0xffff_ffff_ffff_fff8L, 0x7fff_ffff_fffeL);

    private static final List<PagePermissions> PERMISSIONS = List.of(
            PagePermissions.USER_DATA,
            PagePermissions.USER_DATA,
            PagePermissions.KERNEL_DATA,
            PagePermissions.ALL,
            new PagePermissions(false, true, false),
            PagePermissions.KERNEL_CODE);

    private TracingActions() {}

    /** The kinds of action, with fixed weights: a fixed table keeps a trace's choices meaning the same
     * actions when the shrinker deletes earlier ones, so traces shrink further. */
    private enum Kind {
        MAP(2),
        UNMAP(0.5),
        ADD_TRACE(2.5),
        REMOVE_TRACE(2),
        REMOVE_BY_STRANGER(0.3),
        WRITE(6),
        CROSSING_WRITE(3),
        HOSTILE_WRITE(0.7),
        READ(1.5),
        EXECUTE(0.5),
        SET_PRIVILEGE(0.5);

        final double weight;

        Kind(double weight) {
            this.weight = weight;
        }
    }

    private static final Gen<Kind> KINDS = Gens.frequency(java.util.Arrays.stream(Kind.values())
            .map(k -> Gens.weighted(k.weight, Gens.constant(k)))
            .toList());

    /**
     * The next action for the trace's current state. A kind that does not apply yet (a write with
     * nothing mapped, a removal with nothing traced) becomes a mapping or a trace, which is what
     * the trace needs next to reach it.
     */
    public static Gen<Action<TracingTrace>> next(TracingTrace trace) {
        TracingState s = trace.state();
        boolean anyMapped = s.mappings().values().stream().anyMatch(m -> !m.isEmpty());
        boolean anyTraced = !s.traces().isEmpty();
        boolean anyCrossable = !crossable(s).isEmpty();
        return KINDS.flatMap(kind -> switch (kind) {
                    case MAP -> mapPage(s);
                    case UNMAP -> anyMapped ? unmapPage(s) : mapPage(s);
                    case ADD_TRACE -> addTrace(s);
                    case REMOVE_TRACE -> anyTraced ? removeTrace(s) : addTrace(s);
                    case REMOVE_BY_STRANGER -> removeByStranger(s);
                    case WRITE -> anyMapped ? write(s) : mapPage(s);
                    case CROSSING_WRITE -> anyCrossable ? crossingWrite(s) : anyMapped ? write(s) : mapPage(s);
                    case HOSTILE_WRITE -> hostileWrite(s);
                    case READ -> anyMapped ? read(s) : mapPage(s);
                    case EXECUTE -> anyMapped ? execute(s) : mapPage(s);
                    case SET_PRIVILEGE -> setPrivilege(s);
                })
                .map(TracingActions::asStep);
    }

    private static Action<TracingTrace> asStep(TracingAction a) {
        return Action.of(a.toString(), (trace, ctx) -> trace.apply(a, ctx));
    }

    private static Gen<VCpu> vcpus(TracingState s) {
        return Gens.integers(0, s.shape().vcpuCount() - 1).map(VCpu::new);
    }

    private static Gen<TracingAction> mapPage(TracingState s) {
        Gen<GuestPhysicalPage> page = Gens.frequency(
                Gens.weighted(20, Gens.elements(DATA_PAGES)), Gens.weighted(1, Gens.elements(HOSTILE_PAGES)));
        Gen<TracingAction> anywhere =
                Gens.combine(vcpus(s), Gens.elements(VIRTUAL_PAGES), page, Gens.elements(PERMISSIONS), MapPage::new);
        List<MappedPage> neighbours = mappedPairs(s).stream()
                .filter(p -> VIRTUAL_PAGES.contains(p.page().base() + 4096)
                        && s.mappingOf(p.vcpu(), p.page().base() + 4096).isEmpty())
                .toList();
        // Always draw the coin, so the choices keep their meaning whether or not a neighbour exists.
        return Gens.booleans().flatMap(besideAnother -> {
            if (!besideAnother || neighbours.isEmpty()) {
                return anywhere;
            }
            return Gens.elements(neighbours)
                    .flatMap(n -> Gens.combine(page, Gens.elements(PERMISSIONS), (pg, perm) ->
                            (TracingAction) new MapPage(n.vcpu(), n.page().base() + 4096, pg, perm)));
        });
    }

    private static Gen<TracingAction> unmapPage(TracingState s) {
        return Gens.elements(mappedPairs(s))
                .map(p -> new UnmapPage(p.vcpu(), p.page().base()));
    }

    private static Gen<TracingAction> addTrace(TracingState s) {
        List<GuestPhysicalPage> mappedTargets = new ArrayList<>();
        s.mappings().values().forEach(space -> space.values().forEach(m -> mappedTargets.add(m.page())));
        Gen<GuestPhysicalPage> page = Gens.<GuestPhysicalPage>mix()
                .addIf(!mappedTargets.isEmpty(), 6, () -> Gens.elements(mappedTargets))
                .add(3, Gens.elements(DATA_PAGES))
                .add(
                        1,
                        Gens.elements(List.copyOf(
                                s.traces().keySet().isEmpty()
                                        ? DATA_PAGES
                                        : List.copyOf(s.traces().keySet()))))
                .add(0.4, Gens.elements(HOSTILE_PAGES))
                .build();
        return Gens.combine(Gens.elements(TracingTrace.OWNERS), page, AddTrace::new);
    }

    private static Gen<TracingAction> removeTrace(TracingState s) {
        List<RemoveTrace> held = new ArrayList<>();
        s.traces().forEach((page, owners) -> owners.forEach(o -> held.add(new RemoveTrace(o, page))));
        return Gens.elements(held).map(r -> (TracingAction) r);
    }

    private static Gen<TracingAction> removeByStranger(TracingState s) {
        Gen<GuestPhysicalPage> page = Gens.frequency(
                Gens.weighted(4, Gens.elements(DATA_PAGES)), Gens.weighted(1, Gens.elements(HOSTILE_PAGES)));
        return Gens.combine(
                Gens.elements(List.of(new Owner("stranger"), TracingTrace.OWNERS.get(0))), page, RemoveTrace::new);
    }

    /** A write to a mapped page: anywhere in it, at its start, or near its end so that it crosses. */
    private static Gen<TracingAction> write(TracingState s) {
        return Gens.elements(mappedPairs(s)).flatMap(p -> {
            Gen<Integer> offset = Gens.frequency(
                    Gens.weighted(4, Gens.integers(0, 4095)),
                    Gens.weighted(1, Gens.constant(0)),
                    Gens.weighted(3, Gens.integers(4080, 4095)));
            return Gens.combine(offset, Gens.integers(1, 32), Gens.integers(1, 255), (off, len, fill) ->
                    (TracingAction) new GuestWrite(p.vcpu(), p.page().base() + off, fill(len, fill)));
        });
    }

    /** A write that starts near the end of a mapped page whose successor is mapped too, so it crosses. */
    private static Gen<TracingAction> crossingWrite(TracingState s) {
        return Gens.elements(crossable(s))
                .flatMap(p -> Gens.combine(
                        Gens.integers(1, 16),
                        Gens.integers(1, 16),
                        Gens.integers(1, 255),
                        (before, after, fill) -> (TracingAction)
                                new GuestWrite(p.vcpu(), p.page().base() + 4096 - before, fill(before + after, fill))));
    }

    /** Mapped pages whose next virtual page is mapped in the same address space. */
    private static List<MappedPage> crossable(TracingState s) {
        return mappedPairs(s).stream()
                .filter(p -> p.page().base() + 4096 > p.page().base()
                        && s.mappingOf(p.vcpu(), p.page().base() + 4096).isPresent())
                .toList();
    }

    private static Gen<TracingAction> hostileWrite(TracingState s) {
        Gen<Integer> length = Gens.frequency(
                Gens.weighted(5, Gens.integers(1, 16)),
                Gens.weighted(1, Gens.constant(4096)),
                Gens.weighted(1, Gens.constant(0)));
        return Gens.combine(
                vcpus(s),
                Gens.elements(HOSTILE_ADDRESSES),
                length,
                (cpu, va, len) -> new GuestWrite(cpu, va, fill(len, 0xAA)));
    }

    private static Gen<TracingAction> read(TracingState s) {
        return Gens.elements(mappedPairs(s))
                .flatMap(p -> Gens.combine(Gens.integers(0, 4095), Gens.integers(1, 32), (off, len) ->
                        (TracingAction) new GuestRead(p.vcpu(), p.page().base() + off, len)));
    }

    private static Gen<TracingAction> execute(TracingState s) {
        return Gens.elements(mappedPairs(s))
                .flatMap(p -> Gens.integers(0, 4095).map(off ->
                        (TracingAction) new GuestExecute(p.vcpu(), p.page().base() + off)));
    }

    private static Gen<TracingAction> setPrivilege(TracingState s) {
        return Gens.combine(vcpus(s), Gens.elements(Privilege.values()), SetPrivilege::new);
    }

    private static Bytes fill(int length, int seed) {
        int[] values = new int[length];
        for (int i = 0; i < length; i++) {
            values[i] = (seed + 31 * i) & 0xff;
        }
        return Bytes.ofInts(values);
    }

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

    private static List<GuestPhysicalPage> pages(long first, int count) {
        List<GuestPhysicalPage> out = new ArrayList<>();
        for (long n = first; n < first + count; n++) {
            out.add(new GuestPhysicalPage(n));
        }
        return List.copyOf(out);
    }
}
