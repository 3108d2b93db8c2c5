package org.hvproof.model.common;

/**
 * The fixed dimensions of a guest: how many vCPUs, how many guest-physical pages, and the
 * range of guest-physical pages its OS keeps for page tables. Model and machine are built from
 * the same shape so that they agree on what is in range.
 *
 * @param vcpuCount          vCPUs, 1 to 64
 * @param guestPhysicalPages guest-physical memory in pages; addresses at or above it are not RAM
 * @param pageTablePoolFirst first page of the page-table pool
 * @param pageTablePoolPages pages in the page-table pool (at least one per vCPU for its root)
 */
public record MachineShape(int vcpuCount, long guestPhysicalPages, long pageTablePoolFirst, long pageTablePoolPages) {
    /** Largest guest a 4-level nested page table covers: 2^48 bytes. */
    public static final long MAX_GUEST_PHYSICAL_PAGES = 1L << 36;

    /** Checks that the pieces fit together. */
    public MachineShape {
        if (vcpuCount < 1 || vcpuCount > 64) {
            throw new IllegalArgumentException("vcpuCount must be in [1, 64], was " + vcpuCount);
        }
        if (guestPhysicalPages < 1 || guestPhysicalPages > MAX_GUEST_PHYSICAL_PAGES) {
            throw new IllegalArgumentException("guestPhysicalPages must be in [1, 2^36], was " + guestPhysicalPages);
        }
        if (pageTablePoolPages < vcpuCount
                || pageTablePoolFirst < 0
                || pageTablePoolFirst > guestPhysicalPages - pageTablePoolPages) {
            throw new IllegalArgumentException("page-table pool [" + pageTablePoolFirst + ", +" + pageTablePoolPages
                    + ") must lie in guest memory and hold one root per vCPU");
        }
    }

    /** A small guest: the pool is the top 256 pages of its memory. */
    public static MachineShape of(int vcpuCount, long guestPhysicalPages) {
        return new MachineShape(vcpuCount, guestPhysicalPages, guestPhysicalPages - 256, 256);
    }

    /** Whether the vCPU exists on this machine. */
    public boolean hasVcpu(VCpu vcpu) {
        return vcpu.id() < vcpuCount;
    }

    /** Whether the page is guest RAM (below {@link #guestPhysicalPages}). */
    public boolean isRam(GuestPhysicalPage page) {
        return page.number() < guestPhysicalPages;
    }

    /** Whether the page belongs to the guest's page-table pool. */
    public boolean isPageTablePool(GuestPhysicalPage page) {
        return page.number() >= pageTablePoolFirst && page.number() - pageTablePoolFirst < pageTablePoolPages;
    }
}
