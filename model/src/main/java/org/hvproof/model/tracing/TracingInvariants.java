package org.hvproof.model.tracing;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.hvproof.model.common.AccessKind;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.ClaimCheck;
import org.hvproof.model.common.Completed;
import org.hvproof.model.common.DmaCompleted;
import org.hvproof.model.common.DmaRefused;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.Invariant;
import org.hvproof.model.common.InvariantSet;
import org.hvproof.model.common.Notification;
import org.hvproof.model.common.Observation;
import org.hvproof.model.common.Owner;
import org.hvproof.model.common.Refused;
import org.hvproof.model.common.Transition;
import org.hvproof.model.common.ValueRead;

/**
 * The TRACE claims as small named checks, on a state or on one step. They read only the
 * abstract state and the observations, so they judge the model and the machine (through its
 * abstraction function) alike.
 *
 * <p>Reading of TRACE-1 for a write that crosses a page boundary: each page-sized part of the
 * write is one write to its page, so a traced page gets one notification per part that lands on
 * it (two only in the odd case of both virtual pages aliasing one guest-physical page).
 */
public final class TracingInvariants {

    /** Well-formed traces: a page is a key of {@code traces} only with at least one owner, and is guest RAM. */
    public static final Invariant<TracingState> TRACES_HAVE_OWNERS =
            Invariant.of("TRACE-3", "tracesHaveOwners", TracingInvariants::tracesHaveOwners);

    /** Memory holds only full pages with a non-zero byte (zero pages are implicit). */
    public static final Invariant<TracingState> MEMORY_CANONICAL =
            Invariant.of(Invariant.MODEL, "memoryCanonical", TracingInvariants::memoryCanonical);

    /** TRACE-1: a completed write produces exactly one notification per traced page part it touches. */
    public static final Invariant<Transition<TracingState, TracingAction, Observation>>
            ONE_NOTIFICATION_PER_TRACED_PAGE = Invariant.of(
                    "TRACE-1", "oneNotificationPerTracedPage", TracingInvariants::oneNotificationPerTracedPage);

    /** TRACE-1: notify, then complete: every notification precedes the completion, and the bytes are in memory after. */
    public static final Invariant<Transition<TracingState, TracingAction, Observation>> NOTIFY_THEN_COMPLETE =
            Invariant.of("TRACE-1", "notifyThenComplete", TracingInvariants::notifyThenComplete);

    /** TRACE-2: no notification names a page that was not traced, or comes from anything but a completed write. */
    public static final Invariant<Transition<TracingState, TracingAction, Observation>> NO_NOTIFICATION_WITHOUT_TRACE =
            Invariant.of("TRACE-2", "noNotificationWithoutTrace", TracingInvariants::noNotificationWithoutTrace);

    /**
     * TRACE-3: add/remove (and the last micro-step of an interleaved add) change exactly the named
     * owner of the named page; nothing else changes traces.
     */
    public static final Invariant<Transition<TracingState, TracingAction, Observation>> OWNER_SEMANTICS =
            Invariant.of("TRACE-3", "ownersAddAndRemoveOnlyThemselves", TracingInvariants::ownerSemantics);

    /** An access that did not complete changes no memory (a crossing write checks both pages first). */
    public static final Invariant<Transition<TracingState, TracingAction, Observation>> FAULTED_ACCESS_CHANGES_NOTHING =
            Invariant.of("TRACE-1", "faultedAccessChangesNothing", TracingInvariants::faultedAccessChangesNothing);

    /**
     * TRACE-5: a completed write reaches every traced page it touches through the nested walk,
     * on whichever vCPU it runs: each such page is notified to that vCPU (none lands silently
     * through a translation cached before the trace).
     */
    public static final Invariant<Transition<TracingState, TracingAction, Observation>> NO_SILENT_WRITE_TO_TRACED_PAGE =
            Invariant.of("TRACE-5", "noSilentWriteToTracedPage", TracingInvariants::noSilentWriteToTracedPage);

    /**
     * TRACE-4: a device's DMA write never lands on a traced page unseen: no traced page's bytes
     * change and no part of the transfer that went through lies on a traced page, unless that page
     * is notified (the IOMMU blocks and reports such a write instead).
     */
    public static final Invariant<Transition<TracingState, TracingAction, Observation>>
            DEVICE_WRITE_NEVER_LANDS_UNSEEN = Invariant.of(
                    "TRACE-4", "deviceWriteNeverLandsUnseen", TracingInvariants::deviceWriteNeverLandsUnseen);

