package org.hvproof.properties.integrity;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.hvproof.impl.integrity.IntegrityImplFlaw;
import org.hvproof.impl.integrity.IntegrityService;
import org.hvproof.impl.integrity.IntegritySystem;
import org.hvproof.impl.integrity.TreeProtectionStore;
import org.hvproof.impl.machine.NestedPageTable;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.impl.machine.VirtualCpu;
import org.hvproof.impl.tree.ProtectedPageTree;
import org.hvproof.impl.tree.TreeEvent;
import org.hvproof.impl.tree.TreeImplFlaw;
import org.hvproof.model.common.ErrorCode;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.HypercallResult;
import org.hvproof.model.common.Observation;
import org.hvproof.model.integrity.Driver;
import org.hvproof.model.integrity.IntegrityAction;
import org.hvproof.model.integrity.IntegrityAlertCause;
import org.hvproof.model.integrity.IntegrityCode;
import org.hvproof.model.integrity.IntegrityConfig;
import org.hvproof.model.integrity.IntegrityObservation;
import org.hvproof.model.integrity.Mode;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.BPlusTree;
import org.hvproof.model.tree.PageRange;
import org.hvproof.model.tree.TreeObservation;
import org.hvproof.model.tree.Writer;

/**
 * A finished run of the integrity service with its tree store ({@link TreeProtectionStore}) on the
 * simulated machine, read in {@code system.als}'s terms: for each move, the spec steps it stands for
 * (one, or two when an instruction in integrity mode is fetched from another page first) and the
 * {@link Snapshot} of the machine after each. The value {@link SystemSpecConformance} generates;
 * {@link SystemSpecAbstraction} writes it as a trace of the spec. Protect and unprotect run in the
 * micro-steps of the store's tree commit ({@link IntegritySystem#runRequestsInMicroSteps}), but
 * the spec takes whole requests: each request's micro-steps all run within its move, and the
 * move's one spec step reads the machine after the last of them. What that collapses: the
 * states between micro-steps (taken pages traced and written, the publication, freed pages
 * scrubbed and untraced) and any action between them, which the TREE-7 traces exercise instead.
 *
 * @param flaw     the integrity service's flaw ({@link IntegrityImplFlaw#NONE} for the correct one)
 * @param treeFlaw the store's tree variant ({@link TreeImplFlaw#NONE} for the correct one)
 * @param driver   the driver as the service registered it (its code pages and entry point are the
 *                 spec's {@code Hv.code} and {@code Hv.entry})
 * @param initial  the machine after boot and the driver's registration, the spec's initial state
 * @param moves    what was done, in order
 * @param steps    per move, the spec steps it stands for, each with the state it leads to
 * @param seen     per move, what the machine showed (the service's answers and alerts, the tree's alert)
 */
