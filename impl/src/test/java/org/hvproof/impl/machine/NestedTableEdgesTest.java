package org.hvproof.impl.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.hvproof.model.common.AccessKind;
import org.hvproof.model.common.GuestPhysicalPage;
import org.junit.jupiter.api.Test;

/**
 * The nested page table at its edges: the last guest-physical address of its 48-bit width and the
 * first one past it (whose low 48 bits are address 0, so a walk that did not stop there would land
 * on page 0), a 1 GiB leaf's alignment, bulk population running out of host memory, and the raw
 * entries a split and the leaf-table listing hand out.
 */
class NestedTableEdgesTest {
    /** The first page number past the table's 48-bit width. */
    private static final long BEYOND = 1L << 36;

    private final HostMemory memory = new HostMemory(1L << 30);
    private final NestedPageTable npt =
            NestedPageTable.create(memory, ViewId.DEFAULT).orElseThrow();

    private long frame() {
        return memory.allocateFrame().orElseThrow();
    }

    private List<String> leaves(NestedPageTable table) {
        List<String> out = new ArrayList<>();
        table.forEachLeaf((page, e) -> out.add(page.number() + ">" + e.hostFrame()));
        return out;
    }

    @Test
    void pageZeroIsAnOrdinaryPageAndTheAddressPastTheWidthDoesNotWrapOntoIt() {
        long f = frame();
        GuestPhysicalPage zero = new GuestPhysicalPage(0);
        GuestPhysicalPage beyond = new GuestPhysicalPage(BEYOND);
        assertThat(npt.view()).isEqualTo(ViewId.DEFAULT);
        assertThat(npt.map(zero, f, NestedPermissions.RWX)).isTrue();

        assertThat(npt.translate(0, AccessKind.READ)).isEqualTo(new NestedWalk.Translated(f << 12));
        assertThat(npt.effectiveRights(0)).contains(NestedPermissions.RWX);
        assertThat(npt.leaf(zero)).contains(new NestedEntry(f, NestedPermissions.RWX));

        assertThat(npt.translate(BEYOND << 12, AccessKind.READ))
                .isEqualTo(new NestedWalk.Violation(NestedViolationCause.NOT_PRESENT));
        assertThat(npt.translate(-1, AccessKind.READ))
                .isEqualTo(new NestedWalk.Violation(NestedViolationCause.NOT_PRESENT));
        assertThat(npt.effectiveRights(BEYOND << 12)).isEmpty();
        assertThat(npt.effectiveRights(-4096)).isEmpty();
        assertThat(npt.rawLeaf(beyond)).isEmpty();
        assertThat(npt.leafSize(beyond)).isZero();
        assertThat(npt.leaf(beyond)).isEmpty();
        assertThat(npt.setPermissions(beyond, NestedPermissions.RX)).isFalse();
        assertThat(npt.leaf(zero)).contains(new NestedEntry(f, NestedPermissions.RWX));
    }

    @Test
    void aLargeLeafAtPageZeroIsNotFoundFromPastTheWidth() {
        long host = memory.allocateAlignedFrames(512).orElseThrow();
        assertThat(npt.mapLarge(new GuestPhysicalPage(0), host, 2, NestedPermissions.RWX))
                .isTrue();
        assertThat(npt.largeLeaf(new GuestPhysicalPage(0))).isPresent();
        assertThat(npt.largeLeaf(new GuestPhysicalPage(BEYOND))).isEmpty();
        assertThat(npt.leafSize(new GuestPhysicalPage(BEYOND))).isZero();
        assertThat(npt.split(new GuestPhysicalPage(BEYOND))).isFalse();
    }

    @Test
    void mappingPastTheWidthChangesNothingAtPageZero() {
        long host = memory.allocateAlignedFrames(512).orElseThrow();
        assertThat(npt.mapLarge(new GuestPhysicalPage(BEYOND), host, 2, NestedPermissions.RWX))
                .isFalse();
        assertThat(npt.leafSize(new GuestPhysicalPage(0))).isZero();

        // With page 0's last-level table in place, a bulk fill past the width must not write into it.
        assertThat(npt.map(new GuestPhysicalPage(1), frame(), NestedPermissions.RWX))
                .isTrue();
        assertThat(npt.mapAbsent(BEYOND, 1)).isFalse();
        assertThat(npt.mapAbsent(BEYOND - 1, 2)).isFalse();
        assertThat(npt.leaf(new GuestPhysicalPage(0))).isEmpty();
        assertThat(npt.leaf(new GuestPhysicalPage(BEYOND - 1))).isPresent();
    }

