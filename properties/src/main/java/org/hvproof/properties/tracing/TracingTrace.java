package org.hvproof.properties.tracing;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import org.hvproof.impl.machine.Machine;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.impl.machine.VirtualCpu;
import org.hvproof.impl.tracing.TracingImplFlaw;
import org.hvproof.impl.tracing.TracingService;
import org.hvproof.impl.tracing.TracingSystem;
import org.hvproof.model.common.Completed;
import org.hvproof.model.common.DmaCompleted;
import org.hvproof.model.common.DmaRefused;
import org.hvproof.model.common.ErrorCode;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.GuestVirtualAddresses;
import org.hvproof.model.common.MachineShape;
import org.hvproof.model.common.Notification;
import org.hvproof.model.common.Observation;
import org.hvproof.model.common.Owner;
import org.hvproof.model.common.Refused;
import org.hvproof.model.common.Transition;
import org.hvproof.model.common.VCpu;
import org.hvproof.model.tracing.AddTrace;
import org.hvproof.model.tracing.ContinueTrace;
import org.hvproof.model.tracing.DeviceWrite;
import org.hvproof.model.tracing.GuestExecute;
import org.hvproof.model.tracing.GuestRead;
import org.hvproof.model.tracing.GuestWrite;
import org.hvproof.model.tracing.PendingTrace;
import org.hvproof.model.tracing.RemoveTrace;
import org.hvproof.model.tracing.TracingAction;
import org.hvproof.model.tracing.TracingModel;
import org.hvproof.model.tracing.TracingState;
import org.hvproof.propcheck.Context;
import org.hvproof.properties.Lockstep;
import org.hvproof.properties.harness.JudgedTrace;

/**
 * One generated trace of the tracing service: the machine (with or without a deliberate flaw)
 * and the abstract model in lockstep, plus what the trace has done so far, for labels.
 */
public final class TracingTrace implements JudgedTrace<TracingState, TracingAction, Observation> {
    /** The guest every trace boots: three vCPUs, 512 guest-physical pages (the top 256 hold page tables). */
    public static final MachineShape SHAPE = MachineShape.of(3, 512);

    private final TracingSystem machine;
    private final Lockstep<TracingState, TracingAction> lockstep;
    private final Set<GuestPhysicalPage> everTraced = new HashSet<>();
    private final Set<GuestPhysicalPage> lostOneOfTwoOwners = new HashSet<>();
    private final Set<CachedPage> cachedBeforeTrace = new HashSet<>();
    private final TracingActions.Menus menus = new TracingActions.Menus();

    /** Boots the guest under the tracing service with {@code flaw} ({@link TracingImplFlaw#NONE} for the real one). */
    public TracingTrace(TracingImplFlaw flaw) {
        // Guest RAM mapped by 2 MiB nested leaves, as hypervisors map it: traces split them.
        this.machine = new TracingSystem(SHAPE, flaw, true);
        this.lockstep = new Lockstep<>(
                machine::apply,
                machine::abstractState,
                (s, a) -> {
                    var step = TracingModel.step(s, a);
                    return new Lockstep.ModelStep<>(step.next(), step.observations());
                },
                TracingState.initial(SHAPE));
    }

    /** The model's state, equal to the machine's abstraction while refinement holds. */
    public TracingState state() {
        return lockstep.state();
    }

    /** The generators made for the last state's actions ({@link TracingActions#next}). */
    TracingActions.Menus menus() {
        return menus;
    }

    @Override
    public List<Transition<TracingState, TracingAction, Observation>> lastTransitions() {
        Transition<TracingState, TracingAction, Observation> t = lockstep.lastAs(Observation.class);
        return t == null ? List.of() : List.of(t);
    }

    @Override
    public TracingState judgedState() {
        return lockstep.judgedState();
    }

