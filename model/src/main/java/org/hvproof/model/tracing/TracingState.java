package org.hvproof.model.tracing;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.Iterator;
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
 * @param pending    the trace request the hypervisor has started and not yet finished, if any
 *                   (its page is not traced for it until the request's last micro-step)
 */
public record TracingState(
        MachineShape shape,
        Map<VCpu, Map<GuestVirtualPage, Mapping>> mappings,
        Map<GuestPhysicalPage, Set<Owner>> traces,
        Map<GuestPhysicalPage, Bytes> memory,
        Map<VCpu, Privilege> privileges,
        Optional<PendingTrace> pending) {

    /** A state with no request pending. */
    public TracingState(
            MachineShape shape,
            Map<VCpu, Map<GuestVirtualPage, Mapping>> mappings,
            Map<GuestPhysicalPage, Set<Owner>> traces,
            Map<GuestPhysicalPage, Bytes> memory,
            Map<VCpu, Privilege> privileges) {
        this(shape, mappings, traces, memory, privileges, Optional.empty());
    }

    /**
     * Copies every collection into an unmodifiable, ordered form, except a map another state (or
     * the model's step) already made so ({@link Frozen}): immutable, it is shared, not copied, so a
     * step that changes one part of a state copies only that part.
     */
    public TracingState {
        Objects.requireNonNull(shape, "shape");
        if (!(mappings instanceof Frozen) || !mappings.values().stream().allMatch(Frozen.class::isInstance)) {
            TreeMap<VCpu, Map<GuestVirtualPage, Mapping>> m = new TreeMap<>();
            mappings.forEach((vcpu, space) -> m.put(vcpu, Frozen.of(space)));
            mappings = new Frozen<>(m);
        }
        if (!(traces instanceof Frozen)) {
            TreeMap<GuestPhysicalPage, Set<Owner>> t = new TreeMap<>();
            traces.forEach((page, owners) -> t.put(page, Collections.unmodifiableSet(new TreeSet<>(owners))));
            traces = new Frozen<>(t);
        }
        memory = Frozen.of(memory);
        privileges = Frozen.of(privileges);
        Objects.requireNonNull(pending, "pending");
    }

    /** This state with {@code request} pending instead (its other parts shared, not copied). */
    public TracingState withPending(Optional<PendingTrace> request) {
        return request.equals(pending) ? this : new TracingState(shape, mappings, traces, memory, privileges, request);
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

    /**
     * An unmodifiable map in key order over a {@link TreeMap} no one else holds: the form every
     * map of a state takes. Equal to any map with the same entries; two of them compare entry by
     * entry in order, values by identity first, so the unchanged parts two states share cost
     * nothing to compare.
     */
    static final class Frozen<K, V> extends AbstractMap<K, V> {
        private final TreeMap<K, V> tree;
        private final Map<K, V> entries;

        /** Takes {@code owned} over: the caller must drop every reference to it. */
        Frozen(TreeMap<K, V> owned) {
            this.tree = owned;
            this.entries = Collections.unmodifiableMap(owned);
        }

        /** {@code map} itself when it is already frozen, otherwise a frozen copy. */
        static <K, V> Map<K, V> of(Map<K, V> map) {
            return map instanceof Frozen ? map : new Frozen<>(new TreeMap<>(map));
        }

        /** A frozen copy of {@code map} with {@code key} mapped to {@code value}. */
        static <K, V> Map<K, V> with(Map<K, V> map, K key, V value) {
            TreeMap<K, V> copy = copy(map);
            copy.put(key, value);
            return new Frozen<>(copy);
        }

        /** A frozen copy of {@code map} without {@code key}. */
        static <K, V> Map<K, V> without(Map<K, V> map, K key) {
            TreeMap<K, V> copy = copy(map);
            copy.remove(key);
            return new Frozen<>(copy);
        }

        /** A mutable copy; of a frozen map in one pass, its entries being in order already. */
        private static <K, V> TreeMap<K, V> copy(Map<K, V> map) {
            return map instanceof Frozen<K, V> f ? new TreeMap<>(f.tree) : new TreeMap<>(map);
        }

        @Override
        public Set<Entry<K, V>> entrySet() {
            return entries.entrySet();
        }

        @Override
        public int size() {
            return entries.size();
        }

        @Override
        public boolean isEmpty() {
            return entries.isEmpty();
        }

        @Override
        public V get(Object key) {
            return entries.get(key);
        }

        @Override
        public boolean containsKey(Object key) {
            return entries.containsKey(key);
        }

        @Override
        public Set<K> keySet() {
            return entries.keySet();
        }

        @Override
        public java.util.Collection<V> values() {
            return entries.values();
        }

        @Override
        public boolean equals(Object o) {
            if (o == this) {
                return true;
            }
            if (!(o instanceof Frozen<?, ?> other)) {
                return entries.equals(o);
            }
            if (other.size() != size()) {
                return false;
            }
            // Both iterate in their keys' natural order, so equal maps pair up entry by entry.
            // The trees themselves, not their unmodifiable views: nothing escapes, and no wrapper is made per entry.
            Iterator<? extends Entry<?, ?>> theirs = other.tree.entrySet().iterator();
            for (Entry<K, V> mine : tree.entrySet()) {
                Entry<?, ?> their = theirs.next();
                if (!mine.getKey().equals(their.getKey())) {
                    return false;
                }
                if (mine.getValue() != their.getValue() && !Objects.equals(mine.getValue(), their.getValue())) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int hashCode() {
            return entries.hashCode();
        }

        @Override
        public String toString() {
            return entries.toString();
        }
    }
}
