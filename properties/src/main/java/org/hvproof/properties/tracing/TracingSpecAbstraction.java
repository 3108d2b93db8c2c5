package org.hvproof.properties.tracing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.hvproof.model.common.AccessKind;
import org.hvproof.model.common.Completed;
import org.hvproof.model.common.DmaCompleted;
import org.hvproof.model.common.DmaRefused;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.Notification;
import org.hvproof.model.common.Observation;
import org.hvproof.model.common.Owner;
import org.hvproof.model.common.VCpu;
import org.hvproof.model.common.ValueRead;
import org.hvproof.model.tracing.AddTrace;
import org.hvproof.model.tracing.DeviceWrite;
import org.hvproof.model.tracing.GuestRead;
import org.hvproof.model.tracing.GuestWrite;
import org.hvproof.model.tracing.RemoveTrace;
import org.hvproof.model.tracing.TracingAction;
import org.hvproof.model.tracing.TracingState;
import org.hvproof.model.tracing.TracingStep;
import org.hvproof.properties.harness.SpecTrace;
import org.hvproof.specs.TraceValidator;

/**
 * The abstraction from a run of the Java tracing model to a trace of {@code tracing.als}:
 * one Alloy formula per state and one per step, over the spec's own names, for
 * {@link TraceValidator}.
 *
 * <p><b>Atoms.</b> Every guest-physical page, owner and vCPU the run mentions becomes an
 * existentially quantified, pairwise distinct atom named after it ({@code gpp10: Page},
 * {@code o_integrity: Owner}, {@code vcpu0: VCpu}). Pages the run never mentions are the
 * spec's other {@code Page} atoms, if any: untraced and writable throughout, as in the model.
 * A run that mentions more than the scope (3 of each) is refused, not validated.
 *
 * <p><b>States.</b> The initial state also pins the spec's handler flaw off
 * ({@value #CORRECT_HANDLER}). {@code traces} is exactly the model's owners per page; the write bits
 * are derived, {@code NestedPageTable.writable = Page - traced pages} (the model keeps no nested
 * page table, so the abstraction states the spec's invariant rather than observing it);
 * {@code Hypervisor.notified} holds exactly one atom per {@link Notification} the step that led
 * to the state observed, duplicates included ({@code some disj n0, n1: Notification | ...}), and
 * nothing in the initial state.
 *
 * <p><b>Offsets.</b> A notification's (offset, length) in its page becomes: {@code FirstOffset}
 * when it starts at byte 0; else {@code LastOffset} when it ends at the page's last byte; else
 * the one other offset atom {@code off_mid}. The spec demands Last then First exactly for the
 * two halves of a crossing write, and this mapping gives that for every crossing write (the
 * first half ends at the page end, the second starts at 0), so a correct model maps to a spec
 * behaviour; a model that notifies a wrong offset at a page boundary does not. Offsets inside a
 * page collapse: 7 and 300 are both {@code off_mid}.
 *
 * <p><b>Steps.</b> Each action is pinned to the operation the spec must take for it, chosen from
 * the action and the state before it, never from what the model did: {@code addTrace[o, p]} when
 * o does not trace p yet, else {@code stutter} (the model accepts a repeated request and changes
 * nothing; the spec refuses it); {@code removeTrace[o, p]} when o traces p, else
 * {@code stutter} (refused); a completed write is {@code guestWrite[v, p, off]} or, when it
 * spans two pages, {@code guestWriteCrossing[v, p1, p2]}; a completed read {@code guestRead[v, p]}; a
 * faulted access, and every action the spec has no operation for (mapping, unmapping,
 * privilege changes, instruction fetches, stutter), is {@code stutter}, which also asserts
 * that it changed no traces and raised no notification. Whether an access completes, and
 * which page it reaches, come from the model's own observations and mappings: the spec leaves
 * guest page tables out, so it cannot judge them (the lockstep refinement properties do).
 */
public final class TracingSpecAbstraction {

