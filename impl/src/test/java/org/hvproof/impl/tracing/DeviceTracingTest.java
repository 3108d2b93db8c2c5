package org.hvproof.impl.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import org.hvproof.impl.machine.DmaFault;
import org.hvproof.model.common.AccessKind;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.DmaCompleted;
import org.hvproof.model.common.DmaRefused;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.MachineShape;
import org.hvproof.model.common.Owner;
import org.hvproof.model.tracing.AddTrace;
import org.hvproof.model.tracing.DeviceWrite;
import org.hvproof.model.tracing.RemoveTrace;
import org.hvproof.model.tracing.TracingModel;
import org.junit.jupiter.api.Test;

/** TRACE-4 on the machine: the guest's device reaches untraced data pages only, and a trace takes it away. */
class DeviceTracingTest {
    private static final MachineShape SHAPE = MachineShape.of(2, 512);
    private static final Owner ALICE = new Owner("alice");
    private static final GuestPhysicalPage P = new GuestPhysicalPage(10);
    private static final int DEV = TracingModel.DEVICE;

    private static DeviceWrite dma(long bus, int... bytes) {
        return new DeviceWrite(DEV, bus, Bytes.ofInts(bytes));
    }

    @Test
    void untracedDataPageIsMappedOnTheFirstRequestAndWritten() {
        TracingSystem system = new TracingSystem(SHAPE);
        assertThat(system.apply(dma(P.base() + 8, 1, 2)))
                .containsExactly(new DmaCompleted(DEV, AccessKind.WRITE, P.base() + 8, 2));
        assertThat(system.abstractState().contentsOf(P).slice(8, 2)).isEqualTo(Bytes.ofInts(1, 2));
    }

    @Test
    void tracedPageIsRefusedAndReportedAndUnchanged() {
        TracingSystem system = new TracingSystem(SHAPE);
        system.apply(dma(P.base(), 7));
        system.apply(new AddTrace(ALICE, P));
        assertThat(system.apply(dma(P.base(), 9))).containsExactly(new DmaRefused(DEV, AccessKind.WRITE, P.base()));
        assertThat(system.abstractState().contentsOf(P).slice(0, 1)).isEqualTo(Bytes.ofInts(7));
        DmaFault last = system.machine()
                .iommu()
                .faults()
                .get(system.machine().iommu().faults().size() - 1);
        assertThat(last.cause()).isEqualTo(DmaFault.Cause.PERMISSION);
        system.apply(new RemoveTrace(ALICE, P));
        assertThat(system.apply(dma(P.base(), 9)))
                .containsExactly(new DmaCompleted(DEV, AccessKind.WRITE, P.base(), 1));
    }

    @Test
    void deviceMayWriteSaysWhatTheNextDmaWriteDoesBeforeAndAfterTheFirstRequest() {
        TracingSystem system = new TracingSystem(SHAPE);
        GuestPhysicalPage untouched = new GuestPhysicalPage(12);
        GuestPhysicalPage tracedUntouched = new GuestPhysicalPage(13);
        system.apply(new AddTrace(ALICE, tracedUntouched));
        system.apply(dma(P.base(), 7));
        system.apply(new AddTrace(ALICE, P));
        var hv = system.hypervisor();
        var dev = TracingSystem.DEVICE;
        var pool = new GuestPhysicalPage(SHAPE.pageTablePoolFirst());
        var beyond = new GuestPhysicalPage(SHAPE.guestPhysicalPages());
        assertThat(hv.deviceMayWrite(dev, untouched)).isTrue();
        assertThat(hv.deviceMayWrite(dev, tracedUntouched)).isFalse();
        assertThat(hv.deviceMayWrite(dev, P)).isFalse();
        assertThat(hv.deviceMayWrite(dev, pool)).isFalse();
        assertThat(hv.deviceMayWrite(dev, beyond)).isFalse();
        // asking changed nothing: the untouched pages are still unmapped for the device
        assertThat(system.machine().iommu().table(dev).flatMap(t -> t.leaf(untouched)))
                .isEmpty();
        // and the DMA writes agree
        assertThat(system.apply(dma(untouched.base(), 1)))
                .containsExactly(new DmaCompleted(DEV, AccessKind.WRITE, untouched.base(), 1));
        assertThat(system.apply(dma(tracedUntouched.base(), 1)))
                .containsExactly(new DmaRefused(DEV, AccessKind.WRITE, tracedUntouched.base()));
        assertThat(hv.deviceMayWrite(dev, untouched)).isTrue();
        system.apply(new RemoveTrace(ALICE, P));
        assertThat(hv.deviceMayWrite(dev, P)).isTrue();
    }

    @Test
    void crossingTransferLandsUpToTheTracedPage() {
        TracingSystem system = new TracingSystem(SHAPE);
        system.apply(new AddTrace(ALICE, new GuestPhysicalPage(11)));
        assertThat(system.apply(dma(P.base() + 4095, 1, 2)))
                .containsExactly(new DmaRefused(DEV, AccessKind.WRITE, P.base() + 4096));
        assertThat(system.abstractState().contentsOf(P).slice(4095, 1)).isEqualTo(Bytes.ofInts(1));
    }

    @Test
    void pageTablePoolBeyondRamAndOtherDevicesAreRefused() {
        TracingSystem system = new TracingSystem(SHAPE);
        long pool = SHAPE.pageTablePoolFirst() << 12;
        assertThat(system.apply(dma(pool, 1))).containsExactly(new DmaRefused(DEV, AccessKind.WRITE, pool));
        long beyond = SHAPE.guestPhysicalPages() << 12;
        assertThat(system.apply(dma(beyond, 1))).containsExactly(new DmaRefused(DEV, AccessKind.WRITE, beyond));
        assertThat(system.apply(dma(-1L, 1))).containsExactly(new DmaRefused(DEV, AccessKind.WRITE, -1L));
        assertThat(system.apply(new DeviceWrite(0x0200, P.base(), Bytes.ofInts(1))))
                .containsExactly(new DmaRefused(0x0200, AccessKind.WRITE, P.base()));
        assertThat(system.apply(new DeviceWrite(-5, P.base(), Bytes.ofInts(1))))
                .containsExactly(new DmaRefused(-5, AccessKind.WRITE, P.base()));
    }

    @Test
    void withoutIotlbInvalidationTheDeviceWritesATracedPageThroughItsCachedEntry() {
        TracingSystem system = new TracingSystem(SHAPE, TracingImplFlaw.NO_IOTLB_INVALIDATION_ON_TRACE);
        system.apply(dma(P.base(), 7));
        system.apply(new AddTrace(ALICE, P));
        assertThat(system.apply(dma(P.base(), 9)))
                .containsExactly(new DmaCompleted(DEV, AccessKind.WRITE, P.base(), 1));
    }
}
