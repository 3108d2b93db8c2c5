package org.hvproof.model.common;

/** A 4 KiB page of one guest address space, named by the canonical address of its first byte. */
public record GuestVirtualPage(long base) implements Comparable<GuestVirtualPage> {
    /** Requires a canonical, page-aligned base. */
    public GuestVirtualPage {
        if (!GuestVirtualAddresses.isCanonical(base) || GuestVirtualAddresses.pageOffset(base) != 0) {
            throw new IllegalArgumentException("not a canonical page base: 0x" + Long.toHexString(base));
        }
    }

    /** The page holding a canonical address. */
    public static GuestVirtualPage containing(long va) {
        return new GuestVirtualPage(GuestVirtualAddresses.pageBase(va));
    }

    @Override
    public int compareTo(GuestVirtualPage other) {
        return Long.compare(base, other.base);
    }

    @Override
    public String toString() {
        return "gvp:0x" + Long.toHexString(base);
    }
}
