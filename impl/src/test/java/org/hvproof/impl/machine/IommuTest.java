package org.hvproof.impl.machine;

import static org.assertj.core.api.Assertions.assertThat;

import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.MachineShape;
import org.junit.jupiter.api.Test;

/** The IOMMU and DMA through it: contexts, rights, the IOTLB and its invalidation, hostile addresses. */
class IommuTest {
    private final Machine machine = new Machine(MachineShape.of(1, 1024), 1L << 20);
    private final Iommu iommu = machine.iommu();
    private final DeviceId nic = new DeviceId(0x0310);

    private long frame() {
        return machine.memory().allocateFrame().orElseThrow();
    }

    @Test
    void aDeviceWithoutAContextEntryReachesNothingAndTheRefusalIsLogged() {
        DmaResult r = machine.dmaWrite(nic, 0x5000, new byte[] {1, 2});
        assertThat(r.completed()).isZero();
        assertThat(r.fault()).map(DmaFault::cause).contains(DmaFault.Cause.NO_CONTEXT);
        assertThat(iommu.faults()).hasSize(1);
        assertThat(iommu.faults().get(0).toString())
                .isEqualTo("DMA write by 03:02.0 at bus 0x5000 refused: NO_CONTEXT");
    }

    @Test
    void aSecondAttachOfTheSameDeviceIsRefusedAndItsTableKept() {
        NestedPageTable table = iommu.attach(nic).orElseThrow();
        long f = frame();
        iommu.map(nic, new GuestPhysicalPage(5), f, true, true);
        assertThat(iommu.attach(nic)).isEmpty();
        assertThat(iommu.table(nic)).containsSame(table);
        assertThat(iommu.devices()).containsExactly(nic);
        assertThat(table.leaf(new GuestPhysicalPage(5)).orElseThrow().hostFrame())
                .isEqualTo(f);
        assertThat(iommu.attach(new DeviceId(0x0400))).isPresent();
    }

    @Test
    void theHypervisorRefusesToAttachADeviceTwiceAndKeepsItOnItsFirstView() {
        Hypervisor hypervisor = new Hypervisor(machine);
        ViewId other = new ViewId("other");
        machine.addView(other).orElseThrow();
        assertThat(hypervisor.attachDevice(nic, ViewId.DEFAULT)).isTrue();
        assertThat(hypervisor.attachDevice(nic, other)).isFalse();
        assertThat(hypervisor.attachDevice(nic, ViewId.DEFAULT)).isFalse();
        assertThat(hypervisor.devicesOn(ViewId.DEFAULT)).containsExactly(nic);
        assertThat(hypervisor.devicesOn(other)).isEmpty();
        assertThat(hypervisor.attachDevice(new DeviceId(0x0400), new ViewId("no such view")))
                .isFalse();
    }

    @Test
    void aMappedBusPageIsWrittenAndReadAtItsHostFrameKeepingTheOffset() {
        iommu.attach(nic).orElseThrow();
        long f = frame();
        assertThat(iommu.map(nic, new GuestPhysicalPage(5), f, true, true)).isTrue();
        assertThat(machine.dmaWrite(nic, 0x5ff8, new byte[] {7, 8, 9}).whole()).isTrue();
        assertThat(machine.memory().frameContents(f)[0xff9]).isEqualTo((byte) 8);
        assertThat(machine.dmaRead(nic, 0x5ff9, 2).data()).containsExactly(8, 9);
    }

    @Test
    void aTransferCrossingIntoAnUnmappedPageLandsUpToTheBoundaryAndStops() {
        iommu.attach(nic).orElseThrow();
        long f = frame();
        iommu.map(nic, new GuestPhysicalPage(5), f, true, true);
        DmaResult r = machine.dmaWrite(nic, 0x5ffe, new byte[] {1, 2, 3, 4});
        assertThat(r.completed()).isEqualTo(2);
        assertThat(r.fault()).map(DmaFault::busAddress).contains(0x6000L);
        assertThat(r.fault()).map(DmaFault::cause).contains(DmaFault.Cause.NOT_PRESENT);
        assertThat(machine.memory().frameContents(f)[0xfff]).isEqualTo((byte) 2);
    }

