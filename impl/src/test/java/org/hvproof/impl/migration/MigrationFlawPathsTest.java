package org.hvproof.impl.migration;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.Flaw;
import org.hvproof.model.migration.MigrationAction;
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
import org.hvproof.model.migration.MigrationStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each planted migration flaw whose path the other tests never ran does on the machine what its
 * name says (the claim properties test the correct service, so they never run these paths
 * either), and every planted flaw names the claim that catches it.
 */
class MigrationFlawPathsTest {
    /** Downtime limit 0: only an empty dirty set fits, so rounds go on while anything is dirty. */
    private static MigrationConfig neverFits(MigrationStrategy strategy) {
        return new MigrationConfig(
                6,
                2,
                8,
                MigrationConfig.PAGE_BYTES,
                MigrationConfig.DEFAULT_BANDWIDTH,
                0,
                MigrationConfig.DEFAULT_ROUND_LIMIT,
                MigrationEmbodiment.COPY_AS_DEVICE_BUFFER,
                strategy);
    }

    private static void apply(MigrationSystem sys, MigrationAction... actions) {
        for (MigrationAction a : actions) {
            sys.apply(a);
        }
    }

    @Test
    void aDeferredCopyBackLandsAtTheNextRoundOnceAndNotAgain() {
        MigrationSystem sys = new MigrationSystem(
                neverFits(MigrationStrategy.DOORBELL_AND_COMPLETION), MigrationImplFlaw.COMPLETION_BEFORE_COPY_BACK);
        assertThat(sys.flaw()).isEqualTo(MigrationImplFlaw.COMPLETION_BEFORE_COPY_BACK);
        apply(
                sys,
                new StartMigration(100),
                new MigrationRound(),
                new Submit(4096, 16, 1),
                new Doorbell(1),
                new DeviceStep(16),
                new CompletionInterrupt());
        // Delivered, but the VM's buffer does not have the bytes yet.
        assertThat(sys.abstractState().delivered()).containsExactly(0L);
        assertThat(Bytes.of(sys.vmPage(1)).slice(0, 16)).isEqualTo(Bytes.zeros(16));
        apply(sys, new MigrationRound());
        assertThat(sys.migrated()).isFalse();
        assertThat(Bytes.of(sys.vmPage(1)).slice(0, 16)).isEqualTo(MigrationLayout.deviceOutput(0, 0, 16));
        // The VM overwrites the received bytes: a later round copies nothing back again.
        apply(sys, new GuestWrite(1, 0, Bytes.ofInts(9)), new MigrationRound());
        assertThat(sys.migrated()).isFalse();
        assertThat(sys.vmPage(1)[0]).isEqualTo((byte) 9);
    }

    @Test
    void aLoggingThatHearsOnlyWritesStillAnswersReadsAndLogsARetriedWritesTableUpdate() {
        MigrationConfig c = MigrationConfig.withDefaults(
                6, 2, MigrationEmbodiment.COPY_AS_VCPU_BUFFER, MigrationStrategy.TRAP_VCPU_ACCESS);
        MigrationSystem sys = new MigrationSystem(c, MigrationImplFlaw.ONLY_WRITES_LOGGED);
        apply(sys, new GuestWrite(4, 0, Bytes.ofInts(3)), new GuestRead(1, 0, 1), new StartMigration(100));
        apply(sys, new MigrationRound());
        assertThat(sys.apply(new GuestRead(4, 0, 1)))
                .containsExactly(new MigrationObservation.ValueRead(4, 0, Bytes.ofInts(3)));
        // Page 1's leaf entry has its accessed bit but not its dirty bit: the write's walk sets it in
        // the traced table page (before the protected page exits), a write's update, so logged.
        sys.apply(new GuestWrite(1, 0, Bytes.ofInts(5)));
        assertThat(sys.abstractState().dirty()).contains(1L, c.tablePage(1, 1));
    }

    @Test
    void aForgottenReprotectLeavesTheLastBufferPageOpen() {
        MigrationSystem sys = new MigrationSystem(
                MigrationConfig.withDefaults(
                        6, 2, MigrationEmbodiment.COPY_AS_VCPU_BUFFER, MigrationStrategy.TRAP_VCPU_ACCESS),
                MigrationImplFlaw.REPROTECT_FORGOTTEN);
        apply(sys, new StartMigration(100), new GuestWrite(2, 0, Bytes.ofInts(1)));
        assertThat(sys.protection().openBufferPages()).containsExactly(2L);
        assertThat(sys.protection().bufferPagesWriteCached()).containsExactly(2L);
    }

    @Test
    void aReplayAtSwitchOverHandsThePostedRequestToTheNewDeviceAgain() {
        MigrationSystem sys = new MigrationSystem(
                MigrationConfig.withDefaults(
                        6, 2, MigrationEmbodiment.COPY_AS_DEVICE_BUFFER, MigrationStrategy.DOORBELL_AND_COMPLETION),
                MigrationImplFlaw.REQUEST_REPLAYED_AT_SWITCH_OVER);
        apply(
                sys,
                new Submit(4096, 16, 0),
                new Doorbell(1),
                new DeviceStep(16),
                new StartMigration(100),
                new MigrationRound(),
                new MigrationRound());
        assertThat(sys.migrated()).isTrue();
        assertThat(sys.abstractState().posted()).hasSize(1);
        assertThat(sys.abstractState().inFlight()).hasSize(1);
        assertThat(sys.abstractState().inFlight().get(0).done()).isZero();
    }

    @ParameterizedTest
    @EnumSource(MigrationImplFlaw.class)
    void everyPlantedFlawNamesTheMigrationClaimThatCatchesIt(MigrationImplFlaw flaw) {
        List<Flaw.Caught> caught = flaw.caughtBy();
        if (flaw == MigrationImplFlaw.NONE) {
            assertThat(caught).isEmpty();
        } else {
            assertThat(caught)
                    .isNotEmpty()
                    .allSatisfy(k -> assertThat(k.claim()).startsWith("MIG-"));
        }
    }
}
