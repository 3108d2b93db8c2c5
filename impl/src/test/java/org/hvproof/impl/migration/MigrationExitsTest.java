package org.hvproof.impl.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hvproof.impl.migration.MigrationLockstep.run;

import java.util.List;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.migration.MigrationAction;
import org.hvproof.model.migration.MigrationAction.CompletionInterrupt;
import org.hvproof.model.migration.MigrationAction.DeviceStep;
import org.hvproof.model.migration.MigrationAction.Doorbell;
import org.hvproof.model.migration.MigrationAction.GuestRead;
import org.hvproof.model.migration.MigrationAction.GuestWrite;
import org.hvproof.model.migration.MigrationAction.MigrationRound;
import org.hvproof.model.migration.MigrationAction.RegisterWrite;
import org.hvproof.model.migration.MigrationAction.StartMigration;
import org.hvproof.model.migration.MigrationAction.Submit;
import org.hvproof.model.migration.MigrationCode;
import org.hvproof.model.migration.MigrationConfig;
import org.hvproof.model.migration.MigrationEmbodiment;
import org.hvproof.model.migration.MigrationObservation;
import org.hvproof.model.migration.MigrationState;
import org.hvproof.model.migration.MigrationStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The syncs as exits the machine raises: the doorbell store on the write-protected MMIO page, the
 * VM's accesses to the protected vCPU buffer, and what stays closed after each; hostile writes to
 * the MMIO page and descriptors into it. Each run is checked against the model step by step.
 */
class MigrationExitsTest {
    private static MigrationConfig config(MigrationEmbodiment embodiment, MigrationStrategy strategy) {
        return MigrationConfig.withDefaults(6, 2, embodiment, strategy);
    }

    @ParameterizedTest
    @EnumSource(MigrationEmbodiment.class)
    void theDoorbellExitsWhileTheRingIsInterceptedAndPassesThroughOtherwise(MigrationEmbodiment embodiment) {
        MigrationSystem sys = new MigrationSystem(config(embodiment, MigrationStrategy.DOORBELL_AND_COMPLETION));
        run(sys, new Submit(4096, 16, 0), new Doorbell(1), new DeviceStep(16), new CompletionInterrupt());
        assertThat(sys.doorbellExits()).isZero();
        assertThat(sys.protection().doorbellWritable()).isTrue();
        run(sys, new StartMigration(100), new GuestWrite(1, 0, Bytes.ofInts(9, 9)), new Submit(4096, 16, 0));
        assertThat(sys.protection().doorbellWritable()).isFalse();
        run(sys, new Doorbell(2));
        assertThat(sys.doorbellExits()).isEqualTo(1);
        assertThat(sys.protection().doorbellWritable()).isFalse();
        assertThat(sys.protection().doorbellWriteCached()).isFalse();
        run(sys, new DeviceStep(16));
        // The transmit sent the VM's data: the exit synced it before forwarding the store.
        assertThat(sys.abstractState().transmitted().get(1).data().slice(0, 2)).isEqualTo(Bytes.ofInts(9, 9));
    }

    @Test
    void withTheMmioPageLeftWritableTheDoorbellReachesTheDeviceUnsynced() {
        MigrationSystem sys = new MigrationSystem(
                config(MigrationEmbodiment.COPY_AS_DEVICE_BUFFER, MigrationStrategy.DOORBELL_AND_COMPLETION),
                MigrationImplFlaw.DOORBELL_NOT_TRAPPED);
        for (MigrationAction a : List.of(
                new StartMigration(100),
                new GuestWrite(1, 0, Bytes.ofInts(9, 9)),
                new Submit(4096, 16, 0),
                new Doorbell(1),
                new DeviceStep(16))) {
            sys.apply(a);
        }
        assertThat(sys.doorbellExits()).isZero();
        assertThat(sys.protection().doorbellWritable()).isTrue();
        assertThat(sys.abstractState().transmitted().get(0).data().slice(0, 2)).isNotEqualTo(Bytes.ofInts(9, 9));
    }

    @ParameterizedTest
    @EnumSource(MigrationEmbodiment.class)
    void everyAccessToTheVcpuBufferExitsAndLeavesItProtected(MigrationEmbodiment embodiment) {
        MigrationSystem sys = new MigrationSystem(config(embodiment, MigrationStrategy.TRAP_VCPU_ACCESS));
        run(sys, new GuestWrite(1, 0, Bytes.ofInts(1)), new StartMigration(100), new MigrationRound());
        assertThat(sys.protection().openBufferPages()).isEmpty();
        run(
                sys,
                new GuestWrite(1, 5, Bytes.ofInts(3, 4)),
                new GuestRead(2, 0, 4),
                new GuestWrite(4, 0, Bytes.ofInts(5)));
        assertThat(sys.protectionExits()).isEqualTo(2);
        assertThat(sys.protection().openBufferPages()).isEmpty();
        assertThat(sys.protection().bufferPagesWriteCached()).isEmpty();
        // The trapped write is dirty and written through.
        assertThat(sys.abstractState().dirty()).contains(1L, 4L);
        assertThat(sys.abstractState().deviceBuffer().get(0).slice(5, 2)).isEqualTo(Bytes.ofInts(3, 4));
    }

