package org.hvproof.impl.machine;

import static org.assertj.core.api.Assertions.assertThat;

import org.hvproof.model.common.AccessKind;
import org.hvproof.model.common.PagePermissions;
import org.hvproof.model.common.Privilege;
import org.junit.jupiter.api.Test;

/**
 * The translation cache on its own: which cached entry serves which access, what each
 * invalidation drops, and that a 2 MiB entry stays in use beside 4 KiB entries coming and going
 * (dropped as stale, by INVLPG), as the hits and misses show.
 */
class TlbEntriesTest {
    private static final ViewId OTHER = new ViewId("other");
    private static final long ROOT = 0x1000;
    /** A 2 MiB-aligned address the large entry covers. */
    private static final long LARGE_VA = 0x4000_0000L;

    private static final long SMALL_VA = 0x8000_0000L;

    private final Tlb tlb = new Tlb();

    private static Tlb.Entry large(boolean writable) {
        return new Tlb.Entry(
                0x200, 0x9000, new PagePermissions(writable, false, true), NestedPermissions.RWX, 21, true);
    }

    private static Tlb.Entry small(PagePermissions guest) {
        return new Tlb.Entry(0x33, 0x7777, guest, NestedPermissions.RWX);
    }

    private Tlb.Entry read(ViewId view, long va) {
        return tlb.lookup(view, ROOT, va, AccessKind.READ, Privilege.KERNEL);
    }

    @Test
    void anEntryServesOnlyTheAccessesBothWalksAllowed() {
        Tlb.Entry noExecute = new Tlb.Entry(1, 2, new PagePermissions(true, true, false), NestedPermissions.RWX);
        Tlb.Entry nestedNoExecute = new Tlb.Entry(1, 2, PagePermissions.ALL, NestedPermissions.RX.withExecute(false));
        Tlb.Entry kernelOnly = new Tlb.Entry(1, 2, new PagePermissions(true, false, true), NestedPermissions.RWX);
        Tlb.Entry clean = new Tlb.Entry(1, 2, PagePermissions.ALL, NestedPermissions.RWX, 12, false);

        assertThat(noExecute.allows(AccessKind.EXECUTE, Privilege.KERNEL)).isFalse();
        assertThat(nestedNoExecute.allows(AccessKind.EXECUTE, Privilege.KERNEL)).isFalse();
        assertThat(small(PagePermissions.ALL).allows(AccessKind.EXECUTE, Privilege.USER))
                .isTrue();
        assertThat(kernelOnly.allows(AccessKind.READ, Privilege.USER)).isFalse();
        assertThat(kernelOnly.allows(AccessKind.EXECUTE, Privilege.KERNEL)).isTrue();
        assertThat(clean.allows(AccessKind.WRITE, Privilege.KERNEL)).isFalse();
        assertThat(clean.allows(AccessKind.READ, Privilege.KERNEL)).isTrue();
        assertThat(small(PagePermissions.KERNEL_DATA).allows(AccessKind.WRITE, Privilege.KERNEL))
                .isTrue();
        assertThat(small(new PagePermissions(false, false, true)).allows(AccessKind.WRITE, Privilege.KERNEL))
                .isFalse();
    }

    @Test
    void aMissWhileALargeEntryIsHeldTriesEverySizeAndWalks() {
        tlb.fill(ViewId.DEFAULT, ROOT, LARGE_VA, large(true));
        assertThat(read(ViewId.DEFAULT, SMALL_VA)).isNull();
        assertThat(tlb.misses()).isEqualTo(1);
        assertThat(read(ViewId.DEFAULT, LARGE_VA + 0x1f_f123)).isEqualTo(large(true));
        assertThat(tlb.hits()).isEqualTo(1);
        assertThat(large(true).hostPhysicalAddress(LARGE_VA + 0x1f_f123)).isEqualTo((0x9000L << 12) + 0x1f_f123);
        assertThat(large(true).guestPhysicalAddress(LARGE_VA + 0x1f_f123)).isEqualTo((0x200L << 12) + 0x1f_f123);
    }

    @Test
    void aSmallEntryDroppedAsStaleLeavesTheLargeEntryInUse() {
        tlb.fill(ViewId.DEFAULT, ROOT, LARGE_VA, large(true));
        tlb.fill(ViewId.DEFAULT, ROOT, SMALL_VA, small(new PagePermissions(false, false, false)));
        assertThat(tlb.lookup(ViewId.DEFAULT, ROOT, SMALL_VA, AccessKind.WRITE, Privilege.KERNEL))
                .isNull();
        assertThat(tlb.size()).isEqualTo(1);
        long misses = tlb.misses();
        assertThat(read(ViewId.DEFAULT, LARGE_VA + 0x5000)).isEqualTo(large(true));
        assertThat(tlb.misses()).isEqualTo(misses);
        assertThat(tlb.holdsLargeTranslation(ViewId.DEFAULT, LARGE_VA + 0x5000)).isTrue();
    }

