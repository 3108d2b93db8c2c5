package org.hvproof.properties.composed;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.function.BiPredicate;
import org.hvproof.impl.composed.ComposedAbstraction;
import org.hvproof.impl.composed.ComposedImplFlaw;
import org.hvproof.impl.composed.ComposedSystem;
import org.hvproof.impl.composed.ComposedSystemAction;
import org.hvproof.impl.domains.DomainLayout;
import org.hvproof.impl.domains.DomainsSystemAction;
import org.hvproof.impl.integrity.IntegrityService;
import org.hvproof.impl.integrity.TreeProtectionStore;
import org.hvproof.impl.interrupts.InterruptsAbstraction;
import org.hvproof.impl.machine.NestedPageTable;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.impl.machine.VirtualCpu;
import org.hvproof.impl.tree.ProtectedPageTree;
import org.hvproof.impl.tree.TreeEvent;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.Invariant;
import org.hvproof.model.common.Notation;
import org.hvproof.model.common.Observation;
import org.hvproof.model.common.Transition;
import org.hvproof.model.composed.ComposedAction;
import org.hvproof.model.composed.ComposedModel;
import org.hvproof.model.composed.ComposedState;
import org.hvproof.model.composed.ComposedStep;
import org.hvproof.model.domains.DomainsObservation;
import org.hvproof.model.domains.DomainsState;
import org.hvproof.model.failover.FailoverAction;
import org.hvproof.model.failover.FailoverObservation;
import org.hvproof.model.failover.FailoverPhase;
import org.hvproof.model.failover.FailoverState;
import org.hvproof.model.integrity.IntegrityAction;
import org.hvproof.model.integrity.IntegrityAlertCause;
import org.hvproof.model.integrity.IntegrityCode;
import org.hvproof.model.integrity.IntegrityObservation;
import org.hvproof.model.integrity.IntegrityState;
import org.hvproof.model.integrity.Mode;
import org.hvproof.model.interrupts.InterruptsAction;
import org.hvproof.model.interrupts.InterruptsObservation;
import org.hvproof.model.interrupts.InterruptsState;
import org.hvproof.model.migration.MigrationAction;
import org.hvproof.model.migration.MigrationConfig;
import org.hvproof.model.migration.MigrationEmbodiment;
import org.hvproof.model.migration.MigrationModel;
import org.hvproof.model.migration.MigrationObservation;
import org.hvproof.model.migration.MigrationPhase;
import org.hvproof.model.tracing.DeviceWrite;
import org.hvproof.model.tracing.TracingModel;
import org.hvproof.model.tracing.TracingState;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.TreeObservation;
import org.hvproof.model.tree.TreeState;
import org.hvproof.propcheck.Context;
import org.hvproof.properties.Lockstep;
import org.hvproof.properties.domains.DomainsTrace;
import org.hvproof.properties.harness.JudgedTrace;
import org.hvproof.properties.integrity.IntegrityMachineChecks;
import org.hvproof.properties.interrupts.InterruptsRun;
import org.hvproof.properties.interrupts.InterruptsTraceStep;
import org.hvproof.properties.interrupts.MachineRun;
import org.hvproof.properties.interrupts.Transparency;
import org.hvproof.properties.migration.MigrationTrace;
import org.hvproof.properties.tracing.TracingMachineChecks;

/**
 * One generated trace of the composed system: the one machine with its six guests and their
 * services (the fifth the failover pair's secondary, its primary a host of its own; the sixth the
 * tracing mechanism's own guest) and the composed model (the six models side by side) in
 * lockstep, judged after every step. The tracing guest's requests run in their micro-steps as its
 * generator draws them, the other guests' steps between them. The integrity store's protect and unprotect run in the micro-steps of its commit, one
 * before and one after every later action of any guest ({@link StoreMicroSteps}); the model takes
 * a request at its publication, and a step is judged by what the model took in it (a request
 * published beside another guest's action is a transition of its own). After each step the
 * integrity guest's vCPUs also write every node page of the store's tree from the view each runs on
 * (TREE-7's probe), whatever the domains' vCPUs are doing then.
 */
public final class ComposedTrace implements JudgedTrace<ComposedState, ComposedAction, Object> {
    private final ComposedSystem system;
    private final Lockstep<ComposedState, ComposedSystemAction> lockstep;

    private final List<Lockstep.Transition<ComposedState, ComposedSystemAction>> lastSteps = new ArrayList<>();
    /** Where the last step's node-page writes went wrong, if they did. */
    private String nodeWriteFailure;
    /** The GI claims' machine-level checks on the integrity service. */
    private final IntegrityMachineChecks integrityChecks;
    /** The TRACE claims' machine-level checks on the tracing service every guest's service shares. */
    private final TracingMachineChecks tracingChecks;
    /** The first root access of the domains that touched a secure host frame, if one did. */
    private String touchedSecure;
    /** The store's tree as the last step left it: base pointer, height, every node's mappings. */
    private StoreShape storeShape;
    /** Where the store changed in a step with no granted request, if it did. */
    private String storeChangedUnasked;
    /** The guest pages this step's integrity writes named (TREE-5's look-ups). */
    private final List<Long> writtenPages = new ArrayList<>();
    /** INT-4's transparency, followed along the interrupts guest's steps. */
    private final Transparency transparency = new Transparency();
    /** The integrity store's requests in the micro-steps of its commit, the other guests acting between them. */
    private final StoreMicroSteps commits;
    /** The model's state after each of the last action's {@link StoreMicroSteps#taken}, in order. */
    private List<ComposedState> modelAfters = List.of();

    /** The store's tree as its structures say: base pointer, height, and each node page's mappings. */
    private record StoreShape(Optional<Long> root, int height, SortedMap<Long, SortedMap<Long, AlertAction>> nodes) {
        /** What changed from this shape to {@code after}, for a failure report. */
        String describeChange(StoreShape after) {
            List<Long> changed = new ArrayList<>();
            new TreeSet<Long>(nodes.keySet()).forEach(p -> {
                if (!nodes.get(p).equals(after.nodes().get(p))) {
                    changed.add(p);
                }
            });
            after.nodes().keySet().stream().filter(p -> !nodes.containsKey(p)).forEach(changed::add);
            return "base pointer " + root.map(Notation::gpp).orElse("none") + " -> "
                    + after.root().map(Notation::gpp).orElse("none") + ", height " + height + " -> " + after.height()
                    + ", nodes changed or added: " + Notation.gpps(changed);
        }
    }

