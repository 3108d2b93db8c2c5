package org.hvproof.impl.tracing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.hvproof.impl.machine.AccessPiece;
import org.hvproof.impl.machine.DeviceId;
import org.hvproof.impl.machine.ExitDecision;
import org.hvproof.impl.machine.Hypervisor;
import org.hvproof.impl.machine.Machine;
import org.hvproof.impl.machine.NestedEntry;
import org.hvproof.impl.machine.NestedExit;
import org.hvproof.impl.machine.NestedExitHandler;
import org.hvproof.impl.machine.NestedViolationCause;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.impl.machine.VirtualCpu;
import org.hvproof.model.common.AccessKind;
import org.hvproof.model.common.ErrorCode;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.Notification;
import org.hvproof.model.common.Observation;
import org.hvproof.model.common.Owner;
import org.hvproof.model.common.Refused;

/**
 * The write-tracing service: keeps the owners of each traced page, keeps the default view's
 * write bit cleared exactly while a page has an owner, and claims the write violations on
 * traced pages: notify, then let the hypervisor complete the write.
 *
 * <p>Traces are per view: the methods without a view act on {@link ViewId#DEFAULT}; those with
 * one keep a separate set of owners and write bits for that view's nested page table (the
 * integrity view traces the same pages as the default one, except the driver's data). A
 * {@link CompletionListener} may veto the completion of a notified write (an alert action that
 * blocks it); with no listener every notified write completes, as before.
 */
public final class TracingService implements NestedExitHandler {
    private final Hypervisor hypervisor;
    private final TracingImplFlaw flaw;
    private final Map<ViewId, Map<GuestPhysicalPage, Set<Owner>>> owners = new HashMap<>();
    private final List<CompletionListener> listeners = new ArrayList<>();
    private final Map<Owner, TraceListener> traceListeners = new TreeMap<>();
    /** Moves on every call that may change {@code owners}: see {@link #ownersVersion()}. */
    private long ownersVersion;

    /** Whether a notified write is completed: every listener must allow it. */
    public enum Completion {
        /** Complete the write after the notification. */
        ALLOW,
        /** Drop the write: the guest's bytes never reach memory. */
        BLOCK
    }

    /** Decides, without changing any state, whether a notified write completes. */
    @FunctionalInterface
    public interface CompletionListener {
        /** The verdict on {@code note}, raised by {@code cpu} (on its current view); must be pure. */
        Completion decide(VirtualCpu cpu, Notification note);
    }

    /** A service on {@code hypervisor} with {@code flaw} (use {@link TracingImplFlaw#NONE}); registers its exit handler. */
    public TracingService(Hypervisor hypervisor, TracingImplFlaw flaw) {
        this.hypervisor = Objects.requireNonNull(hypervisor, "hypervisor");
        this.flaw = Objects.requireNonNull(flaw, "flaw");
        hypervisor.addExitHandler(this);
    }

    /** The flaw this service was built with. */
    public TracingImplFlaw flaw() {
        return flaw;
    }

