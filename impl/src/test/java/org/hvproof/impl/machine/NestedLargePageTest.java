package org.hvproof.impl.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.hvproof.model.common.AccessKind;
import org.hvproof.model.common.GuestPhysicalPage;
import org.junit.jupiter.api.Test;

/** Large leaves in the nested page table: 2 MiB and 1 GiB pages, their reserved bits, splitting, accessed/dirty. */
class NestedLargePageTest {
    private static final long TWO_MIB_PAGES = 512;
    private static final long ONE_GIB_PAGES = 512 * 512;

    private final HostMemory memory = new HostMemory(1L << 30);
    private final NestedPageTable npt =
            NestedPageTable.create(memory, ViewId.DEFAULT).orElseThrow();

    private long frames(long count) {
        return memory.allocateAlignedFrames(count).orElseThrow();
    }

    /** The host address of the entry at {@code level} on the walk for {@code gpa} (the levels above must be tables). */
    private long entryAddress(long gpa, int level) {
        long table = npt.rootFrame();
        for (int l = 4; l > level; l--) {
            long entry = memory.readLong((table << 12) + 8 * ((gpa >>> (12 + 9 * (l - 1))) & 511));
            table = (entry & NestedPageTable.ADDRESS_MASK) >>> 12;
        }
        return (table << 12) + 8 * ((gpa >>> (12 + 9 * (level - 1))) & 511);
    }

    @Test
    void aLargeLeafAtLevelTwoMapsTwoMebibytesKeepingTheOffset() {
        long host = frames(TWO_MIB_PAGES);
        assertThat(npt.mapLarge(new GuestPhysicalPage(512), host, 2, NestedPermissions.RWX))
                .isTrue();
        assertThat(npt.translate(0x20_0000L + 0x1_2345, AccessKind.WRITE))
                .isEqualTo(new NestedWalk.Translated((host << 12) + 0x1_2345, 21));
        assertThat(npt.leaf(new GuestPhysicalPage(512 + 0x12)))
                .contains(new NestedEntry(host + 0x12, NestedPermissions.RWX));
        assertThat(npt.leafSize(new GuestPhysicalPage(700))).isEqualTo(2L << 20);
        assertThat(npt.translate(0x40_0000L, AccessKind.READ))
                .isEqualTo(new NestedWalk.Violation(NestedViolationCause.NOT_PRESENT));
    }

    @Test
    void aLargeLeafAtLevelThreeMapsOneGibibyte() {
        long host = frames(ONE_GIB_PAGES);
        assertThat(npt.mapLarge(new GuestPhysicalPage(0), host, 3, NestedPermissions.RX))
                .isTrue();
        assertThat(npt.translate(0x3fff_f123L, AccessKind.READ))
                .isEqualTo(new NestedWalk.Translated((host << 12) + 0x3fff_f123L, 30));
        assertThat(npt.translate(0x1234_5678L, AccessKind.WRITE))
                .isEqualTo(new NestedWalk.Violation(NestedViolationCause.PERMISSION));
    }

    @Test
    void aLargeLeafWithReservedAddressBitsSetIsAMisconfiguration() {
        long host = frames(TWO_MIB_PAGES);
        npt.mapLarge(new GuestPhysicalPage(0), host, 2, NestedPermissions.RWX);
        long at = entryAddress(0, 2);
        memory.writeLong(at, memory.readLong(at) | (1L << 12));
        assertThat(npt.translate(0x1000, AccessKind.READ))
                .isEqualTo(new NestedWalk.Violation(NestedViolationCause.MISCONFIGURATION));
        assertThat(npt.leaf(new GuestPhysicalPage(1))).isEmpty();
        List<GuestPhysicalPage> seen = new ArrayList<>();
        npt.forEachLeaf((p, e) -> seen.add(p));
        assertThat(seen).isEmpty();
    }

    @Test
    void aPageSizeBitAtLevelFourIsAMisconfiguration() {
        npt.map(new GuestPhysicalPage(3), memory.allocateFrame().orElseThrow(), NestedPermissions.RWX);
        long at = entryAddress(0x3000, 4);
        memory.writeLong(at, memory.readLong(at) | NestedPageTable.PAGE_SIZE);
        assertThat(npt.translate(0x3000, AccessKind.READ))
                .isEqualTo(new NestedWalk.Violation(NestedViolationCause.MISCONFIGURATION));
    }

