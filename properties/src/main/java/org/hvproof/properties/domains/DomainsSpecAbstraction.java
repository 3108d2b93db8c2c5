package org.hvproof.properties.domains;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.hvproof.model.common.Transition;
import org.hvproof.model.domains.Domain;
import org.hvproof.model.domains.DomainsAction;
import org.hvproof.model.domains.DomainsObservation;
import org.hvproof.model.domains.DomainsState;
import org.hvproof.model.domains.DomainsVCpu;
import org.hvproof.model.domains.FrameContent;
import org.hvproof.model.domains.Ids.DomainId;
import org.hvproof.model.domains.Ids.Frame;
import org.hvproof.model.domains.Ids.GuestPage;
import org.hvproof.model.domains.Ids.VirtualPage;
import org.hvproof.properties.harness.ModelRun;
import org.hvproof.properties.harness.SpecTrace;

/**
 * The abstraction from a run of the Java domains model to a trace of {@code domains.als}: one
 * formula per spec state, one pinned operation per spec step, over the spec's own names. The
 * correct hypervisor is pinned ({@code correctHv}) and the first state must satisfy {@code init}.
 *
 * <p><b>Atoms.</b> Every host frame is a {@code Frame} ({@code f<n>}); every page of a region is a
 * {@code GPage} ({@code gp<n>}), and every page outside all regions is the one atom {@code gx}:
 * no NPT maps such a page and none is a gate, so the spec cannot tell two of them apart. The
 * window slots that hold an entry in some table of the run are {@code VPage}s ({@code v<n>}); a
 * slot accessed but never mapped is {@code vx} (every access through it faults). Each distinct
 * value of the run is a {@code Datum}: 0 is {@code Zero}, a value a secure frame holds at the
 * start is a {@code SecretDatum} ({@code s<k>}), any other a {@code PublicDatum} ({@code p<k>});
 * both runs of the spec hold the same datum (one Java run is a pair of equal runs). vCPU i is
 * {@code c<i>}, secure domain d is {@code sd<d>}. A jump target of the Java model is a page (the
 * machine's offset is already gone: {@code DomainsAbstraction} maps a target inside a secure
 * region off a page start to the domain's table page); here it is the byte address {@code
 * a<n>} at that page and the one offset {@code o0}, so a gate, which the Java model registers
 * as a page, is the address at offset {@code o0} of its page.
 *
 * <p><b>Tables: four levels collapsed into one.</b> The Java walk reads slot 511 of the CR3
 * table, of the table that entry names and of the next, then the window slot of the last, each
 * table read through the vCPU's NPT. The spec walks one level. A frame's {@code pte} here is what
 * the Java walk resolves to when that frame is the CR3 table, read through the NPT that maps the
 * frame: window slot v maps to the page the fourth-level entry names, when all three upper-level
 * reads hit; a frame whose upper levels miss (slot 511 pointing at a page its NPT does not map,
 * hostile upper-level entries) has no entries. The reads of the upper tables themselves, and the
 * upper-level entries, are gone. A frame whose walk ends at a page-size entry read at level 2 or
 * 3 (a 2 MiB or 1 GiB leaf, {@code FrameContent.large}) holds the spec's {@code large} leaf
 * instead: a {@code GBlock} ({@code b<k>}, one per distinct range of the run) whose {@code first}
 * is the range's first page and whose {@code at} maps each {@code VPage} atom's slot to the page
 * the Java walk reaches there (range base plus the slot, under a 1 GiB leaf plus the window's PD
 * index 511 times 512). A page-size entry with reserved bits set, or read at level 4, stops every
 * walk: no entries and no leaf. In a run with a large leaf every accessed slot is its own
 * {@code VPage} (a leaf maps each slot to its own page, so {@code vx} would merge different ones).
 *
 * <p><b>Steps.</b> A Java whole-page write replaces a table page's entries: it becomes one spec
 * {@code write} per window entry it sets or removes ({@code dst} none), the entry of the slot
 * written through last (so the walk still ends at the same frame), the states between free; a
 * write that changes no entry is one {@code write} that re-sets an entry the frame already has
 * (or removes one it has not); a write after which the frame resolves to a large leaf is one
 * {@code writeLarge} (which drops the frame's entries, as the leaf replaces the table they were
 * in), and a write that turns the large leaf of the vCPU's own table into two entries or more has
 * no spec steps (the first entry write drops the leaf the later ones are written through) and is
 * not drawn ({@link DomainsSpecConformance#inSpec}). Because of the collapse, rewriting a table that another table's
 * upper levels lead to changes what two frames resolve to, which no spec step does: such runs
 * are not drawn ({@link DomainsSpecConformance#inSpec}). {@code SetRegister} is {@code
 * setRegister}, {@code DeviceWrite} is {@code dmaWrite} (landed frame or refused page pinned). The
 * steps that change nothing the spec sees are {@code stutter} with no fault: an action on a vCPU
 * that does not exist, an exit or {@code LoadPtRoot} by the wrong domain, a device write from
 * secure code, an interrupt in root code, any jump by secure code (within its own region the Java
 * model ignores it, elsewhere it faults NOT_MAPPED) and a root jump outside every secure region;
 * the spec's {@code fault} marks only the faults of its own operations (a refused jump, a walk
 * that misses).
 */
