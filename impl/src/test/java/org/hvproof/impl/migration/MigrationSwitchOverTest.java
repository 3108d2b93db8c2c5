package org.hvproof.impl.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hvproof.impl.migration.MigrationLockstep.run;

import org.hvproof.impl.machine.HostMemory;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.migration.MigrationAction.CompletionInterrupt;
import org.hvproof.model.migration.MigrationAction.DeviceStep;
import org.hvproof.model.migration.MigrationAction.Doorbell;
import org.hvproof.model.migration.MigrationAction.GuestRead;
import org.hvproof.model.migration.MigrationAction.GuestWrite;
import org.hvproof.model.migration.MigrationAction.MigrationRound;
import org.hvproof.model.migration.MigrationAction.StartMigration;
import org.hvproof.model.migration.MigrationAction.Submit;
import org.hvproof.model.migration.MigrationConfig;
import org.hvproof.model.migration.MigrationEmbodiment;
import org.hvproof.model.migration.MigrationLayout;
import org.hvproof.model.migration.MigrationObservation;
import org.hvproof.model.migration.MigrationState;
import org.hvproof.model.migration.MigrationStrategy;
import org.hvproof.model.migration.WorkRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Stop-and-copy and switch-over on the machine, checked against the model step by step: the
 * requests the device still owns, the NIC's ring state moving to the destination's device, pages
 * changed back to zeros after they were sent, and what the destination holds while pre-copy runs.
 */
class MigrationSwitchOverTest {
    private static MigrationConfig config(MigrationEmbodiment embodiment, MigrationStrategy strategy) {
        return MigrationConfig.withDefaults(6, 2, embodiment, strategy);
    }

