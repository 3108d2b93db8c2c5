package org.hvproof.properties.domains;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.hvproof.impl.domains.DomainLayout;
import org.hvproof.impl.domains.DomainsAbstraction;
import org.hvproof.impl.domains.DomainsImplFlaw;
import org.hvproof.impl.domains.DomainsSystem;
import org.hvproof.impl.domains.DomainsSystemAction;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.Notation;
import org.hvproof.model.common.Transition;
import org.hvproof.model.domains.DomainsAction;
import org.hvproof.model.domains.DomainsModel;
import org.hvproof.model.domains.DomainsObservation;
import org.hvproof.model.domains.DomainsState;
import org.hvproof.model.domains.DomainsStep;
import org.hvproof.model.domains.Ids.DomainId;
import org.hvproof.model.domains.Ids.Frame;
import org.hvproof.model.domains.Ids.GuestPage;
import org.hvproof.model.domains.Ids.VirtualPage;
import org.hvproof.propcheck.Context;
import org.hvproof.properties.Lockstep;
import org.hvproof.properties.harness.JudgedTrace;

/**
 * One generated trace of the protection domains: the machine (with or without a deliberate flaw)
 * and the model in lockstep, the machine's transitions of the last generated step (each judged by
 * the claims' step invariants), and labels for coverage.
 */
public final class DomainsTrace implements JudgedTrace<DomainsState, DomainsAction, DomainsObservation> {
    /** The secret every single-run trace boots with. */
    static final long SECRET = 0x5EC12E7L;

    private final DomainsSystem machine;
    private final Lockstep<DomainsState, DomainsSystemAction> lockstep;
    private final List<Lockstep.Transition<DomainsState, DomainsSystemAction>> lastSteps = new ArrayList<>();
    private final boolean[] leftByEvent;
    private String touchedSecure;

    /** Boots the guest under the hypervisor with {@code flaw} ({@link DomainsImplFlaw#NONE} for the real one). */
    public DomainsTrace(DomainsImplFlaw flaw) {
        this.machine = new DomainsSystem(DomainsActions.LAYOUT, SECRET, flaw);
        this.lockstep = new Lockstep<>(
                machine::apply,
                machine::abstractState,
                (s, a) -> {
                    DomainsStep step = DomainsModel.step(s, modelAction(a));
                    return new Lockstep.ModelStep<>(step.next(), step.observations());
                },
                DomainsState.example(
                        DomainsActions.LAYOUT.secureDomains(), DomainsActions.LAYOUT.vcpus(), SECRET, this::bootFrame));
        this.leftByEvent = new boolean[DomainsActions.LAYOUT.vcpus()];
    }

    /**
     * The host frame the booted machine put behind page k of domain d's region, read off that
     * domain's own NPT: only the frame's name is taken from the machine (allocation order is the
     * hypervisor's business); whether it is mapped elsewhere too, and what it holds, is compared
     * with the model.
     */
    private long bootFrame(int d, int k) {
        var view = d == 0 ? ViewId.DEFAULT : machine.service().domains().get(d).view();
        return machine.machine()
                .view(view)
                .orElseThrow()
                .leaf(new GuestPhysicalPage(DomainLayout.regionFirst(d) + k))
                .map(e -> e.hostFrame())
                .orElse(-1L - 4L * d - k);
    }

    static DomainsAction modelAction(DomainsSystemAction a) {
        return DomainsAbstraction.modelAction(a, DomainsActions.LAYOUT);
    }

    /** The model's state, equal to the machine's abstraction while refinement holds. */
    public DomainsState state() {
        return lockstep.state();
    }

    /** Runs one generated step on machine and model, keeps its transitions, labels what happened. */
    void apply(DomainsActions.Step step, Context ctx) {
        lastSteps.clear();
        for (DomainsSystemAction a : step.actions()) {
            Lockstep.Transition<DomainsState, DomainsSystemAction> t = lockstep.apply(a);
            lastSteps.add(t);
            recordTouchedSecureFrames(t);
            label(t, step, ctx);
        }
        if (step.actions().size() > 2
                && step.actions().stream().allMatch(x -> x instanceof DomainsSystemAction.Event)) {
            ctx.label(DomainsLabels.STORM);
        }
    }