public final class DomainsSpecAbstraction {

    /** The spec's file. */
    static final String SPEC = "domains.als";

    /**
     * The validator's overall scope: one atom per signature, so the spec's operations are grounded
     * over the run's own atoms (the trace's scopes raise each signature to its count).
     */
    static final int SCOPE = 1;

    /** A state the spec chooses (between the entry writes of one Java write). */
    private static final String FREE = "some Frame";

    private DomainsSpecAbstraction() {}

    /** The run as a trace of {@code domains.als}. */
    public static SpecTrace of(ModelRun<DomainsState, DomainsAction, DomainsObservation> run) {
        Atoms atoms = Atoms.of(run);
        SpecTrace.Builder b = new SpecTrace.Builder(
                atoms.statics(run.initial()) + " and " + state(run.initial(), Map.of(), null, atoms) + " and init");
        for (int i = 0; i < run.steps().size(); i++) {
            steps(run.steps().get(i), i + 1, b, atoms);
        }
        return b.build(atoms.declarations(), atoms.scopes());
    }

    /**
     * What each frame of {@code s} resolves to as a CR3 table through the NPT that maps it: window
     * slot to guest page, when all three upper-level reads of the walk hit.
     */
    static Map<Frame, Map<Long, Long>> tables(DomainsState s) {
        Map<Frame, Map<Long, Long>> out = new TreeMap<>((x, y) -> Long.compare(x.n(), y.n()));
        for (Domain d : s.domains().values()) {
            d.npt().forEach((g, f) -> {
                DomainsVCpu probe = new DomainsVCpu(d.id(), g, d.id(), null, 0);
                Map<Long, Long> entries = new TreeMap<>();
                for (int v = 0; v < DomainsState.WINDOW_PAGES; v++) {
                    List<GuestPage> path = s.walkPath(probe, new VirtualPage(v));
                    if (path.size() == 5) {
                        entries.put((long) v, path.get(4).n());
                    }
                }
                out.putIfAbsent(f, entries);
            });
        }
        return out;
    }

    /**
     * A large leaf as the spec's {@code GBlock}: the first page of its range and the page window
     * slot 0 maps to (slot v maps to {@code base + v}).
     */
    record Block(long first, long base) {
        /** The guest page this leaf maps window slot {@code v} to. */
        long pageAt(long v) {
            return base + v;
        }
    }

