package org.hvproof.properties.integrity;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.BiPredicate;
import org.hvproof.impl.integrity.IntegrityImplFlaw;
import org.hvproof.impl.integrity.IntegrityService;
import org.hvproof.impl.integrity.IntegritySystem;
import org.hvproof.impl.integrity.TreeProtectionStore;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.impl.machine.VirtualCpu;
import org.hvproof.impl.tree.ProtectedPageTree;
import org.hvproof.impl.tree.TreeEvent;
import org.hvproof.impl.tree.TreeImplFlaw;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.Notation;
import org.hvproof.model.common.Observation;
import org.hvproof.model.common.Transition;
import org.hvproof.model.integrity.Driver;
import org.hvproof.model.integrity.IntegrityAction;
import org.hvproof.model.integrity.IntegrityAlertCause;
import org.hvproof.model.integrity.IntegrityCode;
import org.hvproof.model.integrity.IntegrityConfig;
import org.hvproof.model.integrity.IntegrityInvariants;
import org.hvproof.model.integrity.IntegrityModel;
import org.hvproof.model.integrity.IntegrityObservation;
import org.hvproof.model.integrity.IntegrityState;
import org.hvproof.model.integrity.IntegrityStep;
import org.hvproof.model.integrity.Mode;
import org.hvproof.model.integrity.View;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.BPlusTree;
import org.hvproof.model.tree.PageRange;
import org.hvproof.model.tree.TreeObservation;
import org.hvproof.model.tree.Writer;
import org.hvproof.propcheck.Context;
import org.hvproof.properties.Lockstep;
import org.hvproof.properties.harness.JudgedTrace;

/**
 * One generated trace of the integrity mechanism: the machine (with or without a deliberate flaw)
 * and the model in lockstep, what the last guest write did to memory (to judge that the alert
 * action was performed), and labels for coverage.
 */
public final class IntegrityTrace implements JudgedTrace<IntegrityState, IntegrityAction, IntegrityObservation> {
    /** The guest every trace boots: 1024 guarded pages, two vCPUs, at most 64 pages a request. */
    public static final IntegrityConfig CONFIG = IntegrityConfig.small();

    /**
     * Node-pool pages of the store's tree in the TREE-7 traces: small, so that a few protects
     * use it up (order 4 nodes: splits and merges after a handful of pages).
     */
    public static final int STORE_CHECK_POOL_PAGES = 32;

    private final IntegritySystem machine;
    private final Lockstep<IntegrityState, IntegrityAction> lockstep;
    /** Whether each step also writes a node page from every vCPU's view (TREE-7's traces only). */
    private final boolean storeChecks;
    /** What the machine showed for the step in progress (the model accepts a full store from it). */
    private List<IntegrityObservation> machineSeen = List.of();
    /** The store's free node pages before the step in progress. */
    private int freeBefore;
    /** The last step's refusal of a protect for a full store made with room, if it was one. */
    private String storeFullWithRoom;
    /** Where the last step's node-page writes went wrong, if they did. */
    private String nodeWriteFailure;

    /** The machine-level checks, read off this trace's system. */
    private final IntegrityMachineChecks checks;

    /**
     * Boots the guest under the integrity service with {@code flaw} ({@link IntegrityImplFlaw#NONE}
     * for the real one); protect and unprotect run in the micro-steps of the store's commit, as in
     * every integrity trace ({@link #machineStep}).
     */
    public IntegrityTrace(IntegrityImplFlaw flaw) {
        this(new IntegritySystem(CONFIG, flaw), false);
    }

    /**
     * TREE-7's trace: the service with {@code flaw} keeps its protections in a tree of order 4
     * with the variant {@code treeFlaw} and a node pool of {@link #STORE_CHECK_POOL_PAGES} pages;
     * protect and unprotect run in the micro-steps of the store's commit ({@link #machineStep});
     * after every step each vCPU not held in the hypervisor also writes a node page on the view it
     * runs on (and, while a request is in flight, a pool page it took and a node page it frees).
     */
    public static IntegrityTrace storeTrace(IntegrityImplFlaw flaw, TreeImplFlaw treeFlaw) {
        return new IntegrityTrace(
                new IntegritySystem(
                        CONFIG,
                        flaw,
                        IntegritySystem.storeConfig(CONFIG, STORE_CHECK_POOL_PAGES, BPlusTree.SMALL),
                        treeFlaw),
                true);
    }

