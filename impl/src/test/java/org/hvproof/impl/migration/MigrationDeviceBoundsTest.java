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
import org.hvproof.model.migration.MigrationAction.StartMigration;
import org.hvproof.model.migration.MigrationAction.Submit;
import org.hvproof.model.migration.MigrationCode;
import org.hvproof.model.migration.MigrationConfig;
import org.hvproof.model.migration.MigrationEmbodiment;
import org.hvproof.model.migration.MigrationLayout;
import org.hvproof.model.migration.MigrationObservation;
import org.hvproof.model.migration.MigrationStrategy;
import org.junit.jupiter.api.Test;

/**
 * The device's and the VM's guards one step either side of each boundary, checked against the
 * model: descriptors that just fit the buffer or the guest and just miss, requests that touch
 * without overlapping, doorbells a whole ring ahead of a moved head, tails and directions with
 * bits above the low byte, a receive's bytes for later ring indices and a last short step, and the
 * VM's accesses at the edges of its pages.
 */
class MigrationDeviceBoundsTest {
    private static final MigrationConfig CONFIG = MigrationConfig.withDefaults(
            6, 2, MigrationEmbodiment.COPY_AS_DEVICE_BUFFER, MigrationStrategy.DOORBELL_AND_COMPLETION);

    private static MigrationObservation alert(MigrationCode code) {
        return new MigrationObservation.Alert(code);
    }

    @Test
    void descriptorsAtEachEdgeOfTheBufferAndOfGuestMemoryGetTheirCode() {
        MigrationSystem sys = new MigrationSystem(CONFIG);
        // The whole buffer in one request is accepted; a byte more is too long.
        assertThat(run(sys, new Submit(4096, 2 * 4096, 1), new Doorbell(1))).isEmpty();
        run(sys, new DeviceStep(2 * 4096), new CompletionInterrupt());
        assertThat(run(sys, new Submit(4096, 2 * 4096 + 1, 1), new Doorbell(2)))
                .containsExactly(alert(MigrationCode.TOO_LONG));
        // Ending at guest memory's end is outside the buffer, not outside guest memory.
        assertThat(run(sys, new Submit(6 * 4096 - 16, 16, 0), new Doorbell(3)))
                .containsExactly(alert(MigrationCode.OUTSIDE_BUFFER));
        // Address 0 is the ring.
        assertThat(run(sys, new Submit(0, 16, 0), new Doorbell(4))).containsExactly(alert(MigrationCode.RING_ITSELF));
        // Starting inside the buffer and running a page past its end.
        assertThat(run(sys, new Submit(2 * 4096, 4096 + 16, 0), new Doorbell(5)))
                .containsExactly(alert(MigrationCode.OUTSIDE_BUFFER));
        // Ending exactly at the buffer's end is accepted.
        assertThat(run(sys, new Submit(3 * 4096 - 16, 16, 0), new Doorbell(6))).isEmpty();
    }

    @Test
    void requestsThatTouchWithoutOverlappingAreBothTaken() {
        MigrationSystem sys = new MigrationSystem(CONFIG);
        assertThat(run(
                        sys,
                        new Submit(4096 + 100, 100, 1),
                        new Submit(4096, 100, 0),
                        new Submit(4096 + 200, 100, 1),
                        new Doorbell(3)))
                .isEmpty();
        assertThat(sys.abstractState().inFlight()).hasSize(3);
        assertThat(run(sys, new Submit(4096 + 299, 2, 0), new Doorbell(4)))
                .containsExactly(alert(MigrationCode.OVERLAPPING));
    }