    /**
     * The frames of {@code s} that, read as a CR3 table through the NPT that maps them, end every
     * window walk at a large leaf, and the leaf's block.
     */
    static Map<Frame, Block> largeLeaves(DomainsState s) {
        Map<Frame, Block> out = new TreeMap<>((x, y) -> Long.compare(x.n(), y.n()));
        for (Domain d : s.domains().values()) {
            d.npt().forEach((g, f) -> {
                DomainsVCpu probe = new DomainsVCpu(d.id(), g, d.id(), null, 0);
                DomainsState.GuestWalk w = s.walkOf(probe, new VirtualPage(0));
                if (w.page() != null && w.tables().size() < 4 && !out.containsKey(f)) {
                    // three tables read: a 2 MiB leaf at level 2; two: a 1 GiB leaf, the window at PD index 511
                    long base = w.page().n();
                    long first = w.tables().size() == 3 ? base : base - (long) DomainsState.UPPER_SLOT * 512;
                    out.put(f, new Block(first, base));
                }
            });
        }
        return out;
    }

    /** The frames whose resolved table (entries or large leaf) differs between {@code before} and {@code after}. */
    static Set<Frame> tablesChanged(DomainsState before, DomainsState after) {
        Map<Frame, Map<Long, Long>> t0 = tables(before);
        Map<Frame, Map<Long, Long>> t1 = tables(after);
        Map<Frame, Block> l0 = largeLeaves(before);
        Map<Frame, Block> l1 = largeLeaves(after);
        Set<Frame> out = new TreeSet<>((x, y) -> Long.compare(x.n(), y.n()));
        t0.forEach((f, e) -> {
            if (!e.equals(t1.get(f))) {
                out.add(f);
            }
        });
        t1.forEach((f, e) -> {
            if (!t0.containsKey(f)) {
                out.add(f);
            }
        });
        l0.forEach((f, b) -> {
            if (!b.equals(l1.get(f))) {
                out.add(f);
            }
        });
        l1.forEach((f, b) -> {
            if (!b.equals(l0.get(f))) {
                out.add(f);
            }
        });
        return out;
    }

    /**
     * Whether a write through {@code c} to frame {@code f}, from {@code before} to {@code after},
     * turns the large leaf of {@code c}'s own table into two entries or more: the spec's first
     * entry write drops the leaf the later ones would be written through, so it has no spec steps.
     */
    static boolean splitsOwnLargeLeaf(DomainsState before, DomainsVCpu c, Frame f, DomainsState after) {
        return f != null
                && f.equals(before.gpaToFrame(c, c.ptRoot()))
                && largeLeaves(before).containsKey(f)
                && !largeLeaves(after).containsKey(f)
                && tables(after).getOrDefault(f, Map.of()).size() > 1;
    }

    /** The spec steps of one model step, appended to {@code b}. */
    static void steps(
            Transition<DomainsState, DomainsAction, DomainsObservation> t,
            int index,
            SpecTrace.Builder b,
            Atoms atoms) {
        DomainsState s = t.before();
        DomainsAction a = t.action();
        String after = state(t.after(), faults(t), t.action(), atoms);
        if (a.vcpu() < 0 || a.vcpu() >= s.vcpus().size()) {
            b.step("stutter", after, index);
            return;
        }
        DomainsVCpu c = s.vcpus().get(a.vcpu());
        String cpu = atoms.vcpu(a.vcpu());
        boolean root = c.domain().isRoot();
        if (a instanceof DomainsAction.Jump j) {
            boolean secureTarget = s.secureOwnerOf(j.target()) != null;
            b.step(
                    root && secureTarget ? "jump[" + cpu + ", " + atoms.addr(j.target()) + "]" : "stutter",
                    after,
                    index);
        } else if (a instanceof DomainsAction.ExitGate) {
            b.step(root ? "stutter" : "exitGate[" + cpu + "]", after, index);
        } else if (a instanceof DomainsAction.Interrupt) {
            b.step(root ? "stutter" : "interrupt[" + cpu + "]", after, index);
        } else if (a instanceof DomainsAction.LoadPtRoot l) {
            b.step(root ? "loadPtRoot[" + cpu + ", " + atoms.page(l.ptRoot().n()) + "]" : "stutter", after, index);
        } else if (a instanceof DomainsAction.SetRegister r) {
            b.step("setRegister[" + cpu + ", " + atoms.datum(r.value()) + "]", after, index);
        } else if (a instanceof DomainsAction.Read r) {
            b.step("read[" + cpu + ", " + atoms.vpage(r.page().n()) + "]", after, index);
        } else if (a instanceof DomainsAction.Write w) {
            write(t, w, cpu, after, index, b, atoms);
        } else if (a instanceof DomainsAction.DeviceWrite d) {
            b.step(root ? "dmaWrite[" + cpu + ", " + atoms.page(d.target().n()) + "]" : "stutter", after, index);
        } else {
            throw new IllegalArgumentException("no spec step for " + a);
        }
    }