    private IntegrityTrace(IntegritySystem machine, boolean storeChecks) {
        this.machine = machine;
        this.storeChecks = storeChecks;
        this.checks = new IntegrityMachineChecks(machine, CONFIG);
        machine.runRequestsInMicroSteps(true);
        this.lockstep = new Lockstep<>(
                this::machineStep, machine::abstractState, this::modelStep, IntegrityState.initial(CONFIG));
    }

    /**
     * The machine's part of one trace step. In every integrity trace protect and unprotect run in the
     * micro-steps of the store's commit, one micro-step before and one after each later action
     * (so the request publishes at the second action after its start): an action of the
     * caller's vCPU (it is in the hypervisor until the commit ends) or one that needs the tree
     * lock (a protect, unprotect or registration, which reads the store) first waits for the
     * request in flight to finish. The model takes a request at its publication: {@link
     * #modelActions} lists, in order, the requests published and the action taken in this step.
     */
    private List<IntegrityObservation> machineStep(IntegrityAction a) {
        modelActions = new ArrayList<>();
        machinePieces = new ArrayList<>();
        storeFullWithRoom = null;
        publishedBetween = false;
        List<IntegrityObservation> seen = new ArrayList<>();
        boolean wasInFlight = machine.requestInFlight();
        if (wasInFlight && waitsForRequest(a, machine.requestCaller())) {
            seen.addAll(published(machine.finishRequest()));
            wasInFlight = false;
        } else if (wasInFlight) {
            List<IntegrityObservation> step = published(machine.continueRequest());
            publishedBetween = !step.isEmpty();
            seen.addAll(step);
            wasInFlight = machine.requestInFlight();
        }
        freeBefore = storeTree().freePoolSize();
        inRequestRange = a instanceof IntegrityAction.GuestWrite w
                && machine.integrity()
                        .requestRange()
                        .filter(r -> r.contains(w.page()))
                        .isPresent();
        machineSeen = machine.apply(a);
        seen.addAll(machineSeen);
        if (!wasInFlight && machine.requestInFlight()) {
            pending = a; // started: taken by the model at its publication
            takenAtStart = storeTree().takenPages().size();
            freedAtStart = storeTree().freedPages().size();
        } else {
            modelActions.add(a);
            machinePieces.add(machineSeen);
        }
        if (wasInFlight) {
            List<IntegrityObservation> step = published(machine.continueRequest());
            publishedBetween |= !step.isEmpty();
            seen.addAll(step);
        }
        return seen;
    }

    /**
     * Whether {@code a} must wait for the store request in flight, whose caller is vCPU {@code
     * caller}: an action of the caller's vCPU (it is in the hypervisor until the commit ends), or a
     * protect, unprotect or registration (each needs the tree lock). The composed traces ask it too.
     */
    public static boolean waitsForRequest(IntegrityAction a, int caller) {
        if (a instanceof IntegrityAction.Register
                || a instanceof IntegrityAction.Protect
                || a instanceof IntegrityAction.Unprotect) {
            return true;
        }
        if (a instanceof IntegrityAction.Enter e) {
            return e.caller().vcpu() == caller;
        }
        if (a instanceof IntegrityAction.Exit e) {
            return e.caller().vcpu() == caller;
        }
        if (a instanceof IntegrityAction.Interrupt i) {
            return i.vcpu() == caller;
        }
        if (a instanceof IntegrityAction.Fault f) {
            return f.vcpu() == caller;
        }
        return ((IntegrityAction.GuestWrite) a).writer().vcpu() == caller;
    }

    /** Micro-steps' observations: a result means the pending request published now, so the model takes it here. */
    private List<IntegrityObservation> published(List<IntegrityObservation> seen) {
        if (!seen.isEmpty() && pending != null) {
            modelActions.add(pending);
            machinePieces.add(seen);
            publishedRequest = pending;
            pending = null;
        }
        return seen;
    }

