package org.hvproof.properties.integrity;

import java.util.ArrayList;
import java.util.List;
import org.hvproof.impl.integrity.IntegrityImplFlaw;
import org.hvproof.impl.tree.TreeImplFlaw;
import org.hvproof.model.integrity.IntegrityAction;
import org.hvproof.model.integrity.IntegrityCode;
import org.hvproof.model.integrity.IntegrityObservation;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.PageRange;
import org.hvproof.model.tree.Writer;
import org.hvproof.propcheck.Context;
import org.hvproof.propcheck.Gen;
import org.hvproof.propcheck.Gens;
import org.hvproof.propcheck.Property;
import org.hvproof.propcheck.ValueProperty;
import org.hvproof.properties.Claim;
import org.hvproof.properties.harness.ConformanceCheck;
import org.hvproof.properties.harness.ConformanceRuns;
import org.hvproof.properties.harness.SpecTrace;
import org.hvproof.properties.integrity.SystemSpecMachineRun.Move;
import org.hvproof.properties.integrity.SystemSpecMachineRun.NodePageWrite;
import org.hvproof.properties.integrity.SystemSpecMachineRun.ServiceMove;
import org.hvproof.properties.integrity.SystemSpecMachineRun.Snapshot;
import org.hvproof.properties.integrity.SystemSpecMachineRun.TreeHypercall;
import org.hvproof.specs.TraceValidator;

/**
 * Conformance of the implementation to {@code system.als} (TREE-7, the traced tree as the integrity
 * service's protection store): sampled runs of {@code IntegritySystem} with its {@code
 * TreeProtectionStore} on the simulated machine, read state by state by {@link
 * SystemSpecAbstraction}, are behaviours the spec allows, checked by {@link TraceValidator}. The
 * spec is where TREE-7 is checked for every layout the tree may take; this property keeps the
 * machine's protections, node pages, traces and alerts from drifting away from it.
 *
 * <p>Runs are small, as the spec's scope is: after boot and the driver's registration, up to
 * {@value #MAX_MOVES} moves by two vCPUs over the driver's code page, a node pool of {@value
 * SystemSpecMachineRun#POOL_PAGES} pages (order-4 nodes, so a handful of protects splits the root
 * and uses the pool up) and eight guarded pages: entering and leaving integrity mode, one-page
 * protect and unprotect requests from either mode, guest writes of guarded and code pages, a stray
 * instruction in integrity mode (its fetch faults), writes of node pages through a mapping the
 * kernel made, from the view the vCPU runs on, and the kernel's calls of the tree's own protect
 * hypercall, which the machine does not register.
 */
public final class SystemSpecConformance {
    /**
     * Default tries: each boots a machine and costs one Alloy solve of up to about fifteen spec
     * states with every atom pinned, 0.9 to 1.4 s on the 2-core development machine under load (100
     * tries took 89 s, 24 took 25 to 34 s), so 20 keep the property near 20 s.
     */
    public static final int TRIES = 20;
    /** Moves per run at most. */
    public static final int MAX_MOVES = 12;

    static final String ROOT_SPLIT =
            "store: a protect took two nodes or more (a root split, or a split with its node-page entry)";
    static final String MERGED = "store: an unprotect gave nodes back";
    static final String STORE_FULL = "store: a protect refused for want of nodes (STORE_FULL)";
    static final String NODE_WRITE_IN_INTEGRITY_VIEW = "node page written from the integrity view";
    static final String REFUSED_BY_MODE = "request from normal mode refused";
    static final String STRAY_FETCH = "fetch outside the driver's code faulted";

    /** A kernel instruction pointer for normal mode: not fetched there, so no spec page. */
    private static final long KERNEL_IP = 0x200_0000L;

    private SystemSpecConformance() {}

    /** TREE-7 as {@code system.als} states it holds of the implementation's behaviours on the machine. */
    @Claim("TREE-7")
    public static ValueProperty<SystemSpecMachineRun> modelTracesAreSpecTraces() {
        return modelTracesAreSpecTraces(IntegrityImplFlaw.NONE, TreeImplFlaw.NONE);
    }