    /** Runs one action on machine and model, checks refinement, and labels what happened. */
    void apply(TracingAction action, Context ctx) {
        List<VCpu> caching = action instanceof AddTrace a ? cachingWritable(a.page()) : List.of();
        if (action instanceof AddTrace a
                && machine.machine().defaultView().leafSize(a.page())
                        > org.hvproof.impl.machine.HostMemory.FRAME_SIZE) {
            ctx.label(TracingLabels.TRACE_INSIDE_LARGE_NESTED_MAPPING);
        }
        if (action instanceof AddTrace a
                && machine.machine()
                        .iommu()
                        .cachedWritablePages(TracingSystem.DEVICE)
                        .contains(a.page().number())) {
            ctx.label(TracingLabels.TRACE_OVER_DEVICE_CACHED_WRITABLE_TRANSLATION);
        }
        Optional<TracingService.MicroStep> microStep = machine.tracing().nextMicroStep();
        Lockstep.Transition<TracingState, TracingAction> t = lockstep.apply(action);
        label(t, ctx);
        microStep.ifPresent(step -> labelBetweenMicroSteps(t, step, ctx));
        if (!caching.isEmpty()) {
            ctx.label(TracingLabels.TRACE_OVER_CACHED_WRITABLE_TRANSLATION);
            if (caching.stream().anyMatch(v -> v.id() != 0)) {
                ctx.label(TracingLabels.TRACE_OVER_REMOTE_CACHED_WRITABLE_TRANSLATION);
            }
            GuestPhysicalPage page = ((AddTrace) action).page();
            caching.forEach(v -> cachedBeforeTrace.add(new CachedPage(v, page)));
        }
        cachedBeforeTrace.removeIf(c -> !t.after().isTraced(c.page()));
        if (action instanceof DeviceWrite d) {
            labelDeviceWrite(d, t, ctx);
        }
        if (action instanceof GuestWrite w) {
            for (Object o : t.observations()) {
                if (o instanceof Notification n && cachedBeforeTrace.contains(new CachedPage(w.vcpu(), n.page()))) {
                    ctx.label(TracingLabels.WRITE_AFTER_TRACE_BY_CACHING_VCPU);
                }
            }
        }
    }

    /**
     * Labels an action taken while a trace request is half done ({@code next} is the micro-step it
     * runs next): a micro-step, a guest access by a vCPU other than vCPU 0 (where the request runs),
     * a completed write to the page being traced, the same between the clear and the shoot-down,
     * and the request's publication.
     */
    private static void labelBetweenMicroSteps(
            Lockstep.Transition<TracingState, TracingAction> t, TracingService.MicroStep next, Context ctx) {
        boolean removing = t.before().pending().map(PendingTrace::removing).orElse(false);
        if (t.action() instanceof ContinueTrace) {
            if (t.after().pending().isEmpty()) {
                ctx.label(
                        removing ? TracingLabels.INTERLEAVED_REMOVAL_DONE : TracingLabels.INTERLEAVED_TRACE_PUBLISHED);
            }
            return;
        }
        VCpu by = t.action() instanceof GuestWrite w ? w.vcpu() : t.action() instanceof GuestRead r ? r.vcpu() : null;
        if (by != null && by.id() != 0 && t.before().shape().hasVcpu(by)) {
            ctx.label(TracingLabels.ACCESS_BY_ANOTHER_VCPU_BETWEEN_MICRO_STEPS);
        }
        if (!(t.action() instanceof GuestWrite w)
                || !t.observations()
                        .contains(new Completed(
                                w.vcpu(),
                                org.hvproof.model.common.AccessKind.WRITE,
                                w.va(),
                                w.bytes().length()))) {
            return;
        }
        GuestPhysicalPage adding = t.before().pending().orElseThrow().page();
        boolean toAdding = java.util.stream.LongStream.of(
                        w.va(), w.va() + w.bytes().length() - 1)
                .anyMatch(va -> t.before()
                        .mappingOf(w.vcpu(), va)
                        .map(m -> m.page().equals(adding))
                        .orElse(false));
        if (toAdding && removing) {
            // A removal whose last owner left: the write meets the write bit not yet restored.
            if (!t.before().isTraced(adding)) {
                ctx.label(TracingLabels.WRITE_TO_PAGE_BEING_UNTRACED);
            }
        } else if (toAdding) {
            ctx.label(TracingLabels.WRITE_TO_PAGE_BEING_TRACED);
            if (next == TracingService.MicroStep.SHOOT_DOWN) {
                ctx.label(TracingLabels.WRITE_BETWEEN_CLEAR_AND_SHOOT_DOWN);
            }
        }
    }

