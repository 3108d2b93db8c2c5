package org.hvproof.impl.machine;

import org.hvproof.model.common.AccessKind;
import org.hvproof.model.common.PageFaultCause;
import org.hvproof.model.common.PagePermissions;
import org.hvproof.model.common.Privilege;

/**
 * The MMU's walk of x86-64 4-level guest page tables. Starting from CR3, each level's entry is
 * read at a guest-physical address, so every read goes through the nested page table and can
 * itself exit to the hypervisor. Effective rights: writable and user only if set at all four
 * levels, executable only if no level sets no-execute. With CR0.WP set, the kernel too needs
 * writable. The caller has already checked that the address is canonical.
 */
public final class GuestPageWalker {
    private static final int LEVELS = 4;

    /** Reads one 8-byte table entry at a guest-physical address, or reports the nested exit that refused it. */
    @FunctionalInterface
    public interface EntryReader {
        /** The entry at {@code gpa}, or the exit. */
        EntryRead read(long gpa);
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
        for (int level = LEVELS; level >= 1; level--) {
            long index = (va >>> (12 + 9 * (level - 1))) & 511;
            EntryRead read = reader.read(table + 8 * index);
            if (read instanceof EntryRead.Blocked b) {
                return new GuestWalk.Blocked(b.exit());
            }
            long entry = ((EntryRead.Value) read).entry();
            if (!GuestPageTableEntry.isPresent(entry)) {
                return new GuestWalk.Faulted(PageFaultCause.NOT_PRESENT);
            }
            if (level > 1 && (entry & GuestPageTableEntry.PAGE_SIZE) != 0) {
                return new GuestWalk.Faulted(PageFaultCause.RESERVED_BIT);
            }
            writable &= (entry & GuestPageTableEntry.WRITABLE) != 0;
            user &= (entry & GuestPageTableEntry.USER) != 0;
            noExecute |= (entry & GuestPageTableEntry.NO_EXECUTE) != 0;
            table = GuestPageTableEntry.address(entry);
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
        return new GuestWalk.Translated(table | (va & 0xfff), new PagePermissions(writable, user, !noExecute));
    }
}
