package org.hvproof.impl.domains;

import org.hvproof.model.common.GuestPhysicalPage;

/**
 * Where everything of the protection-domain guest lives: domain {@code d} (0 = root) owns the
 * guest-physical pages {@code 16d .. 16d+3}: its guest page table, its gate (code entry) page, its
 * data page and a second code page. The gate is the first byte of the gate page.
 *
 * <p>Each page table is a real x86-64 4-level table folded into one page by the recursive-slot
 * technique: slot {@link #SELF_SLOT} points back at the table's own page, so the walk of a
 * virtual address in the top 2 MiB window ({@link #WINDOW}) reads that slot at levels 4, 3 and 2
 * and the leaf from slot {@code v} for virtual page {@code v}. The page's data word (what a read
 * returns and a write stores) is slot {@link #VALUE_SLOT}. Tables map only virtual pages
 * {@code 0 .. WINDOW_PAGES-1}; an access may name any page below {@link #ACCESS_PAGES}, which a
 * large guest leaf maps too (the page at the same offset of its block).
 *
 * @param secureDomains secure domains, 1 or more
 * @param vcpus         vCPUs, 1 to 4
 */
public record DomainLayout(int secureDomains, int vcpus) {
    /** Pages each domain owns. */
    public static final int PAGES_PER_REGION = 4;
    /** Distance between the first pages of two domains' regions. */
    public static final int REGION_STRIDE = 16;
    /** Guest-physical page that the SECURE_FRAME_LEFT_IN_ROOT_NPT flaw leaves mapped to a secure frame. */
    public static final long LEAKED_PAGE = 15;
    /** Guest-virtual base of the window every page table maps: level-4, -3 and -2 index 511. */
    public static final long WINDOW = 0xFFFF_FFFF_FFE0_0000L;
    /** The table slot holding the pointer back to the table's own page. */
    public static final int SELF_SLOT = 511;
    /** The slot holding a page's data word. */
    public static final int VALUE_SLOT = 256;
    /** Byte offset of the data word in a page. */
    public static final int VALUE_OFFSET = VALUE_SLOT * 8;
    /** Virtual pages of the window the guest uses (and the abstraction reads). */
    public static final int WINDOW_PAGES = 16;
    /**
     * Virtual pages an access may name: {@code 0 .. ACCESS_PAGES-1}, the window's leaf slots below
     * the data word's (a slot from {@link #VALUE_SLOT} up holds the data word or the self pointer,
     * not a leaf). A 4 KiB table maps none past {@link #WINDOW_PAGES}; a large leaf maps them all.
     */
    public static final int ACCESS_PAGES = VALUE_SLOT;

    /** Checks the dimensions. */
    public DomainLayout {
        if (secureDomains < 1 || secureDomains > 8) {
            throw new IllegalArgumentException("secureDomains must be in [1, 8], was " + secureDomains);
        }
        if (vcpus < 1 || vcpus > 4) {
            throw new IllegalArgumentException("vcpus must be in [1, 4], was " + vcpus);
        }
    }

    /** The layout the properties use: two secure domains, two vCPUs. */
    public static DomainLayout standard() {
        return new DomainLayout(2, 2);
    }

    /** First page of domain {@code d}'s region. */
    public static long regionFirst(int d) {
        return (long) REGION_STRIDE * d;
    }

    /** The page holding domain {@code d}'s guest page table. */
    public static long tablePage(int d) {
        return regionFirst(d);
    }

    /** Domain {@code d}'s gate page (secure domains only). */
    public static long gatePage(int d) {
        return regionFirst(d) + 1;
    }

    /** Domain {@code d}'s data page. */
    public static long dataPage(int d) {
        return regionFirst(d) + 2;
    }

    /** Domain {@code d}'s second code page. */
    public static long codePage(int d) {
        return regionFirst(d) + 3;
    }

    /** The registered gate: the guest-physical address of the gate page's first byte. */
    public static long gateAddress(int d) {
        return new GuestPhysicalPage(gatePage(d)).base();
    }

    /** The domain whose region holds {@code page}: 0..secureDomains, or -1. */
    public int ownerOf(long page) {
        if (page < 0) {
            return -1;
        }
        int d = (int) Math.min(Integer.MAX_VALUE, page / REGION_STRIDE);
        return d <= secureDomains && page - regionFirst(d) < PAGES_PER_REGION ? d : -1;
    }

    /** The guest-physical pages the layout's regions and the gaps between them span: 0 up to the last region's end. */
    public long knownPages() {
        return regionFirst(secureDomains) + PAGES_PER_REGION;
    }

    /** The guest-virtual address of virtual page {@code v} of the window. */
    public static long virtualAddress(int v) {
        return WINDOW + ((long) v << 12);
    }

    /** Whether {@code v} is a virtual page of the window. */
    public static boolean inWindow(long v) {
        return v >= 0 && v < WINDOW_PAGES;
    }

    /** Whether an access may name virtual page {@code v} ({@link #ACCESS_PAGES}). */
    public static boolean accessible(long v) {
        return v >= 0 && v < ACCESS_PAGES;
    }
}
