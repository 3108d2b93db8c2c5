package org.hvproof.impl.machine;

import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.PagePermissions;

/** The bits of an x86-64 4-level guest page-table entry, and how to build one. */
public final class GuestPageTableEntry {
    /** Present. */
    public static final long PRESENT = 1L;
    /** Writable (read-only when clear). */
    public static final long WRITABLE = 1L << 1;
    /** User-accessible (supervisor-only when clear). */
    public static final long USER = 1L << 2;
    /** Accessed: set by the processor in every entry a successful walk uses. */
    public static final long ACCESSED = 1L << 5;
    /** Dirty: set by the processor in the leaf a write goes through. */
    public static final long DIRTY = 1L << 6;
    /** Page size: at level 2 the entry maps a 2 MiB page, at level 3 a 1 GiB page; reserved at level 4. */
    public static final long PAGE_SIZE = 1L << 7;
    /** No-execute (EFER.NXE is on). */
    public static final long NO_EXECUTE = 1L << 63;
    /** Bits 12..51: the guest-physical address of the next table or of the page. */
    public static final long ADDRESS_MASK = 0x000F_FFFF_FFFF_F000L;

    private GuestPageTableEntry() {}

    /** A leaf entry mapping {@code page} with {@code rights}. */
    public static long leaf(GuestPhysicalPage page, PagePermissions rights) {
        return page.base()
                | PRESENT
                | (rights.writable() ? WRITABLE : 0)
                | (rights.user() ? USER : 0)
                | (rights.executable() ? 0 : NO_EXECUTE);
    }

    /**
     * A large leaf at {@code level} (2: 2 MiB, 3: 1 GiB) mapping the large page starting at
     * {@code first} (which must be aligned to its size) with {@code rights}.
     */
    public static long largeLeaf(GuestPhysicalPage first, int level, PagePermissions rights) {
        return leaf(first, rights) | PAGE_SIZE;
    }

    /**
     * The address bits of a large leaf at {@code level} that must be zero: 13..20 for 2 MiB,
     * 13..29 for 1 GiB (bit 12 is the PAT bit, not an address bit).
     */
    public static long reservedLargeAddressBits(int level) {
        return ((1L << (12 + 9 * (level - 1))) - 1) & ~0x1FFFL;
    }

    /** A non-leaf entry pointing at the table in {@code page}, granting everything so the leaf decides. */
    public static long table(GuestPhysicalPage page) {
        return page.base() | PRESENT | WRITABLE | USER;
    }

    /** Whether the entry is present. */
    public static boolean isPresent(long entry) {
        return (entry & PRESENT) != 0;
    }

    /** The guest-physical address the entry points at. */
    public static long address(long entry) {
        return entry & ADDRESS_MASK;
    }
}