    /** Boots the composition with {@code flaw} ({@link ComposedImplFlaw#NONE} for the correct one). */
    public ComposedTrace(ComposedImplFlaw flaw) {
        this(flaw, ComposedSystem.MIGRATION);
    }

    /**
     * Boots the composition with {@code flaw}, the migration source's VM with {@code migration}
     * (its figures, embodiment and strategy).
     */
    public ComposedTrace(ComposedImplFlaw flaw, MigrationConfig migration) {
        this.system = new ComposedSystem(flaw, ComposedSystem.SECRET, ComposedSystem.INTERRUPTS_SECRET, migration);
        this.commits = new StoreMicroSteps(system);
        this.integrityChecks = new IntegrityMachineChecks(system.integrity(), ComposedSystem.INTEGRITY);
        this.tracingChecks = new TracingMachineChecks(system.tracing());
        this.storeShape = storeShape();
        this.lockstep = new Lockstep<>(
                a -> commits.run(a, system::apply),
                system::abstractState,
                this::modelStep,
                ComposedModel.initial(
                        IntegrityState.initial(ComposedSystem.INTEGRITY),
                        DomainsState.example(
                                ComposedSystem.LAYOUT.secureDomains(),
                                ComposedSystem.LAYOUT.vcpus(),
                                ComposedSystem.SECRET,
                                this::bootFrame),
                        InterruptsAbstraction.canonical(InterruptsState.initial(
                                ComposedSystem.INTERRUPTS_SECRET, InterruptsState.DEFAULT_ERASURE)),
                        MigrationModel.initial(migration),
                        TracingState.initial(ComposedSystem.TRACING)));
    }

    /**
     * The model's step for one machine action: what the model takes for it ({@link
     * StoreMicroSteps#taken}: a store request where it published, the action itself unless it
     * started one), each by the composed model, in the machine's order.
     */
    private Lockstep.ModelStep<ComposedState> modelStep(ComposedState s, ComposedSystemAction a) {
        ComposedState state = s;
        List<Object> seen = new ArrayList<>();
        List<ComposedState> afters = new ArrayList<>();
        for (ComposedSystemAction each : commits.taken()) {
            ComposedStep step = ComposedModel.step(state, ComposedAbstraction.modelAction(each));
            // The interrupts part in the form its abstraction gives (zero words left out).
            state = each instanceof ComposedSystemAction.Interrupts
                    ? step.next()
                            .withInterrupts(
                                    InterruptsAbstraction.canonical(step.next().interrupts()))
                    : step.next();
            seen.addAll(step.observations());
            afters.add(state);
        }
        modelAfters = afters;
        return new Lockstep.ModelStep<>(state, seen);
    }

    /**
     * The machine's step of one action as the invariants judge it: one transition per action the
     * model took ({@link StoreMicroSteps#taken}), each with what the machine showed for it, the
     * model's state between them and the machine's after the last; a request published in the
     * same step as another guest's action is a transition of its own, and an action that started a
     * request, with none published, is no transition at all.
     */
    private List<Lockstep.Transition<ComposedState, ComposedSystemAction>> parts(
            Lockstep.Transition<ComposedState, ComposedSystemAction> t) {
        List<ComposedSystemAction> taken = commits.taken();
        if (taken.size() == 1 && taken.get(0) == t.action()) {
            return List.of(t);
        }
        List<List<Object>> pieces = commits.pieces();
        List<Lockstep.Transition<ComposedState, ComposedSystemAction>> out = new ArrayList<>();
        ComposedState before = t.before();
        for (int i = 0; i < taken.size(); i++) {
            ComposedState after = i == taken.size() - 1 ? t.after() : modelAfters.get(i);
            out.add(new Lockstep.Transition<>(before, taken.get(i), after, pieces.get(i)));
            before = after;
        }
        return out;
    }

    /** The host frame the booted machine put behind page k of domain d's region: only its name is the machine's. */
    private long bootFrame(int d, int k) {
        ViewId view = d == 0
                ? system.domains().rootDomainView()
                : system.domains().service().domains().get(d).view();
        return system.machine()
                .view(view)
                .orElseThrow()
                .leaf(new GuestPhysicalPage(DomainLayout.regionFirst(d) + k))
                .map(e -> e.hostFrame())
                .orElse(-1L - 4L * d - k);
    }

    /** The model's state, equal to the machine's abstraction while refinement holds. */
    public ComposedState state() {
        return lockstep.state();
    }

    /** The store's tree. */
    private ProtectedPageTree storeTree() {
        return ((TreeProtectionStore) system.integrity().integrity().protections()).tree();
    }