    /** A Java whole-page write as one spec write per entry it sets or removes, the accessed slot's last. */
    private static void write(
            Transition<DomainsState, DomainsAction, DomainsObservation> t,
            DomainsAction.Write w,
            String cpu,
            String after,
            int index,
            SpecTrace.Builder b,
            Atoms atoms) {
        DomainsState s = t.before();
        DomainsVCpu c = s.vcpus().get(w.vcpu());
        String via = atoms.vpage(w.page().n());
        Frame f = s.walk(c, w.page());
        if (f == null) {
            b.step("write[" + cpu + ", " + via + ", " + via + ", none]", after, index);
            return;
        }
        Set<Frame> changed = tablesChanged(s, t.after());
        if (!changed.isEmpty() && !changed.equals(Set.of(f))) {
            throw new IllegalArgumentException(
                    "outside the spec: " + w + " changes what the tables of " + changed + " resolve to, not only " + f);
        }
        if (splitsOwnLargeLeaf(s, c, f, t.after())) {
            throw new IllegalArgumentException(
                    "outside the spec: " + w + " turns the large leaf of its own table into several entries");
        }
        Block leaf = largeLeaves(t.after()).get(f);
        if (leaf != null) {
            b.step("writeLarge[" + cpu + ", " + via + ", " + atoms.block(leaf) + "]", after, index);
            return;
        }
        Map<Long, Long> e0 = tables(s).getOrDefault(f, Map.of());
        Map<Long, Long> e1 = tables(t.after()).getOrDefault(f, Map.of());
        List<Long> slots = new ArrayList<>();
        e0.keySet().forEach(v -> {
            if (!Objects.equals(e0.get(v), e1.get(v))) {
                slots.add(v);
            }
        });
        e1.keySet().forEach(v -> {
            if (!e0.containsKey(v)) {
                slots.add(v);
            }
        });
        slots.sort((x, y) -> Boolean.compare(x == w.page().n(), y == w.page().n()));
        List<String> ops = new ArrayList<>();
        for (long v : slots) {
            Long g = e1.get(v);
            ops.add("write[" + cpu + ", " + via + ", " + atoms.vpage(v) + ", " + (g == null ? "none" : atoms.page(g))
                    + "]");
        }
        if (ops.isEmpty()) {
            ops.add(
                    e0.isEmpty()
                            ? "write[" + cpu + ", " + via + ", " + via + ", none]"
                            : e0.entrySet().stream()
                                    .findFirst()
                                    .map(e -> "write[" + cpu + ", " + via + ", " + atoms.vpage(e.getKey()) + ", "
                                            + atoms.page(e.getValue()) + "]")
                                    .orElseThrow());
        }
        for (int k = 0; k < ops.size(); k++) {
            b.step(ops.get(k), k == ops.size() - 1 ? after : FREE, index);
        }
    }