    @ParameterizedTest
    @EnumSource(MigrationEmbodiment.class)
    void theRingStateAndEveryOwnedRequestMoveToTheDestinationsDevice(MigrationEmbodiment embodiment) {
        MigrationSystem sys = new MigrationSystem(config(embodiment, MigrationStrategy.DOORBELL_AND_COMPLETION));
        run(
                sys,
                new Submit(4096, 300, 1),
                new Submit(2 * 4096, 100, 0),
                new Submit(2 * 4096 + 200, 40, 1),
                new Doorbell(3),
                new DeviceStep(300),
                new DeviceStep(60),
                new StartMigration(100),
                // After the doorbell: the device must not read this, and the final sync must not undo it.
                new GuestWrite(2, 10, Bytes.ofInts(4, 4)),
                new MigrationRound(),
                new MigrationRound());
        MigrationState s = sys.abstractState();
        assertThat(sys.migrated()).isTrue();
        assertThat(s.deviceHead()).isEqualTo(3);
        assertThat(s.posted()).extracting(WorkRequest::id).containsExactly(0L);
        assertThat(s.inFlight()).extracting(WorkRequest::id).containsExactly(1L, 2L);
        assertThat(s.inFlight().get(0).done()).isEqualTo(60);
        assertThat(s.memory().get(2).slice(10, 2)).isEqualTo(Bytes.ofInts(4, 4));
        // The source's device keeps nothing: the destination's has it all.
        assertThat(sys.source().nic.inFlight()).isEmpty();
        assertThat(sys.source().nic.completionRing()).isEmpty();
        assertThat(sys.host().nic).isNotSameAs(sys.source().nic);
        // The destination's device goes on where the source's stopped.
        run(
                sys,
                new DeviceStep(40),
                new DeviceStep(40),
                new CompletionInterrupt(),
                new CompletionInterrupt(),
                new CompletionInterrupt(),
                new GuestRead(2, 200, 40));
        assertThat(sys.abstractState().delivered()).containsExactly(0L, 1L, 2L);
        assertThat(sys.abstractState().transmitted()).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(MigrationStrategy.class)
    void aReceiveStillInFlightAtStopAndCopyArrivesWithWhatTheDeviceWroteSoFar(MigrationStrategy strategy) {
        MigrationSystem sys = new MigrationSystem(config(MigrationEmbodiment.COPY_AS_DEVICE_BUFFER, strategy));
        run(
                sys,
                new StartMigration(100),
                new MigrationRound(),
                new Submit(4096 + 50, 500, 1),
                new Doorbell(1),
                new DeviceStep(120),
                new MigrationRound());
        MigrationState s = sys.abstractState();
        assertThat(sys.migrated()).isTrue();
        assertThat(MigrationLayout.read(s.memory(), 0, 4096 + 50, 120))
                .isEqualTo(MigrationLayout.deviceOutput(0, 0, 120));
        assertThat(MigrationLayout.read(s.memory(), 0, 4096 + 170, 380)).isEqualTo(Bytes.zeros(380));
    }

    @Test
    void aPageZeroedAgainAfterItWasSentArrivesZeroed() {
        MigrationConfig c = config(MigrationEmbodiment.COPY_AS_VCPU_BUFFER, MigrationStrategy.DOORBELL_AND_COMPLETION);
        MigrationSystem sys = new MigrationSystem(c);
        run(sys, new GuestWrite(4, 7, Bytes.ofInts(9)), new StartMigration(100), new MigrationRound());
        assertThat(sys.service().destination().page(4)[7]).isEqualTo((byte) 9);
        run(sys, new GuestWrite(4, 7, Bytes.ofInts(0)), new MigrationRound());
        assertThat(sys.migrated()).isTrue();
        assertThat(Bytes.of(sys.vmPage(4)).isAllZero()).isTrue();
        assertThat(sys.abstractState().memory().get(4).isAllZero()).isTrue();
    }

    @Test
    void aDirtySetThatExactlyFillsTheDowntimeLimitIsTheLastRound() {
        MigrationConfig d = config(MigrationEmbodiment.COPY_AS_VCPU_BUFFER, MigrationStrategy.DOORBELL_AND_COMPLETION);
        MigrationConfig c = new MigrationConfig(
                d.dataPages(),
                d.bufferPages(),
                d.ringSlots(),
                d.pageBytes(),
                d.bandwidth(),
                2 * d.pageTimeMicros(),
                d.roundLimit(),
                d.embodiment(),
                d.strategy());
        MigrationSystem sys = new MigrationSystem(c);
        // The first writes set their tables' accessed and dirty bits before pre-copy: the second
        // ones dirty their data pages only.
        run(
                sys,
                new GuestWrite(3, 0, Bytes.ofInts(1)),
                new GuestWrite(4, 0, Bytes.ofInts(1)),
                new StartMigration(100),
                new MigrationRound(),
                new GuestWrite(3, 1, Bytes.ofInts(2)),
                new GuestWrite(4, 1, Bytes.ofInts(2)));
        assertThat(sys.abstractState().dirty()).containsExactly(3L, 4L);
        run(sys, new MigrationRound());
        assertThat(sys.migrated()).isTrue();
        assertThat(sys.report().orElseThrow().converged()).isTrue();
        assertThat(sys.report().orElseThrow().finalPages()).isEqualTo(2);
    }

    @Test
    void whilePreCopyRunsTheDestinationHoldsTheSentPoolPages() {
        MigrationConfig c = config(MigrationEmbodiment.COPY_AS_VCPU_BUFFER, MigrationStrategy.TRAP_VCPU_ACCESS);
        MigrationSystem sys = new MigrationSystem(c);
        assertThat(sys.destinationPoolPages()).isEmpty();
        assertThat(sys.poolPages()).hasSize(c.poolPages());
        run(sys, new GuestRead(3, 0, 1), new StartMigration(100));
        assertThat(sys.destinationPoolPages()).hasSize(c.poolPages()).allMatch(Bytes::isAllZero);
        run(sys, new MigrationRound());
        assertThat(sys.destinationPoolPages()).isEqualTo(sys.poolPages());
        assertThat(sys.poolPages()).anyMatch(p -> !p.isAllZero());
    }

    @Test
    void theSystemsFiguresFollowTheRunAndTheReport() {
        MigrationConfig c =
                config(MigrationEmbodiment.COPY_AS_DEVICE_BUFFER, MigrationStrategy.DOORBELL_AND_COMPLETION);
        MigrationSystem sys = new MigrationSystem(c, MigrationImplFlaw.NONE);
        assertThat(sys.flaw()).isEqualTo(MigrationImplFlaw.NONE);
        assertThat(sys.config()).isEqualTo(c);
        assertThat(sys.migrated()).isFalse();
        run(sys, new GuestWrite(3, 5, Bytes.ofInts(1, 2, 3)), new StartMigration(100));
        assertThat(sys.migrated()).isFalse();
        assertThat(Bytes.of(sys.vmPage(3)).slice(5, 3)).isEqualTo(Bytes.ofInts(1, 2, 3));
        run(sys, new MigrationRound());
        assertThat(sys.pagesPerRound()).containsExactly((long) c.totalPages());
        assertThat(sys.elapsedMicros()).isEqualTo(c.totalPages() * c.pageTimeMicros());
        var seen = run(sys, new MigrationRound());
        assertThat(sys.migrated()).isTrue();
        var report = ((MigrationObservation.Reported) seen.get(0)).report();
        assertThat(sys.pagesPerRound()).isEqualTo(report.pagesPerRound());
        assertThat(sys.elapsedMicros()).isEqualTo(report.elapsedMicros());
        assertThat(Bytes.of(sys.vmPage(3)).slice(5, 3)).isEqualTo(Bytes.ofInts(1, 2, 3));
        assertThat(sys.source().nic.id()).isEqualTo(MigrationHost.NIC);
        assertThat(sys.host().nic.id()).isEqualTo(MigrationHost.NIC);
        // A later round of a finished migration is refused and reports nothing again.
        assertThat(run(sys, new MigrationRound())).doesNotHaveAnyElementsOfTypes(MigrationObservation.Reported.class);
    }

    @Test
    void theDestinationHasRoomForTheVmsPagesAndItsOwnTablesAndNoMore() {
        MigrationConfig c =
                config(MigrationEmbodiment.COPY_AS_DEVICE_BUFFER, MigrationStrategy.DOORBELL_AND_COMPLETION);
        MigrationSystem sys = new MigrationSystem(c);
        run(sys, new StartMigration(c.totalPages()));
        HostMemory memory = sys.service().destination().machine.memory();
        long allocated = memory.allocatedFrames();
        long free = 0;
        while (free <= c.totalPages() + 64L && memory.allocateFrame().isPresent()) {
            free++;
        }
        // Frames 1 .. totalPages + 63 are allocatable.
        assertThat(allocated + free).isEqualTo(c.totalPages() + 63L);
        MigrationSystem huge = new MigrationSystem(c);
        run(huge, new StartMigration(Long.MAX_VALUE), new MigrationRound(), new MigrationRound());
        assertThat(huge.migrated()).isTrue();
    }
}