    /** The machine's transitions of the last generated step, each action read as the model's. */
    @Override
    public List<Transition<DomainsState, DomainsAction, DomainsObservation>> lastTransitions() {
        return lastSteps.stream().map(DomainsTrace::asTransition).toList();
    }

    @Override
    public DomainsState judgedState() {
        return lockstep.judgedState();
    }

    /** Remembers the first access that touched a frame its domain may not reach ({@link #touchedSecureFrames}). */
    private void recordTouchedSecureFrames(Lockstep.Transition<DomainsState, DomainsSystemAction> t) {
        if (touchedSecure == null) {
            touchedSecure = touchedSecureFrames(machine, t).orElse(null);
        }
    }

    /**
     * The implementation-level half of PD-1: the host frames {@code system} actually read or wrote
     * for the vCPU's access {@code t} (every table read of its walk and the final access) hold no
     * secure frame when the vCPU runs root code, and only its own domain's frames when it runs
     * secure code; otherwise, what touched which. The abstract state only shows what the NPTs map;
     * a hypervisor that walked tables or resolved addresses around the NPT would leave it unchanged.
     */
    public static Optional<String> touchedSecureFrames(
            DomainsSystem system, Lockstep.Transition<DomainsState, DomainsSystemAction> t) {
        DomainsState before = t.before();
        int v = t.action().vcpu();
        if (v < 0 || v >= before.vcpus().size()) {
            return Optional.empty();
        }
        DomainId domain = before.vcpus().get(v).domain();
        Set<Frame> own =
                domain.isRoot() ? Set.of() : before.domains().get(domain).frames();
        Set<Frame> secureFrames = before.secureFrames();
        Set<Long> foreign = new TreeSet<>();
        for (long f : system.framesTouchedByLastAccess()) {
            Frame frame = new Frame(f);
            if (domain.isRoot() ? secureFrames.contains(frame) : !own.contains(frame)) {
                foreign.add(f);
            }
        }
        if (foreign.isEmpty()) {
            return Optional.empty();
        }
        String who = domain.isRoot() ? "root " + Notation.vcpu(v) : Notation.vcpu(v) + " in secure " + domain;
        String what = domain.isRoot() ? " touched secure frames hpp " : " touched frames outside its domain hpp ";
        return Optional.of(who + what + Notation.hexList(foreign) + " in: " + t.action());
    }

    /** PD-1 on the machine's accesses: no root access so far touched a secure host frame, no secure one a frame not its domain's; throws otherwise. */
    void checkRootTouchedNoSecureFrame() {
        if (touchedSecure != null) {
            throw new AssertionError(DomainsProperties.ISOLATION_ON_MACHINE.label() + " violated: " + touchedSecure);
        }
    }

    /** A machine transition as the model's step invariants judge it: the action read as the model's. */
    @SuppressWarnings("unchecked")
    static Transition<DomainsState, DomainsAction, DomainsObservation> asTransition(
            Lockstep.Transition<DomainsState, DomainsSystemAction> t) {
        return new Transition<>(
                t.before(), modelAction(t.action()), t.after(), (List<DomainsObservation>) t.observations());
    }

    /** Refinement: the machine's observations and abstract state after every action equal the model's. */
    @Override
    public void checkRefinement() {
        lockstep.checkRefinement();
    }

