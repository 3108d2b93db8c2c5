package org.hvproof.model.migration;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.Invariant;
import org.hvproof.model.common.InvariantSet;
import org.hvproof.model.common.Transition;
import org.hvproof.model.common.TransitionPair;

/**
 * The MIG claims as named invariants on a state, one step, or the same step of two runs (one
 * migrated, one not), each named as the assert of {@code specs/migration.als} that states the same
 * predicate ({@code MIG_2_translationsReachTheirBuffer}). They read only the abstract state and
 * the observations, so they judge the model and the machine (through its abstraction function)
 * alike; {@link #ALL} joins them.
 */
public final class MigrationInvariants {
    private MigrationInvariants() {}

    /**
     * MIG-1: while pre-copy runs, every data page not marked dirty holds at the destination what
     * the VM's translations reach on the source, but for the pages of the round in progress not
     * yet copied (the next one may be re-armed already, its copy still to come).
     */
    public static final Invariant<MigrationState> CLEAN_PAGES_AT_DESTINATION =
            Invariant.of("MIG-1", "cleanPagesAtDestination", MigrationInvariants::cleanPagesAtDestination);

    /**
     * MIG-1: the same guest and device actions, with a migration interleaved in one run and not in
     * the other: once the migrated run has switched over (or before it starts), its VM's memory and
     * everything the device shows (ring, requests, completions, rejections, transmissions) equal
     * the unmigrated run's.
     */
    public static final Invariant<TransitionPair<MigrationState, MigrationAction, MigrationObservation>>
            DESTINATION_MATCHES_UNMIGRATED = Invariant.of(
                    "MIG-1", "destinationMatchesUnmigrated", MigrationInvariants::destinationMatchesUnmigrated);

    /**
     * MIG-2: while the copy exists the VM's translations of every buffer page reach the vCPU buffer
     * and the device's reach the device buffer (the copy on the side the embodiment names, the
     * original on the other); otherwise both reach the original.
     */
    public static final Invariant<MigrationState> TRANSLATIONS_REACH_THEIR_BUFFER =
            Invariant.of("MIG-2", "translationsReachTheirBuffer", MigrationInvariants::translationsReachTheirBuffer);

    /** MIG-3: a transmit request reaches the device only with the VM's data already in the device buffer. */
    public static final Invariant<Transition<MigrationState, MigrationAction, MigrationObservation>>
            REQUEST_DATA_IN_DEVICE_BUFFER =
                    Invariant.of("MIG-3", "requestDataInDeviceBuffer", MigrationInvariants::requestDataInDeviceBuffer);

    /** MIG-3: a receive's completion reaches the VM only with the device's output already in the vCPU buffer. */
    public static final Invariant<Transition<MigrationState, MigrationAction, MigrationObservation>>
            COMPLETION_AFTER_COPY_BACK =
                    Invariant.of("MIG-3", "completionAfterCopyBack", MigrationInvariants::completionAfterCopyBack);

    /** MIG-3: while pre-copy runs, every data page whose contents a step changes is in the dirty set after it. */
    public static final Invariant<Transition<MigrationState, MigrationAction, MigrationObservation>>
            CHANGED_PAGES_DIRTY = Invariant.of("MIG-3", "changedPagesDirty", MigrationInvariants::changedPagesDirty);

    /**
     * MIG-4: every ring index the device has taken is accounted for exactly once: rejected, in
     * flight, posted in the completion ring, or its completion delivered; nothing else is.
     */
    public static final Invariant<MigrationState> EVERY_REQUEST_ACCOUNTED_ONCE =
            Invariant.of("MIG-4", "everyRequestAccountedOnce", MigrationInvariants::everyRequestAccountedOnce);

    /** MIG-4: a completion reaches the VM only for a request whose completion was posted and never delivered, once. */
    public static final Invariant<Transition<MigrationState, MigrationAction, MigrationObservation>>
            COMPLETION_DELIVERED_ONCE =
                    Invariant.of("MIG-4", "completionDeliveredOnce", MigrationInvariants::completionDeliveredOnce);

    /** MIG-5: pre-copy never runs more rounds than the round limit. */
    public static final Invariant<MigrationState> ROUNDS_BOUNDED =
            Invariant.of("MIG-5", "roundsBounded", MigrationInvariants::roundsBounded);