    /** Signature whose pool size the abstraction may need above the command's scope. */
    static final String NOTIFICATION_SIG = "Notification";

    /** Atoms of each kind the spec's scope allows. */
    static final int SCOPE = 3;

    /**
     * Pins the spec's handler to the correct one: {@code tracing.als} keeps its flawed handlers
     * ({@code Hypervisor.flaw}) for its must-fail twins, and the Java model is held to the correct
     * service only. Part of the initial state's formula (the flaw is static).
     */
    static final String CORRECT_HANDLER = "no Hypervisor.flaw";

    /** The atom standing for offsets strictly inside a page. */
    static final String MID_OFFSET = "off_mid";

    private TracingSpecAbstraction() {}

    /** The run as a trace of {@code tracing.als}. */
    public static TraceValidator.Trace of(TracingModelRun run) {
        Atoms atoms = new Atoms();
        List<String> states = new ArrayList<>();
        List<String> steps = new ArrayList<>();
        states.add(CORRECT_HANDLER + " and " + state(run.initial(), List.of(), atoms));
        for (int i = 0; i < run.actions().size(); i++) {
            TracingState before = run.before(i);
            TracingStep step = run.steps().get(i);
            steps.add(operation(before, run.actions().get(i), step, atoms));
            List<Notification> notes = notifications(step.observations());
            states.add(state(step.next(), notes, atoms));
        }
        Map<String, Integer> scopes = new LinkedHashMap<>();
        int pool = notificationPool(run);
        if (pool > SCOPE) {
            scopes.put(NOTIFICATION_SIG, pool);
        }
        return new TraceValidator.Trace(atoms.declarations(), states, steps, scopes);
    }

    /**
     * Pins the correct shoot-down and IOMMU update: {@code tracing.als} keeps the flawed ones
     * ({@code TraceInvalidation.kind}, {@code DeviceUpdate.kind}) for its TRACE-4/5 twins, and the
     * machine runs are held to the correct service. Part of the initial state's formula (both are static).
     */
    static final String CORRECT_UPDATES = "TraceInvalidation.kind = EveryVcpu and DeviceUpdate.kind = TableAndIotlb";

    /**
     * A run of the implementation on the machine as a trace of {@code tracing.als}, translation
     * caches and device included: each state is {@link #state} plus {@link #caches} (the vCPUs'
     * cached writable translations, the write served from one, the device's writable mappings,
     * the IOTLB's writable entries, where the step's DMA write landed or was refused); each step is
     * {@link #operation} except that a new trace is {@code addTrace[o, p] and invalidation[p] and
     * iommuUpdate[p]} (the shoot-down and the I/O page table and IOTLB update the request performs), a
     * write served from the writer's TLB is {@code cachedWrite[v, p]} and a device write within one
     * page {@code dmaWrite[p]}. All three pages and every vCPU are atoms, so the caches can name them.
     *
     * <p>What it collapses: a cached translation is a (vCPU, guest-physical page) pair, its
     * address space, view and virtual address dropped (the runs map each page at one virtual
     * page per vCPU); a page the device's table does not map yet counts as writable for it exactly
     * when it is untraced, since its first request would be mapped so; bytes and the written values
     * are left out, as everywhere in the spec.
     */
    public static TraceValidator.Trace of(TracingSpecMachineRun machine) {
        TracingModelRun run = machine.run();
        Atoms atoms = new Atoms();
        TracingSpecConformance.PAGES.forEach(atoms::page);
        machine.caches().get(0).writableTranslations().keySet().forEach(atoms::vcpu);
        List<String> states = new ArrayList<>();
        List<String> steps = new ArrayList<>();
        states.add(CORRECT_HANDLER + " and " + CORRECT_UPDATES + " and " + state(run.initial(), List.of(), atoms)
                + " and " + caches(machine.caches().get(0), List.of(), atoms));
        for (int i = 0; i < run.actions().size(); i++) {
            TracingState before = run.before(i);
            TracingStep step = run.steps().get(i);
            TracingSpecMachineRun.Caches after = machine.caches().get(i + 1);
            steps.add(machineOperation(before, run.actions().get(i), step, after, atoms));
            states.add(state(step.next(), notifications(step.observations()), atoms) + " and "
                    + caches(after, step.observations(), atoms));
        }
        Map<String, Integer> scopes = new LinkedHashMap<>();
        int pool = notificationPool(run);
        if (pool > SCOPE) {
            scopes.put(NOTIFICATION_SIG, pool);
        }
        return new TraceValidator.Trace(atoms.declarations(), states, steps, scopes);
    }