    @Test
    void aReadOnlyPageRefusesWritesButNotReads() {
        iommu.attach(nic).orElseThrow();
        iommu.map(nic, new GuestPhysicalPage(5), frame(), true, false);
        assertThat(machine.dmaWrite(nic, 0x5000, new byte[] {1}).fault())
                .map(DmaFault::cause)
                .contains(DmaFault.Cause.PERMISSION);
        assertThat(machine.dmaRead(nic, 0x5000, 1).whole()).isTrue();
    }

    @Test
    void narrowingRightsWithoutInvalidationLeavesTheStaleWritableTranslationInUse() {
        iommu.attach(nic).orElseThrow();
        long f = frame();
        GuestPhysicalPage page = new GuestPhysicalPage(5);
        iommu.map(nic, page, f, true, true);
        assertThat(machine.dmaWrite(nic, 0x5000, new byte[] {1}).whole()).isTrue();
        assertThat(iommu.cachedTranslations(nic)).isEqualTo(1);

        iommu.setRights(nic, page, true, false);
        assertThat(machine.dmaWrite(nic, 0x5000, new byte[] {2}).whole())
                .as("the IOTLB still holds the writable translation")
                .isTrue();
        assertThat(machine.memory().frameContents(f)[0]).isEqualTo((byte) 2);

        iommu.invalidate(nic, page);
        assertThat(machine.dmaWrite(nic, 0x5000, new byte[] {3}).fault())
                .map(DmaFault::cause)
                .contains(DmaFault.Cause.PERMISSION);
        assertThat(machine.memory().frameContents(f)[0]).isEqualTo((byte) 2);
    }

    @Test
    void domainAndGlobalInvalidationDropEveryEntryOfTheirScope() {
        DeviceId disk = new DeviceId(0x0400);
        iommu.attach(nic).orElseThrow();
        iommu.attach(disk).orElseThrow();
        iommu.map(nic, new GuestPhysicalPage(1), frame(), true, true);
        iommu.map(nic, new GuestPhysicalPage(2), frame(), true, true);
        iommu.map(disk, new GuestPhysicalPage(1), frame(), true, true);
        machine.dmaRead(nic, 0x1000, 1);
        machine.dmaRead(nic, 0x2000, 1);
        machine.dmaRead(disk, 0x1000, 1);
        assertThat(iommu.cachedTranslations(nic)).isEqualTo(2);

        iommu.invalidate(nic);
        assertThat(iommu.cachedTranslations(nic)).isZero();
        assertThat(iommu.cachedTranslations(disk)).isEqualTo(1);
        iommu.invalidateAll();
        assertThat(iommu.cachedTranslations(disk)).isZero();
        iommu.invalidate(nic, new GuestPhysicalPage(7));
        iommu.invalidate(new DeviceId(0xffff));
    }

    @Test
    void hostileBusAddressesAreRefusedNeverThrown() {
        iommu.attach(nic).orElseThrow();
        for (long bus : new long[] {-1L, Long.MIN_VALUE, 1L << 48, (1L << 48) - 1, 0x7fff_ffff_ffff_f000L}) {
            DmaResult r = machine.dmaWrite(nic, bus, new byte[] {1});
            assertThat(r.fault()).as("bus 0x%x", bus).map(DmaFault::cause).contains(DmaFault.Cause.NOT_PRESENT);
        }
    }

    @Test
    void anEntryWrittenAroundMapNamingAFrameNeverHandedOutIsRefused() {
        NestedPageTable table = iommu.attach(nic).orElseThrow();
        GuestPhysicalPage page = new GuestPhysicalPage(3);
        iommu.map(nic, page, frame(), true, true);
        // Point the leaf at a frame far beyond what the host has handed out, as a corrupt table would.
        long leafTable = machine.memory().allocatedFrames(); // the last table frame map() allocated
        long entryAt = (leafTable << 12) + 8L * 3;
        machine.memory().writeLong(entryAt, (0x7_0000L << 12) | 3);
        assertThat(table.leaf(page).orElseThrow().hostFrame()).isEqualTo(0x7_0000L);
        assertThat(machine.dmaWrite(nic, page.base(), new byte[] {1}).fault())
                .map(DmaFault::cause)
                .contains(DmaFault.Cause.NOT_PRESENT);
    }
}
