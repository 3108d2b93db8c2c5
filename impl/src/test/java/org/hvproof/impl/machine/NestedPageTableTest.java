package org.hvproof.impl.machine;

import static org.assertj.core.api.Assertions.assertThat;

import org.hvproof.model.common.AccessKind;
import org.hvproof.model.common.GuestPhysicalPage;
import org.junit.jupiter.api.Test;

class NestedPageTableTest {
    private final HostMemory memory = new HostMemory(1L << 30);
    private final NestedPageTable npt =
            NestedPageTable.create(memory, ViewId.DEFAULT).orElseThrow();

    @Test
    void unmappedAddressIsNotPresent() {
        assertThat(npt.translate(0x5000, AccessKind.READ))
                .isEqualTo(new NestedWalk.Violation(NestedViolationCause.NOT_PRESENT));
    }

    @Test
    void mappedPageTranslatesKeepingTheOffset() {
        long frame = memory.allocateFrame().orElseThrow();
        npt.map(new GuestPhysicalPage(5), frame, NestedPermissions.RWX);
        assertThat(npt.translate(0x5abc, AccessKind.WRITE)).isEqualTo(new NestedWalk.Translated((frame << 12) | 0xabc));
    }

    @Test
    void eachRightIsCheckedAgainstItsAccess() {
        long frame = memory.allocateFrame().orElseThrow();
        GuestPhysicalPage page = new GuestPhysicalPage(9);
        npt.map(page, frame, new NestedPermissions(true, false, false));
        assertThat(npt.translate(page.base(), AccessKind.READ)).isInstanceOf(NestedWalk.Translated.class);
        assertThat(npt.translate(page.base(), AccessKind.WRITE))
                .isEqualTo(new NestedWalk.Violation(NestedViolationCause.PERMISSION));
        assertThat(npt.translate(page.base(), AccessKind.EXECUTE))
                .isEqualTo(new NestedWalk.Violation(NestedViolationCause.PERMISSION));
        npt.setPermissions(page, new NestedPermissions(false, false, true));
        assertThat(npt.translate(page.base(), AccessKind.EXECUTE)).isInstanceOf(NestedWalk.Translated.class);
        assertThat(npt.translate(page.base(), AccessKind.READ))
                .isEqualTo(new NestedWalk.Violation(NestedViolationCause.PERMISSION));
    }

    @Test
    void settingRightsKeepsTheFrame() {
        long frame = memory.allocateFrame().orElseThrow();
        GuestPhysicalPage page = new GuestPhysicalPage(1L << 28);
        npt.map(page, frame, NestedPermissions.RWX);
        npt.setPermissions(page, NestedPermissions.RX);
        assertThat(npt.leaf(page)).contains(new NestedEntry(frame, NestedPermissions.RX));
    }

    @Test
    void addressesBeyondFortyEightBitsAreNotPresent() {
        assertThat(npt.translate(1L << 48, AccessKind.READ))
                .isEqualTo(new NestedWalk.Violation(NestedViolationCause.NOT_PRESENT));
        assertThat(npt.map(
                        new GuestPhysicalPage(1L << 36), memory.allocateFrame().orElseThrow(), NestedPermissions.RWX))
                .isFalse();
    }

    @Test
    void mappingFailsCleanlyWhenHostMemoryRunsOut() {
        HostMemory tiny = new HostMemory(3);
        NestedPageTable small = NestedPageTable.create(tiny, ViewId.DEFAULT).orElseThrow();
        long frame = tiny.allocateFrame().orElseThrow();
        assertThat(small.map(new GuestPhysicalPage(1), frame, NestedPermissions.RWX))
                .isFalse();
        assertThat(small.translate(0x1000, AccessKind.READ))
                .isEqualTo(new NestedWalk.Violation(NestedViolationCause.NOT_PRESENT));
    }

    @Test
    void forEachLeafVisitsInGuestPhysicalOrder() {
        long a = memory.allocateFrame().orElseThrow();
        long b = memory.allocateFrame().orElseThrow();
        npt.map(new GuestPhysicalPage(1L << 30), a, NestedPermissions.RWX);
        npt.map(new GuestPhysicalPage(3), b, NestedPermissions.RX);
        java.util.List<GuestPhysicalPage> seen = new java.util.ArrayList<>();
        npt.forEachLeaf((page, entry) -> seen.add(page));
        assertThat(seen).containsExactly(new GuestPhysicalPage(3), new GuestPhysicalPage(1L << 30));
    }

    /**
     * A table frame rewritten behind the table's API is decoded again: the leaf whose raw entry
     * changed shows its new frame and rights, its neighbours in the same table are unchanged. A
     * decoding that kept the old entry objects by anything but the raw value would fail this.
     */
    @Test
    void forEachLeafSeesALeafRewrittenStraightInHostMemory() {
        long a = memory.allocateFrame().orElseThrow();
        long b = memory.allocateFrame().orElseThrow();
        long c = memory.allocateFrame().orElseThrow();
        GuestPhysicalPage p = new GuestPhysicalPage(3);
        GuestPhysicalPage q = new GuestPhysicalPage(4);
        npt.map(p, a, NestedPermissions.RWX);
        npt.map(q, b, NestedPermissions.RWX);
        java.util.Map<GuestPhysicalPage, NestedEntry> first = new java.util.TreeMap<>();
        npt.forEachLeaf(first::put);

        long at = leafAddress(q);
        memory.writeLong(at, (c << 12) | NestedPageTable.READ);
        java.util.Map<GuestPhysicalPage, NestedEntry> second = new java.util.TreeMap<>();
        npt.forEachLeaf(second::put);

        assertThat(second.get(p)).isEqualTo(first.get(p));
        assertThat(second.get(q)).isEqualTo(new NestedEntry(c, new NestedPermissions(true, false, false)));
        assertThat(npt.leaf(q)).contains(second.get(q));
    }

    /** The host address of {@code page}'s leaf entry, walked by hand from the root. */
    private long leafAddress(GuestPhysicalPage page) {
        long table = npt.rootFrame();
        for (int level = 4; level > 1; level--) {
            long index = (page.base() >>> (12 + 9 * (level - 1))) & 511;
            table = (memory.readLong((table << 12) + 8 * index) & NestedPageTable.ADDRESS_MASK) >>> 12;
        }
        return (table << 12) + 8 * ((page.base() >>> 12) & 511);
    }
}
