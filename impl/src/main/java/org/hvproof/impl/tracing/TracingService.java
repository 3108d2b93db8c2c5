package org.hvproof.impl.tracing;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.hvproof.impl.machine.AccessPiece;
import org.hvproof.impl.machine.ExitDecision;
import org.hvproof.impl.machine.Hypervisor;
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

/**
 * The write-tracing service: keeps the owners of each traced page, keeps the default view's
 * write bit cleared exactly while a page has an owner, and claims the write violations on
 * traced pages: notify, then let the hypervisor complete the write.
 */
public final class TracingService implements NestedExitHandler {
    private final Hypervisor hypervisor;
    private final TracingFlaw flaw;
    private final Map<GuestPhysicalPage, Set<Owner>> owners = new TreeMap<>();
    private final Map<Owner, TraceListener> listeners = new TreeMap<>();

    /** A service on {@code hypervisor} with {@code flaw} (use {@link TracingFlaw#NONE}); registers its exit handler. */
    public TracingService(Hypervisor hypervisor, TracingFlaw flaw) {
        this.hypervisor = Objects.requireNonNull(hypervisor, "hypervisor");
        this.flaw = Objects.requireNonNull(flaw, "flaw");
        hypervisor.addExitHandler(this);
    }

    /** The flaw this service was built with. */
    public TracingFlaw flaw() {
        return flaw;
    }

    /** {@code addTrace}: {@code owner} traces {@code page}; nothing is seen unless it is refused. */
    public List<Observation> addTrace(Owner owner, GuestPhysicalPage page) {
        // 1. only guest RAM can be traced
        if (!hypervisor.machine().shape().isRam(page)) {
            return List.of(new Refused(ErrorCode.OUT_OF_RANGE));
        }
        // 2. the page must be backed so that its nested entry exists to clear
        if (!hypervisor.populate(ViewId.DEFAULT, page)) {
            return List.of(new Refused(ErrorCode.OUT_OF_MEMORY));
        }
        Set<Owner> current = owners.computeIfAbsent(page, p -> new LinkedHashSet<>());
        boolean forget = flaw == TracingFlaw.FORGET_SECOND_OWNER && !current.isEmpty();
        if (!forget) {
            current.add(owner);
        }
        setWritable(page, false);
        return List.of();
    }

    /** {@code removeTrace}: {@code owner} withdraws its trace; the write bit returns with the last owner. */
    public List<Observation> removeTrace(Owner owner, GuestPhysicalPage page) {
        // 1. only an owner can remove its trace
        Set<Owner> current = owners.get(page);
        if (current == null || !current.remove(owner)) {
            return List.of(new Refused(ErrorCode.NOT_OWNER));
        }
        if (current.isEmpty()) {
            owners.remove(page);
        }
        boolean restore = switch (flaw) {
            case RESTORE_ON_FIRST_REMOVE -> true;
            case STALE_TRACE_AFTER_REMOVE -> false;
            default -> current.isEmpty();
        };
        if (restore) {
            setWritable(page, true);
        }
        return List.of();
    }

    /**
     * {@code owner}'s listener, asked about every notified write to a page {@code owner} traces
     * (replacing an earlier one). Without listeners the service behaves exactly as before.
     */
    public void setListener(Owner owner, TraceListener listener) {
        listeners.put(Objects.requireNonNull(owner, "owner"), Objects.requireNonNull(listener, "listener"));
    }

    /** The owners of {@code page}'s trace, as registered. */
    public Set<Owner> owners(GuestPhysicalPage page) {
        return Collections.unmodifiableSet(new TreeSet<>(owners.getOrDefault(page, Set.of())));
    }

    /** The pages {@code owner} holds a trace on, in page order. */
    public java.util.SortedSet<GuestPhysicalPage> pagesTracedBy(Owner owner) {
        java.util.SortedSet<GuestPhysicalPage> out = new TreeSet<>();
        owners.forEach((page, held) -> {
            if (held.contains(owner)) {
                out.add(page);
            }
        });
        return Collections.unmodifiableSortedSet(out);
    }

    /** Whether writes to {@code page} exit: its default-view nested entry is present without write. */
    public boolean isTraced(GuestPhysicalPage page) {
        return defaultView().leaf(page).map(e -> !e.permissions().write()).orElse(false);
    }

    /** Claims write violations on traced pages in the default view; declines everything else. */
    @Override
    public ExitDecision onExit(VirtualCpu cpu, NestedExit exit, AccessPiece piece) {
        if (exit.duringWalk() || exit.access() != AccessKind.WRITE || exit.cause() != NestedViolationCause.PERMISSION
                || !cpu.view().equals(ViewId.DEFAULT)) {
            return new ExitDecision.Decline();
        }
        GuestPhysicalPage page = GuestPhysicalPage.containing(exit.guestPhysicalAddress());
        if (owners.getOrDefault(page, Set.of()).isEmpty()) {
            return new ExitDecision.Decline();
        }
        int offset = flaw == TracingFlaw.OFFSET_FROM_PAGE_START ? 0 : (int) (exit.guestPhysicalAddress() & 0xfff);
        Notification note = new Notification(cpu.id(), page, offset, piece.length());
        List<Observation> notes = switch (flaw) {
            case NOTIFY_TWICE -> List.of(note, note);
            case NO_NOTIFY_ON_CROSSING -> piece.crossing() ? List.of() : List.of(note);
            default -> List.of(note);
        };
        boolean complete = flaw != TracingFlaw.NOTIFY_WITHOUT_COMPLETING;
        if (listeners.isEmpty()) {
            return new ExitDecision.Emulate(notes, complete);
        }
        // Each owner's listener hears of the write after the notification and may veto it.
        List<Observation> seen = new java.util.ArrayList<>();
        for (Observation n : notes) {
            seen.add(n);
            for (Map.Entry<Owner, TraceListener> l : listeners.entrySet()) {
                if (owners.getOrDefault(page, Set.of()).contains(l.getKey())) {
                    TraceListener.Verdict v = l.getValue().onTracedWrite(cpu, (Notification) n);
                    seen.addAll(v.seen());
                    complete &= v.complete();
                }
            }
        }
        return new ExitDecision.Emulate(seen, complete);
    }

    private void setWritable(GuestPhysicalPage page, boolean writable) {
        NestedPageTable npt = defaultView();
        npt.leaf(page).map(NestedEntry::permissions)
                .ifPresent(rights -> npt.setPermissions(page, rights.withWrite(writable)));
    }

    private NestedPageTable defaultView() {
        return hypervisor.machine().defaultView();
    }
}