    /** Runs one generated step, then the node-page probes; labels the seams it reached. */
    void apply(ComposedActions.Step step, Context ctx) {
        lastSteps.clear();
        writtenPages.clear();
        integrityChecks.startStep();
        tracingChecks.startStep();
        int freeBefore = storeTree().freePoolSize();
        if (step.interrupts().isPresent()) {
            try {
                step.interrupts().get().apply(new InterruptsGuest(), ctx);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        for (ComposedSystemAction a : step.actions()) {
            apply(a, ctx);
        }
        StoreShape afterActions = storeShape();
        writeNodePages(ctx);
        tracingChecks.afterAction();
        followStore(afterActions, freeBefore, ctx);
    }

    /** Runs one action on machine and model, with the machine checks' bookkeeping and the seam labels. */
    private void apply(ComposedSystemAction a, Context ctx) {
        if (a instanceof ComposedSystemAction.Integrity i && i.action() instanceof IntegrityAction.GuestWrite w) {
            writtenPages.add(w.page());
        }
        Optional<byte[]> page = a instanceof ComposedSystemAction.Integrity i
                ? integrityChecks.beforeWrite(i.action())
                : Optional.empty();
        if (a instanceof ComposedSystemAction.Interrupts r) {
            transparency.before(lockstep.judgedState().interrupts(), r.action());
        }
        long tableUpdateExits = system.migration().tableUpdateExits();
        long doorbellExits = system.migration().doorbellExits();
        long protectionExits = system.migration().protectionExits();
        TracingBefore tracingBefore = new TracingBefore();
        TracingState guestBefore = lockstep.state().tracing();
        Lockstep.Transition<ComposedState, ComposedSystemAction> whole = lockstep.apply(a);
        tracingChecks.afterAction();
        labelTracing(a, tracingBefore, ctx);
        labelTracingGuest(a, guestBefore, lockstep.state().tracing(), ctx);
        List<Lockstep.Transition<ComposedState, ComposedSystemAction>> parts = parts(whole);
        lastSteps.addAll(parts);
        if (commits.insideCommit() && !(a instanceof ComposedSystemAction.Integrity)) {
            ctx.label(ComposedLabels.OTHER_GUEST_ACTION_INSIDE_STORE_COMMIT);
        }
        parts.forEach(p -> label(p, ctx));
        // The action's own part: a store request published around it is judged on its own.
        Optional<Lockstep.Transition<ComposedState, ComposedSystemAction>> own =
                parts.stream().filter(p -> p.action() == a).findFirst();
        if (own.isEmpty()) {
            return; // it started a store request, which the model takes at its publication
        }
        Lockstep.Transition<ComposedState, ComposedSystemAction> t = own.get();
        if (a instanceof ComposedSystemAction.Migration) {
            boolean doorbellExit = system.migration().doorbellExits() > doorbellExits;
            labelMigration(t, system.migration().tableUpdateExits() > tableUpdateExits, doorbellExit, ctx);
            labelMigrationExit(
                    system.migrationConfig(),
                    doorbellExit,
                    system.migration().protectionExits() > protectionExits,
                    ctx);
        } else if (t.before().migration().phase() == MigrationPhase.PRE_COPY) {
            ctx.label(ComposedLabels.OTHER_GUEST_STEP_DURING_PRE_COPY);
        }
        labelFailover(t, ctx);
        if (a instanceof ComposedSystemAction.Integrity i) {
            page.ifPresent(p -> integrityChecks.afterWrite(t.before().integrity(), i.action(), p, t.observations()));
        } else if (a instanceof ComposedSystemAction.Interrupts) {
            transparency.after(t.before().interrupts(), t.after().interrupts());
        } else if (a instanceof ComposedSystemAction.Domains && touchedSecure == null) {
            touchedSecure = DomainsTrace.touchedSecureFrames(system.domains(), domainsTransition(t))
                    .orElse(null);
        }
    }

    /** What the shared tracing service and the machine's caches held before an action, for the tracing labels. */
    private final class TracingBefore {
        final int notified = tracingChecks.notifiedParts();
        final int silentElsewhere = tracingChecks.silentPartsTracedElsewhere();
        final long ownersVersion = system.tracing().ownersVersion();
        final Map<ViewId, Set<GuestPhysicalPage>> traced = new HashMap<>();
        final Map<ViewId, Set<Long>> cachedWritable = new HashMap<>();

        TracingBefore() {
            for (ViewId view : system.machine().viewIds()) {
                traced.put(view, system.tracing().tracedPages(view));
                Set<Long> cached = new HashSet<>();
                system.machine()
                        .vcpus()
                        .forEach(c -> cached.addAll(system.machine().tlb(c).writableGuestPhysicalPages(view)));
                cachedWritable.put(view, cached);
            }
        }
    }

    /**
     * The shared tracing service's situations one action reached: a generated write of the
     * integrity guest or the migration VM notified, a silent write to a page number another
     * guest's view traces, a DMA step of the migration NIC while its VM's pages are traced, a
     * trace added over a cached writable translation.
     */
    private void labelTracing(ComposedSystemAction a, TracingBefore before, Context ctx) {
        if (tracingChecks.notifiedParts() > before.notified) {
            if (a instanceof ComposedSystemAction.Integrity) {
                ctx.label(ComposedLabels.INTEGRITY_WRITE_NOTIFIED);
            } else if (a instanceof ComposedSystemAction.Migration) {
                ctx.label(ComposedLabels.MIGRATION_WRITE_NOTIFIED);
            } else if (a instanceof ComposedSystemAction.Tracing) {
                ctx.label(ComposedLabels.TRACING_GUEST_WRITE_NOTIFIED);
            }
        }
        if (tracingChecks.silentPartsTracedElsewhere() > before.silentElsewhere) {
            ctx.label(ComposedLabels.SILENT_WRITE_TO_PAGE_TRACED_IN_ANOTHER_VIEW);
        }
        if (a instanceof ComposedSystemAction.Migration m
                && m.action() instanceof MigrationAction.DeviceStep
                && !before.traced
                        .getOrDefault(ComposedSystem.MIGRATION_VIEW, Set.of())
                        .isEmpty()) {
            ctx.label(ComposedLabels.NIC_DMA_WHILE_DIRTY_LOGGING);
        }
        if (system.tracing().ownersVersion() == before.ownersVersion) {
            return;
        }
        for (ViewId view : system.machine().viewIds()) {
            Set<GuestPhysicalPage> was = before.traced.getOrDefault(view, Set.of());
            Set<Long> cached = before.cachedWritable.getOrDefault(view, Set.of());
            for (GuestPhysicalPage page : system.tracing().tracedPages(view)) {
                if (!was.contains(page) && cached.contains(page.number())) {
                    ctx.label(ComposedLabels.TRACE_ADDED_OVER_CACHED_WRITABLE_TRANSLATION);
                }
            }
        }
    }

    /**
     * The tracing guest's situations: another guest's action between two micro-steps of its
     * request, two of its owners on one page, its device's write aimed at a page it traces.
     */
    private static void labelTracingGuest(
            ComposedSystemAction a, TracingState before, TracingState after, Context ctx) {
        if (!(a instanceof ComposedSystemAction.Tracing t)) {
            if (before.pending().isPresent()) {
                ctx.label(ComposedLabels.OTHER_GUEST_ACTION_INSIDE_TRACING_REQUEST);
            }
            return;
        }
        if (after.traces().values().stream().anyMatch(owners -> owners.size() >= 2)) {
            ctx.label(ComposedLabels.TWO_OWNERS_ON_A_TRACING_GUEST_PAGE);
        }
        if (t.action() instanceof DeviceWrite d
                && d.device() == TracingModel.DEVICE
                && d.busAddress() >= 0
                && d.busAddress() < TracingModel.BUS_ADDRESS_LIMIT
                && before.isTraced(GuestPhysicalPage.containing(d.busAddress()))) {
            ctx.label(ComposedLabels.TRACING_DEVICE_WRITE_TO_TRACED_PAGE);
        }
    }

    /** TRACE-1 {@code everyTracedWriteNotifiedOnce} on the shared tracing service ({@link TracingMachineChecks}). */
    void checkEveryTracedWriteNotifiedOnce() {
        tracingChecks.checkEveryTracedWriteNotifiedOnce("TRACE-1");
    }

    /** TRACE-2 {@code noNotificationWithoutTrace} on the shared tracing service. */
    void checkNoNotificationWithoutTrace() {
        tracingChecks.checkNoNotificationWithoutTrace("TRACE-2");
    }

    /** TRACE-3 {@code tracedPagesWriteProtected} on the shared tracing service. */
    void checkTracedPagesWriteProtected() {
        tracingChecks.checkTracedPagesWriteProtected("TRACE-3");
    }

    /** TRACE-4 {@code noDeviceWritableTracedPage} on every device of the machine. */
    void checkNoDeviceWritableTracedPage() {
        tracingChecks.checkNoDeviceWritableTracedPage("TRACE-4");
    }

    /** TRACE-5 {@code noStaleWritableTranslation} on every view and vCPU of the machine. */
    void checkNoStaleWritableTranslation() {
        tracingChecks.checkNoStaleWritableTranslation("TRACE-5");
    }

    /**
     * The interrupts guest as its generator's steps run on it: each model action of the step on
     * the composed machine and model, a run to an address and a quiescence played against the
     * machine's state as the interrupts trace plays them ({@code InterruptsTrace}).
     */
    private final class InterruptsGuest implements InterruptsRun {
        @Override
        public boolean booted() {
            return true;
        }

        @Override
        public InterruptsState state() {
            return lockstep.state().interrupts();
        }

        @Override
        public void perform(InterruptsTraceStep step, Context ctx) {
            InterruptsSteps.play(
                    step,
                    this::machine,
                    a -> apply(new ComposedSystemAction.Interrupts(a), ctx),
                    transparency::quiesced);
        }

        /** The interrupts guest's machine state, read through its abstraction function. */
        private InterruptsState machine() {
            return lockstep.judgedState().interrupts();
        }
    }

    /** The store's shape now. */
    private StoreShape storeShape() {
        ProtectedPageTree tree = storeTree();
        return new StoreShape(tree.root(), tree.height(), tree.nodeMappings());
    }

    /**
     * Follows the store across the step: its actions may change it only if one of them was a
     * granted request (protect, unprotect or registration answered OK), and the node-page probes
     * after them ({@code afterActions}: the shape between the two) never; labels splits, frees
     * and depth.
     */
    private void followStore(StoreShape afterActions, int freeBefore, Context ctx) {
        StoreShape now = storeShape();
        boolean granted = lastSteps.stream()
                .anyMatch(t -> t.action() instanceof ComposedSystemAction.Integrity
                        && t.observations().contains(new IntegrityObservation.RequestResult(IntegrityCode.OK)));
        if (storeChangedUnasked == null && !granted && !afterActions.equals(storeShape)) {
            storeChangedUnasked = "the step's actions changed the store's tree, none of them a granted request: "
                    + storeShape.describeChange(afterActions);
        }
        if (storeChangedUnasked == null && !now.equals(afterActions)) {
            storeChangedUnasked = "the integrity guest's node-page writes changed the store's tree: "
                    + afterActions.describeChange(now);
        }
        storeShape = now;
        int freeAfter = storeTree().freePoolSize();
        if (freeAfter < freeBefore - 1) {
            ctx.label(ComposedLabels.STORE_SPLIT);
        } else if (freeAfter > freeBefore) {
            ctx.label(ComposedLabels.STORE_NODE_FREED);
        }
        if (now.height() >= 1) {
            ctx.label(ComposedLabels.STORE_TWO_LEVELS);
        }
    }

    /**
     * TREE-4 {@code storeTracesExact}: in every view the store covers, the pages the tree's owner
     * traces are exactly its node pages (as a store it leaves its mapped pages to the integrity
     * service to trace), and every mapped page is write-protected there. Between the micro-steps
     * of a commit the tree's traces are read as the published tree has them, as its abstraction
     * reads them: a trace the commit set and has not published (a page taken for a node), or one
     * the published tree no longer needs and the commit has not withdrawn yet (a freed node), is
     * not the published tree's ({@link ProtectedPageTree#unpublishedTraces}).
     */
    void checkStoreTracesExact(String label) {
        ProtectedPageTree tree = storeTree();
        Set<Long> nodes = new TreeSet<>(tree.nodePages());
        Set<Long> unpublished = new TreeSet<>(tree.unpublishedTraces());
        for (ViewId view : tree.coveredViews()) {
            Set<Long> traced = new TreeSet<>();
            system.tracing().pagesTracedBy(view, ProtectedPageTree.OWNER).forEach(p -> traced.add(p.number()));
            traced.removeAll(unpublished);
            if (!traced.equals(nodes)) {
                Set<Long> extra = new TreeSet<>(traced);
                extra.removeAll(nodes);
                Set<Long> missing = new TreeSet<>(nodes);
                missing.removeAll(traced);
                throw new AssertionError(label + " violated: in view " + view.name() + " the tree traces "
                        + (extra.isEmpty() ? "" : "pages that hold no node " + Notation.hexList(extra))
                        + (extra.isEmpty() || missing.isEmpty() ? "" : " and ")
                        + (missing.isEmpty() ? "" : "not the node pages " + Notation.hexList(missing)));
            }
            for (long page : tree.mappings().keySet()) {
                if (!system.tracing().isTraced(view, new GuestPhysicalPage(page))) {
                    throw new AssertionError(label + " violated: mapped page " + Notation.gpp(page)
                            + " is writable in view " + view.name());
                }
            }
        }
    }

    /** A TREE invariant on the store's tree as its structures say ({@link ProtectedPageTree#readState}). */
    void checkStoreState(String label, Invariant<TreeState> invariant) {
        invariant.violation().apply(storeTree().readState()).ifPresent(v -> {
            throw new AssertionError(label + " violated: " + v);
        });
    }

    /**
     * TREE-5 {@code storeWalksBounded}: a look-up of any page this step's integrity writes named,
     * of the first and last mapped pages and of every node page reads
     * at most depth + 1 nodes: the walk a notification for that page would take.
     */
    void checkStoreWalksBounded(String label) {
        ProtectedPageTree tree = storeTree();
        List<Long> pages = new ArrayList<>(writtenPages);
        SortedMap<Long, AlertAction> mapped = tree.mappings();
        if (!mapped.isEmpty()) {
            pages.add(mapped.firstKey());
            pages.add(mapped.lastKey());
        }
        pages.addAll(tree.nodePages());
        int bound = Math.max(tree.height(), 0) + 1;
        for (long page : pages) {
            int visited = tree.lookup(page).nodesVisited();
            if (visited > bound) {
                throw new AssertionError(label + " violated: a look-up of " + Notation.gpp(page) + " read " + visited
                        + " nodes in a tree of depth " + tree.height());
            }
        }
    }

    /** TREE-6 {@code storeChangesOnlyOnRequests}: no step without a granted request changed the store's tree. */
    void checkStoreChangesOnlyOnRequests(String label) {
        if (storeChangedUnasked != null) {
            throw new AssertionError(label + " violated: " + storeChangedUnasked);
        }
    }

    /** A domains step of the composed trace as the domains' own checks read it: its part of the state. */
    private static Lockstep.Transition<DomainsState, DomainsSystemAction> domainsTransition(
            Lockstep.Transition<ComposedState, ComposedSystemAction> t) {
        return new Lockstep.Transition<>(
                t.before().domains(),
                ((ComposedSystemAction.Domains) t.action()).action(),
                t.after().domains(),
                t.observations());
    }

    /** GI-2, GI-3, GI-7 {@code alertActionPerformed} on this step's integrity writes ({@link IntegrityMachineChecks}). */
    void checkAlertActionPerformed(String label, BiPredicate<IntegrityState, IntegrityAction.GuestWrite> scope) {
        integrityChecks.checkAlertActionPerformed(label, scope);
    }

    /** GI-5 {@code treeRequestsOnlyThroughTheService}: the tree's own hypercalls from normal mode change nothing. */
    void checkTreeRequestsOnlyThroughTheService(String label) {
        integrityChecks.checkTreeRequestsOnlyThroughTheService(label, lockstep.steps());
    }

    /** GI-8 {@code onlyDriverCodeExecutable}: the integrity view executes the driver's code and nothing else. */
    void checkOnlyDriverCodeExecutable(String label) {
        integrityChecks.checkOnlyDriverCodeExecutable(label);
    }

    /** PD-1 {@code isolationOnMachine}: no root access of the domains so far touched a secure host frame. */
    void checkRootTouchedNoSecureFrame(String label) {
        if (touchedSecure != null) {
            throw new AssertionError(label + " violated: " + touchedSecure);
        }
    }

    /** INT-4 {@code transparency}: the sequence's results so far are an interrupt-free run's, and it completed once interrupts stopped. */
    void checkTransparency() {
        transparency.check();
    }

    /** INT-6 {@code noIommuMappingHoldsSecret}: no page the interrupts guest's device table maps holds its secret. */
    void checkDeviceCannotReachSecret() {
        MachineRun.checkDeviceCannotReachSecret(system.interrupts());
    }

    /** PD-5 {@code noSecureFrameInDeviceTable}: the domains' device table and IOTLB hold no secure frame. */
    void checkNoSecureFrameInDeviceTable(String label) {
        DomainsTrace.checkNoSecureFrameInDeviceTable(system.domains(), label);
    }

    @Override
    public List<Transition<ComposedState, ComposedAction, Object>> lastTransitions() {
        return lastSteps.stream()
                .map(t -> new Transition<ComposedState, ComposedAction, Object>(
                        t.before(),
                        ComposedAbstraction.modelAction(t.action()),
                        t.after(),
                        List.copyOf(t.observations())))
                .toList();
    }

    @Override
    public ComposedState judgedState() {
        return lockstep.judgedState();
    }

    /** Refinement of all six mechanisms at once: observations and the whole composed state equal the model's. */
    @Override
    public void checkRefinement() {
        lockstep.checkRefinement();
    }

    /**
     * Each integrity vCPU, on the view it runs on, writes every node page of the store's tree (at
     * an offset that depends on the page and the vCPU only, so a shrunk trace probes as the
     * original did); each write must be vetoed with the tree's node-page alert and leave the page
     * as it was.
     */
    private void writeNodePages(Context ctx) {
        nodeWriteFailure = null;
        long[] nodes =
                storeTree().nodePages().stream().mapToLong(Long::longValue).toArray();
        if (nodes.length == 0) {
            return;
        }
        boolean secureRuns = secureDomainRuns(lockstep.state());
        for (VirtualCpu cpu : system.machine().vcpus().subList(0, ComposedSystem.INTEGRITY.vcpuCount())) {
            int id = cpu.id().id();
            if (id == commits.caller()) {
                continue; // in the hypervisor until its request's commit ends
            }
            for (long page : nodes) {
                // The frame's write stamp moves on any write to it, so an unmoved stamp says the
                // page is as it was without copying it (a page with no frame is compared by bytes).
                long frame = system.machine()
                        .defaultView()
                        .leaf(new GuestPhysicalPage(page))
                        .map(e -> e.hostFrame())
                        .orElse(-1L);
                long stamp = frame < 0 ? -1 : system.machine().memory().lastWrite(frame);
                byte[] before = frame < 0 ? system.integrity().page(page) : null;
                List<Observation> seen =
                        system.integrity().writeNodePage(id, page, (int) ((page + id) * 8 * 37 % 4096));
                boolean alerted = seen.stream()
                        .anyMatch(o -> o instanceof TreeEvent e
                                && e.observation() instanceof TreeObservation.Alert a
                                && a.page() == page
                                && a.action() == AlertAction.TREE_NODE);
                boolean unchanged = frame < 0
                        ? Arrays.equals(before, system.integrity().page(page))
                        : system.machine().memory().lastWrite(frame) == stamp;
                if (!alerted || !unchanged) {
                    nodeWriteFailure =
                            Notation.vcpu(id) + " on view " + cpu.view().name() + " wrote node page "
                                    + Notation.gpp(page) + (alerted ? "" : " without a node-page alert")
                                    + (unchanged ? "" : ", and the page changed");
                    return;
                }
            }
            if (secureRuns) {
                ctx.label(ComposedLabels.NODE_WRITE_WHILE_SECURE_DOMAIN_RUNS);
            }
            if (cpu.view().equals(IntegrityService.INTEGRITY_VIEW)) {
                ctx.label(ComposedLabels.NODE_WRITE_IN_INTEGRITY_VIEW);
            }
        }
    }

    /** {@code <claim> nodePageWritesVetoed}: this step's node-page writes from every integrity vCPU's view were vetoed and alerted. */
    void checkNodePageWritesVetoed(String label) {
        if (nodeWriteFailure != null) {
            throw new AssertionError(label + " violated: " + nodeWriteFailure);
        }
    }

    /** TREE-7 {@code leafMappingsAreProtections}: the tree's leaf mappings are exactly the model's protections. */
    void checkLeafMappingsAreProtections() {
        SortedMap<Long, AlertAction> leaves = storeTree().mappings();
        SortedMap<Long, AlertAction> model = lockstep.state().integrity().protections();
        if (!leaves.equals(model)) {
            throw new AssertionError("TREE-7 leafMappingsAreProtections violated: the tree's leaves map "
                    + Notation.byGpp(leaves) + ", the protections are " + Notation.byGpp(model));
        }
    }

    /**
     * TREE-7 {@code nodePagesTracedInEveryGuestView}: every node page has its write bit clear and
     * the tree's trace in every view backed by the integrity guest's frames (the default view and
     * the integrity view); in every other view (the domains', the interrupts guest's, the migration
     * source's, with frames of their own) no leaf maps a node page's frame and the tree holds no
     * trace. Page numbers are each guest's own there: the interrupts guest's page 0x420 is its
     * page, backed by its frame, whatever the store keeps at the integrity guest's page 0x420.
     */
    void checkNodePagesTracedInEveryGuestView() {
        Set<Long> nodes = new TreeSet<>(storeTree().nodePages());
        if (nodes.isEmpty()) {
            return;
        }
        NestedPageTable guest = system.machine().defaultView();
        Set<Long> nodeFrames = new TreeSet<>();
        for (long page : nodes) {
            guest.leaf(new GuestPhysicalPage(page)).ifPresent(e -> nodeFrames.add(e.hostFrame()));
        }
        for (ViewId view : system.machine().viewIds()) {
            NestedPageTable npt = system.machine().view(view).orElseThrow();
            if (system.hypervisor().backedBy(view, ViewId.DEFAULT)) {
                for (long page : nodes) {
                    GuestPhysicalPage p = new GuestPhysicalPage(page);
                    boolean writable =
                            npt.leaf(p).map(e -> e.permissions().write()).orElse(true);
                    if (writable || !system.tracing().holds(view, ProtectedPageTree.OWNER, p)) {
                        throw new AssertionError("TREE-7 nodePagesTracedInEveryGuestView violated: node page "
                                + Notation.gpp(page) + " is " + (writable ? "writable" : "untraced") + " in view "
                                + view.name());
                    }
                }
            } else {
                List<String> found = new ArrayList<>();
                npt.forEachLeaf((page, entry) -> {
                    if (nodeFrames.contains(entry.hostFrame())) {
                        found.add(Notation.gpp(page.number()) + " -> hpp 0x" + Long.toHexString(entry.hostFrame()));
                    }
                });
                if (!found.isEmpty()) {
                    throw new AssertionError("TREE-7 nodePagesTracedInEveryGuestView violated: view " + view.name()
                            + ", which has frames of its own, maps node frames: "
                            + found.subList(0, Math.min(4, found.size())) + (found.size() > 4 ? " ..." : ""));
                }
                var traced = system.tracing().pagesTracedBy(view, ProtectedPageTree.OWNER);
                if (!traced.isEmpty()) {
                    throw new AssertionError("TREE-7 nodePagesTracedInEveryGuestView violated: the tree traces "
                            + traced.size() + " pages in view " + view.name() + ", another guest's, from "
                            + Notation.gpp(traced.first().number()));
                }
            }
        }
    }

    /** Whether some domains vCPU runs a secure domain in {@code s}. */
    private static boolean secureDomainRuns(ComposedState s) {
        return s.domains().vcpus().stream().anyMatch(v -> !v.domain().isRoot());
    }

    /** Whether some integrity vCPU is in integrity mode in {@code s}. */
    private static boolean integrityModeRuns(ComposedState s) {
        return s.integrity().vcpus().values().stream().anyMatch(v -> v.mode() == Mode.INTEGRITY);
    }

    /** The migration source's seams: its exits and its switch-over while a secure domain or integrity mode runs beside. */
    private static void labelMigration(
            Lockstep.Transition<ComposedState, ComposedSystemAction> t,
            boolean tableUpdateExit,
            boolean doorbellExit,
            Context ctx) {
        ComposedState before = t.before();
        boolean switchedOver = t.observations().stream().anyMatch(o -> o instanceof MigrationObservation.Reported);
        if (switchedOver && !before.migration().posted().isEmpty()) {
            ctx.label(ComposedLabels.MIGRATION_COMPLETION_POSTED_AT_SWITCH_OVER);
        }
        t.observations().stream()
                .filter(o -> o instanceof MigrationObservation.Reported)
                .map(o -> ((MigrationObservation.Reported) o).report())
                .forEach(r -> {
                    if (r.converged()) {
                        ctx.label(ComposedLabels.MIGRATION_CONVERGED_BESIDE);
                    }
                    if (r.rounds() >= 2) {
                        ctx.label(ComposedLabels.MIGRATION_SEVERAL_ROUNDS_BESIDE);
                    }
                });
        if (!secureDomainRuns(before) && !integrityModeRuns(before)) {
            return;
        }
        if (tableUpdateExit) {
            ctx.label(ComposedLabels.MIGRATION_TABLE_UPDATE_EXIT_BESIDE);
        }
        if (doorbellExit) {
            ctx.label(ComposedLabels.MIGRATION_DOORBELL_EXIT_BESIDE);
        }
        if (switchedOver) {
            ctx.label(ComposedLabels.MIGRATION_SWITCHED_OVER_BESIDE);
        }
    }

    /** The migration source's exits by the embodiment it booted with: each embodiment and strategy reached. */
    private static void labelMigrationExit(
            MigrationConfig config, boolean doorbellExit, boolean protectionExit, Context ctx) {
        boolean copyAsVcpu = config.embodiment() == MigrationEmbodiment.COPY_AS_VCPU_BUFFER;
        if (doorbellExit) {
            ctx.label(
                    copyAsVcpu
                            ? ComposedLabels.MIGRATION_DOORBELL_EXIT_COPY_AS_VCPU
                            : ComposedLabels.MIGRATION_DOORBELL_EXIT_COPY_AS_DEVICE);
        }
        if (protectionExit) {
            ctx.label(
                    copyAsVcpu
                            ? ComposedLabels.MIGRATION_TRAP_EXIT_COPY_AS_VCPU
                            : ComposedLabels.MIGRATION_TRAP_EXIT_COPY_AS_DEVICE);
        }
    }

    /** MIG-1 {@code cleanPoolPagesAtDestination} on the migration source beside the other guests. */
    void checkCleanPoolPagesAtDestination() {
        MigrationTrace.checkCleanPoolPagesAtDestination(
                system.migration(), lockstep.judgedState().migration());
    }

    /** MIG-3 {@code doorbellStoresExit} on the migration source beside the other guests. */
    void checkDoorbellStoresExit() {
        MigrationTrace.checkDoorbellStoresExit(
                system.migration(), lockstep.judgedState().migration());
    }

    /** MIG-3 {@code vcpuBufferProtected} on the migration source beside the other guests (the trapping strategy). */
    void checkVcpuBufferProtected() {
        MigrationTrace.checkVcpuBufferProtected(
                system.migration(), lockstep.judgedState().migration());
    }

    /**
     * The failover pair's seams on the composed machine: another guest's action while the
     * checkpoint lands there (some chunks landed, not all), a chunk landing beside a secure domain
     * or integrity mode, the secondary's application started there and serving, its guest's crash.
     */
    private static void labelFailover(Lockstep.Transition<ComposedState, ComposedSystemAction> t, Context ctx) {
        FailoverState before = t.before().failover();
        FailoverState after = t.after().failover();
        if (!(t.action() instanceof ComposedSystemAction.Failover f)) {
            if (before.phase() == FailoverPhase.COPYING
                    && before.agent().epoch() == before.epoch()
                    && !before.agent().landed().isEmpty()
                    && !before.wholeCheckpointLanded()) {
                ctx.label(ComposedLabels.FAILOVER_OTHER_GUEST_BETWEEN_CHUNKS);
            }
            return;
        }
        if (after.agent().landed().size() > before.agent().landed().size()
                && (secureDomainRuns(t.before()) || integrityModeRuns(t.before()))) {
            ctx.label(ComposedLabels.FAILOVER_CHUNK_LANDED_BESIDE);
        }
        for (Object o : t.observations()) {
            if (o instanceof FailoverObservation.Started) {
                ctx.label(ComposedLabels.FAILOVER_STARTED_ON_MACHINE);
            } else if (o instanceof FailoverObservation.Acknowledged && before.phase() == FailoverPhase.FAILED_OVER) {
                ctx.label(ComposedLabels.FAILOVER_SERVED_ON_MACHINE);
            }
        }
        if (f.action() instanceof FailoverAction.SecondaryCrash
                && before.secondary().up()) {
            ctx.label(ComposedLabels.FAILOVER_SECONDARY_CRASHED_ON_MACHINE);
        }
    }

    private void label(Lockstep.Transition<ComposedState, ComposedSystemAction> t, Context ctx) {
        ComposedState before = t.before();
        List<?> seen = t.observations();
        if (t.action() instanceof ComposedSystemAction.Migration
                || t.action() instanceof ComposedSystemAction.Failover
                || t.action() instanceof ComposedSystemAction.Tracing) {
            return;
        }
        if (t.action() instanceof ComposedSystemAction.Integrity i) {
            IntegrityAction a = i.action();
            boolean granted = seen.contains(new IntegrityObservation.RequestResult(IntegrityCode.OK));
            if ((a instanceof IntegrityAction.Protect || a instanceof IntegrityAction.Unprotect)
                    && granted
                    && secureDomainRuns(before)) {
                ctx.label(ComposedLabels.TREE_EDIT_WHILE_SECURE_DOMAIN_RUNS);
            }
            if ((a instanceof IntegrityAction.Interrupt || a instanceof IntegrityAction.Fault)
                    && secureDomainRuns(before)) {
                ctx.label(ComposedLabels.INTEGRITY_EVENT_WHILE_SECURE_DOMAIN_RUNS);
            }
            if ((a instanceof IntegrityAction.Interrupt || a instanceof IntegrityAction.Fault)
                    && before.interrupts().inHandler()) {
                ctx.label(ComposedLabels.OTHER_GUEST_EVENT_WHILE_INTERRUPTS_HANDLER_RUNS);
            }
            if (secureDomainRuns(before)) {
                labelIntegrityBesideSecure(before.integrity(), a, seen, ctx);
            }
            return;
        }
        if (t.action() instanceof ComposedSystemAction.Interrupts r) {
            labelInterrupts(before, r.action(), seen, ctx);
            return;
        }
        DomainsSystemAction a = ((ComposedSystemAction.Domains) t.action()).action();
        if (a instanceof DomainsSystemAction.Event && before.interrupts().inHandler()) {
            ctx.label(ComposedLabels.OTHER_GUEST_EVENT_WHILE_INTERRUPTS_HANDLER_RUNS);
        }
        Set<Long> nodes = storeTree().nodePages();
        boolean atNode = (a instanceof DomainsSystemAction.DeviceWrite d && nodes.contains(d.page()))
                || (a instanceof DomainsSystemAction.Write w
                        && w.entries().values().stream().anyMatch(nodes::contains));
        if (atNode) {
            ctx.label(ComposedLabels.DOMAINS_ROOT_AIMED_AT_A_NODE_PAGE);
        }
        if (a instanceof DomainsSystemAction.Event && integrityModeRuns(before)) {
            ctx.label(ComposedLabels.DOMAINS_EVENT_WHILE_INTEGRITY_MODE);
        }
        if (integrityModeRuns(before)) {
            labelDomainsBesideIntegrityMode(seen, ctx);
        }
    }

    /** The interrupts guest's situations reached while a secure domain runs or an integrity vCPU is in integrity mode. */
    private static void labelInterrupts(ComposedState before, InterruptsAction a, List<?> seen, Context ctx) {
        boolean secure = secureDomainRuns(before);
        boolean integrityMode = integrityModeRuns(before);
        if (a instanceof InterruptsAction.Arrive
                && before.interrupts().inSequence()
                && !before.interrupts().inHandler()) {
            if (secure) {
                ctx.label(ComposedLabels.ARRIVAL_IN_SEQUENCE_WHILE_SECURE_DOMAIN_RUNS);
            }
            if (integrityMode) {
                ctx.label(ComposedLabels.ARRIVAL_IN_SEQUENCE_WHILE_INTEGRITY_MODE);
            }
        }
        if (a instanceof InterruptsAction.Arrive && before.interrupts().inHandler() && (secure || integrityMode)) {
            ctx.label(ComposedLabels.NESTED_ARRIVAL_BESIDE_SECURE_DOMAIN_OR_INTEGRITY_MODE);
        }
        for (Object o : seen) {
            if (o instanceof InterruptsObservation.Fault f) {
                boolean executeOnly = f.kind() == InterruptsObservation.FaultKind.READ_EXECUTE_ONLY
                        || f.kind() == InterruptsObservation.FaultKind.WRITE_EXECUTE_ONLY;
                if (executeOnly && secure) {
                    ctx.label(ComposedLabels.EXECUTE_ONLY_FAULT_WHILE_SECURE_DOMAIN_RUNS);
                }
                if (f.kind() == InterruptsObservation.FaultKind.DMA_REFUSED && integrityMode) {
                    ctx.label(ComposedLabels.INTERRUPTS_DMA_REFUSED_WHILE_INTEGRITY_MODE);
                }
            } else if (o instanceof InterruptsObservation.HypercallReturned && (secure || integrityMode)) {
                ctx.label(ComposedLabels.SEQUENCE_HYPERCALL_BESIDE_SECURE_DOMAIN_OR_INTEGRITY_MODE);
            }
        }
    }

    /** The integrity guest's situations reached while a secure domain runs beside it. */
    private static void labelIntegrityBesideSecure(
            IntegrityState before, IntegrityAction a, List<?> seen, Context ctx) {
        for (Object o : seen) {
            if (o instanceof IntegrityObservation.WriteAlert w) {
                if (w.cause() == IntegrityAlertCause.DRIVER_PAGE) {
                    ctx.label(ComposedLabels.DRIVER_PAGE_ALERT_WHILE_SECURE_DOMAIN_RUNS);
                }
                if (w.cause() == IntegrityAlertCause.PROTECTED_PAGE
                        && inIntegrityMode(before, w.writer().vcpu())) {
                    ctx.label(ComposedLabels.PROTECTED_PAGE_ALERT_IN_INTEGRITY_MODE_WHILE_SECURE_DOMAIN_RUNS);
                }
            } else if (o instanceof IntegrityObservation.PolicyAlert p) {
                if (p.cause() == IntegrityAlertCause.WRONG_ENTRY) {
                    ctx.label(ComposedLabels.WRONG_ENTRY_WHILE_SECURE_DOMAIN_RUNS);
                } else if (p.cause() == IntegrityAlertCause.REFUSED_REQUEST) {
                    ctx.label(ComposedLabels.REFUSED_REQUEST_WHILE_SECURE_DOMAIN_RUNS);
                }
            } else if (o instanceof IntegrityObservation.FaultAlert) {
                ctx.label(ComposedLabels.FAULT_ALERT_WHILE_SECURE_DOMAIN_RUNS);
            }
        }
        if (a instanceof IntegrityAction.GuestWrite w
                && seen.isEmpty()
                && inIntegrityMode(before, w.writer().vcpu())
                && before.driver().map(d -> d.data().contains(w.page())).orElse(false)) {
            ctx.label(ComposedLabels.QUIET_OWN_DATA_WRITE_WHILE_SECURE_DOMAIN_RUNS);
        }
    }

    /** The domains' situations reached while an integrity vCPU is in integrity mode beside them. */
    private static void labelDomainsBesideIntegrityMode(List<?> seen, Context ctx) {
        for (Object o : seen) {
            if (o instanceof DomainsObservation.Entered) {
                ctx.label(ComposedLabels.GATE_ENTRY_WHILE_INTEGRITY_MODE);
            } else if (o instanceof DomainsObservation.Fault f) {
                switch (f.kind()) {
                    case NOT_A_GATE -> ctx.label(ComposedLabels.REFUSED_JUMP_WHILE_INTEGRITY_MODE);
                    case DMA_REFUSED -> ctx.label(ComposedLabels.DMA_REFUSED_WHILE_INTEGRITY_MODE);
                    case NOT_MAPPED -> {
                        if (f.domain().isRoot()) {
                            ctx.label(ComposedLabels.ROOT_ACCESS_FAULTED_WHILE_INTEGRITY_MODE);
                        }
                    }
                    default -> {}
                }
            }
        }
    }

    /** Whether integrity vCPU {@code vcpu} is in integrity mode in {@code s}. */
    private static boolean inIntegrityMode(IntegrityState s, int vcpu) {
        var v = s.vcpus().get(vcpu);
        return v != null && v.mode() == Mode.INTEGRITY;
    }

    /** A short picture of the state for failure reports. */
    @Override
    public String describe() {
        ComposedState s = lockstep.state();
        return "  integrity: " + s.integrity().driver().map(Object::toString).orElse("driver none") + ", vcpus "
                + s.integrity().vcpus() + ", protections "
                + Notation.byGpp(s.integrity().protections())
                + "\n  domains: vcpus " + s.domains().vcpus()
                + "\n  interrupts: pc " + Notation.hex(s.interrupts().pc()) + ", frames "
                + Notation.hexList(s.interrupts().returnStack()) + ", hypercalls "
                + s.interrupts().hypercalls()
                + "\n  migration (" + s.migration().config() + "): phase "
                + s.migration().phase() + ", dirty "
                + s.migration().dirty() + ", rounds "
                + s.migration().pagesPerRound() + ", in flight " + s.migration().inFlight() + ", posted "
                + s.migration().posted()
                + "\n  failover: phase " + s.failover().phase() + " at "
                + s.failover().now() + " µs, epoch "
                + s.failover().epoch() + ", config "
                + s.failover().config().map(Object::toString).orElse("none") + ", secondary agent "
                + s.failover().agent() + ", acknowledged " + s.failover().acknowledged()
                + "\n  tracing: traces " + s.tracing().traces() + ", pending "
                + s.tracing().pending().map(Object::toString).orElse("none") + ", mappings "
                + s.tracing().mappings();
    }
}