    /** Adds a listener asked about every notified write; listeners are asked in the order added. */
    public void addCompletionListener(CompletionListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** {@code addTrace}: {@code owner} traces {@code page}; nothing is seen unless it is refused. */
    public List<Observation> addTrace(Owner owner, GuestPhysicalPage page) {
        return addTrace(ViewId.DEFAULT, owner, page);
    }

    /** {@code addTrace} in {@code view}'s nested page table; refused with {@code INVALID_ARGUMENT} when there is no such view. */
    public List<Observation> addTrace(ViewId view, Owner owner, GuestPhysicalPage page) {
        ownersVersion++;
        // 0. the view must exist
        if (hypervisor.machine().view(view).isEmpty()) {
            return List.of(new Refused(ErrorCode.INVALID_ARGUMENT));
        }
        // 1. only guest RAM can be traced
        if (!hypervisor.machine().shape().isRam(page)) {
            return List.of(new Refused(ErrorCode.OUT_OF_RANGE));
        }
        // 2. the page must be backed so that its nested entry exists to clear
        if (!hypervisor.populate(view, page)) {
            return List.of(new Refused(ErrorCode.OUT_OF_MEMORY));
        }
        // 3. a large nested mapping over the page is split so that only this page loses its write bit
        if (flaw != TracingImplFlaw.TRACE_WITHOUT_SPLIT && !hypervisor.splitLargeMapping(view, page)) {
            return List.of(new Refused(ErrorCode.OUT_OF_MEMORY));
        }
        Set<Owner> current = ownersIn(view).computeIfAbsent(page, p -> new LinkedHashSet<>());
        boolean forget = flaw == TracingImplFlaw.FORGET_SECOND_OWNER && !current.isEmpty();
        if (!forget) {
            current.add(owner);
        }
        setWritable(view, page, false);
        return List.of();
    }

    /** {@code removeTrace}: {@code owner} withdraws its trace; the write bit returns with the last owner. */
    public List<Observation> removeTrace(Owner owner, GuestPhysicalPage page) {
        return removeTrace(ViewId.DEFAULT, owner, page);
    }

    /** {@code removeTrace} in {@code view}'s nested page table. */
    public List<Observation> removeTrace(ViewId view, Owner owner, GuestPhysicalPage page) {
        ownersVersion++;
        Map<GuestPhysicalPage, Set<Owner>> inView = ownersIn(view);
        // 1. only an owner can remove its trace
        Set<Owner> current = inView.get(page);
        if (current == null || !current.remove(owner)) {
            return List.of(new Refused(ErrorCode.NOT_OWNER));
        }
        if (current.isEmpty()) {
            inView.remove(page);
        }
        boolean restore = switch (flaw) {
            case RESTORE_ON_FIRST_REMOVE -> true;
            case STALE_TRACE_AFTER_REMOVE -> false;
            default -> current.isEmpty();
        };
        if (restore) {
            setWritable(view, page, true);
        }
        return List.of();
    }

    /**
     * {@code owner}'s listener, asked about every notified write to a page {@code owner} traces
     * (replacing an earlier one). Without listeners the service behaves exactly as before.
     */
    public void setListener(Owner owner, TraceListener listener) {
        traceListeners.put(Objects.requireNonNull(owner, "owner"), Objects.requireNonNull(listener, "listener"));
    }

    /**
     * A number that moves on every call that may change the registry of owners ({@link #addTrace}
     * and {@link #removeTrace}, in any view, refused or not, with any flaw): these two are the only
     * code that changes it, and the sets it holds never leave this class. Unchanged, every
     * {@link #owners} answer is unchanged, so an abstraction may key what it made of them on it.
     */
    public long ownersVersion() {
        return ownersVersion;
    }

    /** The owners of {@code page}'s trace, as registered. */
    public Set<Owner> owners(GuestPhysicalPage page) {
        return owners(ViewId.DEFAULT, page);
    }

    /** The owners of {@code page}'s trace in {@code view}, as registered. */
    public Set<Owner> owners(ViewId view, GuestPhysicalPage page) {
        Map<GuestPhysicalPage, Set<Owner>> inView = owners.getOrDefault(view, Map.of());
        return Collections.unmodifiableSet(new TreeSet<>(inView.getOrDefault(page, Set.of())));
    }

    /** Whether {@code owner} holds a trace on {@code page} in the default view, as registered (no copy made). */
    public boolean holds(Owner owner, GuestPhysicalPage page) {
        return holds(ViewId.DEFAULT, owner, page);
    }

    /** Whether {@code owner} holds a trace on {@code page} in {@code view}, as registered (no copy made). */
    public boolean holds(ViewId view, Owner owner, GuestPhysicalPage page) {
        Map<GuestPhysicalPage, Set<Owner>> inView = owners.get(view);
        Set<Owner> held = inView == null ? null : inView.get(page);
        return held != null && held.contains(owner);
    }

    /** The pages {@code owner} holds a trace on in the default view, in page order. */
    public java.util.SortedSet<GuestPhysicalPage> pagesTracedBy(Owner owner) {
        java.util.SortedSet<GuestPhysicalPage> out = new TreeSet<>();
        owners.getOrDefault(ViewId.DEFAULT, Map.of()).forEach((page, held) -> {
            if (held.contains(owner)) {
                out.add(page);
            }
        });
        return Collections.unmodifiableSortedSet(out);
    }

    /** Whether writes to {@code page} exit: its default-view nested entry is present without write. */
    public boolean isTraced(GuestPhysicalPage page) {
        return isTraced(ViewId.DEFAULT, page);
    }

    /** Whether writes to {@code page} exit in {@code view}: its nested entry there is present without write. */
    public boolean isTraced(ViewId view, GuestPhysicalPage page) {
        return hypervisor
                .machine()
                .view(view)
                .flatMap(npt -> npt.leaf(page))
                .map(e -> !e.permissions().write())
                .orElse(false);
    }

    /** Claims write violations on pages traced in the writer's view; declines everything else. */
    @Override
    public ExitDecision onExit(VirtualCpu cpu, NestedExit exit, AccessPiece piece) {
        if (exit.duringWalk() || exit.access() != AccessKind.WRITE || exit.cause() != NestedViolationCause.PERMISSION) {
            return new ExitDecision.Decline();
        }
        GuestPhysicalPage page = GuestPhysicalPage.containing(exit.guestPhysicalAddress());
        if (owners.getOrDefault(cpu.view(), Map.of())
                .getOrDefault(page, Set.of())
                .isEmpty()) {
            return new ExitDecision.Decline();
        }
        int offset = flaw == TracingImplFlaw.OFFSET_FROM_PAGE_START ? 0 : (int) (exit.guestPhysicalAddress() & 0xfff);
        GuestPhysicalPage named =
                flaw == TracingImplFlaw.NOTIFY_NEXT_PAGE ? new GuestPhysicalPage(page.number() + 1) : page;
        int length = flaw == TracingImplFlaw.NOTIFIED_LENGTH_IN_ONE_BYTE ? piece.length() & 0xff : piece.length();
        Notification note = new Notification(cpu.id(), named, offset, length);
        List<Observation> notes = switch (flaw) {
            case NOTIFY_TWICE -> List.of(note, note);
            case NO_NOTIFY_ON_CROSSING -> piece.crossing() ? List.of() : List.of(note);
            default -> List.of(note);
        };
        boolean complete = flaw != TracingImplFlaw.NOTIFY_WITHOUT_COMPLETING
                && listeners.stream().allMatch(l -> l.decide(cpu, note) == Completion.ALLOW);
        if (traceListeners.isEmpty()) {
            return new ExitDecision.Emulate(notes, complete);
        }
        // Each owner's listener hears of the write after the notification and may veto it.
        // Read in place (no copy): the listeners below cannot reach this set, and it is only asked.
        Set<Owner> holders = owners.getOrDefault(cpu.view(), Map.of()).getOrDefault(page, Set.of());
        List<Observation> seen = new ArrayList<>();
        for (Observation n : notes) {
            seen.add(n);
            for (Map.Entry<Owner, TraceListener> l : traceListeners.entrySet()) {
                if (holders.contains(l.getKey())) {
                    TraceListener.Verdict v = l.getValue().onTracedWrite(cpu, (Notification) n);
                    seen.addAll(v.seen());
                    complete &= v.complete();
                }
            }
        }
        return new ExitDecision.Emulate(seen, complete);
    }

    private Map<GuestPhysicalPage, Set<Owner>> ownersIn(ViewId view) {
        return owners.computeIfAbsent(view, v -> new TreeMap<>());
    }

    /**
     * Sets or clears the page's write bit in the view's nested table (a 4 KiB leaf: {@link
     * #addTrace} split any large mapping over it; a large one keeps its rights). Clearing narrows rights that
     * vCPUs may hold cached, so the trace counts as added only once every vCPU's translations of
     * that view are invalidated (a shootdown); setting widens them and needs none.
     */
    private void setWritable(ViewId view, GuestPhysicalPage page, boolean writable) {
        Machine machine = hypervisor.machine();
        machine.view(view)
                .ifPresent(npt -> npt.leaf(page)
                        .map(NestedEntry::permissions)
                        .ifPresent(rights -> npt.setPermissions(page, rights.withWrite(writable))));
        // Devices on the view see the same write bit in their I/O page tables, and the IOTLB
        // forgets what it cached of the page (a page-selective invalidation), before the trace
        // counts as added.
        for (DeviceId device : hypervisor.devicesOn(view)) {
            if (writable || flaw != TracingImplFlaw.NO_IOMMU_UPDATE_ON_TRACE) {
                machine.iommu().setRights(device, page, true, writable);
            }
            if (writable || flaw != TracingImplFlaw.NO_IOTLB_INVALIDATION_ON_TRACE) {
                machine.iommu().invalidate(device, page);
            }
        }
        if (writable || flaw == TracingImplFlaw.NO_SHOOTDOWN_AFTER_TRACE) {
            return;
        }
        if (flaw == TracingImplFlaw.INVALIDATE_LOCAL_VCPU_ONLY) {
            machine.invalidateView(machine.vcpus().get(0), view);
            return;
        }
        machine.shootDown(view);
    }
}
