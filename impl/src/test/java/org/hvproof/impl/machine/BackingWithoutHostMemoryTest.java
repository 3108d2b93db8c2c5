package org.hvproof.impl.machine;

import static org.assertj.core.api.Assertions.assertThat;

import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.MachineShape;
import org.hvproof.model.common.PagePermissions;
import org.junit.jupiter.api.Test;

/**
 * The hypervisor's backing calls when host memory runs out part way, each answering false and
 * backing nothing more, and splitting large nested leaves (with and without a frame for the new
 * table, and where there is nothing to split).
 */
class BackingWithoutHostMemoryTest {
    private static final MachineShape SHAPE = MachineShape.of(1, 1024);
    private static final ViewId SHARER = new ViewId("sharer");

    private static boolean backed(Hypervisor h, ViewId view, long page) {
        return h.machine()
                .view(view)
                .orElseThrow()
                .leaf(new GuestPhysicalPage(page))
                .isPresent();
    }

    /** Frames 1..7: the default root, the sharer's root, page 0's frame and three tables, page 1's frame. */
    private static Hypervisor full() {
        Hypervisor h = new Hypervisor(new Machine(SHAPE, 8));
        h.machine().addView(SHARER).orElseThrow();
        h.shareFrames(SHARER, ViewId.DEFAULT);
        assertThat(h.populate(ViewId.DEFAULT, new GuestPhysicalPage(0))).isTrue();
        assertThat(h.populate(ViewId.DEFAULT, new GuestPhysicalPage(1))).isTrue();
        assertThat(h.machine().memory().allocateFrame()).isEmpty();
        return h;
    }

    @Test
    void populatingWithNoFrameLeftFailsInTheViewAndInItsSharer() {
        Hypervisor h = full();
        assertThat(h.populate(ViewId.DEFAULT, new GuestPhysicalPage(2))).isFalse();
        assertThat(h.populate(SHARER, new GuestPhysicalPage(2)))
                .as("the source cannot back it")
                .isFalse();
        assertThat(h.populate(SHARER, new GuestPhysicalPage(1)))
                .as("the source has it, the sharer has no frame for its tables")
                .isFalse();
        assertThat(backed(h, SHARER, 1)).isFalse();
        assertThat(h.populate(ViewId.DEFAULT, new GuestPhysicalPage(1))).isTrue();
    }

    @Test
    void rangesAndLargeMappingsWithNoFrameLeftFail() {
        Hypervisor h = full();
        assertThat(h.populateRange(ViewId.DEFAULT, 2, 3)).isFalse();
        assertThat(backed(h, ViewId.DEFAULT, 2)).isFalse();
        assertThat(h.populateRange(SHARER, 0, 2)).isFalse();
        assertThat(h.mapLarge(ViewId.DEFAULT, new GuestPhysicalPage(512), NestedPageTable.LEVEL_2M))
                .isFalse();
        assertThat(h.machine().defaultView().leafSize(new GuestPhysicalPage(512)))
                .isZero();
    }

    @Test
    void aSharerCannotBackPastItsSourcesRam() {
        Hypervisor h = new Hypervisor(new Machine(SHAPE));
        h.machine().addView(SHARER).orElseThrow();
        h.limitGuestRam(ViewId.DEFAULT, 10);
        h.shareFrames(SHARER, ViewId.DEFAULT);
        h.limitGuestRam(SHARER, 20);
        assertThat(h.populate(SHARER, new GuestPhysicalPage(9))).isTrue();
        assertThat(h.populate(SHARER, new GuestPhysicalPage(15))).isFalse();
        assertThat(backed(h, SHARER, 15)).isFalse();
        assertThat(h.populateRange(SHARER, 8, 4)).isFalse();
    }

    @Test
    void splittingBreaksALargeLeafDownToTheFourKibibytePageAndShootsTheViewDown() {
        Hypervisor h = new Hypervisor(new Machine(SHAPE));
        GuestPhysicalPage page = new GuestPhysicalPage(3);
        assertThat(h.splitLargeMapping(ViewId.DEFAULT, page))
                .as("nothing mapped")
                .isFalse();
        assertThat(h.splitLargeMapping(new ViewId("none"), page)).isFalse();
        assertThat(h.mapLarge(ViewId.DEFAULT, new GuestPhysicalPage(0), NestedPageTable.LEVEL_2M))
                .isTrue();
        long frame = h.machine().defaultView().leaf(page).orElseThrow().hostFrame();
        VirtualCpu cpu = h.machine().vcpus().get(0);
        h.machine()
                .tlb(cpu)
                .fill(ViewId.DEFAULT, 0, 0x3000, new Tlb.Entry(3, frame, PagePermissions.ALL, NestedPermissions.RWX));

        assertThat(h.splitLargeMapping(ViewId.DEFAULT, page)).isTrue();
        assertThat(h.machine().defaultView().leafSize(page)).isEqualTo(4096);
        assertThat(h.machine().defaultView().leaf(page)).contains(new NestedEntry(frame, NestedPermissions.RWX));
        assertThat(h.machine().tlb(cpu).size()).isZero();

        h.machine()
                .tlb(cpu)
                .fill(ViewId.DEFAULT, 0, 0x3000, new Tlb.Entry(3, frame, PagePermissions.ALL, NestedPermissions.RWX));
        assertThat(h.splitLargeMapping(ViewId.DEFAULT, page))
                .as("already 4 KiB")
                .isTrue();
        assertThat(h.machine().tlb(cpu).size())
                .as("nothing split, nothing shot down")
                .isEqualTo(1);
    }

    @Test
    void splittingWithNoFrameForTheNewTableFails() {
        Hypervisor h = new Hypervisor(new Machine(SHAPE, 2048));
        assertThat(h.mapLarge(ViewId.DEFAULT, new GuestPhysicalPage(0), NestedPageTable.LEVEL_2M))
                .isTrue();
        while (h.machine().memory().allocateFrame().isPresent()) {}
        assertThat(h.splitLargeMapping(ViewId.DEFAULT, new GuestPhysicalPage(3)))
                .isFalse();
        assertThat(h.machine().defaultView().leafSize(new GuestPhysicalPage(3))).isEqualTo(2L << 20);
    }
}
