package org.hvproof.model.domains;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.hvproof.model.common.Notation;
import org.hvproof.model.domains.Ids.DomainId;
import org.hvproof.model.domains.Ids.Frame;
import org.hvproof.model.domains.Ids.GuestPage;

/**
 * One protection domain as the hypervisor set it up; fixed for a run.
 *
 * @param id its id
 * @param region the guest-physical pages it owns
 * @param gptRoot where its guest page table is stored (in its region)
 * @param npt its nested page table, guest-physical page to host frame
 * @param gates registered entry addresses (empty for the root domain)
 */
public record Domain(
        DomainId id, Set<GuestPage> region, GuestPage gptRoot, Map<GuestPage, Frame> npt, Set<GuestPage> gates) {
    public Domain {
        region = Set.copyOf(region);
        npt = Map.copyOf(npt);
        gates = Set.copyOf(gates);
        if (!region.contains(gptRoot) || !region.containsAll(gates)) {
            throw new IllegalArgumentException(
                    "domain " + id + ": page-table root and gates must lie in its region " + region);
        }
    }

    private static final IdentityMemo<Domain, Object, Set<Frame>> FRAMES =
            new IdentityMemo<>(16, (d, unused) -> d.framesOfRegion());

    /** The frames its own region maps to (immutable; derived once per domain). */
    public Set<Frame> frames() {
        return FRAMES.get(this, null);
    }

    private Set<Frame> framesOfRegion() {
        Set<Frame> out = new HashSet<>();
        for (GuestPage g : region) {
            Frame f = npt.get(g);
            if (f != null) {
                out.add(f);
            }
        }
        return Set.copyOf(out);
    }

    @Override
    public String toString() {
        java.util.SortedMap<GuestPage, Frame> byPage =
                new java.util.TreeMap<>(java.util.Comparator.comparingLong(GuestPage::n));
        byPage.putAll(npt);
        String nested = byPage.entrySet().stream()
                .map(e -> Notation.hex(e.getKey().n()) + " -> " + e.getValue())
                .collect(java.util.stream.Collectors.joining(", ", "{", "}"));
        return id + ": region "
                + Notation.gpps(region.stream().map(GuestPage::n).sorted().toList()) + ", CR3 "
                + gptRoot + ", gates "
                + Notation.gpps(gates.stream().map(GuestPage::n).sorted().toList())
                + ", NPT " + nested;
    }
}