    /** Every state invariant. */
    public static final List<Invariant<TracingState>> STATE = List.of(TRACES_HAVE_OWNERS, MEMORY_CANONICAL);

    /** Every step invariant. */
    public static final List<Invariant<Transition<TracingState, TracingAction, Observation>>> STEP = List.of(
            ONE_NOTIFICATION_PER_TRACED_PAGE,
            NOTIFY_THEN_COMPLETE,
            NO_NOTIFICATION_WITHOUT_TRACE,
            OWNER_SEMANTICS,
            FAULTED_ACCESS_CHANGES_NOTHING,
            NO_SILENT_WRITE_TO_TRACED_PAGE,
            DEVICE_WRITE_NEVER_LANDS_UNSEEN);

    /** Every TRACE invariant, joined: the mechanism's {@code invs}. */
    public static final InvariantSet<TracingState, TracingAction, Observation> ALL =
            new InvariantSet<>("tracing", STATE, STEP, List.of());

    private TracingInvariants() {}

    /** Evaluates every state invariant on {@code s}. */
    public static List<ClaimCheck> checkAll(TracingState s) {
        return STATE.stream().map(i -> i.check(s)).toList();
    }

    /** Evaluates every step invariant on {@code t} and every state invariant on its after-state. */
    public static List<ClaimCheck> checkAll(Transition<TracingState, TracingAction, Observation> t) {
        List<ClaimCheck> results = new ArrayList<>();
        STEP.forEach(i -> results.add(i.check(t)));
        results.addAll(checkAll(t.after()));
        return results;
    }

    /** Throws an {@link AssertionError} naming the first invariant {@code t} breaks, with the action. */
    public static void check(Transition<TracingState, TracingAction, Observation> t) {
        for (ClaimCheck r : checkAll(t)) {
            if (!r.holds()) {
                throw new AssertionError(r.claim() + " " + r.check() + " violated by [" + t.action() + "]: "
                        + r.detail() + "; observations " + t.observations());
            }
        }
    }

    private static Optional<String> tracesHaveOwners(TracingState s) {
        for (Map.Entry<GuestPhysicalPage, Set<Owner>> e : s.traces().entrySet()) {
            if (e.getValue().isEmpty()) {
                return Optional.of(e.getKey() + " is traced with no owner (a stale trace)");
            }
            if (!s.shape().isRam(e.getKey())) {
                return Optional.of(e.getKey() + " is traced but is not guest RAM");
            }
        }
        return Optional.empty();
    }

    private static Optional<String> memoryCanonical(TracingState s) {
        for (Map.Entry<GuestPhysicalPage, Bytes> e : s.memory().entrySet()) {
            if (e.getValue().length() != GuestPhysicalPage.SIZE || e.getValue().isAllZero()) {
                return Optional.of(e.getKey() + " stored as " + e.getValue().length() + " bytes, all zero: "
                        + e.getValue().isAllZero());
            }
        }
        return Optional.empty();
    }

    /** A part of a completed write and the page it reached, per the before-state's mappings. */
    private record WrittenPart(GuestPhysicalPage page, PagePart piece) {}

    /** The parts of {@code t}'s write if it is a write that completed; empty otherwise. */
    private static List<WrittenPart> completedWrite(Transition<TracingState, TracingAction, Observation> t) {
        if (!(t.action() instanceof GuestWrite w) || !completed(t, w)) {
            return List.of();
        }
        List<WrittenPart> parts = new ArrayList<>(2);
        for (PagePart piece : PagePart.split(w.va(), w.bytes().length())) {
            Optional<Mapping> m = t.before().mappingOf(w.vcpu(), piece.va());
            m.ifPresent(mapping -> parts.add(new WrittenPart(mapping.page(), piece)));
        }
        return parts;
    }

    private static boolean completed(Transition<TracingState, TracingAction, Observation> t, GuestWrite w) {
        return t.observations()
                .contains(new Completed(
                        w.vcpu(), AccessKind.WRITE, w.va(), w.bytes().length()));
    }

    private static List<Notification> notifications(Transition<TracingState, TracingAction, Observation> t) {
        List<Notification> out = new ArrayList<>();
        for (Observation o : t.observations()) {
            if (o instanceof Notification n) {
                out.add(n);
            }
        }
        return out;
    }

