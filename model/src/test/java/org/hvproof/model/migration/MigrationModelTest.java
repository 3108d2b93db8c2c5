package org.hvproof.model.migration;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.ClaimCheck;
import org.hvproof.model.migration.MigrationAction.CompletionInterrupt;
import org.hvproof.model.migration.MigrationAction.DeviceStep;
import org.hvproof.model.migration.MigrationAction.Doorbell;
import org.hvproof.model.migration.MigrationAction.GuestWrite;
import org.hvproof.model.migration.MigrationAction.MigrationRound;
import org.hvproof.model.migration.MigrationAction.StartMigration;
import org.hvproof.model.migration.MigrationAction.Submit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The migration model on hand-written traces: a receive across migration in both strategies, bad input, and its own flaws caught. */
class MigrationModelTest {
    private static MigrationConfig config(MigrationStrategy strategy) {
        return MigrationConfig.withDefaults(6, 2, MigrationEmbodiment.COPY_AS_VCPU_BUFFER, strategy);
    }

    private record Run(MigrationState state, List<ClaimCheck> violations, List<MigrationObservation> last) {}

    private static Run run(MigrationConfig c, MigrationModelFlaw flaw, MigrationAction... actions) {
        MigrationState s = MigrationModel.initial(c);
        List<ClaimCheck> bad = new ArrayList<>();
        List<MigrationObservation> last = List.of();
        for (MigrationAction a : actions) {
            MigrationStep step = MigrationModel.step(s, a, flaw);
            MigrationInvariants.ALL.checkStep(step.from(s, a)).stream()
                    .filter(x -> !x.holds())
                    .forEach(bad::add);
            s = step.next();
            last = step.observations();
        }
        return new Run(s, bad, last);
    }

    /** A receive of 100 bytes at the buffer's start, half done before migration's first round, completed during pre-copy. */
    private static MigrationAction[] receiveAcrossMigration() {
        return new MigrationAction[] {
            new Submit(4096, 100, 1),
            new Doorbell(1),
            new DeviceStep(50),
            new StartMigration(1000),
            new MigrationRound(),
            new DeviceStep(50),
            new CompletionInterrupt(),
            new GuestWrite(4, 7, Bytes.ofInts(1, 2, 3)),
            new MigrationRound()
        };
    }

    @ParameterizedTest
    @EnumSource(MigrationStrategy.class)
    @DisplayName("MIG-1 a receive completed during pre-copy reaches the destination")
    void receiveCompletedDuringPreCopyReachesTheDestination(MigrationStrategy strategy) {
        Run r = run(config(strategy), MigrationModelFlaw.NONE, receiveAcrossMigration());
        assertThat(r.violations()).isEmpty();
        assertThat(r.state().phase()).isEqualTo(MigrationPhase.MIGRATED);
        assertThat(MigrationLayout.read(r.state().memory(), 0, 4096, 100))
                .isEqualTo(MigrationLayout.deviceOutput(0, 0, 100));
        assertThat(r.state().memory().get(4).slice(7, 3)).isEqualTo(Bytes.ofInts(1, 2, 3));
        assertThat(r.state().delivered()).containsExactly(0L);
        assertThat(r.last()).singleElement().isInstanceOf(MigrationObservation.Reported.class);
    }

    @Test
    @DisplayName("MIG-1 a receive still in flight at switch-over keeps what the device wrote on the source")
    void receiveInFlightAtSwitchOverKeepsItsPartialOutput() {
        MigrationConfig c = config(MigrationStrategy.DOORBELL_AND_COMPLETION);
        MigrationAction[] actions = {
            new Submit(4096, 100, 1),
            new Doorbell(1),
            new StartMigration(1000),
            new MigrationRound(),
            new DeviceStep(40),
            new MigrationRound(),
            new DeviceStep(60),
            new CompletionInterrupt()
        };
        Run good = run(c, MigrationModelFlaw.NONE, actions);
        assertThat(good.violations()).isEmpty();
        assertThat(MigrationLayout.read(good.state().memory(), 0, 4096, 100))
                .isEqualTo(MigrationLayout.deviceOutput(0, 0, 100));
        Run flawed = run(c, MigrationModelFlaw.NO_FINAL_SYNC, actions);
        assertThat(MigrationLayout.read(flawed.state().memory(), 0, 4096, 40)).isEqualTo(Bytes.zeros(40));
    }

    @Test
    @DisplayName("MIG-3 a copy-back that is not marked dirty is caught")
    void copyBackNotMarkedDirtyIsCaught() {
        Run r = run(
                config(MigrationStrategy.DOORBELL_AND_COMPLETION),
                MigrationModelFlaw.COPY_BACK_NOT_DIRTY,
                receiveAcrossMigration());
        assertThat(r.violations()).extracting(ClaimCheck::check).contains("changedPagesDirty");
    }

    @Test
    @DisplayName("MIG-5 a migration that never converges is forced at the round limit")
    void migrationThatNeverConvergesIsForcedAtTheRoundLimit() {
        MigrationConfig c = new MigrationConfig(
                6,
                2,
                8,
                4096,
                MigrationConfig.DEFAULT_BANDWIDTH,
                0,
                2,
                MigrationEmbodiment.COPY_AS_DEVICE_BUFFER,
                MigrationStrategy.TRAP_VCPU_ACCESS);
        Run r = run(
                c,
                MigrationModelFlaw.NONE,
                new StartMigration(100),
                new MigrationRound(),
                new GuestWrite(5, 0, Bytes.ofInts(9)),
                new MigrationRound(),
                new GuestWrite(5, 1, Bytes.ofInts(9)),
                new MigrationRound());
        assertThat(r.violations()).isEmpty();
        MigrationReport report = ((MigrationObservation.Reported) r.last().get(0)).report();
        assertThat(report.rounds()).isEqualTo(2);
        // The second round sends page 5 and the four table pages (root, PDPT, directory, table) whose
        // entries the first walk to it set accessed and dirty bits in; the second write to it walks
        // over bits already set, so the final round sends page 5 alone.
        assertThat(report.pagesPerRound()).containsExactly((long) c.totalPages(), 5L);
        assertThat(report.finalPages()).isEqualTo(1);
        assertThat(report.converged()).isFalse();
        assertThat(report.downtimeMicros()).isEqualTo(c.pageTimeMicros());
    }