    /** The same property of the service with {@code flaw} and the tree variant {@code treeFlaw}. */
    public static ValueProperty<SystemSpecMachineRun> modelTracesAreSpecTraces(
            IntegrityImplFlaw flaw, TreeImplFlaw treeFlaw) {
        String variant = flaw == IntegrityImplFlaw.NONE && treeFlaw == TreeImplFlaw.NONE
                ? ""
                : flaw == IntegrityImplFlaw.NONE ? treeFlaw.name() : flaw.name();
        String name = ConformanceCheck.propertyName("TREE-7 (machine runs)", SystemSpecAbstraction.SPEC, variant);
        return Property.forAll(runs(flaw, treeFlaw))
                .named(name)
                .tries(TRIES)
                .describeValue(r -> "\n" + r.describe())
                // minimums far under the shares seen in 100 tries (two nodes or more taken 47%, node-page write
                // from the integrity view 39%, stray fetch 35%, request refused in normal mode 34%),
                // so that 20 tries with a fresh seed miss one about once in a thousand; nodes given
                // back (20%) and a full store (5%, seven protects in one run) are reported, and the
                // scripted runs of SystemSpecConformanceTest reach every situation
                .cover(10, ROOT_SPLIT)
                .cover(10, NODE_WRITE_IN_INTEGRITY_VIEW)
                .cover(5, STRAY_FETCH)
                .cover(5, REFUSED_BY_MODE)
                .verify(SystemSpecConformance::validate);
    }

    /** Validates one run; throws an AssertionError naming the first spec state it cannot reach. */
    static void validate(SystemSpecMachineRun run, Context ctx) {
        label(run, ctx);
        validateRun(run);
    }

    /** As {@link #validate(SystemSpecMachineRun, Context)}, without labels (for tests of single runs). */
    static void validateRun(SystemSpecMachineRun run) {
        SpecTrace trace = SystemSpecAbstraction.of(run);
        ConformanceCheck.validate(
                ConformanceCheck.validator(SystemSpecAbstraction.SPEC, 1),
                SystemSpecAbstraction.SPEC,
                trace,
                SystemSpecAbstraction.transitions(run));
    }

    /** Runs of the service with {@code flaw} on a store with {@code treeFlaw}: up to {@link #MAX_MOVES} moves. */
    public static Gen<SystemSpecMachineRun> runs(IntegrityImplFlaw flaw, TreeImplFlaw treeFlaw) {
        return Gens.of("system machine runs", src -> {
            SystemSpecMachineRun.Runner runner = new SystemSpecMachineRun.Runner(flaw, treeFlaw);
            ConformanceRuns.draw(src, runner.state(), MAX_MOVES, 0.95, s -> next(runner), (s, m) -> {
                runner.apply(m);
                return runner.state();
            });
            return runner.finish();
        });
    }

    /**
     * The next move, drawn for one of the two vCPUs from its mode: mostly one in integrity mode when
     * there is one, so that runs make the seven protects that fill the store often enough.
     */
    private static Gen<Move> next(SystemSpecMachineRun.Runner runner) {
        Snapshot s = runner.state();
        List<Integer> inside = new ArrayList<>();
        for (int v = 0; v < s.vcpus().size(); v++) {
            if (runner.inIntegrityMode(v)) {
                inside.add(v);
            }
        }
        Gen<Integer> vcpu = Gens.<Integer>mix()
                .add(1, Gens.integers(0, s.vcpus().size() - 1))
                .addIf(!inside.isEmpty(), 4, () -> Gens.elements(inside))
                .build();
        return vcpu.flatMap(v -> runner.inIntegrityMode(v) ? integrityMove(v, s) : normalMove(v, s));
    }

    /** A move of a vCPU in integrity mode: mostly requests, from the driver's code. */
    private static Gen<Move> integrityMove(int v, Snapshot s) {
        Writer driver = new Writer(v, SystemSpecMachineRun.ENTRY + 8, 0);
        List<Long> granted = new ArrayList<>(s.granted().keySet());
        List<Long> free = new ArrayList<>(SystemSpecMachineRun.GUARDED);
        free.removeAll(granted);
        return Gens.<Move>mix()
                .addIf(free.size() > 0, 10, () -> protect(driver, free))
                .add(2, protect(driver, withCode(SystemSpecMachineRun.GUARDED)))
                .addIf(!granted.isEmpty(), 3, () -> unprotect(driver, granted))
                .add(1, Gens.constant(new ServiceMove(new IntegrityAction.Exit(driver))))
                .add(1, write(driver))
                .addIf(!s.nodes().isEmpty(), 2, () -> nodeWrite(v, s))
                .add(
                        1,
                        Gens.elements(SystemSpecMachineRun.GUARDED)
                                .flatMap(stray -> protect(
                                        new Writer(v, stray * PageRange.PAGE_SIZE + 0x10, 0),
                                        SystemSpecMachineRun.GUARDED)))
                .build();
    }

