package org.hvproof.model.common;

/**
 * A 4 KiB page of guest-physical memory, named by its page number (address / 4096); the unit
 * that traces, nested page tables and memory contents are kept at.
 */
public record GuestPhysicalPage(long number) implements Comparable<GuestPhysicalPage> {
    /** Bytes in a page. */
    public static final int SIZE = 4096;
    /** log2 of {@link #SIZE}. */
    public static final int SHIFT = 12;
    /** One past the largest page number a guest page-table entry can name (52-bit addresses). */
    public static final long LIMIT = 1L << (52 - SHIFT);

    /** Rejects page numbers outside [0, 2^40): no guest-physical address names them. */
    public GuestPhysicalPage {
        if (number < 0 || number >= LIMIT) {
            throw new IllegalArgumentException("guest-physical page number out of [0, 2^40): " + number);
        }
    }

    /** The page holding a guest-physical address. */
    public static GuestPhysicalPage containing(long guestPhysicalAddress) {
        return new GuestPhysicalPage(guestPhysicalAddress >>> SHIFT);
    }

    /** The guest-physical address of the page's first byte. */
    public long base() {
        return number << SHIFT;
    }

    @Override
    public int compareTo(GuestPhysicalPage other) {
        return Long.compare(number, other.number);
    }

    @Override
    public String toString() {
        return "gpp:0x" + Long.toHexString(number);
    }
}
