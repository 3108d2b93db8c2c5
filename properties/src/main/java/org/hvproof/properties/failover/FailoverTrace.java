package org.hvproof.properties.failover;

import java.util.List;
import org.hvproof.impl.failover.FailoverImplFlaw;
import org.hvproof.impl.failover.FailoverSystem;
import org.hvproof.model.common.Transition;
import org.hvproof.model.failover.FailoverAction;
import org.hvproof.model.failover.FailoverBudget;
import org.hvproof.model.failover.FailoverCode;
import org.hvproof.model.failover.FailoverModel;
import org.hvproof.model.failover.FailoverObservation;
import org.hvproof.model.failover.FailoverPhase;
import org.hvproof.model.failover.FailoverState;
import org.hvproof.model.failover.FailoverStep;
import org.hvproof.propcheck.Context;
import org.hvproof.properties.Lockstep;
import org.hvproof.properties.harness.JudgedTrace;

/**
 * One generated trace of the failover mechanism: the two simulated hosts (with or without a
 * deliberate flaw) and the model in lockstep, labelled for coverage.
 */
public final class FailoverTrace implements JudgedTrace<FailoverState, FailoverAction, FailoverObservation> {
    /** How close to the requirement a hold-up time is "barely" (microseconds). */
    static final long EDGE = 3;

    private final FailoverSystem hosts;
    private final Lockstep<FailoverState, FailoverAction> lockstep;
    private boolean resumedOnce;

    /** Unprovisioned hosts with {@code flaw} ({@link FailoverImplFlaw#NONE} for the real ones) beside the model. */
    public FailoverTrace(FailoverImplFlaw flaw) {
        this.hosts = new FailoverSystem(flaw);
        this.lockstep = new Lockstep<>(
                hosts::apply,
                hosts::abstractState,
                (s, a) -> {
                    FailoverStep step = FailoverModel.step(s, a);
                    return new Lockstep.ModelStep<>(step.next(), step.observations());
                },
                FailoverModel.initial());
    }

    /** The model's state, equal to the hosts' abstraction while refinement holds. */
    public FailoverState state() {
        return lockstep.state();
    }

    @Override
    public List<Transition<FailoverState, FailoverAction, FailoverObservation>> lastTransitions() {
        Transition<FailoverState, FailoverAction, FailoverObservation> t = lockstep.lastAs(FailoverObservation.class);
        return t == null ? List.of() : List.of(t);
    }

    @Override
    public FailoverState judgedState() {
        return lockstep.judgedState();
    }

    @Override
    public void checkRefinement() {
        lockstep.checkRefinement();
    }

    /** Runs one action on the hosts and the model, labels what happened. */
    void apply(FailoverAction action, Context ctx) {
        Lockstep.Transition<FailoverState, FailoverAction> t = lockstep.apply(action);
        label(t, ctx);
    }