    /** A move of a vCPU in normal mode: mostly entering integrity mode. */
    private static Gen<Move> normalMove(int v, Snapshot s) {
        Writer kernel = new Writer(v, KERNEL_IP, 0);
        List<Long> all = new ArrayList<>(SystemSpecMachineRun.GUARDED);
        all.add(SystemSpecMachineRun.CODE_PAGE);
        return Gens.<Move>mix()
                .add(
                        5,
                        Gens.constant(new ServiceMove(
                                new IntegrityAction.Enter(new Writer(v, SystemSpecMachineRun.ENTRY, 0)))))
                .add(1, protect(kernel, all))
                .addIf(
                        !s.granted().isEmpty(),
                        1,
                        () -> unprotect(kernel, new ArrayList<>(s.granted().keySet())))
                .add(1, write(kernel))
                .addIf(!s.nodes().isEmpty(), 1, () -> nodeWrite(v, s))
                .add(1, treeHypercall(v))
                .build();
    }

    /** {@code pages} and the driver's code page, which a request may not name. */
    private static List<Long> withCode(List<Long> pages) {
        List<Long> out = new ArrayList<>(pages);
        out.add(SystemSpecMachineRun.CODE_PAGE);
        return out;
    }

    /** A one-page protect of one of {@code pages} with either requestable action. */
    private static Gen<Move> protect(Writer caller, List<Long> pages) {
        return Gens.combine(
                Gens.elements(pages),
                Gens.elements(AlertAction.RECORD_AND_ALLOW, AlertAction.BLOCK),
                (p, a) -> (Move) new ServiceMove(new IntegrityAction.Protect(
                        caller, p * PageRange.PAGE_SIZE, PageRange.PAGE_SIZE, a.requestCode())));
    }

    private static Gen<Move> unprotect(Writer caller, List<Long> pages) {
        return Gens.elements(pages).map(p -> (Move)
                new ServiceMove(new IntegrityAction.Unprotect(caller, p * PageRange.PAGE_SIZE, PageRange.PAGE_SIZE)));
    }

    private static Gen<Move> write(Writer writer) {
        List<Long> pages = new ArrayList<>(SystemSpecMachineRun.GUARDED);
        pages.add(SystemSpecMachineRun.CODE_PAGE);
        return Gens.elements(pages).map(p ->
                (Move) new ServiceMove(new IntegrityAction.GuestWrite(writer, p * PageRange.PAGE_SIZE + 24)));
    }

    private static Gen<Move> treeHypercall(int v) {
        return Gens.combine(
                Gens.elements(SystemSpecMachineRun.GUARDED),
                Gens.elements(AlertAction.RECORD_AND_ALLOW, AlertAction.BLOCK),
                (p, a) -> (Move) new TreeHypercall(v, p, a));
    }

    private static Gen<Move> nodeWrite(int v, Snapshot s) {
        return Gens.elements(new ArrayList<>(s.nodes().keySet())).map(p -> (Move) new NodePageWrite(v, p));
    }

    /** Labels what a run reached. */
    private static void label(SystemSpecMachineRun run, Context ctx) {
        Snapshot before = run.initial();
        for (int i = 0; i < run.moves().size(); i++) {
            List<SystemSpecMachineRun.SpecStep> steps = run.steps().get(i);
            Snapshot after = steps.get(steps.size() - 1).after();
            Move m = run.moves().get(i);
            List<Object> seen = run.seen().get(i);
            if (after.nodes().size() >= before.nodes().size() + 2) {
                ctx.label(ROOT_SPLIT);
            }
            if (after.nodes().size() < before.nodes().size()) {
                ctx.label(MERGED);
            }
            if (seen.contains(new IntegrityObservation.RequestResult(IntegrityCode.STORE_FULL))) {
                ctx.label(STORE_FULL);
            }
            if (m instanceof NodePageWrite w && before.vcpus().get(w.vcpu()).integrityView()) {
                ctx.label(NODE_WRITE_IN_INTEGRITY_VIEW);
            }
            if (seen.contains(new IntegrityObservation.RequestResult(IntegrityCode.NOT_IN_INTEGRITY_MODE))) {
                ctx.label(REFUSED_BY_MODE);
            }
            if (steps.size() == 1 && steps.get(0).operation().startsWith("fetch[")) {
                ctx.label(STRAY_FETCH);
            }
            before = after;
        }
    }
}