    /** The spec operation of a machine step: see {@link #of(TracingSpecMachineRun)}. */
    static String machineOperation(
            TracingState before,
            TracingAction action,
            TracingStep step,
            TracingSpecMachineRun.Caches after,
            Atoms atoms) {
        if (action instanceof AddTrace a
                && !before.ownersOf(a.page()).contains(a.owner())
                && before.shape().isRam(a.page())) {
            String p = atoms.page(a.page());
            return "addTrace[" + atoms.owner(a.owner()) + ", " + p + "] and invalidation[" + p + "] and iommuUpdate["
                    + p + "]";
        }
        if (action instanceof GuestWrite && after.wroteThroughCache().isPresent()) {
            TracingSpecMachineRun.CachedWrite w = after.wroteThroughCache().get();
            return "cachedWrite[" + atoms.vcpu(w.vcpu()) + ", " + atoms.page(w.page()) + "]";
        }
        if (action instanceof DeviceWrite d) {
            if (d.bytes().length() == 0) {
                return "stutter";
            }
            if (Piece.split(d.busAddress(), d.bytes().length()).size() != 1) {
                throw new IllegalArgumentException("outside the spec: " + d + " crosses a page (one dmaWrite a page)");
            }
            return "dmaWrite[" + atoms.page(GuestPhysicalPage.containing(d.busAddress())) + "]";
        }
        return operation(before, action, step, atoms);
    }

    /** The translation-cache and device state of {@code c}, with the DMA outcome {@code seen} reports. */
    static String caches(TracingSpecMachineRun.Caches c, List<Observation> seen, Atoms atoms) {
        List<String> cached = new ArrayList<>();
        c.writableTranslations()
                .forEach((v, pages) -> pages.forEach(p -> cached.add(atoms.vcpu(v) + " -> " + atoms.page(p))));
        Collections.sort(cached);
        StringBuilder f = new StringBuilder(relation("Tlb.cachedWritable", cached));
        f.append(" and ")
                .append(relation(
                        "Tlb.wroteThroughCache",
                        c.wroteThroughCache()
                                .map(w -> List.of(atoms.vcpu(w.vcpu()) + " -> " + atoms.page(w.page())))
                                .orElse(List.of())));
        f.append(" and Iommu.deviceWritable = Page");
        if (!c.deviceReadOnly().isEmpty()) {
            f.append(" - (")
                    .append(c.deviceReadOnly().stream()
                            .map(atoms::page)
                            .sorted()
                            .collect(Collectors.joining(" + ")))
                    .append(')');
        }
        f.append(" and ")
                .append(relation(
                        "Iommu.iotlbWritable",
                        c.iotlbWritable().stream().map(atoms::page).sorted().toList()));
        List<String> landed = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (Observation o : seen) {
            if (o instanceof DmaCompleted d && d.length() > 0) {
                landed.add(atoms.page(GuestPhysicalPage.containing(d.busAddress())));
            } else if (o instanceof DmaRefused d) {
                refused.add(atoms.page(GuestPhysicalPage.containing(d.busAddress())));
            }
        }
        f.append(" and ").append(relation("Iommu.dmaLanded", landed));
        f.append(" and ").append(relation("Iommu.dmaRefused", refused));
        return f.toString();
    }