    private void label(
            Lockstep.Transition<DomainsState, DomainsSystemAction> t, DomainsActions.Step step, Context ctx) {
        labelTransition(t.before(), t.action(), t.after(), t.observations(), step, ctx, leftByEvent);
        if (t.action() instanceof DomainsSystemAction.DeviceWrite d) {
            boolean refused = t.observations().stream()
                    .anyMatch(o -> o instanceof DomainsObservation.Fault f
                            && f.kind() == DomainsObservation.FaultKind.DMA_REFUSED);
            if (refused && t.before().secureOwnerOf(new GuestPage(d.page())) != null) {
                ctx.label(DomainsLabels.DMA_REFUSED_AT_SECURE_PAGE);
            } else if (t.observations().isEmpty()) {
                ctx.label(DomainsLabels.DMA_LANDED_IN_ROOT);
            } else {
                ctx.label(DomainsLabels.DMA_REFUSED_ELSEWHERE);
            }
        }
    }

    /** PD-5 on the IOMMU for this trace's system ({@link #checkNoSecureFrameInDeviceTable(DomainsSystem, String)}). */
    void checkNoSecureFrameInDeviceTable() {
        checkNoSecureFrameInDeviceTable(machine, DomainsProperties.NO_SECURE_FRAME_IN_DEVICE_TABLE.label());
    }

    /**
     * PD-5 on the IOMMU: the root device's I/O page table in {@code system} maps no host frame of
     * a secure domain, and its IOTLB caches none; throws, starting with {@code label} and naming
     * the frame, otherwise.
     */
    public static void checkNoSecureFrameInDeviceTable(DomainsSystem system, String label) {
        Set<Long> secure = system.secureHostFrames();
        var iommu = system.machine().iommu();
        for (long f : iommu.cachedFrames(DomainsSystem.DEVICE)) {
            if (secure.contains(f)) {
                throw new AssertionError(label + " violated: the IOTLB caches secure frame " + f);
            }
        }
        iommu.table(DomainsSystem.DEVICE)
                .ifPresent(table -> table.forEachLeaf((page, entry) -> {
                    if (secure.contains(entry.hostFrame())) {
                        throw new AssertionError(label + " violated: the device's I/O page table maps " + page
                                + " to secure frame " + entry.hostFrame());
                    }
                }));
    }

    /** Labels the walks that meet a page-size entry, and writes that turn one back into a table entry. */
    private static void labelLargeLeaves(DomainsState before, DomainsSystemAction a, List<?> seen, Context ctx) {
        int level = DomainsActions.pageSizeLevel(before, a);
        boolean faulted = seen.stream().anyMatch(o -> o instanceof DomainsObservation.Fault);
        if (level > 0 && !before.vcpus().get(a.vcpu()).domain().isRoot()) {
            // secure code through a large leaf of its own tables: where the leaf lands
            int page = a instanceof DomainsSystemAction.Read r ? r.page() : ((DomainsSystemAction.Write) a).page();
            GuestPage g = before.walkOf(before.vcpus().get(a.vcpu()), new VirtualPage(page))
                    .page();
            var own = before.domains().get(before.vcpus().get(a.vcpu()).domain());
            if (!faulted && g != null && own.region().contains(g)) {
                ctx.label(DomainsLabels.SECURE_LARGE_LEAF_IN_OWN_REGION);
            } else if (faulted && g != null && before.secureOwnerOf(g) != null) {
                ctx.label(DomainsLabels.SECURE_LARGE_LEAF_IN_OTHER_SECURE_REFUSED);
            } else if (faulted && g != null && before.root().region().contains(g)) {
                ctx.label(DomainsLabels.SECURE_LARGE_LEAF_ON_ROOT_REFUSED);
            } else if (faulted && (g == null || !DomainsActions.inSomeRegion(before, g.n()))) {
                ctx.label(DomainsLabels.SECURE_LARGE_LEAF_ELSEWHERE_REFUSED);
            }
        } else if (level == 4 && faulted) {
            ctx.label(DomainsLabels.PS_AT_LEVEL_4_FAULTED);
        } else if (level == 2 && !faulted) {
            ctx.label(DomainsLabels.TWO_MB_LEAF_ACCESS);
        } else if (level > 0 && faulted) {
            ctx.label(DomainsLabels.LARGE_LEAF_REFUSED);
            labelRootLargeLeafRefused(before, a, level, ctx);
        }
        if (a instanceof DomainsSystemAction.Write w
                && !w.largeUpperEntry()
                && !faulted
                && w.vcpu() >= 0
                && w.vcpu() < before.vcpus().size()) {
            var c = before.vcpus().get(w.vcpu());
            var frame = before.walk(c, new org.hvproof.model.domains.Ids.VirtualPage(w.page()));
            if (frame != null
                    && !before.frames()
                            .getOrDefault(frame, org.hvproof.model.domains.FrameContent.EMPTY)
                            .large()
                            .isEmpty()) {
                ctx.label(DomainsLabels.PS_ENTRY_REWRITTEN);
            }
        }
    }

