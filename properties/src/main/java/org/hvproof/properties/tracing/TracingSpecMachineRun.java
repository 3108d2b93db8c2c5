package org.hvproof.properties.tracing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.hvproof.impl.machine.Machine;
import org.hvproof.impl.machine.Tlb;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.impl.machine.VirtualCpu;
import org.hvproof.impl.tracing.TracingImplFlaw;
import org.hvproof.impl.tracing.TracingSystem;
import org.hvproof.model.common.Completed;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.Notification;
import org.hvproof.model.common.Observation;
import org.hvproof.model.common.VCpu;
import org.hvproof.model.tracing.GuestWrite;
import org.hvproof.model.tracing.TracingAction;
import org.hvproof.model.tracing.TracingState;
import org.hvproof.model.tracing.TracingStep;

/**
 * A finished run of the tracing implementation on the simulated machine, read for {@code
 * tracing.als}'s translation-cache and device state: the run through the abstraction function
 * ({@link TracingSystem#abstractState}, so traces and notifications as the model has them) and, per
 * state, the {@link Caches} the machine held. The Java tracing model keeps no TLBs and no IOMMU,
 * so TRACE-4 and TRACE-5 can only be linked to the spec through the machine; the value {@link
 * TracingSpecConformance#machineTracesAreSpecTraces} generates.
 *
 * @param flaw   the service's flaw ({@link TracingImplFlaw#NONE} for the correct one)
 * @param run    actions, abstract states and observations
 * @param caches per state (the initial one first), what the machine's caches and device table held
 */
public record TracingSpecMachineRun(TracingImplFlaw flaw, TracingModelRun run, List<Caches> caches) {

    /** Copies the list; one entry per state. */
    public TracingSpecMachineRun {
        Objects.requireNonNull(flaw, "flaw");
        caches = List.copyOf(caches);
        if (caches.size() != run.actions().size() + 1) {
            throw new IllegalArgumentException(
                    run.actions().size() + " actions need " + (run.actions().size() + 1) + " cache readings");
        }
    }

    /**
     * What the machine held in one state, in the spec's terms.
     *
     * @param writableTranslations per vCPU, the guest-physical pages its TLB caches a writable translation of
     *                             ({@code Tlb.cachedWritable})
     * @param deviceReadOnly       pages of the run the device may not write: its I/O page table maps them
     *                             read-only, or does not map them yet and its first request would map them
     *                             read-only because they are traced ({@code Page - Iommu.deviceWritable})
     * @param iotlbWritable        pages the IOTLB caches a writable translation of ({@code Iommu.iotlbWritable})
     * @param wroteThroughCache    the write of the step that led here, when its vCPU's TLB served it without
     *                             a nested walk ({@code Tlb.wroteThroughCache}); empty otherwise
     */
    public record Caches(
            Map<VCpu, Set<GuestPhysicalPage>> writableTranslations,
            Set<GuestPhysicalPage> deviceReadOnly,
            Set<GuestPhysicalPage> iotlbWritable,
            Optional<CachedWrite> wroteThroughCache) {
        /** Copies the collections. */
        public Caches {
            writableTranslations = Map.copyOf(writableTranslations);
            deviceReadOnly = Set.copyOf(deviceReadOnly);
            iotlbWritable = Set.copyOf(iotlbWritable);
            Objects.requireNonNull(wroteThroughCache, "wroteThroughCache");
        }

        /** Whether some vCPU caches a writable translation of {@code page}. */
        boolean cachedWritable(GuestPhysicalPage page) {
            return writableTranslations.values().stream().anyMatch(s -> s.contains(page));
        }
    }

    /** A write of {@code vcpu} to {@code page} served from its TLB. */
    public record CachedWrite(VCpu vcpu, GuestPhysicalPage page) {}

    /**
     * Boots a guest under the service with {@code flaw}, runs {@code setUp} (which the spec does
     * not see) and then {@code actions}, reading the caches after each.
     */
    public static TracingSpecMachineRun of(
            TracingImplFlaw flaw, List<TracingAction> setUp, List<TracingAction> actions) {
        Runner runner = new Runner(flaw, setUp);
        for (TracingAction a : actions) {
            runner.apply(a);
        }
        return runner.finish();
    }

    /** Runs actions one at a time (a generator draws each from the state before it). */
    static final class Runner {
        private final TracingImplFlaw flaw;
        private final TracingSystem system;
        private final TracingState initial;
        private final List<TracingAction> actions = new ArrayList<>();
        private final List<TracingStep> steps = new ArrayList<>();
        private final List<Caches> caches = new ArrayList<>();

        Runner(TracingImplFlaw flaw, List<TracingAction> setUp) {
            this.flaw = flaw;
            this.system = new TracingSystem(TracingTrace.SHAPE, flaw, false);
            for (TracingAction a : setUp) {
                system.apply(a);
            }
            this.initial = system.abstractState();
            caches.add(read(initial, Optional.empty()));
        }