    /** The vCPUs whose step faulted in a way the spec marks: a refused jump, a walk that missed. */
    private static Map<Integer, Boolean> faults(Transition<DomainsState, DomainsAction, DomainsObservation> t) {
        Map<Integer, Boolean> out = new LinkedHashMap<>();
        for (DomainsObservation o : t.observations()) {
            if (o instanceof DomainsObservation.Fault f
                    && (f.kind() == DomainsObservation.FaultKind.NOT_A_GATE
                            || (f.kind() == DomainsObservation.FaultKind.NOT_MAPPED
                                    && !(t.action() instanceof DomainsAction.Jump)))) {
                out.put(f.vcpu(), true);
            }
        }
        return out;
    }

    /** The dynamic part of a spec state: NPTs, tables, values, vCPUs, faults and the device's last write. */
    static String state(DomainsState s, Map<Integer, Boolean> faults, DomainsAction last, Atoms atoms) {
        List<String> npt = new ArrayList<>();
        for (Domain d : sorted(s.domains().values(), x -> (long) x.id().n())) {
            for (GuestPage g : sorted(d.npt().keySet(), GuestPage::n)) {
                npt.add(atoms.domain(d.id()) + "->" + atoms.page(g.n()) + "->"
                        + atoms.frame(d.npt().get(g)));
            }
        }
        List<String> pte = new ArrayList<>();
        tables(s)
                .forEach((f, entries) -> entries.forEach(
                        (v, g) -> pte.add(atoms.frame(f) + "->" + atoms.vpage(v) + "->" + atoms.page(g))));
        List<String> large = new ArrayList<>();
        largeLeaves(s).forEach((f, leaf) -> large.add(atoms.frame(f) + "->" + atoms.block(leaf)));
        List<String> val = new ArrayList<>();
        for (Frame f : atoms.frames) {
            val.add(atoms.frame(f) + "->Run->"
                    + atoms.datum(s.frames().getOrDefault(f, FrameContent.EMPTY).value()));
        }
        List<String> dom = new ArrayList<>();
        List<String> ptRoot = new ArrayList<>();
        List<String> nptOf = new ArrayList<>();
        List<String> saved = new ArrayList<>();
        List<String> regs = new ArrayList<>();
        List<String> fault = new ArrayList<>();
        for (int i = 0; i < s.vcpus().size(); i++) {
            DomainsVCpu c = s.vcpus().get(i);
            String cpu = atoms.vcpu(i);
            dom.add(cpu + "->" + atoms.domain(c.domain()));
            ptRoot.add(cpu + "->" + atoms.page(c.ptRoot().n()));
            nptOf.add(cpu + "->" + atoms.domain(c.nptOf()));
            if (c.saved() != null) {
                saved.add(cpu + "->" + atoms.page(c.saved().n()));
            }
            regs.add(cpu + "->Run->" + atoms.datum(c.register()));
            if (faults.containsKey(i)) {
                fault.add(cpu + "->Fault");
            }
        }
        List<String> landed = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        if (last instanceof DomainsAction.DeviceWrite d
                && d.vcpu() >= 0
                && d.vcpu() < s.vcpus().size()
                && s.vcpus().get(d.vcpu()).domain().isRoot()) {
            Frame f = s.root().npt().get(d.target());
            if (f != null) {
                landed.add(atoms.frame(f));
            } else {
                refused.add(atoms.page(d.target().n()));
            }
        }
        return String.join(
                " and ",
                eq("npt", npt),
                eq("pte", pte),
                eq("large", large),
                eq("val", val),
                eq("dom", dom),
                eq("ptRoot", ptRoot),
                eq("nptOf", nptOf),
                eq("saved", saved),
                eq("regs", regs),
                eq("fault", fault),
                eq("Device.landed", landed),
                eq("Device.refused", refused));
    }

    /** {@code name = a + b}, or {@code no name}. */
    private static String eq(String name, List<String> terms) {
        return terms.isEmpty() ? "no " + name : name + " = " + String.join(" + ", terms);
    }

    private static <T> List<T> sorted(java.util.Collection<T> items, Function<T, Long> key) {
        List<T> out = new ArrayList<>(items);
        out.sort((x, y) -> Long.compare(key.apply(x), key.apply(y)));
        return out;
    }