    /**
     * The model's step: the requests published and the action taken in this trace step, in the
     * machine's order ({@link #machineStep}; just the action when no request publishes), each by
     * {@link #modelStepOf}.
     */
    private Lockstep.ModelStep<IntegrityState> modelStep(IntegrityState s, IntegrityAction a) {
        IntegrityState state = s;
        List<Object> seen = new ArrayList<>();
        modelTransitions = new ArrayList<>();
        for (IntegrityAction each : modelActions) {
            Lockstep.ModelStep<IntegrityState> step = modelStepOf(state, each, each == a);
            List<IntegrityObservation> observed = new ArrayList<>();
            step.observations().forEach(o -> observed.add((IntegrityObservation) o));
            modelTransitions.add(new Transition<>(state, each, step.next(), observed));
            state = step.next();
            seen.addAll(step.observations());
        }
        return new Lockstep.ModelStep<>(state, seen);
    }

    /** The model's transitions of the step in progress, one per action it took ({@link #modelActions}). */
    private List<Transition<IntegrityState, IntegrityAction, IntegrityObservation>> modelTransitions = List.of();

    /** The request in flight, started by an earlier action, not yet published (null: none). */
    private IntegrityAction pending;
    /** What the model takes in the step in progress, in order. */
    private List<IntegrityAction> modelActions = List.of();
    /** What the machine showed for each of {@link #modelActions}. */
    private List<List<IntegrityObservation>> machinePieces = List.of();
    /** Whether the step in progress published a request in flight after its action. */
    private boolean publishedBetween;
    /** The last request published in micro-steps, read (and cleared) by the labels. */
    private IntegrityAction publishedRequest;
    /** Whether the step in progress is a guest write to the range of the request in flight. */
    private boolean inRequestRange;

    private int takenAtStart;
    private int freedAtStart;

    /**
     * The model's step of one action, except that it accepts the machine's refusal of a protect for a full store
     * (the model keeps no node pool): only a protect the model would grant, only when the store's
     * tree cannot take the insert of the pages the model would protect with the node pages it has
     * free ({@link ProtectedPageTree#nodesToProtect}, a dry run on the tree the refusal left as it
     * was), and then nothing changes. A refusal with room is kept for {@link
     * #checkStoreFullOnlyWithoutRoom} and the model grants the protect. {@code current}: {@code a}
     * is the step's own action (the machine's answer to it is {@link #machineSeen}).
     */
    private Lockstep.ModelStep<IntegrityState> modelStepOf(IntegrityState s, IntegrityAction a, boolean current) {
        IntegrityStep step = IntegrityModel.step(s, a);
        IntegrityObservation full = new IntegrityObservation.RequestResult(IntegrityCode.STORE_FULL);
        if (current
                && a instanceof IntegrityAction.Protect
                && machineSeen.equals(List.of(full))
                && step.observations().equals(List.of(new IntegrityObservation.RequestResult(IntegrityCode.OK)))) {
            SortedSet<Long> pages = new TreeSet<>(step.next().protections().keySet());
            pages.removeAll(s.protections().keySet());
            ProtectedPageTree tree = storeTree();
            if (tree.requestInFlight()) {
                storeFullWithRoom = "a protect of " + pages.size() + " pages refused (STORE_FULL) while the tree "
                        + "lock is held: the tree did not look at it";
            } else {
                OptionalInt need = tree.nodesToProtect(pages.first(), pages.size());
                if (need.isEmpty()) {
                    return new Lockstep.ModelStep<>(s, List.of(full));
                }
                storeFullWithRoom = "a protect of " + pages.size() + " pages from " + Notation.gpp(pages.first())
                        + " refused (STORE_FULL) with " + tree.freePool().size()
                        + " free node pages; its insert takes " + need.getAsInt();
            }
        }
        return new Lockstep.ModelStep<>(step.next(), step.observations());
    }

    /**
     * TREE-7 {@code storeFullOnlyWithoutRoom}: a protect the model grants is refused for a full
     * store (STORE_FULL) only when the store's tree cannot take its insert with the node pages it
     * has free; a refusal with room loses a protection the driver asked for.
     */
    public void checkStoreFullOnlyWithoutRoom() {
        if (storeFullWithRoom != null) {
            throw new AssertionError("TREE-7 storeFullOnlyWithoutRoom violated: " + storeFullWithRoom);
        }
    }

    /** The tree the integrity service keeps its protections in. */
    private ProtectedPageTree storeTree() {
        return ((TreeProtectionStore) machine.integrity().protections()).tree();
    }

    /** The model's state, equal to the machine's abstraction while refinement holds. */
    public IntegrityState state() {
        return lockstep.state();
    }

