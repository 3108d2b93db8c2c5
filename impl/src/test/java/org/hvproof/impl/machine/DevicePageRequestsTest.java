package org.hvproof.impl.machine;

import static org.assertj.core.api.Assertions.assertThat;

import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.MachineShape;
import org.junit.jupiter.api.Test;

/**
 * A device's DMA through the hypervisor, with page requests: each page of guest RAM it touches is
 * backed and mapped once, with the view's write right or a service's leave; the pool, pages past
 * RAM, a device the hypervisor did not attach and an I/O entry already there are never mapped,
 * and each refusal is logged once. {@code deviceMayWrite} foretells each outcome.
 */
class DevicePageRequestsTest {
    private static final MachineShape SHAPE = MachineShape.of(1, 1024);

    private final Machine machine = new Machine(SHAPE);
    private final Hypervisor hypervisor = new Hypervisor(machine);
    private final Iommu iommu = machine.iommu();
    private final DeviceId nic = new DeviceId(0x0310);

    private DmaFault.Cause refusal(DmaResult r) {
        return r.fault().orElseThrow().cause();
    }

    @Test
    void aWriteOverTwoPagesBacksAndMapsEachAndLogsOneRequestPerPage() {
        assertThat(hypervisor.attachDevice(nic, ViewId.DEFAULT)).isTrue();
        assertThat(hypervisor.devicesOn(ViewId.DEFAULT)).containsExactly(nic);
        DmaResult r = hypervisor.dmaWrite(nic, 0x1ff8, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
        assertThat(r.whole()).isTrue();
        assertThat(r.completed()).isEqualTo(12);
        assertThat(iommu.faults()).hasSize(2);
        assertThat(machine.peekGuestPhysicalLong(ViewId.DEFAULT, 0x2000)).isEqualTo(0x0c0b_0a09L);
        long frame = machine.defaultView()
                .leaf(new GuestPhysicalPage(1))
                .orElseThrow()
                .hostFrame();
        assertThat(iommu.table(nic).orElseThrow().leaf(new GuestPhysicalPage(1)))
                .as("the view's frame, read and write (an I/O entry has no execute)")
                .contains(new NestedEntry(frame, new NestedPermissions(true, true, false)));
    }

    @Test
    void busAddressZeroIsGuestPageZero() {
        hypervisor.attachDevice(nic, ViewId.DEFAULT);
        assertThat(hypervisor.deviceMayWrite(nic, new GuestPhysicalPage(0))).isTrue();
        assertThat(hypervisor.dmaWrite(nic, 0, new byte[] {42}).whole()).isTrue();
        assertThat(machine.peekGuestPhysicalLong(ViewId.DEFAULT, 0)).isEqualTo(42);
    }

    @Test
    void thePoolPagesPastRamAndAnUnattachedDeviceAreRefusedOnceEach() {
        hypervisor.attachDevice(nic, ViewId.DEFAULT);
        GuestPhysicalPage pool = new GuestPhysicalPage(SHAPE.pageTablePoolFirst());
        GuestPhysicalPage beyond = new GuestPhysicalPage(SHAPE.guestPhysicalPages());
        assertThat(hypervisor.deviceMayWrite(nic, pool)).isFalse();
        assertThat(hypervisor.deviceMayWrite(nic, beyond)).isFalse();
        assertThat(hypervisor.deviceMayWrite(nic, new GuestPhysicalPage(1L << 36)))
                .isFalse();
        assertThat(refusal(hypervisor.dmaWrite(nic, pool.base(), new byte[] {1})))
                .isEqualTo(DmaFault.Cause.NOT_PRESENT);
        assertThat(iommu.faults()).hasSize(1);
        assertThat(refusal(hypervisor.dmaWrite(nic, beyond.base(), new byte[] {1})))
                .isEqualTo(DmaFault.Cause.NOT_PRESENT);
        assertThat(iommu.faults()).hasSize(2);
        assertThat(refusal(hypervisor.dmaWrite(nic, 1L << 48, new byte[] {1}))).isEqualTo(DmaFault.Cause.NOT_PRESENT);
        assertThat(iommu.faults()).hasSize(3);

        DeviceId stray = new DeviceId(0x0400);
        iommu.attach(stray).orElseThrow();
        assertThat(hypervisor.deviceMayWrite(stray, new GuestPhysicalPage(3))).isFalse();
        assertThat(refusal(hypervisor.dmaWrite(stray, 0x3000, new byte[] {1}))).isEqualTo(DmaFault.Cause.NOT_PRESENT);
        assertThat(iommu.faults()).hasSize(4);
        assertThat(machine.defaultView().leaf(new GuestPhysicalPage(3))).isEmpty();
    }

    @Test
    void anIoEntryAlreadyThereIsNeverReplacedByAPageRequest() {
        hypervisor.attachDevice(nic, ViewId.DEFAULT);
        NestedPageTable table = iommu.table(nic).orElseThrow();
        GuestPhysicalPage page = new GuestPhysicalPage(3);
        assertThat(hypervisor.dmaWrite(nic, page.base(), new byte[] {1}).whole())
                .isTrue();
        // A corrupt leaf naming a frame the host never handed out: refused, and left as it is.
        long tableFrame = findLeafTable(table, page);
        machine.memory().writeLong((tableFrame << 12) + 8L * 3, (0x7_0000L << 12) | 3);
        iommu.invalidate(nic);
        assertThat(refusal(hypervisor.dmaWrite(nic, page.base(), new byte[] {2})))
                .isEqualTo(DmaFault.Cause.NOT_PRESENT);
        assertThat(table.leaf(page).orElseThrow().hostFrame()).isEqualTo(0x7_0000L);
    }

    /** The host frame of the I/O table's last-level table holding {@code page}'s entry. */
    private long findLeafTable(NestedPageTable table, GuestPhysicalPage page) {
        long[] found = {0};
        table.forEachLeafTable((firstPage, frame) -> {
            if (firstPage == (page.number() & ~511L)) {
                found[0] = frame;
            }
        });
        return found[0];
    }

    @Test
    void anIoEntryDecidesWhatTheDeviceMayWriteBeforeTheViewDoes() {
        hypervisor.attachDevice(nic, ViewId.DEFAULT);
        GuestPhysicalPage page = new GuestPhysicalPage(5);
        assertThat(hypervisor.populate(ViewId.DEFAULT, page)).isTrue();
        long frame = machine.defaultView().leaf(page).orElseThrow().hostFrame();
        assertThat(iommu.map(nic, page, frame, true, false)).isTrue();
        assertThat(hypervisor.deviceMayWrite(nic, page)).isFalse();
        assertThat(refusal(hypervisor.dmaWrite(nic, page.base(), new byte[] {1})))
                .isEqualTo(DmaFault.Cause.PERMISSION);
    }

    @Test
    void aReadOnlyPageIsMappedWritableOnlyWhereAServiceLeavesIt() {
        GuestPhysicalPage left = new GuestPhysicalPage(7);
        GuestPhysicalPage kept = new GuestPhysicalPage(8);
        hypervisor.addExitHandler(new NestedExitHandler() {
            @Override
            public ExitDecision onExit(VirtualCpu cpu, NestedExit exit, AccessPiece piece) {
                return new ExitDecision.Decline();
            }

            @Override
            public boolean devicesMayWrite(ViewId view, GuestPhysicalPage page) {
                return page.equals(left);
            }
        });
        hypervisor.addExitHandler((cpu, exit, piece) -> new ExitDecision.Decline());
        hypervisor.attachDevice(nic, ViewId.DEFAULT);
        for (GuestPhysicalPage p : new GuestPhysicalPage[] {left, kept}) {
            hypervisor.populate(ViewId.DEFAULT, p);
            machine.defaultView().setPermissions(p, NestedPermissions.RX);
        }
        assertThat(hypervisor.deviceMayWrite(nic, left)).isTrue();
        assertThat(hypervisor.deviceMayWrite(nic, kept)).isFalse();
        assertThat(hypervisor.dmaWrite(nic, left.base(), new byte[] {1}).whole())
                .isTrue();
        assertThat(refusal(hypervisor.dmaWrite(nic, kept.base(), new byte[] {1})))
                .isEqualTo(DmaFault.Cause.PERMISSION);
    }

    /** Frames 1..6: the view's root, the device's, page 0's frame and its three tables; none left for I/O tables. */
    @Test
    void aPageRequestWithNoFrameForTheIoTablesIsRefusedOnce() {
        Machine tight = new Machine(SHAPE, 7);
        Hypervisor h = new Hypervisor(tight);
        assertThat(h.attachDevice(nic, ViewId.DEFAULT)).isTrue();
        assertThat(h.populate(ViewId.DEFAULT, new GuestPhysicalPage(0))).isTrue();
        assertThat(tight.memory().allocateFrame()).isEmpty();
        assertThat(refusal(h.dmaWrite(nic, 0, new byte[] {1}))).isEqualTo(DmaFault.Cause.NOT_PRESENT);
        assertThat(tight.iommu().faults()).hasSize(1);
    }

    @Test
    void aDeviceCannotBeAttachedToAViewThatDoesNotExist() {
        assertThat(hypervisor.attachDevice(nic, new ViewId("none"))).isFalse();
        assertThat(hypervisor.devicesOn(new ViewId("none"))).isEmpty();
        assertThat(iommu.devices()).isEmpty();
    }
}
