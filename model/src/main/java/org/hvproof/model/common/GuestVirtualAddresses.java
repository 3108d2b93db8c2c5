package org.hvproof.model.common;

/** Arithmetic on 48-bit x86-64 guest-virtual addresses: canonical form and pages. */
public final class GuestVirtualAddresses {
    /** Bits of a virtual address that 4-level paging translates. */
    public static final int WIDTH = 48;

    private GuestVirtualAddresses() {}

    /** Whether bits 63..47 all equal bit 47, as 4-level paging requires of every address used. */
    public static boolean isCanonical(long va) {
        return (va << (64 - WIDTH)) >> (64 - WIDTH) == va;
    }

    /** The address of the first byte of the page holding {@code va}. */
    public static long pageBase(long va) {
        return va & ~(GuestPhysicalPage.SIZE - 1L);
    }

    /** The offset of {@code va} within its page. */
    public static int pageOffset(long va) {
        return (int) (va & (GuestPhysicalPage.SIZE - 1L));
    }
}