    @Test
    void mapLargeRefusesUnalignedRangesAndRangesAlreadyMapped() {
        long host = frames(TWO_MIB_PAGES);
        assertThat(npt.mapLarge(new GuestPhysicalPage(1), host, 2, NestedPermissions.RWX))
                .isFalse();
        assertThat(npt.mapLarge(new GuestPhysicalPage(0), host + 1, 2, NestedPermissions.RWX))
                .isFalse();
        assertThat(npt.mapLarge(new GuestPhysicalPage(0), host, 4, NestedPermissions.RWX))
                .isFalse();
        npt.map(new GuestPhysicalPage(7), memory.allocateFrame().orElseThrow(), NestedPermissions.RWX);
        assertThat(npt.mapLarge(new GuestPhysicalPage(0), host, 2, NestedPermissions.RWX))
                .isFalse();
        assertThat(npt.mapLarge(new GuestPhysicalPage(512), host, 2, NestedPermissions.RWX))
                .isTrue();
        assertThat(npt.map(new GuestPhysicalPage(600), memory.allocateFrame().orElseThrow(), NestedPermissions.RWX))
                .isFalse();
    }

    @Test
    void splittingATwoMebibyteLeafKeepsEveryFrameAndRight() {
        long host = frames(TWO_MIB_PAGES);
        npt.mapLarge(new GuestPhysicalPage(512), host, 2, NestedPermissions.RX);
        assertThat(npt.split(new GuestPhysicalPage(700))).isTrue();
        for (long p = 512; p < 1024; p++) {
            GuestPhysicalPage page = new GuestPhysicalPage(p);
            assertThat(npt.leafSize(page)).isEqualTo(4096);
            assertThat(npt.leaf(page)).contains(new NestedEntry(host + p - 512, NestedPermissions.RX));
        }
        assertThat(npt.translate((700L << 12) + 5, AccessKind.READ))
                .isEqualTo(new NestedWalk.Translated(((host + 188) << 12) + 5, 12));
        assertThat(npt.split(new GuestPhysicalPage(700))).isFalse();
    }

    @Test
    void splittingAOneGibibyteLeafGivesTwoMebibyteLeaves() {
        long host = frames(ONE_GIB_PAGES);
        npt.mapLarge(new GuestPhysicalPage(0), host, 3, NestedPermissions.RWX);
        assertThat(npt.split(new GuestPhysicalPage(1000))).isTrue();
        assertThat(npt.leafSize(new GuestPhysicalPage(1000))).isEqualTo(2L << 20);
        assertThat(npt.translate(0x3fff_f123L, AccessKind.WRITE))
                .isEqualTo(new NestedWalk.Translated((host << 12) + 0x3fff_f123L, 21));
    }

    @Test
    void thePermissionsOfAPageUnderALargeLeafCannotChangeAlone() {
        long host = frames(TWO_MIB_PAGES);
        npt.mapLarge(new GuestPhysicalPage(0), host, 2, NestedPermissions.RWX);
        assertThat(npt.setPermissions(new GuestPhysicalPage(5), NestedPermissions.RX))
                .isFalse();
        assertThat(npt.effectiveRights(0x5000)).contains(NestedPermissions.RWX);
        npt.split(new GuestPhysicalPage(5));
        assertThat(npt.setPermissions(new GuestPhysicalPage(5), NestedPermissions.RX))
                .isTrue();
        assertThat(npt.effectiveRights(0x5000)).contains(NestedPermissions.RX);
        assertThat(npt.effectiveRights(0x6000)).contains(NestedPermissions.RWX);
    }

    @Test
    void everyLeafListsTheFourKibibytePagesOfALargeLeafInOrder() {
        long host = frames(TWO_MIB_PAGES);
        long small = memory.allocateFrame().orElseThrow();
        npt.map(new GuestPhysicalPage(3), small, NestedPermissions.RWX);
        npt.mapLarge(new GuestPhysicalPage(512), host, 2, NestedPermissions.RX);
        List<GuestPhysicalPage> pages = new ArrayList<>();
        List<NestedEntry> entries = new ArrayList<>();
        npt.forEachLeaf((p, e) -> {
            pages.add(p);
            entries.add(e);
        });
        assertThat(pages).hasSize(513);
        assertThat(pages.get(0)).isEqualTo(new GuestPhysicalPage(3));
        assertThat(pages.get(1)).isEqualTo(new GuestPhysicalPage(512));
        assertThat(entries.get(512)).isEqualTo(new NestedEntry(host + 511, NestedPermissions.RX));
        long version = npt.version();
        npt.forEachLeaf((p, e) -> {});
        assertThat(npt.version()).isEqualTo(version);
    }