    /**
     * Labels a root write that lands in one of the root's pages and points its slot 511 at a lower
     * root page other than the table: a chain whose links are not in the order of the pages.
     */
    private static void labelChainOrder(DomainsState before, DomainsSystemAction a, List<?> seen, Context ctx) {
        if (!(a instanceof DomainsSystemAction.Write w)
                || !seen.isEmpty()
                || w.vcpu() < 0
                || w.vcpu() >= before.vcpus().size()
                || !before.vcpus().get(w.vcpu()).domain().isRoot()
                || !w.entries().containsKey(DomainsState.UPPER_SLOT)) {
            return;
        }
        var root = before.root();
        GuestPage written = before.walkPage(before.vcpus().get(w.vcpu()), new VirtualPage(w.page()));
        GuestPage next = new GuestPage(w.entries().get(DomainsState.UPPER_SLOT));
        if (written != null
                && root.region().contains(written)
                && root.region().contains(next)
                && !next.equals(root.gptRoot())
                && next.n() < written.n()) {
            ctx.label(DomainsLabels.ROOT_CHAIN_LINK_TO_LOWER_PAGE);
        }
    }

    /**
     * Labels a refused root access through a 2 MiB leaf ({@code level} 2) by where the leaf lands:
     * past the root's region, and among those on a secure page.
     */
    private static void labelRootLargeLeafRefused(DomainsState before, DomainsSystemAction a, int level, Context ctx) {
        if (level != 2) {
            return;
        }
        int page = a instanceof DomainsSystemAction.Read r ? r.page() : ((DomainsSystemAction.Write) a).page();
        GuestPage g = before.walkOf(before.vcpus().get(a.vcpu()), new VirtualPage(page))
                .page();
        if (g != null && !before.root().region().contains(g)) {
            ctx.label(DomainsLabels.ROOT_LARGE_LEAF_PAST_REGION_REFUSED);
            if (before.secureOwnerOf(g) != null) {
                ctx.label(DomainsLabels.ROOT_LARGE_LEAF_ON_SECURE_REFUSED);
            }
        }
    }