    @Test
    void hostileDescriptorsAreRejectedWithTheirCodeAndAccounted() {
        MigrationConfig c = config(MigrationStrategy.DOORBELL_AND_COMPLETION);
        Run r = run(
                c,
                MigrationModelFlaw.NONE,
                new Submit(4096, 0, 1),
                new Submit(0, 16, 1),
                new Submit(5 * 4096, 16, 0),
                new Submit(6 * 4096 - 8, 16, 0),
                new Submit(4096, 1L << 31, 0),
                new Submit(4096, 16, 7),
                new Submit(4096, 16, 0),
                new Submit(4100, 16, 0),
                new Doorbell(8));
        assertThat(r.violations()).isEmpty();
        assertThat(r.last())
                .extracting(o -> ((MigrationObservation.Alert) o).code())
                .containsExactly(
                        MigrationCode.ZERO_LENGTH,
                        MigrationCode.RING_ITSELF,
                        MigrationCode.OUTSIDE_BUFFER,
                        MigrationCode.OUTSIDE_GUEST_MEMORY,
                        MigrationCode.TOO_LONG,
                        MigrationCode.BAD_DIRECTION,
                        MigrationCode.OVERLAPPING);
        assertThat(r.state().rejected()).hasSize(7);
        assertThat(r.state().inFlight()).hasSize(1);
        assertThat(run(c, MigrationModelFlaw.NONE, new Doorbell(0)).last())
                .containsExactly(new MigrationObservation.Alert(MigrationCode.EMPTY_RING));
        assertThat(run(c, MigrationModelFlaw.NONE, new Doorbell(9)).last())
                .containsExactly(new MigrationObservation.Alert(MigrationCode.BAD_DOORBELL));
        assertThat(run(c, MigrationModelFlaw.NONE, new StartMigration(5)).last())
                .containsExactly(new MigrationObservation.Alert(MigrationCode.DESTINATION_TOO_SMALL));
        assertThat(run(c, MigrationModelFlaw.NONE, new StartMigration(100), new StartMigration(100))
                        .last())
                .containsExactly(new MigrationObservation.Alert(MigrationCode.MIGRATION_IN_PROGRESS));
    }

    @Test
    void aStoreOfTheWholeDoorbellRegisterIsTheDoorbellAndAnyOtherMmioWriteIsRefused() {
        MigrationConfig c = config(MigrationStrategy.DOORBELL_AND_COMPLETION);
        Run doorbell = run(c, MigrationModelFlaw.NONE, new Submit(4096, 16, 1), new Doorbell(1));
        Run store = run(
                c,
                MigrationModelFlaw.NONE,
                new Submit(4096, 16, 1),
                new MigrationAction.RegisterWrite(0, Bytes.ofInts(1, 0, 0, 0, 0, 0, 0, 0)));
        assertThat(store.state()).isEqualTo(doorbell.state());
        assertThat(store.state().inFlight()).hasSize(1);
        for (MigrationAction hostile : List.<MigrationAction>of(
                new MigrationAction.RegisterWrite(0, Bytes.ofInts(1, 0, 0, 0)),
                new MigrationAction.RegisterWrite(1, Bytes.ofInts(1, 0, 0, 0, 0, 0, 0, 0)),
                new MigrationAction.RegisterWrite(8, Bytes.ofInts(1)))) {
            Run r = run(c, MigrationModelFlaw.NONE, new Submit(4096, 16, 1), hostile);
            assertThat(r.last())
                    .as(hostile.toString())
                    .containsExactly(new MigrationObservation.Alert(MigrationCode.OUTSIDE_REGISTER));
            assertThat(r.state().deviceHead()).isZero();
        }
        assertThat(run(c, MigrationModelFlaw.NONE, new MigrationAction.RegisterWrite(4095, Bytes.ofInts(1, 2)))
                        .last())
                .containsExactly(new MigrationObservation.Alert(MigrationCode.OUT_OF_RANGE));
    }

    @Test
    void thePoolHasRoomForTheMmioPagesTable() {
        assertThat(MigrationConfig.withDefaults(
                                8, 2, MigrationEmbodiment.COPY_AS_VCPU_BUFFER, MigrationStrategy.TRAP_VCPU_ACCESS)
                        .poolPages())
                .isEqualTo(4);
        // 512 data pages fill one table: the MMIO page's virtual page needs a second one.
        assertThat(MigrationConfig.withDefaults(
                                512, 2, MigrationEmbodiment.COPY_AS_VCPU_BUFFER, MigrationStrategy.TRAP_VCPU_ACCESS)
                        .poolPages())
                .isEqualTo(5);
        // 1 GiB of data fills one directory: the MMIO page needs a second directory and table.
        assertThat(MigrationConfig.withDefaults(
                                MigrationConfig.MAX_DATA_PAGES,
                                2,
                                MigrationEmbodiment.COPY_AS_VCPU_BUFFER,
                                MigrationStrategy.TRAP_VCPU_ACCESS)
                        .poolPages())
                .isEqualTo(2 + 2 + 513);
    }
}