    @Override
    public List<Transition<IntegrityState, IntegrityAction, IntegrityObservation>> lastTransitions() {
        Transition<IntegrityState, IntegrityAction, IntegrityObservation> t =
                lockstep.lastAs(IntegrityObservation.class);
        if (t == null) {
            return List.of();
        }
        if (modelTransitions.size() == 1 && modelTransitions.get(0).action() == t.action()) {
            return List.of(t);
        }
        // What the model took in this step, each with what the machine showed for it, in the
        // machine's order, the model's state between them and the machine's after the last: a
        // request published in the same step as another action is one transition each; a step
        // whose own action waits (a request started, or the caller's vCPU held until its request
        // in flight publishes) is judged by the request it published, or by nothing at all.
        List<Transition<IntegrityState, IntegrityAction, IntegrityObservation>> out = new ArrayList<>();
        IntegrityState before = t.before();
        for (int i = 0; i < modelTransitions.size(); i++) {
            Transition<IntegrityState, IntegrityAction, IntegrityObservation> m = modelTransitions.get(i);
            IntegrityState after = i == modelTransitions.size() - 1 ? t.after() : m.after();
            out.add(new Transition<>(before, m.action(), after, machinePieces.get(i)));
            before = after;
        }
        return out;
    }

    @Override
    public IntegrityState judgedState() {
        return lockstep.judgedState();
    }

    /** Runs one action on machine and model, records what a write did to memory, labels what happened. */
    void apply(IntegrityAction action, Context ctx) {
        checks.startStep();
        Optional<byte[]> before = checks.beforeWrite(action);
        Lockstep.Transition<IntegrityState, IntegrityAction> t = lockstep.apply(action);
        if (storeChecks) {
            labelStore(t, freeBefore, ctx);
            writeNodePages(ctx);
            probesLeftStateAlone();
        }
        before.ifPresent(page -> checks.afterWrite(t.before(), action, page, t.observations()));
        // labelled by what the model took: a request in micro-steps where it published
        for (Transition<IntegrityState, IntegrityAction, IntegrityObservation> m : lastTransitions()) {
            label(new Lockstep.Transition<>(m.before(), m.action(), m.after(), m.observations()), ctx);
        }
    }

    /** Refinement: the machine's observations and abstract state after the last step equal the model's. */
    @Override
    public void checkRefinement() {
        lockstep.checkRefinement();
    }

    /** {@link IntegrityMachineChecks#checkAlertActionPerformed} on this trace's last step. */
    public void checkAlertActionPerformed(String label, BiPredicate<IntegrityState, IntegrityAction.GuestWrite> scope) {
        checks.checkAlertActionPerformed(label, scope);
    }

    /**
     * TREE-7's situations in the store: splits, merges, a full pool; requests published between
     * other vCPUs' actions, and guest writes to a request's range between its micro-steps. A
     * request in micro-steps is judged where it published, by the pool pages it took and freed.
     */
    private void labelStore(Lockstep.Transition<IntegrityState, IntegrityAction> t, int freeBefore, Context ctx) {
        int freeAfter = storeTree().freePoolSize();
        boolean ok = t.observations().contains(new IntegrityObservation.RequestResult(IntegrityCode.OK));
        IntegrityAction published = publishedRequest;
        publishedRequest = null;
        if (published != null) {
            if (published instanceof IntegrityAction.Protect && takenAtStart > freedAtStart + 1) {
                ctx.label(IntegrityLabels.STORE_SPLIT);
            }
            if (published instanceof IntegrityAction.Unprotect
                    && freedAtStart > takenAtStart
                    && storeTree().root().isPresent()) {
                ctx.label(IntegrityLabels.STORE_MERGE);
            }
        } else if (t.action() instanceof IntegrityAction.Protect && ok && freeAfter < freeBefore - 1) {
            ctx.label(IntegrityLabels.STORE_SPLIT);
        } else if (t.action() instanceof IntegrityAction.Unprotect
                && ok
                && freeAfter > freeBefore
                && storeTree().root().isPresent()) {
            ctx.label(IntegrityLabels.STORE_MERGE);
        }
        if (publishedBetween) {
            ctx.label(IntegrityLabels.STORE_REQUEST_PUBLISHED_BETWEEN_ACTIONS);
        }
        if (inRequestRange) {
            ctx.label(IntegrityLabels.REQUEST_RANGE_WRITTEN_BETWEEN_MICRO_STEPS);
        }
        if (t.observations().contains(new IntegrityObservation.RequestResult(IntegrityCode.STORE_FULL))) {
            ctx.label(IntegrityLabels.STORE_FULL_REFUSED);
        }
    }

