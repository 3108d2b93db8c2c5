package org.hvproof.properties.migration;

import java.util.List;
import org.hvproof.impl.migration.MigrationImplFlaw;
import org.hvproof.impl.migration.MigrationSystem;
import org.hvproof.model.common.Transition;
import org.hvproof.model.migration.DmaDirection;
import org.hvproof.model.migration.MigrationAction;
import org.hvproof.model.migration.MigrationConfig;
import org.hvproof.model.migration.MigrationEmbodiment;
import org.hvproof.model.migration.MigrationModel;
import org.hvproof.model.migration.MigrationObservation;
import org.hvproof.model.migration.MigrationPhase;
import org.hvproof.model.migration.MigrationState;
import org.hvproof.model.migration.MigrationStep;
import org.hvproof.model.migration.MigrationStrategy;
import org.hvproof.model.migration.WorkRequest;
import org.hvproof.propcheck.Context;
import org.hvproof.properties.Lockstep;
import org.hvproof.properties.harness.JudgedTrace;

/**
 * One generated trace of the migration mechanism: the hosts (with or without a deliberate flaw)
 * and the model in lockstep, labelled for coverage. Its first step boots the VM with generated
 * figures; a trace whose boot step was shrunk away boots {@link MigrationActions#FALLBACK}.
 */
public final class MigrationTrace implements JudgedTrace<MigrationState, MigrationAction, MigrationObservation> {
    private final MigrationImplFlaw flaw;
    private MigrationSystem system;
    private Lockstep<MigrationState, MigrationAction> lockstep;

    /** A trace whose hosts will run with {@code flaw} ({@link MigrationImplFlaw#NONE} for the real ones). */
    public MigrationTrace(MigrationImplFlaw flaw) {
        this.flaw = flaw;
    }

    /** Whether the VM is booted. */
    boolean booted() {
        return system != null;
    }

    /** Boots the VM with {@code config}, unless it already is. */
    void boot(MigrationConfig config) {
        if (system != null) {
            return;
        }
        system = new MigrationSystem(config, flaw);
        lockstep = new Lockstep<>(
                system::apply,
                system::abstractState,
                (s, a) -> {
                    MigrationStep step = MigrationModel.step(s, a);
                    return new Lockstep.ModelStep<>(step.next(), step.observations());
                },
                MigrationModel.initial(config));
    }

    /** The model's state (the fallback's initial state before boot). */
    public MigrationState state() {
        return booted() ? lockstep.state() : MigrationModel.initial(MigrationActions.FALLBACK);
    }

    @Override
    public List<Transition<MigrationState, MigrationAction, MigrationObservation>> lastTransitions() {
        Transition<MigrationState, MigrationAction, MigrationObservation> t =
                booted() ? lockstep.lastAs(MigrationObservation.class) : null;
        return t == null ? List.of() : List.of(t);
    }

    @Override
    public MigrationState judgedState() {
        return booted() ? lockstep.judgedState() : state();
    }

    @Override
    public void checkRefinement() {
        if (booted()) {
            lockstep.checkRefinement();
        }
    }

    /** Runs one action on the hosts and the model, labels what happened. */
    void apply(MigrationAction action, Context ctx) {
        boot(MigrationActions.FALLBACK);
        label(lockstep.apply(action), ctx);
    }

    /** Labels one step's situations. */
    static void label(Lockstep.Transition<MigrationState, MigrationAction> t, Context ctx) {
        label(t.before(), t.action(), t.after(), t.observations(), ctx);
    }