    @Test
    void aDoorbellAWholeRingAheadOfAMovedHeadIsTaken() {
        MigrationSystem sys = new MigrationSystem(CONFIG);
        for (int i = 0; i < 8; i++) {
            run(sys, new Submit(4096 + 16L * i, 16, 0));
        }
        assertThat(run(sys, new Doorbell(8))).isEmpty();
        for (int i = 0; i < 8; i++) {
            run(sys, new DeviceStep(16), new CompletionInterrupt());
        }
        // Head 8: eight more slots are the driver's, and a doorbell of all of them is good.
        for (int i = 0; i < 8; i++) {
            assertThat(run(sys, new Submit(2 * 4096 + 16L * i, 16, 1))).isEmpty();
        }
        assertThat(run(sys, new Submit(2 * 4096, 16, 1))).containsExactly(alert(MigrationCode.RING_FULL));
        assertThat(run(sys, new Doorbell(17))).containsExactly(alert(MigrationCode.BAD_DOORBELL));
        assertThat(run(sys, new Doorbell(16))).isEmpty();
        assertThat(sys.abstractState().inFlight()).hasSize(8);
    }

    @Test
    void valuesWithBitsAboveTheLowByteKeepThem() {
        MigrationSystem sys = new MigrationSystem(CONFIG);
        // Tail 256: a bad doorbell, not an empty ring.
        assertThat(run(sys, new Doorbell(0x100))).containsExactly(alert(MigrationCode.BAD_DOORBELL));
        // Direction 256: not a transmit.
        assertThat(run(sys, new Submit(4096, 16, 0x100), new Doorbell(1)))
                .containsExactly(alert(MigrationCode.BAD_DIRECTION));
    }

    @Test
    void eachReceiveWritesItsOwnIndexsBytesAndALongLastStepStopsAtItsEnd() {
        MigrationSystem sys = new MigrationSystem(CONFIG);
        run(
                sys,
                new Submit(4096, 150, 1),
                new Submit(2 * 4096, 150, 1),
                new Doorbell(2),
                new DeviceStep(100),
                new DeviceStep(100),
                new DeviceStep(100),
                new DeviceStep(100));
        var memory = sys.abstractState().memory();
        assertThat(MigrationLayout.read(memory, 0, 4096, 150)).isEqualTo(MigrationLayout.deviceOutput(0, 0, 150));
        assertThat(MigrationLayout.read(memory, 0, 4096 + 150, 100)).isEqualTo(Bytes.zeros(100));
        assertThat(MigrationLayout.read(memory, 0, 2 * 4096, 150)).isEqualTo(MigrationLayout.deviceOutput(1, 0, 150));
        assertThat(MigrationLayout.read(memory, 0, 2 * 4096 + 150, 100)).isEqualTo(Bytes.zeros(100));
    }

    @Test
    void theVmsAccessesReachEveryEdgeOfItsPagesAndNoFurther() {
        MigrationSystem sys = new MigrationSystem(CONFIG);
        run(
                sys,
                new StartMigration(100),
                new GuestWrite(0, 4094, Bytes.ofInts(1, 2)),
                new GuestWrite(5, 0, Bytes.ofInts(3)),
                new GuestWrite(3, 9, Bytes.ofInts(4, 5)));
        assertThat(run(sys, new GuestRead(0, 4094, 2)))
                .containsExactly(new MigrationObservation.ValueRead(0, 4094, Bytes.ofInts(1, 2)));
        assertThat(run(sys, new GuestRead(5, 0, 4096))).hasSize(1);
        assertThat(run(sys, new GuestRead(3, 9, 2)))
                .containsExactly(new MigrationObservation.ValueRead(3, 9, Bytes.ofInts(4, 5)));
        for (MigrationAction a : List.<MigrationAction>of(
                new GuestRead(-1, 0, 1),
                new GuestRead(6, 0, 1),
                new GuestRead(1, -1, 1),
                new GuestRead(1, 0, 0),
                new GuestRead(1, 4095, 2),
                new GuestRead(1, 1, 4096),
                new GuestWrite(6, 0, Bytes.ofInts(1)),
                new GuestWrite(2, 4095, Bytes.ofInts(1, 2)))) {
            assertThat(run(sys, a)).as(a.toString()).containsExactly(alert(MigrationCode.OUT_OF_RANGE));
        }
        run(sys, new MigrationRound(), new MigrationRound());
        assertThat(sys.abstractState().memory().get(0).slice(4094, 2)).isEqualTo(Bytes.ofInts(1, 2));
    }
}