    /** Labels a DMA write by what it reached: a traced page, landed pieces before it, or no data page at all. */
    private static void labelDeviceWrite(
            DeviceWrite d, Lockstep.Transition<TracingState, TracingAction> t, Context ctx) {
        for (Object o : t.observations()) {
            if (o instanceof DmaCompleted c && c.length() > 0) {
                ctx.label(TracingLabels.DMA_LANDED);
            } else if (o instanceof DmaRefused r) {
                long at = r.busAddress();
                boolean tracedPage = at >= 0
                        && at < TracingModel.BUS_ADDRESS_LIMIT
                        && t.before().isTraced(GuestPhysicalPage.containing(at));
                if (tracedPage && d.device() == TracingModel.DEVICE) {
                    ctx.label(TracingLabels.DMA_REFUSED_AT_TRACED_PAGE);
                    if (at != d.busAddress()) {
                        ctx.label(TracingLabels.DMA_LANDED_THEN_REFUSED_AT_TRACED_PAGE);
                    }
                } else {
                    ctx.label(TracingLabels.DMA_REFUSED_ELSEWHERE);
                }
            }
        }
    }

    /**
     * TRACE-4 on the IOMMU: neither the device's I/O page table nor its IOTLB lets it write a
     * traced page, so no DMA write can land on one unseen ({@link
     * TracingMachineChecks#deviceWritableTracedPage}). Throws naming the page otherwise.
     */
    void checkNoDeviceWritableTracedPage() {
        TracingMachineChecks.deviceWritableTracedPage(
                        machine.machine(),
                        TracingSystem.DEVICE,
                        state().traces().keySet())
                .ifPresent(found -> {
                    throw new AssertionError("TRACE-4 noDeviceWritableTracedPage violated: " + found);
                });
    }

    /** A vCPU that cached a writable translation of a page when a trace of it was added. */
    private record CachedPage(VCpu vcpu, GuestPhysicalPage page) {}

    /** The vCPUs holding a writable cached translation of {@code page}. */
    private List<VCpu> cachingWritable(GuestPhysicalPage page) {
        Machine m = machine.machine();
        return m.vcpus().stream()
                .filter(c -> m.tlb(c).writableGuestPhysicalPages(ViewId.DEFAULT).contains(page.number()))
                .map(VirtualCpu::id)
                .toList();
    }

    /**
     * TRACE-5 on the machine's translation caches: no vCPU holds a writable cached translation of
     * a traced page, so no write can reach a traced page without the nested walk that notifies it
     * ({@link TracingMachineChecks#staleWritableTranslation}). Throws naming the vCPU and the page
     * otherwise.
     */
    void checkNoStaleWritableTranslation() {
        TracingMachineChecks.staleWritableTranslation(
                        machine.machine(), ViewId.DEFAULT, state().traces().keySet())
                .ifPresent(found -> {
                    throw new AssertionError("TRACE-5 noStaleWritableTranslation violated: " + found);
                });
    }

    /**
     * Refinement: the machine's observations and abstract state after the last step equal the
     * model's. Throws the mismatch, which says what each side saw.
     */
    @Override
    public void checkRefinement() {
        lockstep.checkRefinement();
    }