    /**
     * Each vCPU, on the view it runs on, writes one node page of the store's tree (a different one
     * each step) through a mapping its kernel made of it; each write must be vetoed with the tree's
     * node-page alert (TREE-2's answer) and leave the page as it was. What went wrong is kept for
     * {@link #checkNodePageWritesVetoed}.
     */
    private void writeNodePages(Context ctx) {
        nodeWriteFailure = null;
        long[] nodes =
                storeTree().nodePages().stream().mapToLong(Long::longValue).toArray();
        if (nodes.length == 0) {
            return;
        }
        int steps = lockstep.steps();
        boolean between = machine.requestInFlight();
        for (VirtualCpu cpu : machine.machine().vcpus()) {
            int id = cpu.id().id();
            if (id == machine.requestCaller()) {
                continue; // in the hypervisor until its request's commit ends
            }
            if (between) {
                writePoolPages(id, steps, ctx);
            }
            long page = nodes[(steps + id) % nodes.length];
            byte[] before = machine.page(page);
            List<Observation> seen = machine.writeNodePage(id, page, (steps * 8 * 37) % 4096);
            boolean alerted = seen.stream()
                    .anyMatch(o -> o instanceof TreeEvent e
                            && e.observation() instanceof TreeObservation.Alert a
                            && a.page() == page
                            && a.action() == AlertAction.TREE_NODE);
            boolean unchanged = Arrays.equals(before, machine.page(page));
            if (!alerted || !unchanged) {
                nodeWriteFailure = Notation.vcpu(id) + " on view " + cpu.view().name() + " wrote node page "
                        + Notation.gpp(page) + (alerted ? "" : " without a node-page alert")
                        + (unchanged ? "" : ", and the page changed");
                return;
            }
            ctx.label(
                    cpu.view().equals(IntegrityService.INTEGRITY_VIEW)
                            ? IntegrityLabels.NODE_PAGE_WRITE_IN_INTEGRITY_VIEW
                            : IntegrityLabels.NODE_PAGE_WRITE_IN_PROTECTED_VIEW);
            if (between) {
                ctx.label(IntegrityLabels.NODE_PAGE_WRITE_BETWEEN_MICRO_STEPS);
            }
        }
    }

    /**
     * The node- and pool-page writes after a step must leave the machine's abstract state as the
     * step left it (vetoed, or landing on pages the published tree does not name): a change they
     * made is reported here, at the step whose probes made it, not by the next step's refinement.
     */
    private void probesLeftStateAlone() {
        if (nodeWriteFailure != null) {
            return;
        }
        IntegrityState after = machine.abstractState();
        if (!after.equals(lockstep.judgedState())) {
            nodeWriteFailure = "the node- and pool-page writes after the step changed the machine's state:\n"
                    + Lockstep.difference(after, lockstep.judgedState());
        }
    }

    /**
     * Between two micro-steps of a store request, vCPU {@code vcpu} writes a pool page the request
     * took for a node and a node page it frees, if it has them: the tree answers such a page as
     * the published tree says (a taken page is no node yet, a freed one after the publication is
     * none any more), so the write may land; the TREE-7 checks and refinement after the step judge
     * what it did to the published tree.
     */
    private void writePoolPages(int vcpu, int steps, Context ctx) {
        long[] taken =
                storeTree().takenPages().stream().mapToLong(Long::longValue).toArray();
        if (taken.length > 0) {
            machine.writeNodePage(vcpu, taken[(steps + vcpu) % taken.length], (steps * 8 * 41) % 4096);
            ctx.label(IntegrityLabels.TAKEN_PAGE_WRITE_BETWEEN_MICRO_STEPS);
        }
        long[] freed =
                storeTree().freedPages().stream().mapToLong(Long::longValue).toArray();
        if (freed.length > 0) {
            machine.writeNodePage(vcpu, freed[(steps + vcpu) % freed.length], (steps * 8 * 43) % 4096);
            ctx.label(IntegrityLabels.FREED_PAGE_WRITE_BETWEEN_MICRO_STEPS);
        }
    }

