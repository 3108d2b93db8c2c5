package org.hvproof.model.failover;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.Invariant;
import org.hvproof.model.common.InvariantSet;
import org.hvproof.model.common.Transition;

/**
 * The FT claims as named invariants on a state or on one step, each named as the assert of
 * {@code specs/failover.als} that states the same predicate ({@code FT_2_neverBothRun}). They
 * read only the abstract state and the observations, so they judge the model and the hosts
 * (through their abstraction function) alike; {@link #ALL} joins them.
 */
public final class FailoverInvariants {
    private FailoverInvariants() {}

    /** FT-1: the host running the application holds every acknowledged update (the last value acknowledged per key). */
    public static final Invariant<FailoverState> ACKNOWLEDGED_UPDATES_PRESENT =
            Invariant.of("FT-1", "acknowledgedUpdatesPresent", FailoverInvariants::acknowledgedUpdatesPresent);

    /** FT-1: when the secondary starts, its application image (memory and virtual NIC) is the primary's at the failure. */
    public static final Invariant<Transition<FailoverState, FailoverAction, FailoverObservation>>
            SECONDARY_STARTS_FROM_PRIMARY_AT_FAILURE = Invariant.of(
                    "FT-1",
                    "secondaryStartsFromPrimaryAtFailure",
                    FailoverInvariants::secondaryStartsFromPrimaryAtFailure);

    /** FT-1: every chunk on the wire and every chunk landed in the secondary's memory is the checkpoint's own page. */
    public static final Invariant<FailoverState> CHECKPOINT_COPIED_FAITHFULLY =
            Invariant.of("FT-1", "checkpointCopiedFaithfully", FailoverInvariants::checkpointCopiedFaithfully);

    /** FT-2: never do primary and secondary both run the application. */
    public static final Invariant<FailoverState> NEVER_BOTH_RUN =
            Invariant.of("FT-2", "neverBothRun", FailoverInvariants::neverBothRun);

    /** FT-3: the secondary starts (or restarts) the application only on the primary's signal, with the whole checkpoint of that epoch landed. */
    public static final Invariant<Transition<FailoverState, FailoverAction, FailoverObservation>>
            SECONDARY_STARTS_ONLY_ON_SIGNAL = Invariant.of(
                    "FT-3", "secondaryStartsOnlyOnSignal", FailoverInvariants::secondaryStartsOnlyOnSignal);

    /** FT-3: a signal is sent only when every chunk of the checkpoint is in the secondary's memory. */
    public static final Invariant<Transition<FailoverState, FailoverAction, FailoverObservation>>
            SIGNAL_ONLY_AFTER_WHOLE_CHECKPOINT = Invariant.of(
                    "FT-3", "signalOnlyAfterWholeCheckpoint", FailoverInvariants::signalOnlyAfterWholeCheckpoint);

    /** FT-3: a failover that ends on battery without a start is reported, and nothing runs the application. */
    public static final Invariant<Transition<FailoverState, FailoverAction, FailoverObservation>>
            FAILURE_REPORTED_WITHOUT_START = Invariant.of(
                    "FT-3", "failureReportedWithoutStart", FailoverInvariants::failureReportedWithoutStart);

    /**
     * FT-4: provisioning and the AC failure report the budget the claim states: fits or not, the
     * margin in microseconds and in bytes.
     */
    public static final Invariant<Transition<FailoverState, FailoverAction, FailoverObservation>> BUDGET_REPORTED =
            Invariant.of("FT-4", "budgetReported", FailoverInvariants::budgetReported);

    /** FT-4: without faults, a failover that fits the budget never runs out of battery, and one that does not never completes. */
    public static final Invariant<FailoverState> FAILOVER_WITHIN_BUDGET =
            Invariant.of("FT-4", "failoverWithinBudget", FailoverInvariants::failoverWithinBudget);

    /** FT-4: without faults, the secondary is signalled exactly the budget's required time after the failure. */
    public static final Invariant<Transition<FailoverState, FailoverAction, FailoverObservation>>
            SIGNAL_AT_REQUIRED_TIME =
                    Invariant.of("FT-4", "signalAtRequiredTime", FailoverInvariants::signalAtRequiredTime);