    private void label(Lockstep.Transition<TracingState, TracingAction> t, Context ctx) {
        TracingState before = t.before();
        TracingState after = t.after();
        after.traces().keySet().forEach(everTraced::add);
        if (t.action() instanceof RemoveTrace r
                && before.ownersOf(r.page()).size() == 2
                && after.ownersOf(r.page()).size() == 1) {
            ctx.label(TracingLabels.ONE_OF_TWO_OWNERS_REMOVED);
            lostOneOfTwoOwners.add(r.page());
        }
        for (GuestPhysicalPage p : before.traces().keySet()) {
            if (before.ownersOf(p).size() >= 2) {
                ctx.label(TracingLabels.DOUBLY_OWNED_PAGE);
            }
        }
        labelSpread(t, ctx);
        if (!(t.action() instanceof GuestWrite w)) {
            return;
        }
        List<Notification> notes = t.observations().stream()
                .filter(Notification.class::isInstance)
                .map(Notification.class::cast)
                .toList();
        boolean completed = t.observations().stream().anyMatch(o -> o instanceof Completed);
        long firstPage = w.va() >>> 12;
        long lastPage = (w.va() + w.bytes().length() - 1) >>> 12;
        boolean crossing = firstPage != lastPage;
        if (!completed) {
            ctx.label(TracingLabels.FAULTED_WRITE);
            return;
        }
        if (crossing) {
            ctx.label(TracingLabels.CROSSING_WRITE);
        }
        if (!notes.isEmpty()) {
            ctx.label(TracingLabels.WRITE_TO_TRACED_PAGE);
            if (crossing) {
                ctx.label(TracingLabels.CROSSING_WRITE_TO_TRACED_PAGE);
            }
            Set<GuestPhysicalPage> notified =
                    notes.stream().map(Notification::page).collect(Collectors.toSet());
            if (notified.stream().anyMatch(p -> before.ownersOf(p).size() >= 2)) {
                ctx.label(TracingLabels.WRITE_TO_DOUBLY_OWNED_PAGE);
            }
            if (notified.stream().anyMatch(lostOneOfTwoOwners::contains)) {
                ctx.label(TracingLabels.NOTIFIED_AFTER_ONE_OF_TWO_REMOVED);
            }
        } else {
            ctx.label(TracingLabels.WRITE_TO_UNTRACED_PAGE);
            List<Long> pieces = crossing ? List.of(w.va(), lastPage << 12) : List.of(w.va());
            for (long va : pieces) {
                before.mappingOf(w.vcpu(), va).ifPresent(m -> {
                    if (everTraced.contains(m.page())) {
                        ctx.label(TracingLabels.SILENT_WRITE_AFTER_LAST_REMOVAL);
                    }
                });
            }
        }
    }

    /** Labels that show the generated values spread over their whole domains. */
    private static void labelSpread(Lockstep.Transition<TracingState, TracingAction> t, Context ctx) {
        TracingState before = t.before();
        MachineShape shape = before.shape();
        if (t.action() instanceof AddTrace a && !shape.isRam(a.page())) {
            ctx.label(TracingLabels.TRACE_BEYOND_RAM);
        }
        OptionalLong va = t.action() instanceof GuestWrite w
                ? OptionalLong.of(w.va())
                : t.action() instanceof GuestRead r
                        ? OptionalLong.of(r.va())
                        : t.action() instanceof GuestExecute e ? OptionalLong.of(e.va()) : OptionalLong.empty();
        if (va.isEmpty()) {
            return;
        }
        long address = va.getAsLong();
        if (!GuestVirtualAddresses.isCanonical(address)
                || t.observations().contains(new Refused(ErrorCode.NO_SUCH_VCPU))) {
            ctx.label(TracingLabels.NON_CANONICAL_OR_NO_VCPU);
        }
        boolean highBitAlias = before.mappings().values().stream()
                .flatMap(space -> space.keySet().stream())
                .anyMatch(p -> {
                    long diff = (address ^ p.base()) & -GuestPhysicalPage.SIZE;
                    return diff != 0 && (diff & 0xFFFF_FFFFL) == 0;
                });
        if (highBitAlias) {
            ctx.label(TracingLabels.HIGH_BIT_ALIAS);
        }
        boolean completed = t.observations().stream().anyMatch(o -> o instanceof Completed);
        if (t.action() instanceof GuestWrite && completed && address < 0) {
            ctx.label(TracingLabels.UPPER_HALF_WRITE);
        }
        long lastDataPage = shape.pageTablePoolFirst() - 1;
        for (Object o : t.observations()) {
            if (o instanceof Notification n) {
                if (n.length() > 1024) {
                    ctx.label(TracingLabels.LONG_NOTIFIED_WRITE);
                }
                if (n.page().number() == 0 || n.page().number() == lastDataPage) {
                    ctx.label(TracingLabels.NOTIFIED_AT_RAM_EDGE);
                }
            }
        }
    }

    /** A short picture of the state for failure reports: mappings, traces and a pending trace request, not memory. */
    @Override
    public String describe() {
        TracingState s = lockstep.state();
        StringBuilder out = new StringBuilder();
        s.mappings().forEach((cpu, space) -> {
            if (!space.isEmpty()) {
                out.append("  ").append(cpu).append(" maps ").append(space).append('\n');
            }
        });
        out.append("  traces ").append(s.traces()).append('\n');
        out.append("  privileges ").append(s.privileges());
        s.pending().ifPresent(p -> out.append("\n  request ").append(p));
        return out.toString();
    }

    /** The owners traces are added and removed by. */
    static final List<Owner> OWNERS = List.of(new Owner("integrity"), new Owner("migration"));
}