public record SystemSpecMachineRun(
        IntegrityImplFlaw flaw,
        TreeImplFlaw treeFlaw,
        Driver driver,
        Snapshot initial,
        List<Move> moves,
        List<List<SpecStep>> steps,
        List<List<Object>> seen) {

    /** The guest: {@link IntegrityTrace#CONFIG}'s 1024 guarded pages and two vCPUs. */
    public static final IntegrityConfig CONFIG = IntegrityTrace.CONFIG;
    /** The driver's one code page, where its entry point lies. */
    public static final long CODE_PAGE = 16;
    /** The driver's one data page: registration needs one, the spec has none, so no run names it. */
    public static final long DATA_PAGE = 17;
    /** The registered entry point, inside {@link #CODE_PAGE}. */
    public static final long ENTRY = CODE_PAGE * PageRange.PAGE_SIZE + 0x40;
    /**
     * Pages of the store's node pool: four, so that a few protects fill it and a later insert is
     * refused (STORE_FULL), some runs with a node still free (the Java tree refuses an insert that
     * would need more nodes than are free, which the spec allows as the request's choice), so the
     * runs reach both a refusal and a full pool.
     */
    public static final int POOL_PAGES = 4;
    /** The guarded pages runs protect, unprotect and write: few, so that a run names few spec atoms. */
    public static final List<Long> GUARDED = List.of(100L, 101L, 102L, 103L, 104L, 105L, 106L, 107L);

    /** Copies the lists; checks there is one step list and one observation list per move. */
    public SystemSpecMachineRun {
        Objects.requireNonNull(flaw, "flaw");
        Objects.requireNonNull(treeFlaw, "treeFlaw");
        Objects.requireNonNull(driver, "driver");
        moves = List.copyOf(moves);
        steps = steps.stream().map(List::copyOf).toList();
        seen = seen.stream().map(List::copyOf).toList();
        if (steps.size() != moves.size() || seen.size() != moves.size()) {
            throw new IllegalArgumentException(
                    moves.size() + " moves, " + steps.size() + " step lists, " + seen.size() + " observation lists");
        }
    }

    /** The first page of the store's node pool, right above the guarded pages. */
    public static long poolFirst() {
        return CONFIG.guestPages();
    }

    /** One thing done to the machine: a service action, or a write of a node page through a hostile mapping. */
    public sealed interface Move permits ServiceMove, NodePageWrite, TreeHypercall {
        /** The vCPU that acts. */
        int vcpu();
    }

    /** An integrity action, played as the guest would ({@link IntegritySystem#apply}). */
    public record ServiceMove(IntegrityAction action) implements Move {
        @Override
        public int vcpu() {
            return caller(action).vcpu();
        }

        @Override
        public String toString() {
            return action.toString();
        }
    }

    /** vCPU {@code vcpu} writes pool page {@code page} through a mapping its kernel made ({@link IntegritySystem#writeNodePage}). */
    public record NodePageWrite(int vcpu, long page) implements Move {
        @Override
        public String toString() {
            return "v" + vcpu + " writes node page " + page + " through a hostile mapping";
        }
    }

    /**
     * vCPU {@code vcpu}'s kernel calls the tree's own protect hypercall ({@link
     * ProtectedPageTree#PROTECT_HYPERCALL}) for {@code page} with {@code action}: the way round the
     * service's mode check that GI-5 closes ({@link IntegritySystem#kernelHypercall}).
     */
    public record TreeHypercall(int vcpu, long page, AlertAction action) implements Move {
        @Override
        public String toString() {
            return "v" + vcpu + " calls the tree's protect hypercall for page " + page + " " + action;
        }
    }

    /** The cause of the last step's alert, as {@code system.als} names it. */
    public enum Cause {
        NODE_PAGE("NodePage"),
        PROTECTED_PAGE("ProtectedPage"),
        DRIVER_PAGE("DriverPage"),
        REFUSED_REQUEST("RefusedRequest"),
        FAULT_IN_INTEGRITY_MODE("FaultInIntegrityMode");

        private final String atom;

        Cause(String atom) {
            this.atom = atom;
        }

        /** The spec's atom. */
        public String atom() {
            return atom;
        }
    }

    /**
     * What the last step showed an observer ({@code sig Last}).
     *
     * @param actor   the vCPU that acted
     * @param cause   the alert's cause
     * @param action  the alert's action
     * @param ok      the actor's request was answered OK
     * @param request the actor made a protect or unprotect request (honoured or not)
     * @param full    the actor's protect was refused for a full store (STORE_FULL)
     * @param written the page a guest write went to
     */
    public record Seen(
            OptionalInt actor,
            Optional<Cause> cause,
            Optional<AlertAction> action,
            boolean ok,
            boolean request,
            boolean full,
            OptionalLong written) {
        /** Nothing seen: the initial state. */
        public static final Seen NOTHING = new Seen(
                OptionalInt.empty(), Optional.empty(), Optional.empty(), false, false, false, OptionalLong.empty());

        /** vCPU {@code vcpu} acted and nothing else was seen (a fetch that did not fault). */
        public static Seen actorOnly(int vcpu) {
            return new Seen(
                    OptionalInt.of(vcpu),
                    Optional.empty(),
                    Optional.empty(),
                    false,
                    false,
                    false,
                    OptionalLong.empty());
        }

        @Override
        public String toString() {
            if (actor.isEmpty()) {
                return "nothing";
            }
            return "v" + actor.getAsInt()
                    + cause.map(c -> ", alert " + c.atom()).orElse("")
                    + action.map(a -> " " + a).orElse("") + (request ? ", request" : "") + (ok ? " OK" : "")
                    + (full ? " STORE_FULL" : "")
                    + (written.isPresent() ? ", wrote page " + written.getAsLong() : "");
        }
    }

    /**
     * One vCPU in the spec's terms.
     *
     * @param mode          its integrity mode
     * @param integrityView whether it runs on the integrity view (else the default view)
     * @param pcPage        the page of its instruction pointer
     */
    public record VcpuReading(Mode mode, boolean integrityView, long pcPage) {
        @Override
        public String toString() {
            return (mode == Mode.INTEGRITY ? "integrity mode" : "normal mode") + " on the "
                    + (integrityView ? "integrity" : "default") + " view at page " + pcPage;
        }
    }

    /**
     * The machine in one state, in the spec's terms; pages outside {@link #pagesOfInterest()} are not read.
     *
     * @param nodes      per live node (reached from the base pointer), its page and the leaf mappings it holds
     * @param granted    the protections the service answered OK for
     * @param traced     per view (default first, integrity second), the pages some owner traces there,
     *                   the driver's code page left out (registration's, the spec's {@code Hv.code})
     * @param vcpus      per vCPU, in id order
     * @param executable pages the integrity view's nested page table executes
     * @param last       what the step that led here showed
     */
    public record Snapshot(
            SortedMap<Long, SortedMap<Long, AlertAction>> nodes,
            SortedMap<Long, AlertAction> granted,
            List<SortedSet<Long>> traced,
            List<VcpuReading> vcpus,
            SortedSet<Long> executable,
            Seen last) {
        /** Copies the collections. */
        public Snapshot {
            nodes = Collections.unmodifiableSortedMap(new TreeMap<>(nodes));
            granted = Collections.unmodifiableSortedMap(new TreeMap<>(granted));
            traced = traced.stream()
                    .map(s -> (SortedSet<Long>) Collections.unmodifiableSortedSet(new TreeSet<>(s)))
                    .toList();
            vcpus = List.copyOf(vcpus);
            executable = Collections.unmodifiableSortedSet(new TreeSet<>(executable));
        }

        /**
         * This state after a fetch by {@code vcpu} from {@code page} that did not fault: its
         * instruction pointer there, nothing else changed, the vCPU the actor.
         */
        Snapshot fetched(int vcpu, long page) {
            List<VcpuReading> v = new ArrayList<>(vcpus);
            VcpuReading r = v.get(vcpu);
            v.set(vcpu, new VcpuReading(r.mode(), r.integrityView(), page));
            return new Snapshot(nodes, granted, traced, v, executable, Seen.actorOnly(vcpu));
        }

        @Override
        public String toString() {
            StringBuilder v = new StringBuilder();
            for (int i = 0; i < vcpus.size(); i++) {
                v.append(i == 0 ? "" : ", ").append('v').append(i).append(' ').append(vcpus.get(i));
            }
            return "nodes " + nodes + ", granted " + granted + ", traced in the default view " + traced.get(0)
                    + " and the integrity view " + traced.get(1) + "; " + v + "; seen: " + last;
        }
    }

    /** One spec step: the operation, evaluated in the state before, and the state it leads to. */
    public record SpecStep(String operation, Snapshot after) {}

    /** The pages a run may name: the driver's code page, the node pool, the guarded pages it uses. */
    public static SortedSet<Long> pagesOfInterest() {
        SortedSet<Long> out = new TreeSet<>(GUARDED);
        out.add(CODE_PAGE);
        for (int i = 0; i < POOL_PAGES; i++) {
            out.add(poolFirst() + i);
        }
        return out;
    }

    /** The caller of a service action. */
    static Writer caller(IntegrityAction a) {
        if (a instanceof IntegrityAction.Register r) {
            return r.caller();
        } else if (a instanceof IntegrityAction.Enter e) {
            return e.caller();
        } else if (a instanceof IntegrityAction.Exit e) {
            return e.caller();
        } else if (a instanceof IntegrityAction.Protect p) {
            return p.caller();
        } else if (a instanceof IntegrityAction.Unprotect u) {
            return u.caller();
        } else if (a instanceof IntegrityAction.GuestWrite w) {
            return w.writer();
        }
        throw new IllegalArgumentException("no caller in " + a + " (interrupts and faults are not in system.als)");
    }

    /** A run of {@code moves} on the service with {@code flaw} and the tree variant {@code treeFlaw}, from boot. */
    public static SystemSpecMachineRun of(IntegrityImplFlaw flaw, TreeImplFlaw treeFlaw, List<Move> moves) {
        Runner runner = new Runner(flaw, treeFlaw);
        moves.forEach(runner::apply);
        return runner.finish();
    }

    @Override
    public String toString() {
        return describe();
    }

    /** The moves and, under each, the spec steps and states they became. */
    public String describe() {
        StringBuilder out = new StringBuilder("flaw ")
                .append(flaw)
                .append(", tree ")
                .append(treeFlaw)
                .append("\n  initial: ")
                .append(initial)
                .append('\n');
        for (int i = 0; i < moves.size(); i++) {
            out.append("  ")
                    .append(i + 1)
                    .append(". ")
                    .append(moves.get(i))
                    .append(" -> ")
                    .append(seen.get(i))
                    .append('\n');
            for (SpecStep s : steps.get(i)) {
                out.append("       ")
                        .append(s.operation())
                        .append(": ")
                        .append(s.after())
                        .append('\n');
            }
        }
        return out.toString();
    }

    /**
     * Boots the machine, registers the driver (the spec's boot-time registration), then applies moves
     * one at a time, reading the machine after each.
     */
    public static final class Runner {
        private final IntegrityImplFlaw flaw;
        private final TreeImplFlaw treeFlaw;
        private final IntegritySystem system;
        private final SortedMap<Long, AlertAction> granted = new TreeMap<>();
        private final Driver driver;
        private final Snapshot initial;
        private final List<Move> moves = new ArrayList<>();
        private final List<List<SpecStep>> steps = new ArrayList<>();
        private final List<List<Object>> seen = new ArrayList<>();
        private Snapshot current;

        /** Boots the service with {@code flaw} on a store with the tree variant {@code treeFlaw} and registers the driver. */
        public Runner(IntegrityImplFlaw flaw, TreeImplFlaw treeFlaw) {
            this.flaw = flaw;
            this.treeFlaw = treeFlaw;
            this.system = new IntegritySystem(
                    CONFIG, flaw, IntegritySystem.storeConfig(CONFIG, POOL_PAGES, BPlusTree.SMALL), treeFlaw);
            List<IntegrityObservation> registered = system.apply(new IntegrityAction.Register(
                    new Writer(0, ENTRY, 0),
                    CODE_PAGE * PageRange.PAGE_SIZE,
                    PageRange.PAGE_SIZE,
                    DATA_PAGE * PageRange.PAGE_SIZE,
                    PageRange.PAGE_SIZE,
                    ENTRY));
            if (!registered.equals(List.of(new IntegrityObservation.RequestResult(IntegrityCode.OK)))) {
                throw new IllegalStateException("the driver's registration failed: " + registered);
            }
            system.runRequestsInMicroSteps(true);
            this.driver = system.integrity().driver().orElseThrow();
            this.initial = read(Seen.NOTHING);
            this.current = initial;
        }

        /** The machine's state now. */
        public Snapshot state() {
            return current;
        }

        /** The store's tree. */
        ProtectedPageTree tree() {
            return ((TreeProtectionStore) system.integrity().protections()).tree();
        }

        /** Applies {@code move}, recording the spec steps it stands for. */
        public void apply(Move move) {
            Snapshot before = current;
            List<SpecStep> out = new ArrayList<>();
            List<Object> shown = new ArrayList<>();
            int v = move.vcpu();
            if (move instanceof NodePageWrite w) {
                shown.addAll(system.writeNodePage(v, w.page(), 8 * (moves.size() % 64)));
                current = read(seenOfNodeWrite(v, w.page(), shown));
                out.add(new SpecStep(SystemSpecAbstraction.guestWrite(v, w.page()), current));
            } else if (move instanceof TreeHypercall h) {
                List<Observation> answer = system.kernelHypercall(
                        v,
                        ProtectedPageTree.PROTECT_HYPERCALL,
                        h.page() << PageRange.PAGE_SHIFT,
                        PageRange.PAGE_SIZE,
                        h.action().requestCode());
                shown.addAll(answer);
                // a handler answered: the tree took the request (registered only under a flaw)
                boolean request = answer.stream()
                        .anyMatch(o ->
                                o instanceof HypercallResult r && r.status() != ErrorCode.UNKNOWN_HYPERCALL.code());
                current = read(new Seen(
                        OptionalInt.of(v),
                        Optional.empty(),
                        Optional.empty(),
                        false,
                        request,
                        false,
                        OptionalLong.empty()));
                out.add(new SpecStep(SystemSpecAbstraction.treeHypercall(v, h.page(), h.action()), current));
            } else {
                IntegrityAction a = ((ServiceMove) move).action();
                Writer caller = caller(a);
                long ipPage = caller.instructionPointer() >>> PageRange.PAGE_SHIFT;
                // In integrity mode the action's instruction is fetched first: from another page
                // than the vCPU runs at, that is the spec's fetch step.
                boolean fetchFirst = system.integrity().mode(v) == Mode.INTEGRITY
                        && !(a instanceof IntegrityAction.Enter)
                        && ipPage != before.vcpus().get(v).pcPage();
                List<IntegrityObservation> answer = new ArrayList<>(system.apply(a));
                // A protect or unprotect runs in the micro-steps of the store's commit, all of them
                // before the next move: its result comes at the publication, and the spec takes
                // the whole request as one step, read after the last micro-step.
                answer.addAll(system.finishRequest());
                shown.addAll(answer);
                boolean faulted = answer.contains(new IntegrityObservation.FaultAlert(v));
                boolean answered = answer.stream().anyMatch(IntegrityObservation.RequestResult.class::isInstance);
                boolean ok = answer.contains(new IntegrityObservation.RequestResult(IntegrityCode.OK));
                if (ok && a instanceof IntegrityAction.Protect p) {
                    AlertAction.fromRequestCode(p.actionCode())
                            .ifPresent(act -> PageRange.of(p.start() >>> PageRange.PAGE_SHIFT)
                                    .pages()
                                    .forEach(page -> granted.put(page, act)));
                } else if (ok && a instanceof IntegrityAction.Unprotect u) {
                    granted.remove(u.start() >>> PageRange.PAGE_SHIFT);
                }
                current = read(seenOfService(v, a, answer, faulted, answered));
                if (fetchFirst) {
                    String fetch = SystemSpecAbstraction.fetch(v, ipPage);
                    if (faulted) {
                        out.add(new SpecStep(fetch, current));
                    } else {
                        out.add(new SpecStep(fetch, before.fetched(v, ipPage)));
                        out.add(new SpecStep(SystemSpecAbstraction.operation(a), current));
                    }
                } else {
                    out.add(new SpecStep(SystemSpecAbstraction.operation(a), current));
                }
            }
            moves.add(move);
            steps.add(out);
            seen.add(shown);
        }

        /** The run so far. */
        public SystemSpecMachineRun finish() {
            return new SystemSpecMachineRun(flaw, treeFlaw, driver, initial, moves, steps, seen);
        }

        /** Whether {@code vcpu} is in integrity mode now. */
        public boolean inIntegrityMode(int vcpu) {
            return system.integrity().mode(vcpu) == Mode.INTEGRITY;
        }

        /** The last step's observation from a service action's answer. */
        private static Seen seenOfService(
                int v, IntegrityAction a, List<IntegrityObservation> answer, boolean faulted, boolean answered) {
            Optional<Cause> cause = Optional.empty();
            Optional<AlertAction> action = Optional.empty();
            for (IntegrityObservation o : answer) {
                if (o instanceof IntegrityObservation.WriteAlert w) {
                    cause = Optional.of(
                            w.cause() == IntegrityAlertCause.DRIVER_PAGE ? Cause.DRIVER_PAGE : Cause.PROTECTED_PAGE);
                    action = Optional.of(w.action());
                } else if (o instanceof IntegrityObservation.PolicyAlert p
                        && p.cause() == IntegrityAlertCause.REFUSED_REQUEST) {
                    cause = Optional.of(Cause.REFUSED_REQUEST);
                } else if (o instanceof IntegrityObservation.FaultAlert) {
                    cause = Optional.of(Cause.FAULT_IN_INTEGRITY_MODE);
                }
            }
            boolean request =
                    answered && (a instanceof IntegrityAction.Protect || a instanceof IntegrityAction.Unprotect);
            boolean ok = request && answer.contains(new IntegrityObservation.RequestResult(IntegrityCode.OK));
            boolean full = request && answer.contains(new IntegrityObservation.RequestResult(IntegrityCode.STORE_FULL));
            OptionalLong written = a instanceof IntegrityAction.GuestWrite w && !faulted
                    ? OptionalLong.of(w.page())
                    : OptionalLong.empty();
            return new Seen(OptionalInt.of(v), cause, action, ok, request, full, written);
        }

        /** The last step's observation from a node-page write: the tree's alert, if any. */
        private static Seen seenOfNodeWrite(int v, long page, List<Object> shown) {
            Optional<Cause> cause = Optional.empty();
            Optional<AlertAction> action = Optional.empty();
            for (Object o : shown) {
                if (o instanceof TreeEvent e && e.observation() instanceof TreeObservation.Alert alert) {
                    cause = Optional.of(
                            alert.action() == AlertAction.TREE_NODE ? Cause.NODE_PAGE : Cause.PROTECTED_PAGE);
                    action = Optional.of(alert.action());
                } else if (o instanceof IntegrityObservation.FaultAlert) {
                    cause = Optional.of(Cause.FAULT_IN_INTEGRITY_MODE);
                }
            }
            return new Seen(OptionalInt.of(v), cause, action, false, false, false, OptionalLong.of(page));
        }

        /** Reads the machine in the spec's terms, with {@code last} the step's observation. */
        private Snapshot read(Seen last) {
            SortedSet<Long> pages = pagesOfInterest();
            ViewId[] views = {ViewId.DEFAULT, IntegrityService.INTEGRITY_VIEW};
            List<SortedSet<Long>> traced = new ArrayList<>();
            for (ViewId view : views) {
                SortedSet<Long> here = new TreeSet<>();
                for (long p : pages) {
                    if (!driver.code().contains(p) && system.tracing().isTraced(view, new GuestPhysicalPage(p))) {
                        here.add(p);
                    }
                }
                traced.add(here);
            }
            List<VcpuReading> vcpus = new ArrayList<>();
            for (VirtualCpu cpu : system.machine().vcpus()) {
                vcpus.add(new VcpuReading(
                        system.integrity().mode(cpu.id().id()),
                        cpu.view().equals(IntegrityService.INTEGRITY_VIEW),
                        cpu.instructionPointer() >>> PageRange.PAGE_SHIFT));
            }
            NestedPageTable integrityView =
                    system.machine().view(IntegrityService.INTEGRITY_VIEW).orElseThrow();
            SortedSet<Long> executable = new TreeSet<>();
            for (long p : pages) {
                if (integrityView
                        .leaf(new GuestPhysicalPage(p))
                        .map(e -> e.permissions().execute())
                        .orElse(false)) {
                    executable.add(p);
                }
            }
            return new Snapshot(tree().nodeMappings(), granted, traced, vcpus, executable, last);
        }
    }
}