    /**
     * TREE-7 {@code leafMappingsAreProtections}: the leaf mappings read from the node pages (the
     * whole tree, walked from the base pointer) are exactly the model's protections.
     */
    public void checkLeafMappingsAreProtections() {
        ProtectedPageTree tree = storeTree();
        SortedMap<Long, AlertAction> leaves = tree.mappings();
        SortedMap<Long, AlertAction> model = lockstep.state().protections();
        if (!leaves.equals(model)) {
            throw new AssertionError("TREE-7 leafMappingsAreProtections violated: the tree's leaves map "
                    + Notation.byGpp(leaves) + ", the protections are " + Notation.byGpp(model));
        }
    }

    /**
     * TREE-7 {@code nodePagesTracedInEveryView}: every node page reachable from the base pointer
     * has its write bit clear in its leaf of every view's nested page table and the tree's trace there.
     */
    public void checkNodePagesTracedInEveryView() {
        ProtectedPageTree tree = storeTree();
        for (long page : tree.nodePages()) {
            GuestPhysicalPage p = new GuestPhysicalPage(page);
            for (ViewId view : machine.machine().viewIds()) {
                boolean writable = machine.machine()
                        .view(view)
                        .flatMap(npt -> npt.leaf(p))
                        .map(e -> e.permissions().write())
                        .orElse(true);
                if (writable || !machine.tracing().holds(view, ProtectedPageTree.OWNER, p)) {
                    throw new AssertionError("TREE-7 nodePagesTracedInEveryView violated: node page "
                            + Notation.gpp(page) + " is " + (writable ? "writable" : "untraced") + " in view "
                            + view.name());
                }
            }
        }
    }

    /** TREE-7 {@code nodePageWritesVetoed}: this step's node-page writes from every vCPU's view were vetoed and alerted. */
    public void checkNodePageWritesVetoed() {
        if (nodeWriteFailure != null) {
            throw new AssertionError("TREE-7 nodePageWritesVetoed violated: " + nodeWriteFailure);
        }
    }

    /** GI-5 {@code treeRequestsOnlyThroughTheService} on this trace's system ({@link IntegrityMachineChecks}). */
    public void checkTreeRequestsOnlyThroughTheService() {
        checks.checkTreeRequestsOnlyThroughTheService("GI-5 treeRequestsOnlyThroughTheService", lockstep.steps());
    }

    private boolean guarded(IntegrityAction.GuestWrite w) {
        return w.address() >= 0
                && w.page() < CONFIG.guestPages()
                && w.writer().vcpu() >= 0
                && w.writer().vcpu() < CONFIG.vcpuCount();
    }

