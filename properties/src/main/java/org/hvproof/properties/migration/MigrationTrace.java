package org.hvproof.properties.migration;

import java.util.List;
import org.hvproof.impl.migration.MigrationImplFlaw;
import org.hvproof.impl.migration.MigrationProtection;
import org.hvproof.impl.migration.MigrationSystem;
import org.hvproof.model.common.Bytes;
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

    /** Runs one action on the hosts and the model, labels what happened (and the exits the machine raised). */
    void apply(MigrationAction action, Context ctx) {
        boot(MigrationActions.FALLBACK);
        long doorbellExits = system.doorbellExits();
        long protectionExits = system.protectionExits();
        long tableUpdateExits = system.tableUpdateExits();
        label(lockstep.apply(action), ctx);
        if (system.tableUpdateExits() > tableUpdateExits) {
            ctx.label(MigrationLabels.TABLE_UPDATE_EXIT);
            if (system.doorbellExits() > doorbellExits) {
                ctx.label(MigrationLabels.TABLE_UPDATE_EXIT_AT_DOORBELL);
            }
        }
        boolean copyAsVcpu = system.config().embodiment() == MigrationEmbodiment.COPY_AS_VCPU_BUFFER;
        if (system.doorbellExits() > doorbellExits) {
            ctx.label(
                    copyAsVcpu
                            ? MigrationLabels.DOORBELL_EXIT_COPY_AS_VCPU
                            : MigrationLabels.DOORBELL_EXIT_COPY_AS_DEVICE);
        }
        if (system.protectionExits() > protectionExits) {
            ctx.label(copyAsVcpu ? MigrationLabels.TRAP_EXIT_COPY_AS_VCPU : MigrationLabels.TRAP_EXIT_COPY_AS_DEVICE);
        }
    }

    /**
     * MIG-3, on the machine: while pre-copy runs under the doorbell strategy, the VM's doorbell
     * stores exit: the MMIO page's nested entry refuses writes and the vCPU caches no writable
     * translation of it.
     */
    void checkDoorbellStoresExit() {
        if (booted()) {
            checkDoorbellStoresExit(system, judgedState());
        }
    }

    /** MIG-3 {@code doorbellStoresExit} on {@code system}, whose abstract state is {@code s} (the composed trace's too). */
    public static void checkDoorbellStoresExit(MigrationSystem system, MigrationState s) {
        if (s.phase() != MigrationPhase.PRE_COPY
                || s.config().strategy() != MigrationStrategy.DOORBELL_AND_COMPLETION) {
            return;
        }
        MigrationProtection p = system.protection();
        if (p.doorbellWritable() || p.doorbellWriteCached()) {
            throw new AssertionError("MIG-3 doorbellStoresExit violated: the MMIO page gpp:0x"
                    + Long.toHexString(s.config().doorbellPage()) + " lets the VM's stores through ("
                    + (p.doorbellWritable()
                            ? "its nested entry allows writes"
                            : "the vCPU caches a writable translation")
                    + "), so a doorbell reaches the device without the sync");
        }
    }

    /**
     * MIG-3, on the machine: while pre-copy runs under the trapping strategy, every vCPU buffer
     * page refuses the VM's reads and writes in the nested page table and the vCPU caches no
     * writable translation of it, so no access bypasses the sync (an exit handler that opened a
     * page must have closed it, and shot down what the retry cached).
     */
    void checkVcpuBufferProtected() {
        if (booted()) {
            checkVcpuBufferProtected(system, judgedState());
        }
    }

    /** MIG-3 {@code vcpuBufferProtected} on {@code system}, whose abstract state is {@code s} (the composed trace's too). */
    public static void checkVcpuBufferProtected(MigrationSystem system, MigrationState s) {
        if (s.phase() != MigrationPhase.PRE_COPY || s.config().strategy() != MigrationStrategy.TRAP_VCPU_ACCESS) {
            return;
        }
        MigrationProtection p = system.protection();
        if (!p.openBufferPages().isEmpty() || !p.bufferPagesWriteCached().isEmpty()) {
            throw new AssertionError("MIG-3 vcpuBufferProtected violated: vCPU buffer pages "
                    + (p.openBufferPages().isEmpty()
                            ? p.bufferPagesWriteCached() + " have writable translations cached by the vCPU"
                            : p.openBufferPages() + " allow the VM's reads or writes in the nested page table")
                    + " while the trapping strategy syncs");
        }
    }

    /**
     * MIG-1, on the machine: while pre-copy runs, every page of the guest's page-table pool not
     * marked dirty (nor left to copy in the round in progress) is at the destination as the VM has it (the pool is guest memory the model's
     * state leaves out; the processor's accessed and dirty bits change it).
     */
    void checkCleanPoolPagesAtDestination() {
        if (booted()) {
            checkCleanPoolPagesAtDestination(system, judgedState());
        }
    }

    /**
     * MIG-1 {@code cleanPoolPagesAtDestination} on {@code system}, whose abstract state is {@code
     * s} (the composed trace's too).
     */
    public static void checkCleanPoolPagesAtDestination(MigrationSystem system, MigrationState s) {
        if (s.phase() != MigrationPhase.PRE_COPY) {
            return;
        }
        List<Bytes> vm = system.poolPages();
        List<Bytes> there = system.destinationPoolPages();
        for (int i = 0; i < vm.size(); i++) {
            long page = s.config().dataPages() + (long) i;
            if (!s.dirty().contains(page)
                    && !s.roundPagesLeft().contains(page)
                    && !vm.get(i).equals(there.get(i))) {
                throw new AssertionError("MIG-1 cleanPoolPagesAtDestination violated: page-table page gpp:0x"
                        + Long.toHexString(page) + " is not dirty but differs at the destination");
            }
        }
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
                    case OUTSIDE_REGISTER -> ctx.label(MigrationLabels.REGISTER_WRITE_REFUSED);
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
        long written = a instanceof MigrationAction.GuestWrite w
                        && MigrationModel.inRange(
                                c, w.page(), w.offset(), w.data().length())
                ? w.page()
                : a instanceof MigrationAction.Submit && after.driverTail() != before.driverTail() ? 0 : -1;
        if (written >= 0 && before.roundInProgress()) {
            if (before.nextPageRearmed() && before.roundPagesLeft().get(0) == written) {
                ctx.label(MigrationLabels.WRITE_BETWEEN_REARM_AND_COPY);
            }
            if (before.roundPagesCopied().contains(written)) {
                ctx.label(MigrationLabels.WRITE_TO_PAGE_COPIED_IN_ROUND);
            }
        }
        if (a instanceof MigrationAction.RoundStep && before.roundInProgress() && !after.roundInProgress()) {
            ctx.label(MigrationLabels.ROUND_IN_MICRO_STEPS);
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
        for (long id : after.rejected()) {
            if (!before.rejected().contains(id)) {
                long address = org.hvproof.model.migration.MigrationLayout.decode(
                                before.memory().get(0), id, c.ringSlots())
                        .address();
                if (address >>> 12 == c.doorbellPage()) {
                    ctx.label(MigrationLabels.DESCRIPTOR_IN_MMIO_PAGE);
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

    /** The round in progress for failure reports: its pages still to copy, the next one re-armed or not; empty when none. */
    static String roundInProgress(MigrationState s) {
        if (!s.roundInProgress()) {
            return "";
        }
        return ", round copied " + s.roundPagesCopied() + ", to copy " + s.roundPagesLeft()
                + (s.nextPageRearmed() ? " (the next re-armed)" : "");
    }

    /** A short picture of the state for failure reports. */
    @Override
    public String describe() {
        MigrationState s = state();
        return "  " + s.config() + "\n  phase " + s.phase() + ", dirty " + s.dirty() + roundInProgress(s) + ", rounds "
                + s.pagesPerRound() + "\n  ring: driver tail " + s.driverTail() + ", device head "
                + s.deviceHead() + ", in flight " + s.inFlight() + ", posted " + s.posted() + ", delivered "
                + s.delivered() + ", rejected " + s.rejected();
    }
}
