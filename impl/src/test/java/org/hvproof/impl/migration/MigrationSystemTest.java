package org.hvproof.impl.migration;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.migration.BufferFrame;
import org.hvproof.model.migration.MigrationAction;
import org.hvproof.model.migration.MigrationAction.CompletionInterrupt;
import org.hvproof.model.migration.MigrationAction.DeviceStep;
import org.hvproof.model.migration.MigrationAction.Doorbell;
import org.hvproof.model.migration.MigrationAction.GuestWrite;
import org.hvproof.model.migration.MigrationAction.MigrationRound;
import org.hvproof.model.migration.MigrationAction.StartMigration;
import org.hvproof.model.migration.MigrationAction.Submit;
import org.hvproof.model.migration.MigrationCode;
import org.hvproof.model.migration.MigrationConfig;
import org.hvproof.model.migration.MigrationEmbodiment;
import org.hvproof.model.migration.MigrationLayout;
import org.hvproof.model.migration.MigrationObservation;
import org.hvproof.model.migration.MigrationPhase;
import org.hvproof.model.migration.MigrationReport;
import org.hvproof.model.migration.MigrationState;
import org.hvproof.model.migration.MigrationStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The VM, its passthrough NIC and the migration service on the machine, on hand-written runs. */
class MigrationSystemTest {
    private static MigrationConfig config(MigrationEmbodiment embodiment, MigrationStrategy strategy) {
        return MigrationConfig.withDefaults(6, 2, embodiment, strategy);
    }

    private static List<MigrationObservation> run(MigrationSystem sys, MigrationAction... actions) {
        List<MigrationObservation> last = new ArrayList<>();
        for (MigrationAction a : actions) {
            last = sys.apply(a);
        }
        return last;
    }

    /** A receive of 300 bytes across the first buffer page's end, DMA'd in three steps around the migration's rounds. */
    private static MigrationAction[] receiveAcrossMigration() {
        return new MigrationAction[] {
            new Submit(2 * 4096 - 100, 300, 1),
            new Doorbell(1),
            new DeviceStep(100),
            new StartMigration(100),
            new MigrationRound(),
            new DeviceStep(100),
            new GuestWrite(5, 9, Bytes.ofInts(7, 7)),
            new DeviceStep(100),
            new CompletionInterrupt(),
            new MigrationRound(),
            new MigrationRound()
        };
    }

    @ParameterizedTest
    @EnumSource(MigrationStrategy.class)
    void aReceiveFinishedDuringPreCopyIsInTheDestinationsMemoryInBothEmbodiments(MigrationStrategy strategy) {
        for (MigrationEmbodiment embodiment : MigrationEmbodiment.values()) {
            MigrationSystem sys = new MigrationSystem(config(embodiment, strategy));
            run(sys, receiveAcrossMigration());
            MigrationState s = sys.abstractState();
            assertThat(s.phase()).as(embodiment.name()).isEqualTo(MigrationPhase.MIGRATED);
            assertThat(MigrationLayout.read(s.memory(), 0, 2 * 4096 - 100, 300))
                    .as(embodiment + " " + strategy)
                    .isEqualTo(MigrationLayout.deviceOutput(0, 0, 300));
            assertThat(s.memory().get(5).slice(9, 2)).isEqualTo(Bytes.ofInts(7, 7));
            assertThat(s.delivered()).containsExactly(0L);
        }
    }

    @Test
    void withoutTheBufferCopyTheDevicesWritesAfterTheFirstRoundAreLost() {
        MigrationSystem sys = new MigrationSystem(
                config(MigrationEmbodiment.COPY_AS_VCPU_BUFFER, MigrationStrategy.DOORBELL_AND_COMPLETION),
                MigrationImplFlaw.NO_BUFFER_COPY);
        run(sys, receiveAcrossMigration());
        MigrationState s = sys.abstractState();
        assertThat(s.phase()).isEqualTo(MigrationPhase.MIGRATED);
        // The first 100 bytes were written before the first round sent the pages; the rest never reached it.
        assertThat(MigrationLayout.read(s.memory(), 0, 2 * 4096 - 100, 100))
                .isEqualTo(MigrationLayout.deviceOutput(0, 0, 100));
        assertThat(MigrationLayout.read(s.memory(), 0, 2 * 4096, 200)).isEqualTo(Bytes.zeros(200));
    }

    @ParameterizedTest
    @EnumSource(MigrationEmbodiment.class)
    void eachSidesTranslationReachesItsOwnBufferWhileTheCopyExists(MigrationEmbodiment embodiment) {
        MigrationSystem sys = new MigrationSystem(config(embodiment, MigrationStrategy.DOORBELL_AND_COMPLETION));
        run(sys, new StartMigration(100));
        MigrationState s = sys.abstractState();
        BufferFrame copy = BufferFrame.COPY;
        BufferFrame original = BufferFrame.ORIGINAL;
        boolean vcpuCopy = embodiment == MigrationEmbodiment.COPY_AS_VCPU_BUFFER;
        assertThat(s.vcpuReach()).containsOnly(vcpuCopy ? copy : original);
        assertThat(s.deviceReach()).containsOnly(vcpuCopy ? original : copy);
        MigrationHost host = sys.source();
        for (int p = 1; p <= 2; p++) {
            assertThat(host.frame(p)).isNotEqualTo(host.deviceFrame(p));
        }
    }