    @Test
    void invlpgDropsOnlyTheEntriesCoveringItsAddressAndKeepsTheLargeOneInUse() {
        tlb.fill(ViewId.DEFAULT, ROOT, LARGE_VA, large(true));
        tlb.fill(ViewId.DEFAULT, ROOT, SMALL_VA, small(PagePermissions.ALL));
        tlb.fill(ViewId.DEFAULT, ROOT, SMALL_VA + 0x1000, small(PagePermissions.ALL));
        tlb.invalidatePage(SMALL_VA + 0x10);
        assertThat(tlb.size()).isEqualTo(2);
        assertThat(read(ViewId.DEFAULT, SMALL_VA + 0x1000)).isNotNull();
        assertThat(read(ViewId.DEFAULT, LARGE_VA)).isEqualTo(large(true));
        assertThat(tlb.misses()).isZero();
        tlb.invalidatePage(LARGE_VA + 0x1f_f000);
        assertThat(tlb.size()).isEqualTo(1);
        assertThat(tlb.holdsLargeTranslation(ViewId.DEFAULT, LARGE_VA)).isFalse();
    }

    @Test
    void aLargeEntryLeftAloneAfterAnInvlpgIsStillUsed() {
        tlb.fill(ViewId.DEFAULT, ROOT, LARGE_VA, large(true));
        tlb.fill(ViewId.DEFAULT, ROOT, SMALL_VA, small(PagePermissions.ALL));
        tlb.invalidatePage(SMALL_VA);
        assertThat(tlb.size()).isEqualTo(1);
        assertThat(read(ViewId.DEFAULT, LARGE_VA + 0x7000)).isEqualTo(large(true));
        assertThat(tlb.misses()).isZero();
    }

    @Test
    void invalidatingAViewKeepsTheOtherViewsEntries() {
        tlb.fill(ViewId.DEFAULT, ROOT, SMALL_VA, small(PagePermissions.ALL));
        tlb.fill(OTHER, ROOT, SMALL_VA, small(PagePermissions.ALL));
        tlb.fill(OTHER, ROOT, LARGE_VA, large(true));
        tlb.invalidateView(ViewId.DEFAULT);
        assertThat(tlb.size()).isEqualTo(2);
        assertThat(read(ViewId.DEFAULT, SMALL_VA)).isNull();
        assertThat(read(OTHER, SMALL_VA)).isNotNull();
        assertThat(read(OTHER, LARGE_VA)).isEqualTo(large(true));
        tlb.invalidateAll();
        assertThat(tlb.size()).isZero();
        assertThat(tlb.holdsLargeTranslation(OTHER, LARGE_VA)).isFalse();
    }

    @Test
    void aLargeTranslationIsReportedOnlyWhereALargeEntryOfThatViewCoversTheAddress() {
        tlb.fill(ViewId.DEFAULT, ROOT, LARGE_VA, large(true));
        tlb.fill(ViewId.DEFAULT, ROOT, SMALL_VA, small(PagePermissions.ALL));
        assertThat(tlb.holdsLargeTranslation(ViewId.DEFAULT, LARGE_VA + 0x1f_ffff))
                .isTrue();
        assertThat(tlb.holdsLargeTranslation(ViewId.DEFAULT, LARGE_VA + 0x20_0000))
                .isFalse();
        assertThat(tlb.holdsLargeTranslation(ViewId.DEFAULT, SMALL_VA)).isFalse();
        assertThat(tlb.holdsLargeTranslation(OTHER, LARGE_VA)).isFalse();
    }

    @Test
    void theWritablePagesOfALargeEntryAreEveryPageItCovers() {
        tlb.fill(ViewId.DEFAULT, ROOT, LARGE_VA, large(true));
        tlb.fill(ViewId.DEFAULT, ROOT, SMALL_VA, small(PagePermissions.ALL));
        tlb.fill(
                ViewId.DEFAULT,
                ROOT,
                SMALL_VA + 0x1000,
                new Tlb.Entry(0x40, 1, PagePermissions.KERNEL_DATA, NestedPermissions.RX));
        tlb.fill(
                ViewId.DEFAULT,
                ROOT,
                SMALL_VA + 0x2000,
                new Tlb.Entry(0x41, 1, new PagePermissions(false, false, false), NestedPermissions.RWX));
        tlb.fill(OTHER, ROOT, SMALL_VA, new Tlb.Entry(0x50, 1, PagePermissions.ALL, NestedPermissions.RWX));
        var pages = tlb.writableGuestPhysicalPages(ViewId.DEFAULT);
        assertThat(pages).hasSize(513).contains(0x200L, 0x3ffL, 0x33L).doesNotContain(0x400L, 0x40L, 0x41L, 0x50L);
    }
}