    private void label(Lockstep.Transition<IntegrityState, IntegrityAction> t, Context ctx) {
        IntegrityState before = t.before();
        List<?> seen = t.observations();
        IntegrityAction a = t.action();
        if (a instanceof IntegrityAction.GuestWrite w
                && guarded(w)
                && seen.stream().anyMatch(IntegrityObservation.WriteAlert.class::isInstance)) {
            ctx.label(
                    machine.writesThroughLargeLeaf(w.writer().vcpu(), w.page())
                            ? IntegrityLabels.ALERT_THROUGH_LARGE_GUEST_LEAF
                            : IntegrityLabels.ALERT_THROUGH_SMALL_GUEST_LEAF);
        }
        labelInstruction(before, a, seen, ctx);
        for (Object o : seen) {
            if (o instanceof IntegrityObservation.PolicyAlert p) {
                ctx.label(
                        switch (p.cause()) {
                            case WRONG_ENTRY -> IntegrityLabels.WRONG_ENTRY_ALERT;
                            case REFUSED_REQUEST -> IntegrityLabels.REFUSED_REQUEST;
                            case SECOND_REGISTRATION -> IntegrityLabels.SECOND_REGISTRATION;
                            default -> "policy alert " + p.cause();
                        });
            }
        }
        if (a instanceof IntegrityAction.Enter e) {
            if (seen.contains(new IntegrityObservation.RequestResult(IntegrityCode.OK))) {
                ctx.label(IntegrityLabels.ENTERED);
            }
            before.driver().ifPresent(d -> {
                long ip = e.caller().instructionPointer();
                if (ip != d.entryPoint()
                        && (ip >>> PageRange.PAGE_SHIFT) == (d.entryPoint() >>> PageRange.PAGE_SHIFT)) {
                    ctx.label(IntegrityLabels.WRONG_OFFSET_IN_ENTRY_PAGE);
                }
                if (IntegrityActions.differsOnlyAboveBit31(ip, d.entryPoint())) {
                    ctx.label(IntegrityLabels.ENTRY_HIGH_BIT_ALIAS);
                }
            });
        } else if (a instanceof IntegrityAction.Exit e
                && inMode(before, e.caller().vcpu(), Mode.INTEGRITY)) {
            ctx.label(IntegrityLabels.EXIT);
        } else if (a instanceof IntegrityAction.Interrupt i && inMode(before, i.vcpu(), Mode.INTEGRITY)) {
            ctx.label(IntegrityLabels.INTERRUPT_EXIT);
            if (i.vector() < 32) {
                ctx.label(IntegrityLabels.INTERRUPT_VECTOR_BELOW_32);
            }
        } else if (a instanceof IntegrityAction.Fault f && inMode(before, f.vcpu(), Mode.INTEGRITY)) {
            ctx.label(IntegrityLabels.FAULT_EXIT);
            if (f.vector() > 31) {
                ctx.label(IntegrityLabels.FAULT_VECTOR_ABOVE_31);
            }
        } else if (a instanceof IntegrityAction.Register
                && seen.contains(new IntegrityObservation.RequestResult(IntegrityCode.OK))) {
            t.after()
                    .driver()
                    .filter(d -> d.code().first() >= before.config().guestPages() / 2)
                    .ifPresent(d -> ctx.label(IntegrityLabels.DRIVER_IN_UPPER_HALF));
        } else if (a instanceof IntegrityAction.Protect || a instanceof IntegrityAction.Unprotect) {
            boolean ok = seen.contains(new IntegrityObservation.RequestResult(IntegrityCode.OK));
            if (ok) {
                ctx.label(
                        a instanceof IntegrityAction.Protect ? IntegrityLabels.PROTECTED : IntegrityLabels.UNPROTECTED);
                if (a instanceof IntegrityAction.Protect p
                        && p.start() >= before.config().guestPages() / 2 * PageRange.PAGE_SIZE) {
                    ctx.label(IntegrityLabels.PROTECTED_UPPER_HALF);
                }
            } else if (!seen.stream().anyMatch(IntegrityObservation.PolicyAlert.class::isInstance)) {
                ctx.label(IntegrityLabels.BAD_ARGUMENTS_REFUSED);
            }
            if (a instanceof IntegrityAction.Unprotect u
                    && !ok
                    && !before.protections().isEmpty()
                    && !inMode(before, u.caller().vcpu(), Mode.INTEGRITY)) {
                ctx.label(IntegrityLabels.PROTECTION_SURVIVED_REFUSED_REMOVAL);
            }
        } else if (a instanceof IntegrityAction.GuestWrite w) {
            labelWrite(before, w, seen, ctx);
        }
    }

    /** GI-8's situations: what ran in integrity mode, and from where. */
    private static void labelInstruction(IntegrityState before, IntegrityAction a, List<?> seen, Context ctx) {
        if (seen.stream().anyMatch(IntegrityObservation.FaultAlert.class::isInstance)) {
            ctx.label(IntegrityLabels.FAULT_ALERT);
        }
        Optional<Writer> caller = IntegrityModel.caller(a);
        if (caller.isEmpty()
                || !inMode(before, caller.get().vcpu(), Mode.INTEGRITY)
                || before.driver().isEmpty()) {
            return;
        }
        Writer w = caller.get();
        Driver d = before.driver().get();
        long ipPage = w.instructionPointer() >>> PageRange.PAGE_SHIFT;
        if (IntegrityInvariants.driverWrites(before, w)) {
            if (w.instructionPointer() != d.entryPoint()) {
                ctx.label(IntegrityLabels.DRIVER_RUNS_AWAY_FROM_ENTRY);
            }
            return;
        }
        if (seen.contains(new IntegrityObservation.FaultAlert(w.vcpu()))) {
            ctx.label(IntegrityLabels.STRAY_INSTRUCTION_FAULTED);
        }
        if (w.instructionPointer() >= 0 && d.data().contains(ipPage)) {
            ctx.label(IntegrityLabels.INSTRUCTION_FROM_DRIVER_DATA);
        }
        if (w.privilege() != 0) {
            ctx.label(IntegrityLabels.USER_INSTRUCTION_IN_INTEGRITY_MODE);
        }
    }