    /**
     * MIG-5: a round taken when the dirty set fits the downtime limit, or at the round limit,
     * switches over and reports (a whole round or the first micro-step of one); none switches over
     * in the middle of a round in progress.
     */
    public static final Invariant<Transition<MigrationState, MigrationAction, MigrationObservation>>
            SWITCH_OVER_WHEN_DUE = Invariant.of("MIG-5", "switchOverWhenDue", MigrationInvariants::switchOverWhenDue);

    /** MIG-5: the report's rounds, pages and downtime are the migration's own. */
    public static final Invariant<Transition<MigrationState, MigrationAction, MigrationObservation>> REPORT_ACCURATE =
            Invariant.of("MIG-5", "reportAccurate", MigrationInvariants::reportAccurate);

    /** Every MIG invariant: the mechanism's {@code invs}. */
    public static final InvariantSet<MigrationState, MigrationAction, MigrationObservation> ALL = new InvariantSet<>(
            "migration",
            List.of(
                    CLEAN_PAGES_AT_DESTINATION,
                    TRANSLATIONS_REACH_THEIR_BUFFER,
                    EVERY_REQUEST_ACCOUNTED_ONCE,
                    ROUNDS_BOUNDED),
            List.of(
                    REQUEST_DATA_IN_DEVICE_BUFFER,
                    COMPLETION_AFTER_COPY_BACK,
                    CHANGED_PAGES_DIRTY,
                    COMPLETION_DELIVERED_ONCE,
                    SWITCH_OVER_WHEN_DUE,
                    REPORT_ACCURATE),
            List.of(DESTINATION_MATCHES_UNMIGRATED));

    private static Optional<String> cleanPagesAtDestination(MigrationState s) {
        if (s.phase() != MigrationPhase.PRE_COPY) {
            return Optional.empty();
        }
        List<Long> left = s.roundPagesLeft();
        for (int p = 0; p < s.config().dataPages(); p++) {
            if (!s.dirty().contains((long) p)
                    && !left.contains((long) p)
                    && !s.destination().get(p).equals(s.memory().get(p))) {
                return Optional.of("data page " + p + " is clean but the destination holds "
                        + s.destination().get(p) + " while the VM's page holds "
                        + s.memory().get(p));
            }
        }
        return Optional.empty();
    }

    private static Optional<String> destinationMatchesUnmigrated(
            TransitionPair<MigrationState, MigrationAction, MigrationObservation> pair) {
        MigrationState plain = pair.left().after();
        MigrationState moved = pair.right().after();
        if (moved.phase() == MigrationPhase.PRE_COPY) {
            return Optional.empty();
        }
        List<String> differ = new ArrayList<>();
        for (int p = 0; p < plain.memory().size(); p++) {
            if (!plain.memory().get(p).equals(moved.memory().get(p))) {
                differ.add("data page " + p + ": migrated " + moved.memory().get(p) + ", unmigrated "
                        + plain.memory().get(p));
            }
        }
        compare(differ, "ring head", moved.deviceHead(), plain.deviceHead());
        compare(differ, "requests in flight", moved.inFlight(), plain.inFlight());
        compare(differ, "completion ring", moved.posted(), plain.posted());
        compare(differ, "completions delivered", moved.delivered(), plain.delivered());
        compare(differ, "descriptors rejected", moved.rejected(), plain.rejected());
        compare(differ, "transmitted", moved.transmitted(), plain.transmitted());
        return differ.isEmpty()
                ? Optional.empty()
                : Optional.of("after " + pair.right().action() + " the " + moved.phase() + " run differs: "
                        + String.join("; ", differ));
    }

    private static void compare(List<String> differ, String what, Object moved, Object plain) {
        if (!moved.equals(plain)) {
            differ.add(what + ": migrated " + moved + ", unmigrated " + plain);
        }
    }