        /** The abstract state now. */
        TracingState state() {
            return steps.isEmpty() ? initial : steps.get(steps.size() - 1).next();
        }

        /** The (vCPU id, index in {@link TracingSpecConformance#PAGES}) pairs whose TLB now caches the page writable. */
        List<int[]> cachedWritable() {
            List<int[]> out = new ArrayList<>();
            Map<VCpu, Set<GuestPhysicalPage>> held =
                    caches.get(caches.size() - 1).writableTranslations();
            held.keySet().stream().sorted(Comparator.comparingInt(VCpu::id)).forEach(v -> {
                for (int i = 0; i < TracingSpecConformance.PAGES.size(); i++) {
                    if (held.get(v).contains(TracingSpecConformance.PAGES.get(i))) {
                        out.add(new int[] {v.id(), i});
                    }
                }
            });
            return out;
        }

        /** The pages the IOTLB now caches a writable translation of. */
        List<GuestPhysicalPage> iotlbWritable() {
            return caches.get(caches.size() - 1).iotlbWritable().stream()
                    .sorted(Comparator.comparingLong(GuestPhysicalPage::number))
                    .toList();
        }

        /** Runs {@code a} on the machine and reads what it left. */
        void apply(TracingAction a) {
            Machine m = system.machine();
            Optional<VirtualCpu> writer = a instanceof GuestWrite w ? m.vcpu(w.vcpu()) : Optional.empty();
            long hits = writer.map(c -> m.tlb(c).hits()).orElse(0L);
            List<Observation> seen = system.apply(a);
            TracingState after = system.abstractState();
            Optional<CachedWrite> cached = Optional.empty();
            if (a instanceof GuestWrite w
                    && writer.isPresent()
                    && m.tlb(writer.get()).hits() > hits
                    && seen.stream().noneMatch(Notification.class::isInstance)
                    && seen.contains(new Completed(
                            w.vcpu(),
                            org.hvproof.model.common.AccessKind.WRITE,
                            w.va(),
                            w.bytes().length()))
                    && TracingSpecAbstraction.Piece.split(w.va(), w.bytes().length())
                                    .size()
                            == 1) {
                GuestPhysicalPage page = state().mappingOf(w.vcpu(), w.va())
                        .orElseThrow(() -> new IllegalStateException("a cached write at an unmapped address: " + w))
                        .page();
                cached = Optional.of(new CachedWrite(w.vcpu(), page));
            }
            actions.add(a);
            steps.add(new TracingStep(after, seen));
            caches.add(read(after, cached));
        }

        TracingSpecMachineRun finish() {
            return new TracingSpecMachineRun(flaw, new TracingModelRun(initial, actions, steps), caches);
        }

        /** The caches the machine holds, read in the spec's terms, for the run's pages. */
        private Caches read(TracingState s, Optional<CachedWrite> cached) {
            Machine m = system.machine();
            Map<VCpu, Set<GuestPhysicalPage>> tlbs = new LinkedHashMap<>();
            for (VirtualCpu c : m.vcpus()) {
                Tlb tlb = m.tlb(c);
                Set<GuestPhysicalPage> pages = new TreeSet<>(Comparator.comparingLong(GuestPhysicalPage::number));
                tlb.writableGuestPhysicalPages(ViewId.DEFAULT).forEach(n -> pages.add(new GuestPhysicalPage(n)));
                tlbs.put(c.id(), pages);
            }
            Set<GuestPhysicalPage> readOnly = new TreeSet<>(Comparator.comparingLong(GuestPhysicalPage::number));
            for (GuestPhysicalPage p : TracingSpecConformance.PAGES) {
                // the device's rights as the hypervisor holds them: its I/O page table's, or for
                // a page it has not asked for yet, those its page request would be answered with
                if (!system.hypervisor().deviceMayWrite(TracingSystem.DEVICE, p)) {
                    readOnly.add(p);
                }
            }
            Set<GuestPhysicalPage> iotlb = new TreeSet<>(Comparator.comparingLong(GuestPhysicalPage::number));
            m.iommu().cachedWritablePages(TracingSystem.DEVICE).forEach(n -> iotlb.add(new GuestPhysicalPage(n)));
            return new Caches(tlbs, readOnly, iotlb, cached);
        }
    }

    /** One numbered line per action with what the machine saw and held, for failure reports. */
    public String describe() {
        StringBuilder out = new StringBuilder("  0. caches " + caches.get(0) + "\n");
        for (int i = 0; i < run.actions().size(); i++) {
            out.append(String.format(
                    "  %d. %s -> %s, traces %s, caches %s%n",
                    i + 1,
                    run.actions().get(i),
                    run.steps().get(i).observations(),
                    run.steps().get(i).next().traces(),
                    caches.get(i + 1)));
        }
        return out.toString();
    }
}