    @Test
    void aOneGibibyteLeafNeedsBothAddressesAlignedToAGibibyte() {
        long host = memory.allocateAlignedFrames(512 * 512).orElseThrow();
        assertThat(npt.mapLarge(new GuestPhysicalPage(512), host, 3, NestedPermissions.RWX))
                .as("guest range aligned to 2 MiB only")
                .isFalse();
        assertThat(npt.mapLarge(new GuestPhysicalPage(0), host + 512, 3, NestedPermissions.RWX))
                .as("host frames aligned to 2 MiB only")
                .isFalse();
        assertThat(npt.leafSize(new GuestPhysicalPage(512))).isZero();
        assertThat(npt.mapLarge(new GuestPhysicalPage(0), host, 3, NestedPermissions.RWX))
                .isTrue();
        assertThat(npt.leafSize(new GuestPhysicalPage(512))).isEqualTo(1L << 30);
    }

    /** mapAbsent from page 0 and from the middle of a block gives the frames map() page by page would. */
    @Test
    void bulkPopulationMapsExactlyTheAbsentPagesAsPageByPageMappingWould() {
        assertThat(npt.mapAbsent(0, 3)).isTrue();
        assertThat(npt.mapAbsent(5, 3)).isTrue();

        HostMemory otherMemory = new HostMemory(1L << 30);
        NestedPageTable byPage =
                NestedPageTable.create(otherMemory, ViewId.DEFAULT).orElseThrow();
        for (long p : new long[] {0, 1, 2, 5, 6, 7}) {
            long f = otherMemory.allocateFrame().orElseThrow();
            assertThat(byPage.map(new GuestPhysicalPage(p), f, NestedPermissions.RWX))
                    .isTrue();
        }
        assertThat(leaves(npt)).isEqualTo(leaves(byPage)).hasSize(6);
        assertThat(memory.allocatedFrames()).isEqualTo(otherMemory.allocatedFrames());
    }

    @Test
    void bulkPopulationRunningOutOfHostMemoryKeepsThePagesMappedBeforeIt() {
        // Frames 1..7: the root, then page 0's frame and its three tables, then two more pages.
        HostMemory tiny = new HostMemory(8);
        NestedPageTable small = NestedPageTable.create(tiny, ViewId.DEFAULT).orElseThrow();
        assertThat(small.mapAbsent(0, 10)).isFalse();
        assertThat(leaves(small)).hasSize(3);
        assertThat(small.leaf(new GuestPhysicalPage(2))).isPresent();
        assertThat(small.leaf(new GuestPhysicalPage(3))).isEmpty();
    }

    @Test
    void bulkPopulationWithNoFrameForTheFirstPageOfABlockFails() {
        HostMemory justTheRoot = new HostMemory(2);
        NestedPageTable bare =
                NestedPageTable.create(justTheRoot, ViewId.DEFAULT).orElseThrow();
        assertThat(bare.mapAbsent(0, 1)).isFalse();
        HostMemory noTables = new HostMemory(4);
        NestedPageTable shallow =
                NestedPageTable.create(noTables, ViewId.DEFAULT).orElseThrow();
        assertThat(shallow.mapAbsent(0, 1)).isFalse();
        assertThat(leaves(shallow)).isEmpty();
    }

