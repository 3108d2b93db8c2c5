package org.hvproof.impl.machine;

import static org.assertj.core.api.Assertions.assertThat;

import org.hvproof.model.common.AccessKind;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.MachineShape;
import org.junit.jupiter.api.Test;

/**
 * The IOMMU's context entries and I/O mappings at their refusals (no context, no rights, nothing
 * mapped, no host memory for a table), and what its IOTLB reports holding per device.
 */
class IommuContextsTest {
    private final Machine machine = new Machine(MachineShape.of(1, 1024), 1L << 20);
    private final Iommu iommu = machine.iommu();
    private final DeviceId nic = new DeviceId(0x0310);
    private final DeviceId disk = new DeviceId(0x0400);

    private long frame() {
        return machine.memory().allocateFrame().orElseThrow();
    }

    @Test
    void aSecondAttachIsRefusedAndKeepsTheOneTableAndDevicesAreListedInAttachOrder() {
        NestedPageTable table = iommu.attach(disk).orElseThrow();
        iommu.attach(nic).orElseThrow();
        assertThat(iommu.attach(disk)).isEmpty();
        assertThat(iommu.table(disk)).containsSame(table);
        assertThat(iommu.devices()).containsExactly(disk, nic);
        assertThat(iommu.table(new DeviceId(1))).isEmpty();
    }

    @Test
    void mappingNeedsAContextSomeRightAndHostMemory() {
        GuestPhysicalPage page = new GuestPhysicalPage(4);
        long f = frame();
        assertThat(iommu.map(nic, page, f, true, true)).as("no context").isFalse();
        iommu.attach(nic).orElseThrow();
        assertThat(iommu.map(nic, page, f, false, false)).as("no rights").isFalse();
        assertThat(iommu.table(nic).orElseThrow().leaf(page)).isEmpty();
        assertThat(iommu.map(nic, page, f, false, true)).as("write only").isTrue();
        assertThat(iommu.table(nic).orElseThrow().leaf(page))
                .contains(new NestedEntry(f, new NestedPermissions(false, true, false)));

        Machine small = new Machine(MachineShape.of(1, 1024), 4);
        small.iommu().attach(nic).orElseThrow();
        assertThat(small.iommu().map(nic, page, 1, true, true))
                .as("no frame for the tables")
                .isFalse();
    }

    @Test
    void rightsChangeOnlyOnAMappedPageOfADeviceWithAContextAndNeverToNone() {
        GuestPhysicalPage page = new GuestPhysicalPage(4);
        assertThat(iommu.setRights(nic, page, true, false)).isFalse();
        iommu.attach(nic).orElseThrow();
        assertThat(iommu.setRights(nic, page, true, false)).as("not mapped").isFalse();
        long f = frame();
        iommu.map(nic, page, f, true, true);
        assertThat(iommu.setRights(nic, page, false, false)).isFalse();
        assertThat(iommu.setRights(nic, page, false, true)).isTrue();
        assertThat(iommu.table(nic).orElseThrow().leaf(page))
                .contains(new NestedEntry(f, new NestedPermissions(false, true, false)));
        assertThat(iommu.setRights(nic, page, true, false)).isTrue();
        assertThat(iommu.table(nic).orElseThrow().leaf(page))
                .contains(new NestedEntry(f, new NestedPermissions(true, false, false)));
    }

    @Test
    void theIotlbReportsItsWritableTranslationsAndFramesPerDevice() {
        iommu.attach(nic).orElseThrow();
        iommu.attach(disk).orElseThrow();
        long a = frame();
        long b = frame();
        long c = frame();
        iommu.map(nic, new GuestPhysicalPage(0), a, true, true);
        iommu.map(nic, new GuestPhysicalPage(1), b, true, false);
        iommu.map(disk, new GuestPhysicalPage(0), c, true, true);
        assertThat(iommu.cachedWritablePages(nic)).isEmpty();
        assertThat(iommu.cachedFrames(nic)).isEmpty();

        assertThat(machine.dmaRead(nic, 0, 2 * 4096).whole()).isTrue();
        assertThat(iommu.translate(disk, 0x10, AccessKind.WRITE))
                .isEqualTo(new DmaTranslation.Translated((c << 12) | 0x10));

        assertThat(iommu.cachedWritablePages(nic)).containsExactly(0L);
        assertThat(iommu.cachedFrames(nic)).containsExactlyInAnyOrder(a, b);
        assertThat(iommu.cachedWritablePages(disk)).containsExactly(0L);
        assertThat(iommu.cachedFrames(disk)).containsExactly(c);
        assertThat(iommu.cachedWritablePages(new DeviceId(1))).isEmpty();
        assertThat(iommu.cachedFrames(new DeviceId(1))).isEmpty();
    }
}