    @Test
    void nestedAccessedAndDirtyBitsAreSetByWalksOnlyWhenTheFlagIsOn() {
        long host = frames(TWO_MIB_PAGES);
        npt.mapLarge(new GuestPhysicalPage(0), host, 2, NestedPermissions.RWX);
        long leaf = entryAddress(0, 2);
        long top = entryAddress(0, 4);
        npt.translate(0x5000, AccessKind.WRITE);
        assertThat(memory.readLong(leaf) & (NestedPageTable.ACCESSED | NestedPageTable.DIRTY))
                .isZero();
        npt.setAccessedDirty(true);
        npt.translate(0x5000, AccessKind.READ);
        assertThat(memory.readLong(top) & NestedPageTable.ACCESSED).isNotZero();
        assertThat(memory.readLong(leaf) & NestedPageTable.ACCESSED).isNotZero();
        assertThat(memory.readLong(leaf) & NestedPageTable.DIRTY).isZero();
        npt.translate(0x5000, AccessKind.WRITE);
        assertThat(memory.readLong(leaf) & NestedPageTable.DIRTY).isNotZero();
        assertThat(memory.readLong(top) & NestedPageTable.DIRTY).isZero();
        assertThat(npt.translate(0x5008, AccessKind.WRITE))
                .isEqualTo(new NestedWalk.Translated((host << 12) + 0x5008, 21));
    }

    /**
     * forEachLeafFrame hands over exactly what forEachLeaf does, as primitives: 4 KiB leaves (one
     * read-only), a 2 MiB leaf, a 1 GiB leaf, a split large leaf with one page narrowed, and a
     * misconfigured large entry (which maps nothing).
     */
    @Test
    void leafFramesAreTheLeavesAsPrimitives() {
        long small = memory.allocateFrame().orElseThrow();
        assertThat(npt.map(new GuestPhysicalPage(3), small, NestedPermissions.RWX))
                .isTrue();
        long other = memory.allocateFrame().orElseThrow();
        assertThat(npt.map(new GuestPhysicalPage(9), other, NestedPermissions.RX))
                .isTrue();
        assertThat(npt.mapLarge(new GuestPhysicalPage(1024), frames(TWO_MIB_PAGES), 2, NestedPermissions.RWX))
                .isTrue();
        assertThat(npt.mapLarge(new GuestPhysicalPage(2048), frames(TWO_MIB_PAGES), 2, NestedPermissions.RX))
                .isTrue();
        assertThat(npt.split(new GuestPhysicalPage(1024))).isTrue();
        assertThat(npt.setPermissions(new GuestPhysicalPage(1030), NestedPermissions.RX))
                .isTrue();
        assertThat(npt.mapLarge(new GuestPhysicalPage(ONE_GIB_PAGES), frames(ONE_GIB_PAGES), 3, NestedPermissions.RWX))
                .isTrue();
        long bad = entryAddress(0x60_0000L, 2);
        memory.writeLong(bad, (frames(TWO_MIB_PAGES) << 12) | (1L << 12) | NestedPageTable.PAGE_SIZE | 7);

        List<String> leaves = new ArrayList<>();
        npt.forEachLeaf((page, e) -> leaves.add(
                page.number() + ">" + e.hostFrame() + (e.permissions().write() ? "w" : "")));
        List<String> frames = new ArrayList<>();
        npt.forEachLeafFrame((page, frame, writable) -> frames.add(page + ">" + frame + (writable ? "w" : "")));

        assertThat(frames).isEqualTo(leaves);
        assertThat(frames).hasSize(2 + 512 + 512 + (int) ONE_GIB_PAGES);
        assertThat(frames).contains("3>" + small + "w", "9>" + other);
    }

    /**
     * version() is kept between calls while host memory was not written; a write straight into a
     * table's frame, a data write elsewhere and a table linked in each get the right answer next.
     */
    @Test
    void theVersionMovesWithEveryTableWriteAndOnlyThen() {
        long frame = memory.allocateFrame().orElseThrow();
        assertThat(npt.map(new GuestPhysicalPage(5), frame, NestedPermissions.RWX))
                .isTrue();
        long v = npt.version();
        assertThat(npt.version()).isEqualTo(v);

        memory.write(frame << 12, new byte[] {1}, 0, 1);
        assertThat(npt.version()).isEqualTo(v);

        long leaf = entryAddress(5L << 12, 1);
        memory.writeLong(leaf, memory.readLong(leaf) & ~NestedPageTable.WRITE);
        long narrowed = npt.version();
        assertThat(narrowed).isGreaterThan(v);

        assertThat(npt.mapLarge(new GuestPhysicalPage(1024), frames(TWO_MIB_PAGES), 2, NestedPermissions.RWX))
                .isTrue();
        assertThat(npt.version()).isGreaterThan(narrowed);
    }
}