    /** GI-8 {@code onlyDriverCodeExecutable} on this trace's system ({@link IntegrityMachineChecks}). */
    public void checkOnlyDriverCodeExecutable(String label) {
        checks.checkOnlyDriverCodeExecutable(label);
    }

    private static void labelWrite(IntegrityState before, IntegrityAction.GuestWrite w, List<?> seen, Context ctx) {
        boolean integrity = inMode(before, w.writer().vcpu(), Mode.INTEGRITY);
        boolean ownData = before.driver().map(d -> d.data().contains(w.page())).orElse(false);
        for (Object o : seen) {
            if (o instanceof IntegrityObservation.WriteAlert alert) {
                ctx.label(
                        alert.action() == AlertAction.BLOCK
                                ? IntegrityLabels.BLOCKED_WRITE
                                : IntegrityLabels.RECORDED_AND_ALLOWED_WRITE);
                if (!integrity && alert.cause() == IntegrityAlertCause.DRIVER_PAGE) {
                    ctx.label(IntegrityLabels.DRIVER_PAGE_ALERT_IN_NORMAL_MODE);
                }
                if (integrity && alert.cause() == IntegrityAlertCause.PROTECTED_PAGE) {
                    ctx.label(IntegrityLabels.PROTECTED_PAGE_ALERT_IN_INTEGRITY_MODE);
                }
                if (integrity && alert.cause() == IntegrityAlertCause.DRIVER_PAGE) {
                    ctx.label(IntegrityLabels.DRIVER_CODE_ALERT_IN_INTEGRITY_MODE);
                }
            }
        }
        if (integrity && ownData && seen.isEmpty()) {
            ctx.label(IntegrityLabels.QUIET_OWN_DATA_WRITE);
        }
        long page = w.page();
        long lowAlias = (w.address() & 0xFFFF_F000L) >>> PageRange.PAGE_SHIFT;
        if (page != lowAlias && monitored(before, lowAlias)) {
            ctx.label(IntegrityLabels.WRITE_HIGH_BIT_ALIAS);
        }
        if (page >= before.config().guestPages()) {
            ctx.label(IntegrityLabels.WRITE_BEYOND_GUARDED_MEMORY);
        } else if (!monitored(before, page) && (monitored(before, page - 1) || monitored(before, page + 1))) {
            ctx.label(IntegrityLabels.WRITE_UNMONITORED_NEXT_TO_MONITORED);
        }
    }

    /** Whether the writer of {@code w} is in {@code mode} in {@code s}. */
    static boolean writerIn(IntegrityState s, IntegrityAction.GuestWrite w, Mode mode) {
        return inMode(s, w.writer().vcpu(), mode);
    }

    /** Whether a write to {@code page} would alert in the protected view: a driver page or a protected one. */
    private static boolean monitored(IntegrityState s, long page) {
        return s.monitor(View.PROTECTED, page).isPresent();
    }

    /** Whether {@code w} writes one of the driver's data pages. */
    static boolean ownData(IntegrityState s, IntegrityAction.GuestWrite w) {
        return s.driver().map(d -> d.data().contains(w.page())).orElse(false);
    }

    /** Whether {@code w} writes one of the driver's pages, code or data. */
    static boolean driverPage(IntegrityState s, IntegrityAction.GuestWrite w) {
        return s.driver().map(d -> d.owns(w.page())).orElse(false);
    }

    private static boolean inMode(IntegrityState s, int vcpu, Mode mode) {
        return Optional.ofNullable(s.vcpus().get(vcpu))
                .map(v -> v.mode() == mode)
                .orElse(false);
    }

    /** A short picture of the state for failure reports. */
    @Override
    public String describe() {
        IntegrityState s = lockstep.state();
        return "  " + s.driver().map(Object::toString).orElse("driver none") + "\n  vcpus "
                + s.vcpus().entrySet().stream()
                        .map(e -> Notation.vcpu(e.getKey()) + " " + e.getValue())
                        .collect(java.util.stream.Collectors.joining(", ", "{", "}"))
                + "\n  protections " + Notation.byGpp(s.protections());
    }
}