    private static Optional<String> translationsReachTheirBuffer(MigrationState s) {
        BufferFrame vcpu = BufferFrame.ORIGINAL;
        BufferFrame device = BufferFrame.ORIGINAL;
        if (s.phase() == MigrationPhase.PRE_COPY) {
            boolean copyIsVcpu = s.config().embodiment() == MigrationEmbodiment.COPY_AS_VCPU_BUFFER;
            vcpu = copyIsVcpu ? BufferFrame.COPY : BufferFrame.ORIGINAL;
            device = copyIsVcpu ? BufferFrame.ORIGINAL : BufferFrame.COPY;
        }
        for (int i = 0; i < s.config().bufferPages(); i++) {
            if (s.vcpuReach().get(i) != vcpu || s.deviceReach().get(i) != device) {
                return Optional.of("buffer page " + (i + 1) + " in " + s.phase() + " ("
                        + s.config().embodiment()
                        + "): the VM reaches " + s.vcpuReach().get(i) + " and the device "
                        + s.deviceReach().get(i) + ", expected " + vcpu + " and " + device);
            }
        }
        return Optional.empty();
    }

    private static Optional<String> requestDataInDeviceBuffer(
            Transition<MigrationState, MigrationAction, MigrationObservation> t) {
        MigrationState before = t.before();
        MigrationState after = t.after();
        if (!after.copied()) {
            return Optional.empty();
        }
        Set<Long> had = new HashSet<>();
        before.inFlight().forEach(r -> had.add(r.id()));
        for (WorkRequest r : after.inFlight()) {
            if (had.contains(r.id()) || r.direction() != DmaDirection.TO_DEVICE || r.done() > 0) {
                continue;
            }
            Bytes device = after.deviceSees(r.address(), r.length());
            Bytes vm = after.vmSees(r.address(), r.length());
            if (!device.equals(vm)) {
                return Optional.of("request " + r.id() + " reached the device with " + device
                        + " in the device buffer but the VM's data is " + vm);
            }
        }
        return Optional.empty();
    }