    private static Optional<String> oneNotificationPerTracedPage(
            Transition<TracingState, TracingAction, Observation> t) {
        List<WrittenPart> parts = completedWrite(t);
        if (parts.isEmpty()) {
            return Optional.empty();
        }
        GuestWrite w = (GuestWrite) t.action();
        List<Notification> notes = notifications(t);
        int tracedParts = 0;
        for (WrittenPart p : parts) {
            if (!t.before().isTraced(p.page())) {
                continue;
            }
            tracedParts++;
            Notification expected = new Notification(
                    w.vcpu(), p.page(), p.piece().pageOffset(), p.piece().length());
            long count = notes.stream().filter(expected::equals).count();
            if (count != 1) {
                return Optional.of("expected exactly one " + expected + ", found " + count);
            }
        }
        if (notes.size() != tracedParts) {
            return Optional.of(
                    "expected " + tracedParts + " notifications for the traced pages written, found " + notes.size());
        }
        return Optional.empty();
    }

    private static Optional<String> noSilentWriteToTracedPage(Transition<TracingState, TracingAction, Observation> t) {
        List<WrittenPart> parts = completedWrite(t);
        if (parts.isEmpty()) {
            return Optional.empty();
        }
        GuestWrite w = (GuestWrite) t.action();
        List<Notification> notes = notifications(t);
        for (WrittenPart p : parts) {
            if (t.before().isTraced(p.page())
                    && notes.stream()
                            .noneMatch(
                                    n -> n.page().equals(p.page()) && n.vcpu().equals(w.vcpu()))) {
                return Optional.of("vCPU " + w.vcpu().id() + " wrote traced page " + p.page() + " unseen");
            }
        }
        return Optional.empty();
    }