    /** Every FT invariant: the mechanism's {@code invs}. No secret, so no pair invariants. */
    public static final InvariantSet<FailoverState, FailoverAction, FailoverObservation> ALL = new InvariantSet<>(
            "failover",
            List.of(ACKNOWLEDGED_UPDATES_PRESENT, CHECKPOINT_COPIED_FAITHFULLY, NEVER_BOTH_RUN, FAILOVER_WITHIN_BUDGET),
            List.of(
                    SECONDARY_STARTS_FROM_PRIMARY_AT_FAILURE,
                    SECONDARY_STARTS_ONLY_ON_SIGNAL,
                    SIGNAL_ONLY_AFTER_WHOLE_CHECKPOINT,
                    FAILURE_REPORTED_WITHOUT_START,
                    BUDGET_REPORTED,
                    SIGNAL_AT_REQUIRED_TIME),
            List.of());

    private static Optional<String> acknowledgedUpdatesPresent(FailoverState s) {
        if (s.config().isEmpty() || s.running().isEmpty()) {
            return Optional.empty();
        }
        FailoverConfig c = s.config().get();
        List<Bytes> memory = s.running().get().memory();
        for (Map.Entry<Long, Long> e : s.acknowledged().entrySet()) {
            long held = FailoverLayout.read(c, memory, e.getKey());
            if (held != e.getValue()) {
                return Optional.of("key " + e.getKey() + " was acknowledged as " + e.getValue() + " but the "
                        + (s.primary().runsApp() ? "primary" : "secondary") + " holds " + held);
            }
        }
        return Optional.empty();
    }

    private static Optional<String> secondaryStartsFromPrimaryAtFailure(
            Transition<FailoverState, FailoverAction, FailoverObservation> t) {
        if (!started(t)) {
            return Optional.empty();
        }
        FailoverState after = t.after();
        int pages = (int) after.config().orElseThrow().pages();
        ApplicationImage now = after.secondary().image(pages);
        return violatedUnless(
                after.atFailure().map(now::equals).orElse(false),
                "the secondary started from " + now + " but the primary's image at the failure was "
                        + after.atFailure());
    }

    private static Optional<String> neverBothRun(FailoverState s) {
        return violatedUnless(
                !(s.primary().runsApp() && s.secondary().runsApp()),
                "primary and secondary both run the application (phase " + s.phase() + ")");
    }

    private static Optional<String> secondaryStartsOnlyOnSignal(
            Transition<FailoverState, FailoverAction, FailoverObservation> t) {
        boolean reportedStart = t.observations().stream().anyMatch(FailoverObservation.Started.class::isInstance);
        if (!started(t) && !reportedStart) {
            return Optional.empty();
        }
        boolean onSignal = t.action() instanceof FailoverAction.Signal
                && t.observations().stream().anyMatch(FailoverObservation.Signalled.class::isInstance);
        return violatedUnless(
                onSignal && t.after().wholeCheckpointLanded(),
                "the secondary started on " + t.action() + " (observed " + t.observations() + ", landed "
                        + t.after().agent() + ")");
    }

    private static Optional<String> signalOnlyAfterWholeCheckpoint(
            Transition<FailoverState, FailoverAction, FailoverObservation> t) {
        if (t.observations().stream().noneMatch(FailoverObservation.Signalled.class::isInstance)) {
            return Optional.empty();
        }
        FailoverState after = t.after();
        if (!after.wholeCheckpointLanded() || after.atFailure().isEmpty()) {
            return Optional.of("signalled with chunks " + after.agent().landed() + " of epoch "
                    + after.agent().epoch() + " landed, copy "
                    + after.copy().map(FailoverCopy::chunksSent).orElse(0) + " sent");
        }
        FailoverConfig c = after.config().orElseThrow();
        List<Bytes> expected = FailoverLayout.checkpoint(c, after.atFailure().get());
        List<Bytes> held = after.secondary().memory().subList(0, c.chunks());
        return violatedUnless(
                expected.equals(held),
                "signalled, but the secondary's memory " + held + " is not the checkpoint " + expected);
    }

    private static Optional<String> failureReportedWithoutStart(
            Transition<FailoverState, FailoverAction, FailoverObservation> t) {
        FailoverState after = t.after();
        if (!t.before().onBattery()
                || after.phase() == FailoverPhase.FAILED_OVER
                || after.onBattery()
                || after.phase() == FailoverPhase.RUNNING) {
            return Optional.empty();
        }
        boolean reported = after.failure()
                .map(f -> t.observations().contains(new FailoverObservation.FailoverFailed(f)))
                .orElse(false);
        return violatedUnless(
                reported
                        && after.phase() == FailoverPhase.FAILED
                        && after.running().isEmpty(),
                "left battery by " + t.action() + " into " + after.phase() + " with " + t.observations() + ", running "
                        + after.running().isPresent());
    }