    @Test
    void hostileDescriptorsAreRejectedWithTheirCodeAndTheRingMovesOn() {
        MigrationSystem sys = new MigrationSystem(
                config(MigrationEmbodiment.COPY_AS_DEVICE_BUFFER, MigrationStrategy.DOORBELL_AND_COMPLETION));
        List<MigrationObservation> seen = run(
                sys,
                new Submit(4096, 0, 1),
                new Submit(100, 16, 1),
                new Submit(4 * 4096, 16, 0),
                new Submit(6 * 4096 - 8, 16, 0),
                new Submit(Long.MAX_VALUE - 4, 16, 0),
                new Submit(4096, 16, 9),
                new Submit(4096, 3 * 4096, 0),
                new Submit(4096, 0xFFFF_FFFFL, 0),
                new Doorbell(8));
        assertThat(seen)
                .extracting(o -> ((MigrationObservation.Alert) o).code())
                .containsExactly(
                        MigrationCode.ZERO_LENGTH,
                        MigrationCode.RING_ITSELF,
                        MigrationCode.OUTSIDE_BUFFER,
                        MigrationCode.OUTSIDE_GUEST_MEMORY,
                        MigrationCode.OUTSIDE_GUEST_MEMORY,
                        MigrationCode.BAD_DIRECTION,
                        MigrationCode.TOO_LONG,
                        MigrationCode.TOO_LONG);
        MigrationState s = sys.abstractState();
        assertThat(s.deviceHead()).isEqualTo(8);
        assertThat(s.rejected()).hasSize(8);
        assertThat(s.inFlight()).isEmpty();
    }

    @Test
    void overlappingDescriptorsAndBadDoorbellsAreRefusedWithoutTouchingTheRing() {
        MigrationSystem sys = new MigrationSystem(
                config(MigrationEmbodiment.COPY_AS_VCPU_BUFFER, MigrationStrategy.DOORBELL_AND_COMPLETION));
        assertThat(run(sys, new Doorbell(0))).containsExactly(new MigrationObservation.Alert(MigrationCode.EMPTY_RING));
        assertThat(run(sys, new Doorbell(-1)))
                .containsExactly(new MigrationObservation.Alert(MigrationCode.BAD_DOORBELL));
        assertThat(run(sys, new Doorbell(9)))
                .containsExactly(new MigrationObservation.Alert(MigrationCode.BAD_DOORBELL));
        assertThat(run(sys, new Submit(4096, 64, 1), new Submit(4096 + 32, 64, 0), new Doorbell(2)))
                .containsExactly(new MigrationObservation.Alert(MigrationCode.OVERLAPPING));
        assertThat(sys.abstractState().inFlight()).hasSize(1);
        for (int i = 0; i < 8; i++) {
            run(sys, new Submit(4096 * 2, 8, 0));
        }
        assertThat(run(sys, new Submit(4096 * 2, 8, 0)))
                .containsExactly(new MigrationObservation.Alert(MigrationCode.RING_FULL));
    }

    @Test
    void migrationTwiceOrToATooSmallDestinationIsRefused() {
        MigrationConfig c = config(MigrationEmbodiment.COPY_AS_VCPU_BUFFER, MigrationStrategy.TRAP_VCPU_ACCESS);
        MigrationSystem sys = new MigrationSystem(c);
        assertThat(run(sys, new StartMigration(c.totalPages() - 1)))
                .containsExactly(new MigrationObservation.Alert(MigrationCode.DESTINATION_TOO_SMALL));
        assertThat(run(sys, new MigrationRound()))
                .containsExactly(new MigrationObservation.Alert(MigrationCode.NOT_MIGRATING));
        assertThat(run(sys, new StartMigration(c.totalPages()))).isEmpty();
        assertThat(run(sys, new StartMigration(c.totalPages())))
                .containsExactly(new MigrationObservation.Alert(MigrationCode.MIGRATION_IN_PROGRESS));
        run(sys, new MigrationRound(), new MigrationRound());
        assertThat(run(sys, new StartMigration(Long.MAX_VALUE)))
                .containsExactly(new MigrationObservation.Alert(MigrationCode.ALREADY_MIGRATED));
    }

    @Test
    void theReportCountsRoundsPagesAndDowntimeAsTheyHappened() {
        MigrationConfig c = new MigrationConfig(
                6,
                2,
                8,
                4096,
                MigrationConfig.DEFAULT_BANDWIDTH,
                0,
                2,
                MigrationEmbodiment.COPY_AS_DEVICE_BUFFER,
                MigrationStrategy.DOORBELL_AND_COMPLETION);
        MigrationSystem sys = new MigrationSystem(c);
        List<MigrationObservation> seen = run(
                sys,
                new StartMigration(100),
                new MigrationRound(),
                new GuestWrite(3, 0, Bytes.ofInts(1)),
                new GuestWrite(4, 0, Bytes.ofInts(1)),
                new MigrationRound(),
                new GuestWrite(3, 1, Bytes.ofInts(1)),
                new MigrationRound());
        MigrationReport r = ((MigrationObservation.Reported) seen.get(0)).report();
        // The second round: pages 3 and 4, and the four table pages whose entries the first walk in
        // pre-copy set accessed and dirty bits in (each such update an EPT violation on a traced
        // table page, dirty-logged); the last write walks over bits already set.
        assertThat(r.pagesPerRound()).containsExactly((long) c.totalPages(), 6L);
        assertThat(r.finalPages()).isEqualTo(1);
        assertThat(r.totalPages()).isEqualTo(c.totalPages() + 7L);
        assertThat(r.downtimeMicros()).isEqualTo(c.pageTimeMicros());
        assertThat(r.elapsedMicros()).isEqualTo((c.totalPages() + 7L) * c.pageTimeMicros());
        assertThat(r.converged()).isFalse();
        assertThat(sys.report()).contains(r);
    }
}