    /** Labels one transition (shared with the two-run trace). */
    static void labelTransition(
            DomainsState before,
            DomainsSystemAction a,
            DomainsState after,
            List<?> seen,
            DomainsActions.Step step,
            Context ctx,
            boolean[] leftByEvent) {
        for (Object o : seen) {
            if (o instanceof DomainsObservation.Entered e) {
                ctx.label(DomainsLabels.GATE_ENTRY);
                if (e.vcpu() < leftByEvent.length && leftByEvent[e.vcpu()]) {
                    ctx.label(DomainsLabels.RESUMED);
                }
            } else if (o instanceof DomainsObservation.Fault f) {
                ctx.label(DomainsLabels.FAULT);
                if (f.kind() == DomainsObservation.FaultKind.NOT_A_GATE) {
                    ctx.label(DomainsLabels.REFUSED_JUMP);
                    if (a instanceof DomainsSystemAction.Transfer tr && (tr.target() & 0xfff) == 1) {
                        ctx.label(DomainsLabels.REFUSED_GATE_PLUS_ONE);
                    }
                }
                if (f.kind() == DomainsObservation.FaultKind.NOT_MAPPED
                        && f.domain().isRoot()
                        && (a instanceof DomainsSystemAction.Read || a instanceof DomainsSystemAction.Write)) {
                    int p = a instanceof DomainsSystemAction.Read r ? r.page() : ((DomainsSystemAction.Write) a).page();
                    if (DomainsActions.hostilePages(before, a.vcpu()).contains(p)) {
                        ctx.label(DomainsLabels.ROOT_ACCESS_TO_SECURE_REFUSED);
                    }
                }
            } else if (o instanceof DomainsObservation.Returned r) {
                if (r.vcpu() < leftByEvent.length) {
                    leftByEvent[r.vcpu()] = r.byInterrupt();
                }
                ctx.label(r.byInterrupt() ? DomainsLabels.EVENT_IN_SECURE_CODE : DomainsLabels.EXIT);
                if (r.byInterrupt() && a instanceof DomainsSystemAction.Event ev) {
                    ctx.label(
                            ev.vector() >= 32
                                    ? DomainsLabels.HIGH_VECTOR_IN_SECURE_CODE
                                    : DomainsLabels.LOW_VECTOR_IN_SECURE_CODE);
                }
                if (r.byInterrupt()
                        && step.actions().size() == 2
                        && step.actions().get(0) instanceof DomainsSystemAction.Transfer) {
                    ctx.label(DomainsLabels.EVENT_AT_GATE_ENTRY);
                }
            } else if (o instanceof DomainsObservation.ReadValue rv
                    && !rv.domain().isRoot()) {
                ctx.label(DomainsLabels.SECURE_READ);
            }
        }
        if (a instanceof DomainsSystemAction.Transfer tr && DomainsActions.highBitAlias(before, tr.target())) {
            ctx.label(DomainsLabels.HIGH_BIT_ALIAS);
        }
        labelPagesNamed(before, a, ctx);
        labelChainOrder(before, a, seen, ctx);
        labelLargeLeaves(before, a, seen, ctx);
        if (DomainsActions.walksHostileUpperEntry(before, a)) {
            ctx.label(DomainsLabels.HOSTILE_UPPER_LEVEL_WALKED);
        }
        if (a instanceof DomainsSystemAction.Write w
                && w.vcpu() >= 0
                && w.vcpu() < before.vcpus().size()
                && seen.isEmpty()) {
            if (!before.vcpus().get(w.vcpu()).domain().isRoot()) {
                ctx.label(DomainsLabels.SECURE_WRITE);
            } else if (!DomainsActions.hostilePages(after, w.vcpu()).isEmpty()) {
                ctx.label(DomainsLabels.HOSTILE_MAPPING);
            }
        }
    }

    /** Labels a CR3 load or table write that names a guest page outside every region, or above all of them. */
    private static void labelPagesNamed(DomainsState before, DomainsSystemAction a, Context ctx) {
        List<Long> pages = a instanceof DomainsSystemAction.LoadCr3 l
                ? List.of(l.page())
                : a instanceof DomainsSystemAction.Write w
                        ? List.copyOf(w.entries().values())
                        : List.of();
        List<Long> regions = DomainsActions.regionPages(before);
        long top = regions.get(regions.size() - 1);
        for (long p : pages) {
            if (!DomainsActions.inSomeRegion(before, p)) {
                ctx.label(DomainsLabels.PAGE_OUTSIDE_REGIONS);
            }
            if (p > top) {
                ctx.label(DomainsLabels.PAGE_ABOVE_REGIONS);
            }
        }
    }

    /** Each vCPU by its index and what it runs on, for failure reports. */
    static String vcpus(DomainsState s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.vcpus().size(); i++) {
            out.append(i == 0 ? "" : "; ")
                    .append(Notation.vcpu(i))
                    .append(' ')
                    .append(s.vcpus().get(i));
        }
        return out.toString();
    }

    /** A short picture of the state for failure reports. */
    @Override
    public String describe() {
        DomainsState s = lockstep.state();
        return "  vcpus " + vcpus(s);
    }
}