    private static Optional<String> completionAfterCopyBack(
            Transition<MigrationState, MigrationAction, MigrationObservation> t) {
        MigrationState after = t.after();
        if (!after.copied()) {
            return Optional.empty();
        }
        for (MigrationObservation o : t.observations()) {
            if (o instanceof MigrationObservation.CompletionSeen c) {
                Optional<WorkRequest> r = t.before().posted().stream()
                        .filter(w -> w.id() == c.id())
                        .findFirst();
                if (r.isEmpty() || r.get().direction() != DmaDirection.FROM_DEVICE) {
                    continue;
                }
                Bytes device = after.deviceSees(r.get().address(), r.get().length());
                Bytes vm = after.vmSees(r.get().address(), r.get().length());
                if (!device.equals(vm)) {
                    return Optional.of("the completion of request " + c.id() + " reached the VM, which sees " + vm
                            + " where the device wrote " + device);
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> changedPagesDirty(
            Transition<MigrationState, MigrationAction, MigrationObservation> t) {
        MigrationState before = t.before();
        MigrationState after = t.after();
        if (before.phase() != MigrationPhase.PRE_COPY || after.phase() != MigrationPhase.PRE_COPY) {
            return Optional.empty();
        }
        for (int p = 0; p < after.memory().size(); p++) {
            if (!before.memory().get(p).equals(after.memory().get(p))
                    && !after.dirty().contains((long) p)) {
                return Optional.of(
                        t.action() + " changed data page " + p + " but left it out of the dirty set " + after.dirty());
            }
        }
        return Optional.empty();
    }

    private static Optional<String> everyRequestAccountedOnce(MigrationState s) {
        List<Long> seen = new ArrayList<>();
        s.inFlight().forEach(r -> seen.add(r.id()));
        s.posted().forEach(r -> seen.add(r.id()));
        seen.addAll(s.delivered());
        seen.addAll(s.rejected());
        Set<Long> once = new HashSet<>();
        for (long id : seen) {
            if (!once.add(id)) {
                return Optional.of("request " + id + " is accounted twice: in flight "
                        + ids(s.inFlight()) + ", posted " + ids(s.posted()) + ", delivered " + s.delivered()
                        + ", rejected " + s.rejected());
            }
            if (id < 0 || id >= s.deviceHead()) {
                return Optional.of("request " + id + " is accounted but the device's head is " + s.deviceHead());
            }
        }
        if (once.size() != s.deviceHead()) {
            return Optional.of("the device took " + s.deviceHead() + " requests but " + once.size()
                    + " are accounted: in flight " + ids(s.inFlight()) + ", posted " + ids(s.posted())
                    + ", delivered " + s.delivered() + ", rejected " + s.rejected());
        }
        return Optional.empty();
    }

    private static List<Long> ids(List<WorkRequest> rs) {
        return rs.stream().map(WorkRequest::id).toList();
    }

    private static Optional<String> completionDeliveredOnce(
            Transition<MigrationState, MigrationAction, MigrationObservation> t) {
        Set<Long> now = new HashSet<>();
        for (MigrationObservation o : t.observations()) {
            if (o instanceof MigrationObservation.CompletionSeen c) {
                boolean posted = t.before().posted().stream().anyMatch(r -> r.id() == c.id());
                if (!posted || t.before().delivered().contains(c.id()) || !now.add(c.id())) {
                    return Optional.of("the completion of request " + c.id() + " reached the VM, posted "
                            + ids(t.before().posted()) + ", already delivered "
                            + t.before().delivered());
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> roundsBounded(MigrationState s) {
        int rounds = s.pagesPerRound().size();
        return rounds <= s.config().roundLimit()
                ? Optional.empty()
                : Optional.of(
                        rounds + " pre-copy rounds, the limit is " + s.config().roundLimit());
    }

    private static Optional<String> switchOverWhenDue(
            Transition<MigrationState, MigrationAction, MigrationObservation> t) {
        MigrationState before = t.before();
        boolean round =
                t.action() instanceof MigrationAction.MigrationRound || t.action() instanceof MigrationAction.RoundStep;
        if (!round || before.phase() != MigrationPhase.PRE_COPY) {
            return Optional.empty();
        }
        if (before.roundInProgress()) {
            return t.after().phase() == MigrationPhase.MIGRATED
                    ? Optional.of(
                            "switched over in the middle of a round, pages " + before.roundPagesLeft() + " unsent")
                    : Optional.empty();
        }
        int rounds = before.pagesPerRound().size();
        boolean due = rounds >= 1
                && (rounds >= before.config().roundLimit()
                        || before.config().fitsDowntime(before.dirty().size()));
        boolean reported = t.observations().stream().anyMatch(MigrationObservation.Reported.class::isInstance);
        boolean switched = t.after().phase() == MigrationPhase.MIGRATED;
        if (due && !(switched && reported)) {
            return Optional.of("round " + (rounds + 1) + " with "
                    + before.dirty().size() + " dirty pages was due to switch over but the VM is "
                    + t.after().phase());
        }
        if (!due && switched) {
            return Optional.of("switched over after " + rounds + " rounds with "
                    + before.dirty().size() + " dirty pages, before it was due");
        }
        return Optional.empty();
    }

    private static Optional<String> reportAccurate(
            Transition<MigrationState, MigrationAction, MigrationObservation> t) {
        MigrationState before = t.before();
        MigrationConfig c = before.config();
        for (MigrationObservation o : t.observations()) {
            if (o instanceof MigrationObservation.Reported rep) {
                MigrationReport r = rep.report();
                long precopied = before.pagesPerRound().stream()
                        .mapToLong(Long::longValue)
                        .sum();
                List<String> wrong = new ArrayList<>();
                if (r.rounds() != before.pagesPerRound().size()
                        || !r.pagesPerRound().equals(before.pagesPerRound())) {
                    wrong.add("rounds " + r.pagesPerRound() + " but ran " + before.pagesPerRound());
                }
                if (r.finalPages() < before.dirty().size() || r.finalPages() > c.totalPages()) {
                    wrong.add("stop-and-copy sent " + r.finalPages() + " pages with "
                            + before.dirty().size() + " dirty");
                }
                if (r.totalPages() != precopied + r.finalPages()) {
                    wrong.add("total " + r.totalPages() + " is not " + precopied + " + " + r.finalPages());
                }
                if (r.downtimeMicros() != r.finalPages() * c.pageTimeMicros()
                        || r.elapsedMicros() != before.elapsedMicros() + r.downtimeMicros()) {
                    wrong.add("downtime " + r.downtimeMicros() + " µs, elapsed " + r.elapsedMicros() + " µs");
                }
                if (r.converged() != c.fitsDowntime(before.dirty().size())) {
                    wrong.add("converged " + r.converged() + " with "
                            + before.dirty().size() + " dirty pages");
                }
                if (!wrong.isEmpty()) {
                    return Optional.of("the report " + r + " is wrong: " + String.join("; ", wrong));
                }
            }
        }
        return Optional.empty();
    }
}