    private static String relation(String name, List<String> tuples) {
        return tuples.isEmpty() ? "no " + name : name + " = " + String.join(" + ", tuples);
    }

    /**
     * Notification atoms a spec instance needs for the run: atoms are static, so one per
     * distinct (vCPU, page, abstract offset), times the most copies any single step raises.
     */
    static int notificationPool(TracingModelRun run) {
        Map<String, Integer> most = new LinkedHashMap<>();
        for (TracingStep step : run.steps()) {
            Map<String, Integer> here = new LinkedHashMap<>();
            for (Notification n : notifications(step.observations())) {
                here.merge(n.vcpu() + "/" + n.page() + "/" + offset(n.offset(), n.length()), 1, Integer::sum);
            }
            here.forEach((k, c) -> most.merge(k, c, Math::max));
        }
        return most.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** One state: traces, write bits, and the notifications of the step that led to it. */
    static String state(TracingState s, List<Notification> notified, Atoms atoms) {
        StringBuilder f = new StringBuilder();
        if (s.traces().isEmpty()) {
            f.append("no traces");
        } else {
            f.append("traces = ")
                    .append(s.traces().entrySet().stream()
                            .flatMap(e ->
                                    e.getValue().stream().map(o -> atoms.page(e.getKey()) + " -> " + atoms.owner(o)))
                            .collect(Collectors.joining(" + ")));
        }
        f.append(" and NestedPageTable.writable = Page");
        if (!s.traces().isEmpty()) {
            f.append(" - (")
                    .append(s.traces().keySet().stream().map(atoms::page).collect(Collectors.joining(" + ")))
                    .append(')');
        }
        f.append(" and ").append(notified(notified, atoms));
        return f.toString();
    }

    private static String notified(List<Notification> notes, Atoms atoms) {
        if (notes.isEmpty()) {
            return "no Hypervisor.notified";
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < notes.size(); i++) {
            names.add("n" + i);
        }
        StringBuilder f = new StringBuilder("(some ")
                .append(notes.size() > 1 ? "disj " : "")
                .append(String.join(", ", names))
                .append(": Notification | Hypervisor.notified = ")
                .append(String.join(" + ", names));
        for (int i = 0; i < notes.size(); i++) {
            Notification n = notes.get(i);
            f.append(" and ")
                    .append(names.get(i))
                    .append(".vcpu = ")
                    .append(atoms.vcpu(n.vcpu()))
                    .append(" and ")
                    .append(names.get(i))
                    .append(".page = ")
                    .append(atoms.page(n.page()))
                    .append(" and ")
                    .append(names.get(i))
                    .append(".offset = ")
                    .append(atoms.offset(n.offset(), n.length()));
        }
        return f.append(')').toString();
    }

    /** The spec operation that must explain the step, from the action and the state before it. */
    static String operation(TracingState before, TracingAction action, TracingStep step, Atoms atoms) {
        if (action instanceof AddTrace a) {
            return !before.ownersOf(a.page()).contains(a.owner())
                            && before.shape().isRam(a.page())
                    ? "addTrace[" + atoms.owner(a.owner()) + ", " + atoms.page(a.page()) + "]"
                    : "stutter";
        }
        if (action instanceof RemoveTrace r) {
            return before.ownersOf(r.page()).contains(r.owner())
                    ? "removeTrace[" + atoms.owner(r.owner()) + ", " + atoms.page(r.page()) + "]"
                    : "stutter";
        }
        if (action instanceof GuestWrite w) {
            if (!step.observations()
                    .contains(new Completed(
                            w.vcpu(), AccessKind.WRITE, w.va(), w.bytes().length()))) {
                return "stutter";
            }
            List<Piece> pieces = Piece.split(w.va(), w.bytes().length());
            List<GuestPhysicalPage> pages = new ArrayList<>();
            for (Piece p : pieces) {
                pages.add(before.mappingOf(w.vcpu(), p.va())
                        .orElseThrow(() -> new IllegalStateException(
                                "the model completed " + w + " but maps no page at 0x" + Long.toHexString(p.va())))
                        .page());
            }
            String v = atoms.vcpu(w.vcpu());
            if (pieces.size() == 1) {
                return "guestWrite[" + v + ", " + atoms.page(pages.get(0)) + ", "
                        + atoms.offset(pieces.get(0).offset(), pieces.get(0).length()) + "]";
            }
            if (pages.get(0).equals(pages.get(1))) {
                throw new IllegalArgumentException("outside the spec: " + w + " crosses into the same page "
                        + pages.get(0) + " (two virtual pages alias it); guestWriteCrossing needs two pages");
            }
            return "guestWriteCrossing[" + v + ", " + atoms.page(pages.get(0)) + ", " + atoms.page(pages.get(1)) + "]";
        }
        if (action instanceof GuestRead r) {
            boolean completed = step.observations().stream().anyMatch(o -> o instanceof ValueRead);
            if (!completed) {
                return "stutter";
            }
            return before.mappingOf(r.vcpu(), r.va())
                    .map(m -> "guestRead[" + atoms.vcpu(r.vcpu()) + ", " + atoms.page(m.page()) + "]")
                    .orElse("stutter");
        }
        return "stutter";
    }

    /** The abstract offset of a piece of a write: see the class comment. */
    static String offset(int offset, int length) {
        if (offset == 0) {
            return "FirstOffset";
        }
        if (offset + length == GuestPhysicalPage.SIZE) {
            return "LastOffset";
        }
        return MID_OFFSET;
    }

    static List<Notification> notifications(List<Observation> observations) {
        List<Notification> out = new ArrayList<>();
        for (Observation o : observations) {
            if (o instanceof Notification n) {
                out.add(n);
            }
        }
        return out;
    }

    /** The part of an access inside one page. */
    record Piece(long va, int offset, int length) {
        static List<Piece> split(long va, int length) {
            int offset = (int) (va & (GuestPhysicalPage.SIZE - 1));
            int first = Math.min(length, GuestPhysicalPage.SIZE - offset);
            if (first == length) {
                return List.of(new Piece(va, offset, length));
            }
            return List.of(new Piece(va, offset, first), new Piece(va + first, 0, length - first));
        }
    }

    /** The atoms a run names, each declared once, sorted by name. */
    static final class Atoms {
        private final Set<String> pages = new TreeSet<>();
        private final Set<String> owners = new TreeSet<>();
        private final Set<String> vcpus = new TreeSet<>();
        private boolean mid;

        String page(GuestPhysicalPage p) {
            return add(pages, "gpp" + p.number(), "pages");
        }

        String owner(Owner o) {
            return add(owners, "o_" + o.name().replaceAll("[^A-Za-z0-9_]", "_"), "owners");
        }

        String vcpu(VCpu v) {
            return add(vcpus, "vcpu" + v.id(), "vCPUs");
        }

        String offset(int offset, int length) {
            String atom = TracingSpecAbstraction.offset(offset, length);
            mid |= atom.equals(MID_OFFSET);
            return atom;
        }

        private static String add(Set<String> set, String atom, String what) {
            set.add(atom);
            if (set.size() > SCOPE) {
                throw new IllegalArgumentException("outside the spec's scope of " + SCOPE + ": the run names "
                        + set.size() + " " + what + " " + set);
            }
            return atom;
        }

        /** {@code disj gpp10, gpp11: Page, o_a: Owner, ...}; empty when the run names nothing. */
        String declarations() {
            List<String> decls = new ArrayList<>();
            SpecTrace.declare(decls, pages, "Page");
            SpecTrace.declare(decls, owners, "Owner");
            SpecTrace.declare(decls, vcpus, "VCpu");
            if (mid) {
                decls.add(MID_OFFSET + ": Offset - FirstOffset - LastOffset");
            }
            return String.join(", ", decls);
        }
    }
}