    /** The atoms a run names, and how each model value is written in the spec. */
    static final class Atoms {
        final List<Frame> frames;
        final Set<Long> regionPages;
        final boolean outsidePage;
        final Set<Long> slots;
        final boolean unmappedSlot;
        final Map<Long, String> data;
        final List<Long> targets;
        final int vcpus;
        final List<DomainId> secure;
        final List<Block> blocks;

        private Atoms(
                List<Frame> frames,
                Set<Long> regionPages,
                boolean outsidePage,
                Set<Long> slots,
                boolean unmappedSlot,
                Map<Long, String> data,
                List<Long> targets,
                int vcpus,
                List<DomainId> secure,
                List<Block> blocks) {
            this.frames = frames;
            this.regionPages = regionPages;
            this.outsidePage = outsidePage;
            this.slots = slots;
            this.unmappedSlot = unmappedSlot;
            this.data = data;
            this.targets = targets;
            this.vcpus = vcpus;
            this.secure = secure;
            this.blocks = blocks;
        }

        static Atoms of(ModelRun<DomainsState, DomainsAction, DomainsObservation> run) {
            DomainsState s0 = run.initial();
            List<DomainsState> states = new ArrayList<>(List.of(s0));
            run.steps().forEach(t -> states.add(t.after()));
            Set<Frame> frameSet = new TreeSet<>((x, y) -> Long.compare(x.n(), y.n()));
            frameSet.addAll(s0.frames().keySet());
            s0.domains().values().forEach(d -> frameSet.addAll(d.npt().values()));
            Set<Long> region = new TreeSet<>();
            s0.domains().values().forEach(d -> d.region().forEach(g -> region.add(g.n())));
            Set<Long> pagesNamed = new TreeSet<>();
            s0.domains().values().forEach(d -> d.npt().keySet().forEach(g -> pagesNamed.add(g.n())));
            Set<Long> slots = new TreeSet<>();
            Set<Long> accessed = new TreeSet<>();
            Map<Long, String> data = new LinkedHashMap<>();
            Set<Long> secrets = new TreeSet<>();
            for (Domain d : s0.domains().values()) {
                if (!d.id().isRoot()) {
                    d.frames()
                            .forEach(f -> secrets.add(s0.frames()
                                    .getOrDefault(f, FrameContent.EMPTY)
                                    .value()));
                }
            }
            secrets.remove(0L);
            Set<Long> values = new TreeSet<>();
            List<Block> blocks = new ArrayList<>();
            for (DomainsState s : states) {
                largeLeaves(s).values().forEach(leaf -> {
                    if (!blocks.contains(leaf)) {
                        blocks.add(leaf);
                    }
                });
                tables(s).values().forEach(e -> {
                    slots.addAll(e.keySet());
                    pagesNamed.addAll(e.values());
                });
                s.frames().values().forEach(c -> values.add(c.value()));
                s.vcpus().forEach(c -> {
                    values.add(c.register());
                    pagesNamed.add(c.ptRoot().n());
                    if (c.saved() != null) {
                        pagesNamed.add(c.saved().n());
                    }
                });
            }
            List<Long> targets = new ArrayList<>();
            for (Domain d : s0.domains().values()) {
                d.gates().forEach(g -> targets.add(g.n()));
            }
            for (Transition<DomainsState, DomainsAction, DomainsObservation> t : run.steps()) {
                DomainsAction a = t.action();
                if (a instanceof DomainsAction.Read r) {
                    accessed.add(r.page().n());
                } else if (a instanceof DomainsAction.Write w) {
                    accessed.add(w.page().n());
                } else if (a instanceof DomainsAction.SetRegister r) {
                    values.add(r.value());
                } else if (a instanceof DomainsAction.LoadPtRoot l) {
                    pagesNamed.add(l.ptRoot().n());
                } else if (a instanceof DomainsAction.DeviceWrite d) {
                    pagesNamed.add(d.target().n());
                } else if (a instanceof DomainsAction.Jump j
                        && t.before().secureOwnerOf(j.target()) != null
                        && !targets.contains(j.target().n())) {
                    targets.add(j.target().n());
                }
            }
            if (accessed.contains((long) DomainsState.UPPER_SLOT)) {
                throw new IllegalArgumentException("outside the spec: an access through slot 511, which every"
                        + " upper-level walk reads (the collapsed tables keep window slots only)");
            }
            int publicCount = 0;
            int secretCount = 0;
            for (long x : values) {
                if (x == 0) {
                    data.put(x, "Zero");
                } else if (secrets.contains(x)) {
                    data.put(x, "s" + secretCount++);
                } else {
                    data.put(x, "p" + publicCount++);
                }
            }
            if (!blocks.isEmpty()) {
                // a large leaf maps every slot to a page of its own: no accessed slot shares vx
                slots.addAll(accessed);
            }
            for (Block leaf : blocks) {
                pagesNamed.add(leaf.first());
                slots.forEach(v -> pagesNamed.add(leaf.pageAt(v)));
            }
            boolean outside = pagesNamed.stream().anyMatch(p -> !region.contains(p));
            boolean unmappedSlot = accessed.stream().anyMatch(v -> !slots.contains(v));
            targets.sort(null);
            List<DomainId> secure = s0.domains().keySet().stream()
                    .filter(d -> !d.isRoot())
                    .sorted((x, y) -> Integer.compare(x.n(), y.n()))
                    .toList();
            return new Atoms(
                    List.copyOf(frameSet),
                    region,
                    outside,
                    slots,
                    unmappedSlot,
                    data,
                    targets,
                    s0.vcpus().size(),
                    secure,
                    List.copyOf(blocks));
        }

