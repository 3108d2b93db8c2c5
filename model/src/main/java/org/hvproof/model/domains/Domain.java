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
        return id + ": region "
                + new java.util.TreeSet<>(region.stream().map(GuestPage::n).toList())
                        .stream().map(Notation::hex).toList()
                + ", CR3 " + gptRoot + ", gates "
                + gates.stream().map(GuestPage::n).sorted().map(Notation::hex).toList() + ", NPT "
                + new java.util.TreeMap<>(npt.entrySet().stream()
                        .collect(java.util.stream.Collectors.toMap(
                                e -> Notation.hex(e.getKey().n()),
                                e -> e.getValue().toString())));
    }
}
