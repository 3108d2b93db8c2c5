package org.hvproof.impl.machine;

import java.util.OptionalLong;
import org.hvproof.model.common.ErrorCode;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.GuestVirtualAddresses;
import org.hvproof.model.common.PagePermissions;

/**
 * The guest OS's memory manager, as far as tests and trace generators need it: it builds and
 * edits 4-level page tables by writing entries into guest-physical memory, taking table pages
 * from a reserved pool. Its stores are the loader's, not guest writes: they bypass nested rights
 * and no trace sees them. Table pages are never freed (unmapping clears only the leaf).
 */
public final class GuestOs {
    private final Hypervisor hypervisor;
    private final ViewId view;
    private final long poolFirst;
    private final long poolPages;
    private long poolUsed;

    /** A guest OS writing its tables through {@code view}, with table pages {@code [poolFirst, poolFirst + poolPages)}. */
    public GuestOs(Hypervisor hypervisor, ViewId view, long poolFirst, long poolPages) {
        this.hypervisor = hypervisor;
        this.view = view;
        this.poolFirst = poolFirst;
        this.poolPages = poolPages;
    }

    /** A new, empty address space: the CR3 value of its top-level table; empty when the pool is exhausted. */
    public OptionalLong newAddressSpace() {
        return allocateTable();
    }

    /** Table pages taken from the pool so far. */
    public long tablePagesUsed() {
        return poolUsed;
    }

    /**
     * Maps the virtual page holding {@code va} to {@code page} in the address space rooted at
     * {@code cr3}, creating missing tables. Refuses non-canonical addresses and the pool's own
     * pages (the guest never maps its page tables as data), and a page inside a large leaf of
     * {@link #mapLarge} ({@code INVALID_ARGUMENT}: the large leaf is not a table to descend into);
     * runs out of memory when the pool is exhausted, leaving earlier tables in place.
     */
    public ErrorCode map(long cr3, long va, GuestPhysicalPage page, PagePermissions rights) {
        if (!GuestVirtualAddresses.isCanonical(va)) {
            return ErrorCode.INVALID_ARGUMENT;
        }
        if (isPool(page)) {
            return ErrorCode.RESERVED_PAGE;
        }
        TableSlot leaf = descend(cr3, va, 1, true);
        if (leaf.error() != ErrorCode.OK) {
            return leaf.error();
        }
        if (!hypervisor.storeGuestPhysicalLong(view, leaf.address(), GuestPageTableEntry.leaf(page, rights))) {
            return ErrorCode.OUT_OF_RANGE;
        }
        invalidateEverywhere(va);
        return ErrorCode.OK;
    }

    /**
     * Maps the 2 MiB of virtual memory starting at {@code va} to the 512 guest-physical pages
     * starting at {@code first} with one large leaf (the page-size bit at level 2), creating the
     * tables above it, as a kernel maps its direct map. Refuses a non-canonical or unaligned {@code
     * va}, an unaligned {@code first}, a range holding a pool page, and a slot already in use
     * ({@code INVALID_ARGUMENT} or {@code RESERVED_PAGE}); runs out of memory as {@link #map} does.
     */
    public ErrorCode mapLarge(long cr3, long va, GuestPhysicalPage first, PagePermissions rights) {
        long pages = 512;
        if (!GuestVirtualAddresses.isCanonical(va) || (va & (pages * 4096 - 1)) != 0 || first.number() % pages != 0) {
            return ErrorCode.INVALID_ARGUMENT;
        }
        if (first.number() < poolFirst + poolPages && poolFirst < first.number() + pages) {
            return ErrorCode.RESERVED_PAGE;
        }
        TableSlot slot = descend(cr3, va, 2, true);
        if (slot.error() != ErrorCode.OK) {
            return slot.error();
        }
        long at = slot.address();
        if (GuestPageTableEntry.isPresent(machine().peekGuestPhysicalLong(view, at))) {
            return ErrorCode.INVALID_ARGUMENT;
        }
        if (!hypervisor.storeGuestPhysicalLong(view, at, GuestPageTableEntry.largeLeaf(first, 2, rights))) {
            return ErrorCode.OUT_OF_RANGE;
        }
        invalidateEverywhere(va);
        return ErrorCode.OK;
    }

    /**
     * The OS's own TLB shootdown after it changes a leaf: INVLPG of the page on every vCPU (an IPI
     * to each), as an OS must before a changed mapping counts as changed.
     */
    private void invalidateEverywhere(long va) {
        Machine machine = machine();
        for (VirtualCpu cpu : machine.vcpus()) {
            machine.invlpg(cpu, va);
        }
    }

