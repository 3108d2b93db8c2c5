package org.hvproof.impl.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hvproof.impl.migration.MigrationLockstep.run;

import org.hvproof.impl.machine.NestedPermissions;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.GuestPhysicalPage;
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
 * The buffer syncs while pre-copy runs, each run checked against the model step by step: when the
 * VM sees a receive's bytes under each strategy, which descriptors the trapped doorbell syncs,
 * the device's cached translations at the copy, and syncs across a page end whose two pages sit
 * in host frames far apart.
 */
class MigrationSyncsTest {
    private static MigrationConfig config(MigrationEmbodiment embodiment, MigrationStrategy strategy) {
        return MigrationConfig.withDefaults(6, 2, embodiment, strategy);
    }

    @ParameterizedTest
    @EnumSource(MigrationEmbodiment.class)
    void theInterceptedCompletionCopiesTheReceiveBackBeforeTheVmSeesIt(MigrationEmbodiment embodiment) {
        MigrationSystem sys = new MigrationSystem(config(embodiment, MigrationStrategy.DOORBELL_AND_COMPLETION));
        run(
                sys,
                new StartMigration(100),
                new MigrationRound(),
                new Submit(4096 + 8, 64, 1),
                new Doorbell(1),
                new DeviceStep(64));
        assertThat(MigrationLayout.read(sys.abstractState().memory(), 0, 4096 + 8, 64))
                .isEqualTo(Bytes.zeros(64));
        run(sys, new CompletionInterrupt(), new GuestRead(1, 8, 64));
        assertThat(MigrationLayout.read(sys.abstractState().memory(), 0, 4096 + 8, 64))
                .isEqualTo(MigrationLayout.deviceOutput(0, 0, 64));
        assertThat(sys.abstractState().dirty()).contains(1L);
    }

    @ParameterizedTest
    @EnumSource(MigrationEmbodiment.class)
    void underTheTrappingStrategyTheDoorbellPassesThroughAndTheVmReadsWhatTheDeviceWrote(
            MigrationEmbodiment embodiment) {
        MigrationSystem sys = new MigrationSystem(config(embodiment, MigrationStrategy.TRAP_VCPU_ACCESS));
        run(sys, new StartMigration(100), new MigrationRound(), new Submit(4096 + 8, 16, 1), new Doorbell(1));
        assertThat(sys.doorbellExits()).isZero();
        assertThat(sys.protection().doorbellWritable()).isTrue();
        // The completion is the VM's own: the service copies nothing back at it.
        run(sys, new DeviceStep(16), new CompletionInterrupt());
        assertThat(sys.abstractState().dirty()).doesNotContain(1L);
        var seen = run(sys, new GuestRead(1, 8, 16));
        assertThat(seen)
                .containsExactly(new MigrationObservation.ValueRead(1, 8, MigrationLayout.deviceOutput(0, 0, 16)));
        assertThat(sys.protectionExits()).isEqualTo(1);
    }

    @Test
    void theTrappedDoorbellSyncsOnlyTheDescriptorsUpToItsTail() {
        MigrationSystem sys = new MigrationSystem(
                config(MigrationEmbodiment.COPY_AS_DEVICE_BUFFER, MigrationStrategy.DOORBELL_AND_COMPLETION));
        run(
                sys,
                new StartMigration(100),
                new GuestWrite(1, 0, Bytes.ofInts(1, 1)),
                new GuestWrite(2, 0, Bytes.ofInts(2, 2)),
                new Submit(4096, 16, 0),
                new Submit(2 * 4096, 16, 0),
                new Doorbell(1));
        assertThat(sys.abstractState().deviceBuffer().get(0).slice(0, 2)).isEqualTo(Bytes.ofInts(1, 1));
        assertThat(sys.abstractState().deviceBuffer().get(1).slice(0, 2)).isEqualTo(Bytes.ofInts(0, 0));
        run(sys, new Doorbell(2));
        assertThat(sys.abstractState().deviceBuffer().get(1).slice(0, 2)).isEqualTo(Bytes.ofInts(2, 2));
    }

    @Test
    void aTranslationTheDeviceCachedBeforeTheCopyIsDroppedSoItWritesTheCopy() {
        MigrationSystem sys = new MigrationSystem(
                config(MigrationEmbodiment.COPY_AS_DEVICE_BUFFER, MigrationStrategy.DOORBELL_AND_COMPLETION));
        run(sys, new Submit(4096, 300, 1), new Doorbell(1), new DeviceStep(100), new StartMigration(100));
        run(sys, new DeviceStep(100));
        assertThat(sys.abstractState().deviceBuffer().get(0).slice(100, 100))
                .isEqualTo(MigrationLayout.deviceOutput(0, 100, 100));
        assertThat(sys.abstractState().memory().get(1).slice(100, 100)).isEqualTo(Bytes.zeros(100));
    }

    @ParameterizedTest
    @EnumSource(MigrationStrategy.class)
    void aSyncAcrossAPageEndFollowsEachPagesOwnFrame(MigrationStrategy strategy) {
        MigrationSystem sys = new MigrationSystem(config(MigrationEmbodiment.COPY_AS_DEVICE_BUFFER, strategy));
        // Buffer page 2 moved to a frame far from page 1's (as a host that backed them at different
        // times would have it), for the VM and the device alike.
        MigrationHost host = sys.source();
        host.machine.memory().allocateFrame().orElseThrow();
        long far = host.machine.memory().allocateFrame().orElseThrow();
        GuestPhysicalPage page2 = new GuestPhysicalPage(2);
        host.machine.defaultView().map(page2, far, NestedPermissions.RWX);
        host.machine.iommu().map(MigrationHost.NIC, page2, far, true, true);
        host.machine.iommu().invalidate(MigrationHost.NIC, page2);
        host.machine.shootDown(org.hvproof.impl.machine.ViewId.DEFAULT);
        assertThat(host.frame(2)).isNotEqualTo(host.frame(1) + 1);
        run(
                sys,
                new StartMigration(100),
                new GuestWrite(1, 4088, Bytes.ofInts(1, 2, 3, 4, 5, 6, 7, 8)),
                new GuestWrite(2, 0, Bytes.ofInts(9, 10, 11, 12, 13, 14, 15, 16)),
                // Past the transmit's end: the doorbell's sync must leave it out of the device buffer.
                new GuestWrite(2, 8, Bytes.ofInts(77)),
                new Submit(2 * 4096 - 8, 16, 0),
                new Doorbell(1),
                new DeviceStep(16),
                new CompletionInterrupt(),
                new Submit(2 * 4096 - 8, 16, 1),
                new Doorbell(2),
                new DeviceStep(16),
                new CompletionInterrupt(),
                new GuestRead(1, 4088, 8),
                new GuestRead(2, 0, 8),
                new MigrationRound(),
                new MigrationRound());
        assertThat(sys.abstractState().transmitted().get(0).data())
                .isEqualTo(Bytes.ofInts(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16));
        assertThat(MigrationLayout.read(sys.abstractState().memory(), 0, 2 * 4096 - 8, 16))
                .isEqualTo(MigrationLayout.deviceOutput(1, 0, 16));
        assertThat(sys.abstractState().memory().get(2).get(8)).isEqualTo((byte) 77);
    }
}