        String frame(Frame f) {
            return "f" + f.n();
        }

        String page(long n) {
            return regionPages.contains(n) ? "gp" + n : "gx";
        }

        String vpage(long v) {
            return slots.contains(v) ? slotAtom(v) : "vx";
        }

        /** A slot's atom: {@code v<n>}, or {@code vm<n>} for slot {@code -n}. */
        private static String slotAtom(long v) {
            return v >= 0 ? "v" + v : "vm" + -v;
        }

        String block(Block leaf) {
            return "b" + blocks.indexOf(leaf);
        }

        private List<String> blockAtoms() {
            return blocks.stream().map(this::block).toList();
        }

        String datum(long x) {
            return Objects.requireNonNull(data.get(x), () -> "no datum for " + x);
        }

        String vcpu(int i) {
            return "c" + i;
        }

        String domain(DomainId d) {
            return d.isRoot() ? "Root" : "sd" + d.n();
        }

        String addr(GuestPage target) {
            return "a" + target.n();
        }

        private List<String> pageAtoms() {
            List<String> out = new ArrayList<>();
            regionPages.forEach(p -> out.add("gp" + p));
            if (outsidePage) {
                out.add("gx");
            }
            return out;
        }

        private List<String> vpageAtoms() {
            List<String> out = new ArrayList<>();
            slots.forEach(v -> out.add(slotAtom(v)));
            if (unmappedSlot) {
                out.add("vx");
            }
            return out;
        }

        private List<String> dataAtoms(String prefix) {
            return data.values().stream().filter(d -> d.startsWith(prefix)).toList();
        }

        private List<String> frameAtoms() {
            return frames.stream().map(this::frame).toList();
        }

        private List<String> vcpuAtoms() {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < vcpus; i++) {
                out.add(vcpu(i));
            }
            return out;
        }

        private List<String> addrAtoms() {
            return targets.stream().map(p -> "a" + p).toList();
        }

        private List<String> secureAtoms() {
            return secure.stream().map(this::domain).toList();
        }