    private void label(Lockstep.Transition<FailoverState, FailoverAction> t, Context ctx) {
        FailoverState before = t.before();
        FailoverState after = t.after();
        List<?> seen = t.observations();
        FailoverAction a = t.action();
        for (Object o : seen) {
            if (o instanceof FailoverObservation.Refused r) {
                switch (r.code()) {
                    case BAD_SIZE, BAD_TIME, BAD_HOLD_UP -> ctx.label(FailoverLabels.BAD_PROVISION);
                    case BAD_BANDWIDTH -> {
                        ctx.label(FailoverLabels.BAD_PROVISION);
                        ctx.label(FailoverLabels.BAD_BANDWIDTH_REFUSED);
                    }
                    case STATE_TOO_LARGE -> {
                        ctx.label(FailoverLabels.BAD_PROVISION);
                        ctx.label(FailoverLabels.STATE_TOO_LARGE);
                    }
                    case NO_SUCH_KEY -> ctx.label(FailoverLabels.KEY_OUT_OF_RANGE);
                    case WRONG_HOST, DUPLICATE_SIGNAL -> {
                        ctx.label(FailoverLabels.STRAY_SIGNAL_REFUSED);
                        if (before.phase() == FailoverPhase.COPYING
                                && before.copy()
                                        .map(c -> c.chunksSent()
                                                == before.config().orElseThrow().chunks())
                                        .orElse(false)) {
                            ctx.label(FailoverLabels.STRAY_SIGNAL_WITH_CHECKPOINT_SENT);
                        }
                    }
                    case CHECKPOINT_INCOMPLETE -> {
                        if (a instanceof FailoverAction.Signal) {
                            ctx.label(FailoverLabels.EARLY_SIGNAL_REFUSED);
                        }
                    }
                    default -> {}
                }
            } else if (o instanceof FailoverObservation.BudgetReported b) {
                labelBudget(b.budget(), ctx);
            } else if (o instanceof FailoverObservation.Started) {
                ctx.label(FailoverLabels.FAILED_OVER);
                if (!after.acknowledged().isEmpty()) {
                    ctx.label(FailoverLabels.ACKED_UPDATE_CARRIED);
                }
                if (!after.secondary().queue().isEmpty()) {
                    ctx.label(FailoverLabels.QUEUED_REQUEST_CARRIED);
                }
                after.copy()
                        .map(c -> c.budget())
                        .filter(FailoverTrace::barelyFits)
                        .ifPresent(b -> ctx.label(FailoverLabels.BARELY_FITS_FAILED_OVER));
            } else if (o instanceof FailoverObservation.FailoverFailed f
                    && f.cause() == FailoverCode.BATTERY_EXHAUSTED) {
                ctx.label(FailoverLabels.EXHAUSTED);
                if (!after.agent().landed().isEmpty()
                        && after.agent().epoch() == after.epoch()
                        && !after.wholeCheckpointLanded()) {
                    ctx.label(FailoverLabels.EXHAUSTED_MID_COPY);
                }
                if (after.copy()
                        .map(c -> barelyShort(c.budget()) && !c.faulted())
                        .orElse(false)) {
                    ctx.label(FailoverLabels.BARELY_SHORT_EXHAUSTED);
                }
            } else if (o instanceof FailoverObservation.Acknowledged ack) {
                if (before.phase() == FailoverPhase.FAILED_OVER) {
                    ctx.label(FailoverLabels.SERVED_AFTER_FAILOVER);
                }
                long keys = before.config().map(c -> (long) c.keys()).orElse(1L);
                if (ack.key() >= keys / 2) {
                    ctx.label(FailoverLabels.UPDATE_IN_UPPER_HALF);
                }
                if (ack.key() == keys - 1) {
                    ctx.label(FailoverLabels.UPDATE_OF_LAST_KEY);
                }
            }
        }
        if (before.onBattery()) {
            if (a instanceof FailoverAction.BatteryOut) {
                ctx.label(FailoverLabels.BATTERY_OUT_EARLY);
            } else if (a instanceof FailoverAction.LinkSlows && seen.isEmpty()) {
                ctx.label(FailoverLabels.LINK_SLOWED_ON_BATTERY);
            } else if (a instanceof FailoverAction.LinkDrops && before.link().up()) {
                ctx.label(FailoverLabels.LINK_DROPPED_ON_BATTERY);
            } else if (a instanceof FailoverAction.SecondaryCrash
                    && before.secondary().up()) {
                ctx.label(FailoverLabels.SECONDARY_CRASHED_ON_BATTERY);
            } else if (a instanceof FailoverAction.PowerReturns) {
                ctx.label(FailoverLabels.POWER_RETURNED_ON_BATTERY);
                resumedOnce = true;
            } else if (a instanceof FailoverAction.PowerFail) {
                ctx.label(FailoverLabels.SECOND_FAILURE_ON_BATTERY);
            }
        } else if (before.phase() == FailoverPhase.FAILED_OVER) {
            if (a instanceof FailoverAction.PowerReturns) {
                ctx.label(FailoverLabels.POWER_RETURNED_AFTER_FAILOVER);
            } else if (a instanceof FailoverAction.SecondaryCrash) {
                ctx.label(FailoverLabels.SECONDARY_CRASHED_AFTER_FAILOVER);
            }
        } else if (before.phase() == FailoverPhase.RUNNING && a instanceof FailoverAction.PowerFail && resumedOnce) {
            ctx.label(FailoverLabels.SECOND_FAILURE);
        }
    }

    private static void labelBudget(FailoverBudget b, Context ctx) {
        if (barelyFits(b)) {
            ctx.label(FailoverLabels.BARELY_FITS);
        }
        if (barelyShort(b)) {
            ctx.label(FailoverLabels.BARELY_SHORT);
        }
    }

    static boolean barelyFits(FailoverBudget b) {
        return b.valid() && b.fits() && b.marginMicros() <= EDGE;
    }

    static boolean barelyShort(FailoverBudget b) {
        return b.valid() && !b.fits() && b.marginMicros() >= -EDGE;
    }

    /** A short picture of the state for failure reports. */
    @Override
    public String describe() {
        FailoverState s = lockstep.state();
        return "  phase " + s.phase() + " at " + s.now() + " µs, epoch " + s.epoch() + "\n  config "
                + s.config().map(Object::toString).orElse("none") + "\n  link " + s.link() + "\n  copy "
                + s.copy()
                        .map(c -> "sent " + c.chunksSent() + ", in flight "
                                + c.inFlight().size() + ", deadline " + c.deadline() + ", " + c.budget()
                                + (c.faulted() ? ", faulted" : ""))
                        .orElse("none")
                + "\n  secondary agent " + s.agent() + "\n  acknowledged " + s.acknowledged();
    }
}
