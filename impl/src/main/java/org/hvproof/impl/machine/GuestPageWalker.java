package org.hvproof.impl.machine;

import java.util.Optional;
import org.hvproof.model.common.AccessKind;
import org.hvproof.model.common.PageFaultCause;
import org.hvproof.model.common.PagePermissions;
import org.hvproof.model.common.Privilege;

/**
 * The MMU's walk of x86-64 4-level guest page tables. Starting from CR3, each level's entry is
 * read at a guest-physical address, so every read goes through the nested page table and can
 * itself exit to the hypervisor. Effective rights: writable and user only if set at every level
 * walked, executable only if no level sets no-execute. With CR0.WP set, the kernel too needs
 * writable. The caller has already checked that the address is canonical.
 *
 * <p>Large pages (CR4.PSE/PAE paging): a present entry with the page-size bit at level 2 is a
 * 2 MiB leaf, at level 3 a 1 GiB leaf, and the walk ends there; its address bits below the page
 * size (except the PAT bit 12) are reserved, as is the page-size bit at level 4: a set one is a
 * reserved-bit page fault. A successful walk sets the accessed bit in every entry it used and, for
 * a write, the dirty bit in the leaf, where they are not set yet ({@link EntryReader#setBits}).
 */
public final class GuestPageWalker {
    private static final int LEVELS = 4;

    /** Reads one 8-byte table entry at a guest-physical address, or reports the nested exit that refused it. */
    @FunctionalInterface
    public interface EntryReader {
        /** The entry at {@code gpa}, or the exit. */
        EntryRead read(long gpa);

        /**
         * Sets {@code bits} (accessed, dirty) in the entry at {@code gpa}, which {@link #read}
         * just read, as the processor's locked update does; by default the tables are not updated.
         * The nested exit that refused the update, if the nested table refused it (an EPT
         * violation on the guest paging structure: the walk ends there, the bits unset).
         */
        default Optional<NestedExit> setBits(long gpa, long bits) {
            return Optional.empty();
        }
    }

    /** The result of reading one entry. */
    public sealed interface EntryRead {
        /** The entry's value. */
        record Value(long entry) implements EntryRead {}

        /** The nested table refused the read. */
        record Blocked(NestedExit exit) implements EntryRead {}
    }

    private GuestPageWalker() {}

    /** Walks the tables rooted at {@code cr3} for an {@code access} to {@code va} at {@code privilege}. */
    public static GuestWalk walk(long cr3, long va, AccessKind access, Privilege privilege, EntryReader reader) {
        long table = GuestPageTableEntry.address(cr3);
        boolean writable = true;
        boolean user = true;
        boolean noExecute = false;
        long[] at = new long[LEVELS];
        long[] seen = new long[LEVELS];
        int walked = 0;
        int shift = 12;
        long gpa = 0;
        for (int level = LEVELS; level >= 1; level--) {
            long index = (va >>> (12 + 9 * (level - 1))) & 511;
            long address = table + 8 * index;
            EntryRead read = reader.read(address);
            if (read instanceof EntryRead.Blocked b) {
                return new GuestWalk.Blocked(b.exit());
            }
            long entry = ((EntryRead.Value) read).entry();
            if (!GuestPageTableEntry.isPresent(entry)) {
                return new GuestWalk.Faulted(PageFaultCause.NOT_PRESENT);
            }
            boolean large = level > 1 && (entry & GuestPageTableEntry.PAGE_SIZE) != 0;
            if (large && (level == LEVELS || (entry & GuestPageTableEntry.reservedLargeAddressBits(level)) != 0)) {
                return new GuestWalk.Faulted(PageFaultCause.RESERVED_BIT);
            }
            at[walked] = address;
            seen[walked++] = entry;
            writable &= (entry & GuestPageTableEntry.WRITABLE) != 0;
            user &= (entry & GuestPageTableEntry.USER) != 0;
            noExecute |= (entry & GuestPageTableEntry.NO_EXECUTE) != 0;
            if (large) {
                shift = 12 + 9 * (level - 1);
                long mask = (1L << shift) - 1;
                gpa = (GuestPageTableEntry.address(entry) & ~mask) | (va & mask);
                break;
            }
            table = GuestPageTableEntry.address(entry);
            gpa = table | (va & 0xfff);
        }
        if (privilege == Privilege.USER && !user) {
            return new GuestWalk.Faulted(PageFaultCause.USER_SUPERVISOR);
        }
        if (access == AccessKind.WRITE && !writable) {
            return new GuestWalk.Faulted(PageFaultCause.WRITE_PROTECT);
        }
        if (access == AccessKind.EXECUTE && noExecute) {
            return new GuestWalk.Faulted(PageFaultCause.NO_EXECUTE);
        }
        for (int i = 0; i < walked; i++) {
            long bits = GuestPageTableEntry.ACCESSED
                    | (i == walked - 1 && access == AccessKind.WRITE ? GuestPageTableEntry.DIRTY : 0);
            if ((seen[i] & bits) != bits) {
                Optional<NestedExit> refused = reader.setBits(at[i], bits);
                if (refused.isPresent()) {
                    return new GuestWalk.Blocked(refused.get());
                }
            }
        }
        return new GuestWalk.Translated(gpa, new PagePermissions(writable, user, !noExecute), shift);
    }
}