    @Test
    void mapLargeAndSplitFailWhenHostMemoryHasNoFrameForATable() {
        HostMemory tight = new HostMemory(2048);
        NestedPageTable table = NestedPageTable.create(tight, ViewId.DEFAULT).orElseThrow();
        long host = tight.allocateAlignedFrames(512).orElseThrow();
        // Use up the frames left, so neither the tables above a leaf nor a split's table can be had.
        while (tight.allocateFrame().isPresent()) {}
        assertThat(table.mapLarge(new GuestPhysicalPage(0), host, 2, NestedPermissions.RWX))
                .isFalse();
        assertThat(table.leafSize(new GuestPhysicalPage(0))).isZero();

        HostMemory roomy = new HostMemory(2048);
        NestedPageTable other = NestedPageTable.create(roomy, ViewId.DEFAULT).orElseThrow();
        long large = roomy.allocateAlignedFrames(512).orElseThrow();
        assertThat(other.mapLarge(new GuestPhysicalPage(0), large, 2, NestedPermissions.RWX))
                .isTrue();
        while (roomy.allocateFrame().isPresent()) {}
        assertThat(other.split(new GuestPhysicalPage(3))).isFalse();
        assertThat(other.leafSize(new GuestPhysicalPage(3))).isEqualTo(2L << 20);
    }

    @Test
    void aLargeLeafRefusesAnotherLargeLeafInsideItsRange() {
        long gib = memory.allocateAlignedFrames(512 * 512).orElseThrow();
        assertThat(npt.mapLarge(new GuestPhysicalPage(0), gib, 3, NestedPermissions.RWX))
                .isTrue();
        long mib = memory.allocateAlignedFrames(512).orElseThrow();
        assertThat(npt.mapLarge(new GuestPhysicalPage(512), mib, 2, NestedPermissions.RWX))
                .isFalse();
        assertThat(npt.leafSize(new GuestPhysicalPage(512))).isEqualTo(1L << 30);
    }

    /** A 2 MiB leaf split into 4 KiB leaves: each raw entry is the frame and the rights, no page-size bit. */
    @Test
    void splittingATwoMebibyteLeafWritesPlainFourKibibyteEntries() {
        long host = memory.allocateAlignedFrames(512).orElseThrow();
        npt.mapLarge(new GuestPhysicalPage(512), host, 2, NestedPermissions.RX);
        assertThat(npt.split(new GuestPhysicalPage(512))).isTrue();
        for (long k : new long[] {0, 1, 511}) {
            assertThat(npt.rawLeaf(new GuestPhysicalPage(512 + k)))
                    .hasValue(((host + k) << 12) | NestedPageTable.READ | NestedPageTable.EXECUTE);
        }
    }

    /**
     * forEachLeafTable hands over every last-level table once, in guest-physical order, with the
     * first page it maps, and skips large leaves; its entries read with the raw-entry helpers are
     * the table's leaves.
     */
    @Test
    void leafTablesAreListedInOrderAndTheirRawEntriesAreTheLeaves() {
        long low = frame();
        long high = frame();
        npt.map(new GuestPhysicalPage(1L << 30), high, NestedPermissions.RX);
        npt.map(new GuestPhysicalPage(3), low, NestedPermissions.RWX);
        npt.mapLarge(
                new GuestPhysicalPage(1024), memory.allocateAlignedFrames(512).orElseThrow(), 2, NestedPermissions.RWX);

        List<Long> firstPages = new ArrayList<>();
        List<long[]> tables = new ArrayList<>();
        npt.forEachLeafTable((firstPage, tableFrame) -> {
            firstPages.add(firstPage);
            long[] entries = new long[512];
            memory.readLongs(tableFrame, entries);
            tables.add(entries);
        });

        assertThat(firstPages).containsExactly(0L, 1L << 30);
        long[] first = tables.get(0);
        assertThat(NestedPageTable.entryPresent(first[3])).isTrue();
        assertThat(NestedPageTable.entryFrame(first[3])).isEqualTo(low);
        assertThat(NestedPageTable.entryWritable(first[3])).isTrue();
        assertThat(NestedPageTable.entryPresent(first[4])).isFalse();
        long[] second = tables.get(1);
        assertThat(NestedPageTable.entryPresent(second[0])).isTrue();
        assertThat(NestedPageTable.entryFrame(second[0])).isEqualTo(high);
        assertThat(NestedPageTable.entryWritable(second[0])).isFalse();
        assertThat(NestedPageTable.entryPresent(NestedPageTable.EXECUTE)).isTrue();
    }
}
