package org.hvproof.model.tracing;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.GuestVirtualPage;
import org.hvproof.model.common.MachineShape;
import org.hvproof.model.common.Owner;
import org.hvproof.model.common.Privilege;
import org.hvproof.model.common.VCpu;

/**
 * One abstract state of a guest under the tracing service. Immutable; every collection is an
 * unmodifiable copy, so two states are equal exactly when they describe the same guest.
 *
 * @param shape      the guest's fixed dimensions
 * @param mappings   per vCPU address space, each mapped virtual page's target and effective rights
 * @param traces     the owners of each traced page; a page is traced iff it is a key
 * @param memory     contents of pages holding a non-zero byte (all other bytes read as zero)
 * @param privileges the privilege each vCPU runs at
 */
public record TracingState(
        MachineShape shape,
        Map<VCpu, Map<GuestVirtualPage, Mapping>> mappings,
        Map<GuestPhysicalPage, Set<Owner>> traces,
        Map<GuestPhysicalPage, Bytes> memory,
        Map<VCpu, Privilege> privileges) {

    /** Copies every collection into an unmodifiable, ordered form. */
    public TracingState {
        Objects.requireNonNull(shape, "shape");
        Map<VCpu, Map<GuestVirtualPage, Mapping>> m = new TreeMap<>();
        mappings.forEach((vcpu, space) -> m.put(vcpu, Collections.unmodifiableMap(new TreeMap<>(space))));
        mappings = Collections.unmodifiableMap(m);
        Map<GuestPhysicalPage, Set<Owner>> t = new TreeMap<>();
        traces.forEach((page, owners) -> t.put(page, Collections.unmodifiableSet(new TreeSet<>(owners))));
        traces = Collections.unmodifiableMap(t);
        memory = Collections.unmodifiableMap(new TreeMap<>(memory));
        privileges = Collections.unmodifiableMap(new TreeMap<>(privileges));
    }

    /** The state after boot: no mappings, no traces, zeroed memory, every vCPU in the kernel. */
    public static TracingState initial(MachineShape shape) {
        Map<VCpu, Map<GuestVirtualPage, Mapping>> m = new TreeMap<>();
        Map<VCpu, Privilege> p = new TreeMap<>();
        for (int i = 0; i < shape.vcpuCount(); i++) {
            m.put(new VCpu(i), Map.of());
            p.put(new VCpu(i), Privilege.KERNEL);
        }
        return new TracingState(shape, m, Map.of(), Map.of(), p);
    }

    /** The mapping of the virtual page holding {@code va} in the vCPU's address space, if any. */
    public Optional<Mapping> mappingOf(VCpu vcpu, long va) {
        return Optional.ofNullable(mappings.getOrDefault(vcpu, Map.of()).get(GuestVirtualPage.containing(va)));
    }

    /** The owners of the page's trace; empty when it is not traced. */
    public Set<Owner> ownersOf(GuestPhysicalPage page) {
        return traces.getOrDefault(page, Set.of());
    }

    /** Whether some owner traces the page. */
    public boolean isTraced(GuestPhysicalPage page) {
        return !ownersOf(page).isEmpty();
    }

    /** The page's contents: 4096 bytes, zero where never written. */
    public Bytes contentsOf(GuestPhysicalPage page) {
        return memory.getOrDefault(page, Bytes.zeros(GuestPhysicalPage.SIZE));
    }
}