    @ParameterizedTest
    @EnumSource(
            value = MigrationImplFlaw.class,
            names = {"REPROTECT_FORGOTTEN", "NO_SHOOTDOWN_AFTER_REPROTECT"})
    void aHandlerThatLeavesThePageOpenIsSeenInTheProtection(MigrationImplFlaw flaw) {
        MigrationSystem sys = new MigrationSystem(
                config(MigrationEmbodiment.COPY_AS_VCPU_BUFFER, MigrationStrategy.TRAP_VCPU_ACCESS), flaw);
        sys.apply(new StartMigration(100));
        sys.apply(new GuestWrite(1, 0, Bytes.ofInts(1)));
        MigrationProtection p = sys.protection();
        assertThat(p.openBufferPages().isEmpty() && p.bufferPagesWriteCached().isEmpty())
                .isFalse();
    }

    @ParameterizedTest
    @EnumSource(MigrationStrategy.class)
    void hostileWritesToTheMmioPageAreRefusedWithAnAlertAndChangeNothing(MigrationStrategy strategy) {
        MigrationSystem sys = new MigrationSystem(config(MigrationEmbodiment.COPY_AS_VCPU_BUFFER, strategy));
        run(sys, new Submit(4096, 16, 1), new StartMigration(100));
        MigrationState before = sys.abstractState();
        for (MigrationAction a : List.<MigrationAction>of(
                new RegisterWrite(0, Bytes.ofInts(1, 0, 0, 0)),
                new RegisterWrite(4, Bytes.ofInts(1, 0, 0, 0, 0, 0, 0, 0)),
                new RegisterWrite(8, Bytes.ofInts(1)),
                new RegisterWrite(0, Bytes.of(new byte[16])),
                new RegisterWrite(4095, Bytes.ofInts(1)))) {
            assertThat(run(sys, a))
                    .as(a.toString())
                    .containsExactly(new MigrationObservation.Alert(MigrationCode.OUTSIDE_REGISTER));
        }
        assertThat(run(sys, new RegisterWrite(4090, Bytes.of(new byte[8]))))
                .containsExactly(new MigrationObservation.Alert(MigrationCode.OUT_OF_RANGE));
        assertThat(run(sys, new RegisterWrite(-1, Bytes.ofInts(1))))
                .containsExactly(new MigrationObservation.Alert(MigrationCode.OUT_OF_RANGE));
        assertThat(sys.abstractState().deviceHead()).isEqualTo(before.deviceHead());
        // Hostile tails in the whole register: refused by the device, never thrown.
        assertThat(run(sys, new RegisterWrite(0, Bytes.of(new byte[] {-1, -1, -1, -1, -1, -1, -1, 127}))))
                .containsExactly(new MigrationObservation.Alert(MigrationCode.BAD_DOORBELL));
        // The whole register with a good tail is the doorbell.
        assertThat(run(sys, new RegisterWrite(0, Bytes.ofInts(1, 0, 0, 0, 0, 0, 0, 0))))
                .isEmpty();
        assertThat(sys.abstractState().inFlight()).hasSize(1);
    }

    @Test
    void aDescriptorPointingIntoTheMmioPageIsRejected() {
        MigrationConfig c =
                config(MigrationEmbodiment.COPY_AS_DEVICE_BUFFER, MigrationStrategy.DOORBELL_AND_COMPLETION);
        MigrationSystem sys = new MigrationSystem(c);
        run(sys, new StartMigration(100), new Submit(c.doorbellPage() * 4096, 8, 1));
        assertThat(run(sys, new Doorbell(1)))
                .containsExactly(new MigrationObservation.Alert(MigrationCode.OUTSIDE_GUEST_MEMORY));
        run(sys, new DeviceStep(8));
        assertThat(sys.abstractState().rejected()).containsExactly(0L);
        assertThat(sys.protection().doorbellWritable()).isFalse();
    }

    @Test
    void aGuestOfAWholePageTableOfDataStillMapsItsMmioPage() {
        MigrationConfig c = MigrationConfig.withDefaults(
                512, 2, MigrationEmbodiment.COPY_AS_VCPU_BUFFER, MigrationStrategy.DOORBELL_AND_COMPLETION);
        MigrationSystem sys = new MigrationSystem(c);
        run(sys, new Submit(4096, 16, 1));
        assertThat(run(sys, new Doorbell(1))).isEmpty();
        assertThat(sys.abstractState().inFlight()).hasSize(1);
    }
}