        /** The declarations of every atom, for the validator's existential. */
        String declarations() {
            List<String> parts = new ArrayList<>();
            decl(parts, frameAtoms(), "Frame");
            decl(parts, pageAtoms(), "GPage");
            decl(parts, vpageAtoms(), "VPage");
            decl(parts, vcpuAtoms(), "VCpu");
            decl(parts, secureAtoms(), "Secure");
            decl(parts, blockAtoms(), "GBlock");
            decl(parts, addrAtoms(), "Addr");
            decl(parts, List.of("o0"), "Off");
            decl(parts, dataAtoms("p"), "PublicDatum");
            decl(parts, dataAtoms("s"), "SecretDatum");
            return String.join(", ", parts);
        }

        private static void decl(List<String> parts, List<String> names, String sig) {
            if (!names.isEmpty()) {
                parts.add((names.size() > 1 ? "disj " : "") + String.join(", ", names) + ": " + sig);
            }
        }

        /** The scopes each signature needs (the validator's overall scope is one). */
        Map<String, Integer> scopes() {
            Map<String, Integer> out = new LinkedHashMap<>();
            out.put("Frame", frameAtoms().size());
            out.put("GPage", pageAtoms().size());
            out.put("VPage", Math.max(1, vpageAtoms().size()));
            out.put("VCpu", vcpus);
            out.put("Secure", secure.size());
            out.put("Domain", secure.size() + 1);
            out.put("GBlock", blocks.size());
            out.put("Addr", targets.size());
            out.put("PublicDatum", Math.max(1, dataAtoms("p").size()));
            out.put("SecretDatum", Math.max(1, dataAtoms("s").size()));
            out.put("Datum", data.size() + 2);
            out.values().removeIf(n -> n <= SCOPE);
            return out;
        }

        /** The static part of the first state: exactly these atoms, the layout, the correct hypervisor. */
        String statics(DomainsState s0) {
            List<String> out = new ArrayList<>();
            out.add(exactly("Frame", frameAtoms()));
            out.add(exactly("GPage", pageAtoms()));
            out.add(exactly("VPage", vpageAtoms()));
            out.add(exactly("VCpu", vcpuAtoms()));
            out.add(exactly("Secure", secureAtoms()));
            out.add(exactly("GBlock", blockAtoms()));
            for (Block leaf : blocks) {
                out.add(block(leaf) + ".first = " + page(leaf.first()));
                out.add(exactly(
                        block(leaf) + ".at",
                        slots.stream()
                                .map(v -> slotAtom(v) + "->" + page(leaf.pageAt(v)))
                                .toList()));
            }
            out.add(exactly("Addr", addrAtoms()));
            out.add("Off = o0 and no o0.succ");
            out.add(exactly("PublicDatum", dataAtoms("p")));
            out.add(exactly("SecretDatum", dataAtoms("s")));
            out.add("correctHv");
            for (Domain d : sorted(s0.domains().values(), x -> (long) x.id().n())) {
                String name = domain(d.id());
                out.add(exactly(
                        name + ".region",
                        sorted(d.region(), GuestPage::n).stream()
                                .map(g -> page(g.n()))
                                .toList()));
                out.add(name + ".gptRoot = " + page(d.gptRoot().n()));
                if (!d.id().isRoot()) {
                    out.add(exactly(
                            name + ".gates",
                            sorted(d.gates(), GuestPage::n).stream()
                                    .map(this::addr)
                                    .toList()));
                }
            }
            for (long p : targets) {
                out.add("a" + p + ".pg = " + page(p) + " and a" + p + ".off = o0");
            }
            return String.join(" and ", out);
        }

        private static String exactly(String name, List<String> atoms) {
            return atoms.isEmpty() ? "no " + name : name + " = " + String.join(" + ", atoms);
        }

        @Override
        public String toString() {
            return declarations() + " (data "
                    + data.entrySet().stream()
                            .map(e -> e.getValue() + "=" + e.getKey())
                            .collect(Collectors.joining(", "))
                    + ")";
        }
    }
}
