package org.hvproof.impl.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.MachineShape;
import org.junit.jupiter.api.Test;

/** {@link Hypervisor#populateRange} backs a range as {@link Hypervisor#populate} page by page would: same frames, same tables. */
class PopulateRangeTest {
    private static final long PAGES = 1400;
    private static final long[] BACKED_BEFORE = {3, 700, 1100, 1399};

    private static Hypervisor booted() {
        Hypervisor h = new Hypervisor(new Machine(new MachineShape(1, PAGES, PAGES - 100, 100)));
        for (long page : BACKED_BEFORE) {
            assertThat(h.populate(ViewId.DEFAULT, new GuestPhysicalPage(page))).isTrue();
        }
        return h;
    }

    @Test
    void aRangeGetsTheFramesAndTablesOfPageByPagePopulation() {
        Hypervisor byPage = booted();
        Hypervisor byRange = booted();
        for (long page = 0; page < PAGES; page++) {
            assertThat(byPage.populate(ViewId.DEFAULT, new GuestPhysicalPage(page)))
                    .isTrue();
        }
        assertThat(byRange.populateRange(ViewId.DEFAULT, 0, PAGES)).isTrue();

        assertThat(leaves(byRange)).hasSize((int) PAGES).isEqualTo(leaves(byPage));
        HostMemory a = byPage.machine().memory();
        HostMemory b = byRange.machine().memory();
        assertThat(b.allocatedFrames()).isEqualTo(a.allocatedFrames());
        for (long frame = 1; frame <= a.allocatedFrames(); frame++) {
            assertThat(b.frameContents(frame)).as("frame %d", frame).isEqualTo(a.frameContents(frame));
        }
    }

    @Test
    void aRangeInsideOneTableLeavesTheRestUnbacked() {
        Hypervisor h = booted();
        assertThat(h.populateRange(ViewId.DEFAULT, 510, 4)).isTrue();
        assertThat(leaves(h).stream().map(l -> l.page().number()).toList())
                .containsExactly(3L, 510L, 511L, 512L, 513L, 700L, 1100L, 1399L);
    }

    @Test
    void pagesALargeLeafMapsAreLeftToItAndTheRestAreBacked() {
        Hypervisor h = new Hypervisor(new Machine(new MachineShape(1, PAGES, PAGES - 100, 100)));
        assertThat(h.mapLarge(ViewId.DEFAULT, new GuestPhysicalPage(0), NestedPageTable.LEVEL_2M))
                .isTrue();
        NestedPageTable npt = h.machine().view(ViewId.DEFAULT).orElseThrow();
        long frameOfPage5 = npt.leaf(new GuestPhysicalPage(5)).orElseThrow().hostFrame();

        assertThat(h.populateRange(ViewId.DEFAULT, 0, 600)).isTrue();

        assertThat(npt.leafSize(new GuestPhysicalPage(5))).isEqualTo(2L << 20);
        assertThat(npt.leaf(new GuestPhysicalPage(5)).orElseThrow().hostFrame()).isEqualTo(frameOfPage5);
        assertThat(npt.leafSize(new GuestPhysicalPage(512))).isEqualTo(HostMemory.FRAME_SIZE);
        assertThat(npt.leafSize(new GuestPhysicalPage(599))).isEqualTo(HostMemory.FRAME_SIZE);
        assertThat(npt.leafSize(new GuestPhysicalPage(600))).isZero();
    }

    @Test
    void aRangeBeyondGuestRamIsRefusedAndBacksNothing() {
        Hypervisor h = booted();
        long frames = h.machine().memory().allocatedFrames();
        assertThat(h.populateRange(ViewId.DEFAULT, PAGES - 1, 2)).isFalse();
        assertThat(h.populateRange(ViewId.DEFAULT, -1, 2)).isFalse();
        assertThat(h.populateRange(new ViewId("none"), 0, 1)).isFalse();
        assertThat(h.machine().memory().allocatedFrames()).isEqualTo(frames);
    }

    @Test
    void aViewSharingFramesBacksItsSourceToo() {
        Hypervisor h = booted();
        ViewId second = new ViewId("second");
        h.machine().addView(second);
        h.shareFrames(second, ViewId.DEFAULT);
        assertThat(h.populateRange(second, 0, PAGES)).isTrue();
        NestedPageTable source = h.machine().defaultView();
        NestedPageTable shared = h.machine().view(second).orElseThrow();
        for (long page = 0; page < PAGES; page++) {
            GuestPhysicalPage p = new GuestPhysicalPage(page);
            assertThat(shared.leaf(p)).isPresent().isEqualTo(source.leaf(p));
        }
    }

    private record Leaf(GuestPhysicalPage page, NestedEntry entry) {}

    private static List<Leaf> leaves(Hypervisor h) {
        List<Leaf> out = new ArrayList<>();
        h.machine().defaultView().forEachLeaf((page, entry) -> out.add(new Leaf(page, entry)));
        return out;
    }
}
