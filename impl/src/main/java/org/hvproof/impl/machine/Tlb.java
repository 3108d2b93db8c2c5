package org.hvproof.impl.machine;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.hvproof.model.common.AccessKind;
import org.hvproof.model.common.PagePermissions;
import org.hvproof.model.common.Privilege;

/**
 * One vCPU's translation cache: guest-virtual page to host frame with the rights the walks
 * accumulated, tagged by the view (the EPT pointer, as VPID/EPTP tag combined mappings) and the
 * guest page-table root (the address space, as a PCID would). Only successful walks fill it.
 *
 * <p>A cached entry is used whenever it allows the access, whatever the tables say now: that is
 * how hardware behaves and why a hypervisor that narrows rights must invalidate. An entry that
 * does not allow the access is dropped and the tables are walked again, as a processor does
 * before it reports a fault. Entries leave only through invalidation: INVLPG, MOV CR3 (all of the
 * vCPU's entries of its view; there are no global pages here), and the hypervisor's INVEPT-style
 * invalidations of a view or of everything.
 *
 * <p>An entry covers the smaller of the guest's and the nested leaf's page (4 KiB, 2 MiB or
 * 1 GiB), as hardware caches a combined translation, and INVLPG of any address inside a large
 * entry drops it. An entry filled by a walk that set no dirty bit is not used for a write when
 * the guest's tables keep dirty bits ({@code dirty} false): the write walks again to set it.
 */
public final class Tlb {
    /** What tags an entry: view, address space, guest-virtual page. */
    private record Key(ViewId view, long root, long virtualPage, int sizeShift) {}

    /**
     * A cached translation of the {@code 1 << sizeShift} bytes from guest-physical page {@code
     * guestPhysicalPage} to host frame {@code hostFrame} (both the first of the range), the rights
     * both walks granted it, and whether its write may go without a walk to set a dirty bit.
     */
    record Entry(
            long guestPhysicalPage,
            long hostFrame,
            PagePermissions guest,
            NestedPermissions nested,
            int sizeShift,
            boolean dirty) {
        /** A 4 KiB entry whose writes need no walk. */
        Entry(long guestPhysicalPage, long hostFrame, PagePermissions guest, NestedPermissions nested) {
            this(guestPhysicalPage, hostFrame, guest, nested, 12, true);
        }

        boolean allows(AccessKind access, Privilege privilege) {
            if (privilege == Privilege.USER && !guest.user()) {
                return false;
            }
            return switch (access) {
                case READ -> nested.read();
                case WRITE -> dirty && guest.writable() && nested.write();
                case EXECUTE -> guest.executable() && nested.execute();
            };
        }

        /** The guest-physical address {@code va} translates to. */
        long guestPhysicalAddress(long va) {
            return (guestPhysicalPage << 12) | (va & ((1L << sizeShift) - 1));
        }

        /** The host-physical address {@code va} translates to. */
        long hostPhysicalAddress(long va) {
            return (hostFrame << 12) | (va & ((1L << sizeShift) - 1));
        }
    }

    private static final int[] LARGE_SHIFTS = {21, 30};

    private final Map<Key, Entry> entries = new HashMap<>();
    /** Entries larger than 4 KiB held: lookups try the large sizes only when there are any. */
    private int large;

    private long hits;
    private long misses;

    /** The entry for {@code va} in that view and address space if it allows the access; else none (and a stale one is dropped). */
    Entry lookup(ViewId view, long root, long va, AccessKind access, Privilege privilege) {
        Entry e = probe(view, root, va, access, privilege, 12);
        for (int i = 0; e == null && large > 0 && i < LARGE_SHIFTS.length; i++) {
            e = probe(view, root, va, access, privilege, LARGE_SHIFTS[i]);
        }
        if (e != null) {
            hits++;
            return e;
        }
        misses++;
        return null;
    }

    /** The entry of size {@code shift} for {@code va} if it allows the access; a stale one is dropped. */
    private Entry probe(ViewId view, long root, long va, AccessKind access, Privilege privilege, int shift) {
        Key key = new Key(view, root, va >>> shift, shift);
        Entry e = entries.get(key);
        if (e != null && e.allows(access, privilege)) {
            return e;
        }
        if (e != null) {
            remove(key);
        }
        return null;
    }

    void fill(ViewId view, long root, long va, Entry entry) {
        if (entries.put(new Key(view, root, va >>> entry.sizeShift(), entry.sizeShift()), entry) == null
                && entry.sizeShift() > 12) {
            large++;
        }
    }

    private void remove(Key key) {
        if (entries.remove(key) != null && key.sizeShift() > 12) {
            large--;
        }
    }

    /** INVLPG: drops every entry covering {@code va} (of any page size), in every view and address space. */
    public void invalidatePage(long va) {
        removeIf(k -> k.virtualPage() == va >>> k.sizeShift());
    }

    /** Drops every entry of {@code view} (INVEPT single-context on this vCPU; MOV CR3 of a vCPU on it). */
    public void invalidateView(ViewId view) {
        removeIf(k -> k.view().equals(view));
    }

    /** Drops everything (INVEPT all-context, INVVPID all). */
    public void invalidateAll() {
        entries.clear();
        large = 0;
    }

    private void removeIf(java.util.function.Predicate<Key> drop) {
        // With no large entry held, none can be left after the removal: no recount needed.
        if (entries.keySet().removeIf(drop) && large > 0) {
            large = (int)
                    entries.keySet().stream().filter(k -> k.sizeShift() > 12).count();
        }
    }

    /** Whether some entry in {@code view} covers {@code va} with a translation larger than 4 KiB. */
    public boolean holdsLargeTranslation(ViewId view, long va) {
        return large > 0
                && entries.keySet().stream()
                        .anyMatch(k ->
                                k.view().equals(view) && k.sizeShift() > 12 && k.virtualPage() == va >>> k.sizeShift());
    }

    /** The guest-physical pages this cache holds a translation of in {@code view} that allows a write. */
    public Set<Long> writableGuestPhysicalPages(ViewId view) {
        Set<Long> out = new HashSet<>();
        entries.forEach((k, e) -> {
            if (k.view().equals(view) && e.guest().writable() && e.nested().write()) {
                long pages = 1L << (e.sizeShift() - 12);
                for (long p = 0; p < pages; p++) {
                    out.add(e.guestPhysicalPage() + p);
                }
            }
        });
        return out;
    }

    /** Entries held. */
    public int size() {
        return entries.size();
    }

    /** Accesses served from the cache so far. */
    public long hits() {
        return hits;
    }

    /** Accesses that walked the tables so far. */
    public long misses() {
        return misses;
    }
}