    private static Optional<String> deviceWriteNeverLandsUnseen(
            Transition<TracingState, TracingAction, Observation> t) {
        if (!(t.action() instanceof DeviceWrite w)) {
            return Optional.empty();
        }
        Set<GuestPhysicalPage> notified = new HashSet<>();
        notifications(t).forEach(n -> notified.add(n.page()));
        for (GuestPhysicalPage p : t.before().traces().keySet()) {
            if (!notified.contains(p)
                    && !t.before().contentsOf(p).equals(t.after().contentsOf(p))) {
                return Optional.of("the DMA write changed traced page " + p + " unseen");
            }
        }
        // The part that went through: all of it when completed, up to the refused piece otherwise.
        Long end = null;
        for (Observation o : t.observations()) {
            if (o instanceof DmaCompleted c && c.device() == w.device() && c.busAddress() == w.busAddress()) {
                end = w.busAddress() + c.length();
            } else if (o instanceof DmaRefused r && r.device() == w.device()) {
                end = r.busAddress();
            }
        }
        if (end == null || Long.compareUnsigned(end - w.busAddress(), w.bytes().length()) > 0) {
            return Optional.of("the DMA write was neither completed nor refused within its range: " + t.observations());
        }
        for (long at = w.busAddress();
                Long.compareUnsigned(at, end) < 0;
                at = (at & -GuestPhysicalPage.SIZE) + GuestPhysicalPage.SIZE) {
            if (at >= 0 && at < GuestPhysicalPage.LIMIT * GuestPhysicalPage.SIZE) {
                GuestPhysicalPage p = GuestPhysicalPage.containing(at);
                if (t.before().isTraced(p) && !notified.contains(p)) {
                    return Optional.of("the DMA write went through on traced page " + p + " unseen");
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> notifyThenComplete(Transition<TracingState, TracingAction, Observation> t) {
        List<WrittenPart> parts = completedWrite(t);
        if (parts.isEmpty()) {
            return Optional.empty();
        }
        GuestWrite w = (GuestWrite) t.action();
        int completion = t.observations()
                .indexOf(new Completed(
                        w.vcpu(), AccessKind.WRITE, w.va(), w.bytes().length()));
        for (int i = completion + 1; i < t.observations().size(); i++) {
            if (t.observations().get(i) instanceof Notification n) {
                return Optional.of(n + " came after the write completed");
            }
        }
        Set<GuestPhysicalPage> pages = new HashSet<>();
        for (WrittenPart p : parts) {
            pages.add(p.page());
            Bytes held = t.after()
                    .contentsOf(p.page())
                    .slice(p.piece().pageOffset(), p.piece().length());
            Bytes written = w.bytes().slice(p.piece().accessOffset(), p.piece().length());
            // With two parts aliasing one page the later part wins where they overlap; they never do.
            if (!held.equals(written)) {
                return Optional.of(p.page() + " holds " + held + " at offset "
                        + p.piece().pageOffset() + " after the write of " + written);
            }
        }
        for (GuestPhysicalPage other :
                union(t.before().memory().keySet(), t.after().memory().keySet())) {
            if (!pages.contains(other)
                    && !t.before().contentsOf(other).equals(t.after().contentsOf(other))) {
                return Optional.of("the write changed " + other + ", which it does not touch");
            }
        }
        return Optional.empty();
    }

    private static Optional<String> noNotificationWithoutTrace(Transition<TracingState, TracingAction, Observation> t) {
        List<Notification> notes = notifications(t);
        if (notes.isEmpty()) {
            return Optional.empty();
        }
        List<WrittenPart> parts = completedWrite(t);
        if (parts.isEmpty()) {
            return Optional.of("notifications " + notes + " from [" + t.action() + "], which is not a completed write");
        }
        GuestWrite w = (GuestWrite) t.action();
        for (Notification n : notes) {
            if (!n.vcpu().equals(w.vcpu())) {
                return Optional.of(n + " names a vCPU other than the writer " + w.vcpu());
            }
            if (!t.before().isTraced(n.page())) {
                return Optional.of(n + " names a page that was not traced");
            }
            boolean touched = parts.stream().anyMatch(p -> p.page().equals(n.page()));
            if (!touched) {
                return Optional.of(n + " names a page the write did not touch");
            }
        }
        return Optional.empty();
    }

    /** The removal an action asks for, atomic or started in micro-steps; null for any other action. */
    private static TracingAction removal(TracingAction action) {
        if (action instanceof RemoveTrace r) {
            return r;
        }
        return action instanceof StartRemoveTrace r ? new RemoveTrace(r.owner(), r.page()) : null;
    }

    private static Optional<String> ownerSemantics(Transition<TracingState, TracingAction, Observation> t) {
        Map<GuestPhysicalPage, Set<Owner>> before = t.before().traces();
        Map<GuestPhysicalPage, Set<Owner>> after = t.after().traces();
        boolean refused = t.observations().stream().anyMatch(o -> o instanceof Refused);
        GuestPhysicalPage changedPage;
        Set<Owner> expectedOwners;
        if (t.action() instanceof AddTrace a && !refused) {
            changedPage = a.page();
            expectedOwners = new HashSet<>(t.before().ownersOf(a.page()));
            expectedOwners.add(a.owner());
        } else if (t.action() instanceof ContinueTrace
                && t.before().pending().isPresent()
                && !t.before().pending().get().removing()
                && t.after().pending().isEmpty()) {
            // The last micro-step of an interleaved request publishes its trace: an addTrace.
            PendingTrace p = t.before().pending().get();
            changedPage = p.page();
            expectedOwners = new HashSet<>(t.before().ownersOf(p.page()));
            expectedOwners.add(p.owner());
        } else if (removal(t.action()) instanceof RemoveTrace r && !refused) {
            // A removal in micro-steps takes the owner out at its start, as an atomic one does.
            changedPage = r.page();
            expectedOwners = new HashSet<>(t.before().ownersOf(r.page()));
            if (!expectedOwners.remove(r.owner())) {
                return Optional.of(r.owner() + " removed a trace of " + r.page() + " it did not own");
            }
        } else {
            return before.equals(after)
                    ? Optional.empty()
                    : Optional.of("[" + t.action() + "] changed traces from " + before + " to " + after);
        }
        if (!t.after().ownersOf(changedPage).equals(expectedOwners)) {
            return Optional.of(
                    changedPage + " has owners " + t.after().ownersOf(changedPage) + ", expected " + expectedOwners);
        }
        for (GuestPhysicalPage p : union(before.keySet(), after.keySet())) {
            if (!p.equals(changedPage) && !Objects.equals(before.get(p), after.get(p))) {
                return Optional.of("[" + t.action() + "] changed the trace of another page " + p);
            }
        }
        return Optional.empty();
    }

    private static Optional<String> faultedAccessChangesNothing(
            Transition<TracingState, TracingAction, Observation> t) {
        boolean access = t.action() instanceof GuestWrite
                || t.action() instanceof GuestRead
                || t.action() instanceof GuestExecute;
        boolean completed = t.observations().stream().anyMatch(o -> o instanceof Completed || o instanceof ValueRead);
        if (access && !completed && !t.before().memory().equals(t.after().memory())) {
            return Optional.of("[" + t.action() + "] did not complete but changed memory");
        }
        return Optional.empty();
    }

    private static <T> Set<T> union(Set<T> a, Set<T> b) {
        Set<T> u = new HashSet<>(a);
        u.addAll(b);
        return u;
    }
}