    private static Optional<String> budgetReported(Transition<FailoverState, FailoverAction, FailoverObservation> t) {
        FailoverState before = t.before();
        if (t.action() instanceof FailoverAction.Provision p
                && before.config().isEmpty()
                && p.config().check().isEmpty()) {
            FailoverBudget expected =
                    FailoverModel.budget(p.config(), p.config().bandwidth());
            return violatedUnless(
                    t.observations().equals(List.of(new FailoverObservation.Provisioned(expected))),
                    "provisioning reported " + t.observations() + ", the budget is " + expected);
        }
        if (!(t.action() instanceof FailoverAction.PowerFail) || before.phase() != FailoverPhase.RUNNING) {
            return Optional.empty();
        }
        FailoverBudget expected = FailoverModel.budget(
                before.config().orElseThrow(), before.link().bandwidth());
        return violatedUnless(
                t.observations().equals(List.of(new FailoverObservation.BudgetReported(expected))),
                "the failure reported " + t.observations() + ", the budget is " + expected);
    }

    private static Optional<String> checkpointCopiedFaithfully(FailoverState s) {
        if (s.copy().isEmpty()
                || s.atFailure().isEmpty()
                || s.phase() == FailoverPhase.FAILED_OVER
                || s.phase() == FailoverPhase.RUNNING) {
            return Optional.empty();
        }
        FailoverConfig c = s.config().orElseThrow();
        FailoverCopy copy = s.copy().get();
        List<Bytes> checkpoint = FailoverLayout.checkpoint(c, s.atFailure().get());
        for (InFlightChunk k : copy.inFlight()) {
            if (k.epoch() == copy.epoch()
                    && (k.chunk() >= checkpoint.size() || !k.data().equals(checkpoint.get(k.chunk())))) {
                return Optional.of("chunk " + k.chunk() + " on the wire holds " + k.data() + ", the checkpoint "
                        + (k.chunk() < checkpoint.size() ? checkpoint.get(k.chunk()) : "has no such chunk"));
            }
        }
        if (s.agent().epoch() == copy.epoch()) {
            for (int i : s.agent().landed()) {
                if (i >= checkpoint.size() || !s.secondary().memory().get(i).equals(checkpoint.get(i))) {
                    return Optional.of("chunk " + i + " landed as "
                            + s.secondary().memory().get(i) + ", the checkpoint "
                            + (i < checkpoint.size() ? checkpoint.get(i) : "has no such chunk"));
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> failoverWithinBudget(FailoverState s) {
        if (s.copy().isEmpty() || s.copy().get().faulted()) {
            return Optional.empty();
        }
        FailoverBudget b = s.copy().get().budget();
        if (s.phase() == FailoverPhase.FAILED_OVER && !b.fits()) {
            return Optional.of("failed over although the budget does not fit: " + b);
        }
        if (s.phase() == FailoverPhase.FAILED
                && s.failure().equals(Optional.of(FailoverCode.BATTERY_EXHAUSTED))
                && b.fits()) {
            return Optional.of("the battery ran out although the budget fits: " + b);
        }
        return Optional.empty();
    }

    private static Optional<String> signalAtRequiredTime(
            Transition<FailoverState, FailoverAction, FailoverObservation> t) {
        Optional<FailoverCopy> copy = t.after().copy();
        if (copy.isEmpty() || copy.get().faulted()) {
            return Optional.empty();
        }
        for (FailoverObservation o : t.observations()) {
            if (o instanceof FailoverObservation.Started st
                    && st.elapsedMicros() != copy.get().budget().requiredMicros()) {
                return Optional.of("signalled " + st.elapsedMicros() + " µs after the failure, the budget requires "
                        + copy.get().budget().requiredMicros());
            }
        }
        return Optional.empty();
    }

    /** Whether the secondary started the application in this step. */
    private static boolean started(Transition<FailoverState, FailoverAction, FailoverObservation> t) {
        return !t.before().secondary().runsApp() && t.after().secondary().runsApp();
    }

    private static Optional<String> violatedUnless(boolean holds, String detail) {
        return holds ? Optional.empty() : Optional.of(detail);
    }
}