    /**
     * Clears the leaf entry of the virtual page holding {@code va}, if the tables reach it;
     * refuses a page inside a large leaf ({@code INVALID_ARGUMENT}) rather than clear 8 bytes of
     * the data it maps.
     */
    public ErrorCode unmap(long cr3, long va) {
        if (!GuestVirtualAddresses.isCanonical(va)) {
            return ErrorCode.INVALID_ARGUMENT;
        }
        TableSlot leaf = descend(cr3, va, 1, false);
        if (leaf.error() == ErrorCode.INVALID_ARGUMENT) {
            return leaf.error();
        }
        if (leaf.error() == ErrorCode.OK) {
            hypervisor.storeGuestPhysicalLong(view, leaf.address(), 0L);
            invalidateEverywhere(va);
        }
        return ErrorCode.OK;
    }

    /**
     * The guest-physical address of the entry at {@code level} (4 = top, 1 = leaf) that translates
     * {@code va}, if every level above is present and none is a large leaf: lets tests edit single
     * entries.
     */
    public OptionalLong entryAddress(long cr3, long va, int level) {
        TableSlot slot = descend(cr3, va, level, false);
        return slot.error() == ErrorCode.OK ? OptionalLong.of(slot.address()) : OptionalLong.empty();
    }

    /** Where a descent stopped: the entry's guest-physical address when {@code error} is {@code OK}. */
    private record TableSlot(long address, ErrorCode error) {}

    /**
     * The one descent every edit uses: from {@code cr3} down to the entry at {@code level} that
     * translates {@code va}, creating missing tables when {@code create} (else {@code OUT_OF_RANGE}
     * at the first missing one: the tables do not reach it). An entry with the page-size bit above {@code level} is a large
     * leaf, not a table: its address names guest data, so the descent refuses it ({@code
     * INVALID_ARGUMENT}) rather than read or write the data as entries. The OS does not split its
     * own large leaves: they are its direct map, set once at boot.
     */
    private TableSlot descend(long cr3, long va, int level, boolean create) {
        long table = GuestPageTableEntry.address(cr3);
        for (int l = 4; l > level; l--) {
            long at = slot(table, va, l);
            long entry = machine().peekGuestPhysicalLong(view, at);
            if (!GuestPageTableEntry.isPresent(entry)) {
                if (!create) {
                    return new TableSlot(0, ErrorCode.OUT_OF_RANGE);
                }
                OptionalLong fresh = allocateTable();
                if (fresh.isEmpty()) {
                    return new TableSlot(0, ErrorCode.OUT_OF_MEMORY);
                }
                entry = GuestPageTableEntry.table(GuestPhysicalPage.containing(fresh.getAsLong()));
                if (!hypervisor.storeGuestPhysicalLong(view, at, entry)) {
                    return new TableSlot(0, ErrorCode.OUT_OF_RANGE);
                }
            } else if ((entry & GuestPageTableEntry.PAGE_SIZE) != 0) {
                return new TableSlot(0, ErrorCode.INVALID_ARGUMENT);
            }
            table = GuestPageTableEntry.address(entry);
        }
        return new TableSlot(slot(table, va, level), ErrorCode.OK);
    }

    /** The 8-byte entry at a guest-physical address. */
    public long readEntry(long gpa) {
        return machine().peekGuestPhysicalLong(view, gpa);
    }

    /** Overwrites the 8-byte entry at a guest-physical address (as the OS would, e.g. to revoke a right). */
    public boolean writeEntry(long gpa, long entry) {
        return hypervisor.storeGuestPhysicalLong(view, gpa, entry);
    }

    /** Whether {@code page} belongs to the page-table pool. */
    public boolean isPool(GuestPhysicalPage page) {
        return isPool(page.number());
    }

    /** Whether guest page number {@code page} belongs to the page-table pool. */
    public boolean isPool(long page) {
        return page >= poolFirst && page - poolFirst < poolPages;
    }

    private OptionalLong allocateTable() {
        if (poolUsed >= poolPages) {
            return OptionalLong.empty();
        }
        GuestPhysicalPage page = new GuestPhysicalPage(poolFirst + poolUsed);
        if (!hypervisor.clearGuestPage(view, page)) {
            return OptionalLong.empty();
        }
        poolUsed++;
        return OptionalLong.of(page.base());
    }

    private Machine machine() {
        return hypervisor.machine();
    }

    private static long slot(long table, long va, int level) {
        return table + 8 * ((va >>> (12 + 9 * (level - 1))) & 511);
    }
}
