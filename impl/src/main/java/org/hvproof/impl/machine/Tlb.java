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
 */
public final class Tlb {
    /** What tags an entry: view, address space, guest-virtual page. */
    private record Key(ViewId view, long root, long virtualPage) {}

    /** A cached translation and the rights both walks granted it. */
    record Entry(long guestPhysicalPage, long hostFrame, PagePermissions guest, NestedPermissions nested) {
        boolean allows(AccessKind access, Privilege privilege) {
            if (privilege == Privilege.USER && !guest.user()) {
                return false;
            }
            return switch (access) {
                case READ -> nested.read();
                case WRITE -> guest.writable() && nested.write();
                case EXECUTE -> guest.executable() && nested.execute();
            };
        }
    }

    private final Map<Key, Entry> entries = new HashMap<>();
    private long hits;
    private long misses;

    /** The entry for {@code va} in that view and address space if it allows the access; else none (and a stale one is dropped). */
    Entry lookup(ViewId view, long root, long va, AccessKind access, Privilege privilege) {
        Key key = new Key(view, root, va >>> 12);
        Entry e = entries.get(key);
        if (e != null && e.allows(access, privilege)) {
            hits++;
            return e;
        }
        if (e != null) {
            entries.remove(key);
        }
        misses++;
        return null;
    }

    void fill(ViewId view, long root, long va, Entry entry) {
        entries.put(new Key(view, root, va >>> 12), entry);
    }

    /** INVLPG: drops every entry of the page of {@code va}, in every view and address space. */
    public void invalidatePage(long va) {
        long page = va >>> 12;
        entries.keySet().removeIf(k -> k.virtualPage() == page);
    }

    /** Drops every entry of {@code view} (INVEPT single-context on this vCPU; MOV CR3 of a vCPU on it). */
    public void invalidateView(ViewId view) {
        entries.keySet().removeIf(k -> k.view().equals(view));
    }

    /** Drops everything (INVEPT all-context, INVVPID all). */
    public void invalidateAll() {
        entries.clear();
    }

    /** The guest-physical pages this cache holds a translation of in {@code view} that allows a write. */
    public Set<Long> writableGuestPhysicalPages(ViewId view) {
        Set<Long> out = new HashSet<>();
        entries.forEach((k, e) -> {
            if (k.view().equals(view) && e.guest().writable() && e.nested().write()) {
                out.add(e.guestPhysicalPage());
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
