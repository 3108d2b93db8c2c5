package org.hvproof.impl.tracing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.hvproof.impl.machine.AccessPiece;
import org.hvproof.impl.machine.DeviceId;
import org.hvproof.impl.machine.ExitDecision;
import org.hvproof.impl.machine.Hypervisor;
import org.hvproof.impl.machine.Machine;
import org.hvproof.impl.machine.NestedEntry;
import org.hvproof.impl.machine.NestedExit;
import org.hvproof.impl.machine.NestedExitHandler;
import org.hvproof.impl.machine.NestedPageTable;
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
import org.hvproof.model.tracing.PendingTrace;
import org.hvproof.model.tracing.TracingModel;

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
    /** Moves on every call that may change {@code owners} or the pending request: see {@link #ownersVersion()}. */
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

    /**
     * Seam flaw of a composition (a deliberately broken service, for tests): from now on a whole
     * request in another view is refused {@code BUSY} while a guest's request is pending, as one
     * request at a time for the whole service would; the hypervisor's own clients cannot go on
     * from the refusal (they throw).
     */
    public void refuseEveryViewWhilePending() {
        refuseEveryViewWhilePending = true;
    }

    /** The hypervisor whose nested page tables it traces in. */
    public Hypervisor hypervisor() {
        return hypervisor;
    }

    /** The flaw the service was built with. */
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

    /**
     * {@code addTrace} in {@code view}'s nested page table, all at once: {@link #startTrace}, then
     * every micro-step ({@link #continueTrace}) without anything in between. Refused with {@code
     * INVALID_ARGUMENT} when there is no such view.
     */
    public List<Observation> addTrace(ViewId view, Owner owner, GuestPhysicalPage page) {
        return besidePending(view, () -> {
            List<Observation> started = startTrace(view, owner, page);
            if (!started.isEmpty()) {
                return started;
            }
            while (pending != null) {
                continueTrace();
            }
            return started;
        });
    }

    /**
     * Runs {@code atomic}, a whole request in {@code view}, beside a request a guest left pending
     * in another view: a request's micro-steps touch only its own view's nested table, the
     * translations cached for that view and the devices attached to it, so the hypervisor's own
     * clients (the tree, the integrity service, dirty logging) do not wait for a guest's request
     * elsewhere, and the pending one goes on afterwards where it was. In the pending request's own
     * view the request is refused {@code BUSY}, as a guest's is.
     */
    private List<Observation> besidePending(ViewId view, Supplier<List<Observation>> atomic) {
        if (pending == null || pending.view().equals(view) || refuseEveryViewWhilePending) {
            return atomic.get();
        }
        Request held = pending;
        int done = microStepsDone;
        pending = null;
        microStepsDone = 0;
        try {
            return atomic.get();
        } finally {
            pending = held;
            microStepsDone = done;
        }
    }

    /**
     * The micro-steps of adding a trace after its request, in the order the service runs them
     * (one per {@link #continueTrace}); the last one also publishes the trace. The order is what
     * makes every claim hold at every boundary between them, whatever other vCPUs do there:
     * the new 4 KiB table is written before anything points to it, so a walk never reads a
     * half-made table; the write bit is cleared before the shootdown, so no vCPU can cache a
     * writable translation after it; and the trace is published (notified, and counted by the
     * model) only after the shootdown, so until then every write to the page lands as an
     * untraced one would, whether a vCPU reaches it through a cached translation or an exit.
     */
    public enum MicroStep {
        /** Write the 4 KiB table that will replace a large nested leaf over the page (no-op without one). */
        WRITE_SPLIT_TABLE,
        /** Set the pointer: the large leaf's slot now names the new table (same frames, same rights). */
        SET_SPLIT_POINTER,
        /** Clear the page's write bit in the nested table. */
        CLEAR_WRITE_BIT,
        /**
         * Invalidate every vCPU's cached translations of the view (IPI and INVEPT). The last
         * micro-step, whichever it is, also publishes the trace: devices lose write access to the
         * page and the owner is registered.
         */
        SHOOT_DOWN,
        /**
         * Removal: give the view's devices the write right back (I/O page table entry, then the
         * IOTLB's entry of the page); nothing when other owners remain.
         */
        RESTORE_DEVICE_WRITE,
        /** Removal: set the page's write bit in the nested table again; nothing when other owners remain. */
        RESTORE_WRITE_BIT
    }

    /** The order the correct service runs the micro-steps in ({@link TracingModel#ADD_TRACE_MICRO_STEPS} of them). */
    private static final List<MicroStep> ORDER = List.of(
            MicroStep.WRITE_SPLIT_TABLE, MicroStep.SET_SPLIT_POINTER, MicroStep.CLEAR_WRITE_BIT, MicroStep.SHOOT_DOWN);

    /**
     * The order the correct service runs a removal's micro-steps in ({@link
     * TracingModel#REMOVE_TRACE_MICRO_STEPS} of them), after the start has taken the owner out of
     * the record. The record goes first because it is what a write that exits consults: from then
     * on such a write is completed silently, so the cleared bit can stay until the restore; had the
     * bit been restored first, a write would land without an exit while the record still named an
     * owner, unnotified. Devices regain the right before the nested bit, so that a device's page
     * request never copies a restored nested bit into an I/O entry the model still calls read-only.
     */
    private static final List<MicroStep> REMOVE_ORDER =
            List.of(MicroStep.RESTORE_DEVICE_WRITE, MicroStep.RESTORE_WRITE_BIT);

    /**
     * A started request: what it adds or removes, the large leaf an addition splits (if any) with
     * the frame for its table, and for a removal whether the write right comes back (the last owner
     * left).
     */
    private record Request(
            ViewId view,
            Owner owner,
            GuestPhysicalPage page,
            Optional<NestedPageTable.LargeLeaf> large,
            long table,
            boolean removing,
            boolean restore) {
        Request(
                ViewId view,
                Owner owner,
                GuestPhysicalPage page,
                Optional<NestedPageTable.LargeLeaf> large,
                long table) {
            this(view, owner, page, large, table, false, false);
        }
    }

    private Request pending;
    /** The seam flaw {@link #refuseEveryViewWhilePending}: one request at a time for every view. */
    private boolean refuseEveryViewWhilePending;

    private int microStepsDone;

    /**
     * {@code addTrace}'s request and first micro-step: the checks, backing the page, splitting a 1
     * GiB mapping over it down to 2 MiB (rights kept) and allocating the frame for the 4 KiB table
     * a 2 MiB one needs; nothing a guest can see changes. Refused with {@code BUSY} while another
     * request is pending, and as {@link #addTrace} is otherwise.
     */
    public List<Observation> startTrace(ViewId view, Owner owner, GuestPhysicalPage page) {
        ownersVersion++;
        // 0. the view must exist
        Optional<NestedPageTable> npt = hypervisor.machine().view(view);
        if (npt.isEmpty()) {
            return List.of(new Refused(ErrorCode.INVALID_ARGUMENT));
        }
        // 1. one request at a time
        if (pending != null) {
            return List.of(new Refused(ErrorCode.BUSY));
        }
        // 2. only guest RAM can be traced: the view's guest's (a smaller guest's on a shared machine)
        if (page.number() < 0 || page.number() >= hypervisor.guestRamPages(view)) {
            return List.of(new Refused(ErrorCode.OUT_OF_RANGE));
        }
        // 3. the page must be backed so that its nested entry exists to clear
        if (!hypervisor.populate(view, page)) {
            return List.of(new Refused(ErrorCode.OUT_OF_MEMORY));
        }
        // 4. a large nested mapping over the page is split so that only this page loses its write
        // bit: a 1 GiB one at once to 2 MiB, the 2 MiB one in the micro-steps, into a frame taken now
        Optional<NestedPageTable.LargeLeaf> large = Optional.empty();
        long table = 0;
        if (flaw != TracingImplFlaw.TRACE_WITHOUT_SPLIT) {
            while (npt.get().leafSize(page) > LARGE_2M) {
                if (!npt.get().split(page)) {
                    return List.of(new Refused(ErrorCode.OUT_OF_MEMORY));
                }
                hypervisor.machine().shootDown(view);
            }
            large = npt.get().largeLeaf(page);
            if (large.isPresent()) {
                OptionalLong frame = hypervisor.machine().memory().allocateFrame();
                if (frame.isEmpty()) {
                    return List.of(new Refused(ErrorCode.OUT_OF_MEMORY));
                }
                table = frame.getAsLong();
            }
        }
        pending = new Request(view, owner, page, large, table);
        microStepsDone = 0;
        return List.of();
    }

    /** {@link #startTrace} in the default view. */
    public List<Observation> startTrace(Owner owner, GuestPhysicalPage page) {
        return startTrace(ViewId.DEFAULT, owner, page);
    }

    /**
     * Runs the pending request's next micro-step ({@link MicroStep}); after the last the trace is
     * published: the owner is registered and from then on its writes are notified. Nothing
     * pending: nothing happens. Seen: nothing.
     */
    public List<Observation> continueTrace() {
        if (pending == null) {
            return List.of();
        }
        ownersVersion++;
        Request r = pending;
        List<MicroStep> order = order();
        MicroStep step = order.get(microStepsDone++);
        NestedPageTable npt = hypervisor.machine().view(r.view()).orElseThrow();
        switch (step) {
            case WRITE_SPLIT_TABLE -> r.large().ifPresent(l -> npt.writeSplitTable(l, r.table()));
            case SET_SPLIT_POINTER -> r.large().ifPresent(l -> npt.linkSplitTable(l, r.table()));
            case CLEAR_WRITE_BIT -> clearWriteBit(r.view(), r.page());
            case SHOOT_DOWN -> shootDown(r.view());
            case RESTORE_DEVICE_WRITE -> {
                if (r.restore()) {
                    restoreDeviceWrite(r.view(), r.page());
                }
            }
            case RESTORE_WRITE_BIT -> {
                if (r.restore()) {
                    restoreWriteBit(r.view(), r.page());
                }
            }
        }
        if (microStepsDone == order.size()) {
            pending = null;
            if (r.removing()) {
                if (flaw == TracingImplFlaw.RESTORE_BEFORE_UNREGISTER) {
                    unregister(r.view(), r.owner(), r.page());
                }
            } else {
                publish(r);
            }
        }
        return List.of();
    }

    /** The pending request's micro-steps in the order this service runs them: {@link #ORDER}, {@link #REMOVE_ORDER}, or a flaw's. */
    private List<MicroStep> order() {
        if (pending.removing()) {
            return REMOVE_ORDER;
        }
        return switch (flaw) {
            case SHOOT_DOWN_BEFORE_CLEAR ->
                List.of(
                        MicroStep.WRITE_SPLIT_TABLE,
                        MicroStep.SET_SPLIT_POINTER,
                        MicroStep.SHOOT_DOWN,
                        MicroStep.CLEAR_WRITE_BIT);
            case SPLIT_POINTER_BEFORE_TABLE ->
                List.of(
                        MicroStep.SET_SPLIT_POINTER,
                        MicroStep.WRITE_SPLIT_TABLE,
                        MicroStep.CLEAR_WRITE_BIT,
                        MicroStep.SHOOT_DOWN);
            default -> ORDER;
        };
    }

    /**
     * The request the service has started and not finished, as the model states it (owner, page,
     * micro-steps to go), if any.
     */
    public Optional<PendingTrace> pendingTrace() {
        return pending == null
                ? Optional.empty()
                : Optional.of(new PendingTrace(
                        pending.owner(), pending.page(), order().size() - microStepsDone, pending.removing()));
    }

    /** The micro-step the pending request runs next, if a request is pending. */
    public Optional<MicroStep> nextMicroStep() {
        return pending == null ? Optional.empty() : Optional.of(order().get(microStepsDone));
    }

    /** Whether a pending request in {@code view} is adding a trace of {@code page}: its cleared write bit is no trace yet. */
    public boolean adding(ViewId view, GuestPhysicalPage page) {
        return pending != null
                && !pending.removing()
                && pending.view().equals(view)
                && pending.page().equals(page);
    }

    /**
     * Whether a pending request in {@code view} is removing a trace of {@code page}: with no owner
     * left in the record, its still-cleared write bit is no trace any more.
     */
    public boolean removing(ViewId view, GuestPhysicalPage page) {
        return pending != null
                && pending.removing()
                && pending.view().equals(view)
                && pending.page().equals(page);
    }

    /** {@code removeTrace}: {@code owner} withdraws its trace; the write bit returns with the last owner. */
    public List<Observation> removeTrace(Owner owner, GuestPhysicalPage page) {
        return removeTrace(ViewId.DEFAULT, owner, page);
    }

    /**
     * {@code removeTrace} in {@code view}'s nested page table, all at once: {@link
     * #startRemoveTrace}, then every micro-step without anything in between.
     */
    public List<Observation> removeTrace(ViewId view, Owner owner, GuestPhysicalPage page) {
        return besidePending(view, () -> {
            List<Observation> started = startRemoveTrace(view, owner, page);
            if (!started.isEmpty()) {
                return started;
            }
            while (pending != null) {
                continueTrace();
            }
            return started;
        });
    }

    /**
     * {@code removeTrace}'s request and first micro-step: the checks, then the owner leaves the
     * record at once; the write right comes back in the micro-steps ({@link #REMOVE_ORDER}) when
     * it was the last owner. Refused with {@code BUSY} while another request is pending, with
     * {@code NOT_OWNER} when {@code owner} holds no trace of {@code page} in {@code view}.
     */
    public List<Observation> startRemoveTrace(ViewId view, Owner owner, GuestPhysicalPage page) {
        ownersVersion++;
        // 0. one request at a time
        if (pending != null) {
            return List.of(new Refused(ErrorCode.BUSY));
        }
        // 1. only an owner can remove its trace (in a view that does not exist, no one owns one)
        Map<GuestPhysicalPage, Set<Owner>> inView = owners.get(view);
        Set<Owner> current = inView == null ? null : inView.get(page);
        if (current == null || !current.contains(owner)) {
            return List.of(new Refused(ErrorCode.NOT_OWNER));
        }
        boolean last = current.size() == 1;
        if (flaw != TracingImplFlaw.RESTORE_BEFORE_UNREGISTER) {
            unregister(view, owner, page);
        }
        boolean restore = switch (flaw) {
            case RESTORE_ON_FIRST_REMOVE -> true;
            case STALE_TRACE_AFTER_REMOVE -> false;
            default -> last;
        };
        pending = new Request(view, owner, page, Optional.empty(), 0, true, restore);
        microStepsDone = 0;
        return List.of();
    }

    /** {@link #startRemoveTrace} in the default view. */
    public List<Observation> startRemoveTrace(Owner owner, GuestPhysicalPage page) {
        return startRemoveTrace(ViewId.DEFAULT, owner, page);
    }

    /** Takes {@code owner} out of the record of {@code page}'s trace in {@code view}. */
    private void unregister(ViewId view, Owner owner, GuestPhysicalPage page) {
        Map<GuestPhysicalPage, Set<Owner>> inView = ownersIn(view);
        Set<Owner> current = inView.get(page);
        if (current != null && current.remove(owner) && current.isEmpty()) {
            inView.remove(page);
        }
    }

    /**
     * {@code owner}'s listener, asked about every notified write to a page {@code owner} traces
     * (replacing an earlier one). Without listeners the service behaves exactly as before.
     */
    public void setListener(Owner owner, TraceListener listener) {
        traceListeners.put(Objects.requireNonNull(owner, "owner"), Objects.requireNonNull(listener, "listener"));
    }

    /**
     * A number that moves on every call that may change the registry of owners or the pending
     * request ({@link #startTrace}, {@link #continueTrace} and {@link #startRemoveTrace}, in any view,
     * refused or not, with any flaw): these are the only code that changes them, and the sets it
     * holds never leave this class. Unchanged, every {@link #owners} and {@link #adding} answer is
     * unchanged, so an abstraction may key what it made of them on it.
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
        return pagesTracedBy(ViewId.DEFAULT, owner);
    }

    /** The pages {@code owner} holds a trace on in {@code view}, in page order. */
    public java.util.SortedSet<GuestPhysicalPage> pagesTracedBy(ViewId view, Owner owner) {
        java.util.SortedSet<GuestPhysicalPage> out = new TreeSet<>();
        owners.getOrDefault(view, Map.of()).forEach((page, held) -> {
            if (held.contains(owner)) {
                out.add(page);
            }
        });
        return Collections.unmodifiableSortedSet(out);
    }

    /** The pages with at least one owner's trace in {@code view}, as registered, in page order. */
    public java.util.SortedSet<GuestPhysicalPage> tracedPages(ViewId view) {
        return Collections.unmodifiableSortedSet(
                new TreeSet<>(owners.getOrDefault(view, Map.of()).keySet()));
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

    /**
     * A page whose trace is being added stays writable for devices until the trace is published;
     * one whose last trace is being removed is writable for them again once they got the right back
     * ({@link MicroStep#RESTORE_DEVICE_WRITE}), before its nested bit is restored.
     */
    @Override
    public boolean devicesMayWrite(ViewId view, GuestPhysicalPage page) {
        boolean restoredForDevices = removing(view, page) && pending.restore() && microStepsDone > 0;
        return (adding(view, page) || restoredForDevices)
                && owners.getOrDefault(view, Map.of())
                        .getOrDefault(page, Set.of())
                        .isEmpty();
    }

    /**
     * Claims write violations on pages traced in the writer's view; declines everything else. A
     * walk's accessed/dirty update of a guest table entry on a traced page (nested A/D flags on:
     * the update is a write to the table page) is a write of the 8-byte entry like any other: it
     * is notified, and the hypervisor then makes the update itself and retries the walk, so the
     * guest's access completes as if the page were writable.
     */
    @Override
    public ExitDecision onExit(VirtualCpu cpu, NestedExit exit, AccessPiece piece) {
        boolean entryUpdate = exit.accessedDirtyUpdate();
        if ((exit.duringWalk() && !entryUpdate)
                || exit.access() != AccessKind.WRITE
                || exit.cause() != NestedViolationCause.PERMISSION) {
            return new ExitDecision.Decline();
        }
        GuestPhysicalPage page = GuestPhysicalPage.containing(exit.guestPhysicalAddress());
        if (owners.getOrDefault(cpu.view(), Map.of())
                .getOrDefault(page, Set.of())
                .isEmpty()) {
            boolean adding = adding(cpu.view(), page);
            boolean removing = removing(cpu.view(), page);
            if (!adding && !removing) {
                return new ExitDecision.Decline();
            }
            // The write bit of a trace not yet published, or of one whose last owner has left and
            // whose bit is not restored yet: the write is ordered outside the trace and lands
            // unnotified, as it would through a translation cached before the clear or after the restore.
            if (adding && flaw != TracingImplFlaw.NOTIFY_BEFORE_TRACE_ADDED) {
                return new ExitDecision.Emulate(List.of(), true);
            }
            if (removing && flaw != TracingImplFlaw.NOTIFY_WHILE_REMOVING) {
                return new ExitDecision.Emulate(List.of(), true);
            }
        }
        int offset = flaw == TracingImplFlaw.OFFSET_FROM_PAGE_START ? 0 : (int) (exit.guestPhysicalAddress() & 0xfff);
        GuestPhysicalPage named =
                flaw == TracingImplFlaw.NOTIFY_NEXT_PAGE ? new GuestPhysicalPage(page.number() + 1) : page;
        int written = entryUpdate ? Long.BYTES : piece.length();
        int length = flaw == TracingImplFlaw.NOTIFIED_LENGTH_IN_ONE_BYTE ? written & 0xff : written;
        Notification note = new Notification(cpu.id(), named, offset, length);
        List<Observation> notes = switch (flaw) {
            case NOTIFY_TWICE -> List.of(note, note);
            case NO_NOTIFY_ON_CROSSING -> !entryUpdate && piece.crossing() ? List.of() : List.of(note);
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
     * {@link MicroStep#RESTORE_WRITE_BIT}: sets the page's write bit in the view's nested table:
     * the last owner's trace is gone. Widening rights needs no shootdown.
     */
    private void restoreWriteBit(ViewId view, GuestPhysicalPage page) {
        hypervisor
                .machine()
                .view(view)
                .ifPresent(npt -> npt.leaf(page)
                        .map(NestedEntry::permissions)
                        .ifPresent(rights -> npt.setPermissions(page, rights.withWrite(true))));
    }

    /**
     * {@link MicroStep#RESTORE_DEVICE_WRITE}: sets the write right of the page in the view's
     * devices' I/O page tables and drops their IOTLB entries of it.
     */
    private void restoreDeviceWrite(ViewId view, GuestPhysicalPage page) {
        Machine machine = hypervisor.machine();
        for (DeviceId device : hypervisor.devicesOn(view)) {
            machine.iommu().setRights(device, page, true, true);
            machine.iommu().invalidate(device, page);
        }
    }

    /**
     * {@link MicroStep#CLEAR_WRITE_BIT}: clears the page's write bit in the view's nested table (a 4
     * KiB leaf once the split is in place; a large one keeps its rights). A vCPU's write that exits
     * on it before the trace is published is completed silently ({@link #onExit}).
     */
    private void clearWriteBit(ViewId view, GuestPhysicalPage page) {
        hypervisor
                .machine()
                .view(view)
                .ifPresent(npt -> npt.leaf(page)
                        .map(NestedEntry::permissions)
                        .ifPresent(rights -> npt.setPermissions(page, rights.withWrite(false))));
    }

    /**
     * {@link MicroStep#SHOOT_DOWN}: clearing narrowed rights that vCPUs may hold cached, so every
     * vCPU's translations of the view are invalidated (an IPI, then INVEPT on each).
     */
    private void shootDown(ViewId view) {
        Machine machine = hypervisor.machine();
        if (flaw == TracingImplFlaw.NO_SHOOTDOWN_AFTER_TRACE) {
            return;
        }
        if (flaw == TracingImplFlaw.INVALIDATE_LOCAL_VCPU_ONLY) {
            machine.invalidateView(machine.vcpus().get(0), view);
            return;
        }
        machine.shootDown(view);
    }

    /**
     * Publishing a trace: the devices on the view lose write access to the page, in their I/O
     * page tables and then their IOTLBs (a page-selective invalidation), and the owner is
     * registered. A refused DMA write is seen at once, unlike a vCPU's write that exits on a
     * cleared bit, so devices lose the right in the micro-step that publishes the trace, not before.
     */
    private void publish(Request r) {
        Machine machine = hypervisor.machine();
        for (DeviceId device : hypervisor.devicesOn(r.view())) {
            if (flaw != TracingImplFlaw.NO_IOMMU_UPDATE_ON_TRACE) {
                machine.iommu().setRights(device, r.page(), true, false);
            }
            if (flaw != TracingImplFlaw.NO_IOTLB_INVALIDATION_ON_TRACE) {
                machine.iommu().invalidate(device, r.page());
            }
        }
        Set<Owner> current = ownersIn(r.view()).computeIfAbsent(r.page(), p -> new LinkedHashSet<>());
        boolean forget = flaw == TracingImplFlaw.FORGET_SECOND_OWNER && !current.isEmpty();
        if (!forget) {
            current.add(r.owner());
        }
    }

    /** The size of a 2 MiB nested leaf, in bytes. */
    private static final long LARGE_2M = 1L << 21;
}