    static void label(MigrationState before, MigrationAction a, MigrationState after, List<?> seen, Context ctx) {
        MigrationConfig c = before.config();
        for (Object o : seen) {
            if (o instanceof MigrationObservation.Alert alert) {
                switch (alert.code()) {
                    case OVERLAPPING -> ctx.label(MigrationLabels.OVERLAPPING_DESCRIPTOR);
                    case BAD_DIRECTION, ZERO_LENGTH, TOO_LONG, OUTSIDE_GUEST_MEMORY, RING_ITSELF, OUTSIDE_BUFFER ->
                        ctx.label(MigrationLabels.HOSTILE_DESCRIPTOR);
                    case EMPTY_RING, BAD_DOORBELL -> ctx.label(MigrationLabels.BAD_DOORBELL);
                    case MIGRATION_IN_PROGRESS, ALREADY_MIGRATED, DESTINATION_TOO_SMALL ->
                        ctx.label(MigrationLabels.MIGRATION_REFUSED);
                    case NOT_MIGRATING -> ctx.label(MigrationLabels.ROUND_REFUSED);
                    default -> {}
                }
            } else if (o instanceof MigrationObservation.Reported r) {
                ctx.label(MigrationLabels.SWITCHED_OVER);
                ctx.label(
                        c.embodiment() == MigrationEmbodiment.COPY_AS_VCPU_BUFFER
                                ? MigrationLabels.SWITCHED_OVER_COPY_AS_VCPU
                                : MigrationLabels.SWITCHED_OVER_COPY_AS_DEVICE);
                ctx.label(
                        c.strategy() == MigrationStrategy.DOORBELL_AND_COMPLETION
                                ? MigrationLabels.SWITCHED_OVER_DOORBELL
                                : MigrationLabels.SWITCHED_OVER_TRAP);
                ctx.label(r.report().converged() ? MigrationLabels.CONVERGED : MigrationLabels.FORCED);
                if (r.report().rounds() >= 3) {
                    ctx.label(MigrationLabels.SEVERAL_ROUNDS);
                }
                if (before.inFlight().stream().anyMatch(w -> w.direction() == DmaDirection.FROM_DEVICE)) {
                    ctx.label(MigrationLabels.RECEIVE_IN_FLIGHT_AT_SWITCH_OVER);
                }
                if (!before.posted().isEmpty()) {
                    ctx.label(MigrationLabels.COMPLETION_POSTED_AT_SWITCH_OVER);
                }
            } else if (o instanceof MigrationObservation.CompletionSeen
                    && before.phase() == MigrationPhase.PRE_COPY
                    && !before.memory().equals(after.memory())) {
                ctx.label(MigrationLabels.COPY_BACK_CHANGED_PAGE);
            }
        }
        if (a instanceof MigrationAction.StartMigration
                && after.phase() == MigrationPhase.PRE_COPY
                && before.phase() == MigrationPhase.RUNNING) {
            ctx.label(MigrationLabels.STARTED);
        }
        long accessed = a instanceof MigrationAction.GuestWrite w
                ? w.page()
                : a instanceof MigrationAction.GuestRead r ? r.page() : -1;
        if (before.copied()
                && c.strategy() == MigrationStrategy.TRAP_VCPU_ACCESS
                && c.isBufferPage(accessed)
                && !before.deviceBuffer()
                        .get((int) accessed - 1)
                        .equals(before.memory().get((int) accessed))) {
            ctx.label(MigrationLabels.TRAPPED_ACCESS_SYNCED);
        }
        if (a instanceof MigrationAction.Doorbell && before.phase() == MigrationPhase.PRE_COPY) {
            for (WorkRequest r : after.inFlight()) {
                if (r.direction() == DmaDirection.TO_DEVICE
                        && r.done() == 0
                        && before.owned(r.id()).isEmpty()) {
                    ctx.label(MigrationLabels.TRANSMIT_SYNCED);
                }
            }
        }
        if (a instanceof MigrationAction.DeviceStep && !before.inFlight().isEmpty()) {
            WorkRequest r = before.inFlight().get(0);
            if (r.done() > 0
                    && r.length() - r.done() > 1
                    && after.inFlight().size() >= before.inFlight().size()) {
                ctx.label(MigrationLabels.MULTI_STEP_REQUEST);
            }
            if (before.phase() == MigrationPhase.MIGRATED) {
                ctx.label(MigrationLabels.WORK_AFTER_SWITCH_OVER);
            }
        }
    }

    /** A short picture of the state for failure reports. */
    @Override
    public String describe() {
        MigrationState s = state();
        return "  " + s.config() + "\n  phase " + s.phase() + ", dirty " + s.dirty() + ", rounds "
                + s.pagesPerRound() + "\n  ring: driver tail " + s.driverTail() + ", device head "
                + s.deviceHead() + ", in flight " + s.inFlight() + ", posted " + s.posted() + ", delivered "
                + s.delivered() + ", rejected " + s.rejected();
    }
}
