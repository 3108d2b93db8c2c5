package org.hvproof.properties.tree;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.hvproof.impl.tree.ProtectedPageTree;
import org.hvproof.impl.tree.TreeCommitStep;
import org.hvproof.impl.tree.TreeEvent;
import org.hvproof.impl.tree.TreeImplFlaw;
import org.hvproof.impl.tree.TreeSystem;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.ClaimCheck;
import org.hvproof.model.common.Completed;
import org.hvproof.model.common.Notation;
import org.hvproof.model.common.Observation;
import org.hvproof.model.common.Transition;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.AlertCause;
import org.hvproof.model.tree.BPlusTree;
import org.hvproof.model.tree.PageMap;
import org.hvproof.model.tree.PageSet;
import org.hvproof.model.tree.RequestCode;
import org.hvproof.model.tree.TreeAction;
import org.hvproof.model.tree.TreeConfig;
import org.hvproof.model.tree.TreeLayout;
import org.hvproof.model.tree.TreeModel;
import org.hvproof.model.tree.TreeObservation;
import org.hvproof.model.tree.TreeState;
import org.hvproof.model.tree.TreeStep;
import org.hvproof.propcheck.Context;
import org.hvproof.properties.Lockstep;
import org.hvproof.properties.harness.JudgedTrace;

/**
 * One generated trace of the protected-page tree: the machine with the tree (with or without a
 * deliberate flaw) and the model in lockstep. Refinement is on what both produce: the tree's
 * observations (request results, walks, alerts) and the abstract state; the machine's own
 * notifications and completions are not the model's business, but whether a write landed is
 * judged here against the page's role before the write ({@link #lastWriteOutcome()}). A request
 * run in micro-steps is one model step, at the micro-step that publishes it ({@link
 * TreeCommitStep#PUBLISH}; a start the tree refuses, at the start); the other micro-steps leave
 * the model where it is, and the machine's abstraction, which reads the published tree, must too.
 */
public final class TreeTrace implements JudgedTrace<TreeState, TreeAction, TreeObservation> {
    /** Node pool pages: few enough that a trace's protects run it out (about one trace in eight), legitimately. */
    static final int POOL_PAGES = 64;
    /**
     * The tree every trace boots: 1024 pages, the last {@value #POOL_PAGES} of them the node pool, 64
     * pages a request, order four ({@link BPlusTree#SMALL}), so that splits, merges and a pool run
     * out all come within a trace.
     */
    public static final TreeConfig CONFIG = new TreeConfig(1024, 1024 - POOL_PAGES, POOL_PAGES, 64, BPlusTree.SMALL);
    /** vCPUs writing. */
    public static final int VCPUS = 3;

    /** TREE-1's write outcome: a write to a mapped page lands or is dropped as its action says. */
    static final String ACTION_PERFORMED = "actionPerformed";
    /** TREE-2's write outcome: a write to a node page leaves the page unchanged. */
    static final String NODE_WRITE_BLOCKED = "nodeWriteBlocked";
    /** TREE-3's write outcome: a write to a page neither node nor mapped lands. */
    static final String QUIET_WRITE_LANDS = "quietWriteLands";

    private final TreeSystem machine;
    private final Lockstep<TreeState, TreeSystemAction> lockstep;
    private List<Observation> lastSeen = List.of();
    private final List<ClaimCheck> writeOutcome = new ArrayList<>();

    /** Boots the guest with the tree variant {@code flaw}. */
    public TreeTrace(TreeImplFlaw flaw) {
        this.machine = new TreeSystem(CONFIG, VCPUS, flaw);
        this.lockstep =
                new Lockstep<>(this::runOnMachine, machine::abstractState, this::modelStep, TreeModel.initial(CONFIG));
    }

    /** The model's state, equal to the machine's abstraction while refinement holds. */
    public TreeState state() {
        return lockstep.state();
    }

    /** The machine's abstract state after the last step; before the first, the model's initial state. */
    @Override
    public TreeState judgedState() {
        return lockstep.judgedState();
    }

    /** The guest page that holds the base pointer in the flawed variant that keeps it there. */
    public long guestPointerPage() {
        return machine.tree().guestPointerPage();
    }

    /** The request started in micro-steps and not yet published on the machine (null: none). */
    private TreeSystemAction pending;
    /**
     * The requests the model takes at the last step, in order: one the last action waited for
     * (published while it waited), then the action's own (whole, or a start the tree refused), or
     * the one a micro-step published.
     */
    private final List<TreeSystemAction> modelRequests = new ArrayList<>(2);
    /** Whether the first of {@link #modelRequests} is a request the last action waited for. */
    private boolean waited;

    private List<TreeObservation> runOnMachine(TreeSystemAction a) {
        modelRequests.clear();
        waited = false;
        if (a instanceof TreeSystemAction.Continue) {
            lastSeen = machine.continueRequest();
            // The model takes the whole request when it publishes.
            if (hasResult(lastSeen)) {
                modelRequests.add(pending);
                pending = null;
            }
        } else if (a instanceof TreeSystemAction.Write w) {
            labelInFlightWrite(w);
            lastSeen = write(w);
        } else {
            // A request waits for the tree lock: the one in flight finishes first, and the model
            // takes it now if it publishes now.
            List<Observation> seen = new ArrayList<>(machine.waitForTreeLock());
            if (hasResult(seen)) {
                modelRequests.add(pending);
                waited = true;
            }
            pending = null;
            List<Observation> own = request(a);
            if (hasResult(own)) {
                modelRequests.add(whole(a));
            } else {
                pending = whole(a); // started: in flight
            }
            seen.addAll(own);
            lastSeen = seen;
        }
        return TreeSystem.treeObservations(lastSeen);
    }

    /** Runs request {@code a} on the machine, the tree lock free. */
    private List<Observation> request(TreeSystemAction a) {
        if (a instanceof TreeSystemAction.Protect p) {
            return machine.protect(p.start(), p.length(), p.actionCode());
        }
        if (a instanceof TreeSystemAction.Unprotect u) {
            return machine.unprotect(u.start(), u.length());
        }
        if (a instanceof TreeSystemAction.StartProtect p) {
            return machine.startProtect(p.start(), p.length(), p.actionCode());
        }
        TreeSystemAction.StartUnprotect u = (TreeSystemAction.StartUnprotect) a;
        return machine.startUnprotect(u.start(), u.length());
    }

    /** The request {@code a} as run whole: what the model takes. */
    private static TreeSystemAction whole(TreeSystemAction a) {
        if (a instanceof TreeSystemAction.StartProtect p) {
            return p.whole();
        }
        if (a instanceof TreeSystemAction.StartUnprotect u) {
            return u.whole();
        }
        return a;
    }

    private static boolean hasResult(List<Observation> seen) {
        for (Observation o : seen) {
            if (o instanceof TreeEvent e && e.observation() instanceof TreeObservation.RequestResult) {
                return true;
            }
        }
        return false;
    }

    /** Labels of the write about to run, from where the request in flight is (read before the write). */
    private final List<String> inFlightLabels = new ArrayList<>(4);

    private void labelInFlightWrite(TreeSystemAction.Write w) {
        inFlightLabels.clear();
        if (!machine.requestInFlight()) {
            return;
        }
        inFlightLabels.add(TreeLabels.WRITE_BETWEEN_STEPS);
        ProtectedPageTree tree = machine.tree();
        TreeState before = judgedState();
        PageSet taken = tree.takenPages();
        PageSet freed = tree.freedPages();
        for (TreeAction.GuestWrite piece : w.pieces()) {
            long page = piece.page();
            if (before.nodePages().contains(page)) {
                inFlightLabels.add(TreeLabels.NODE_WRITE_BETWEEN_STEPS);
            } else if (before.mappings().containsKey(page)) {
                inFlightLabels.add(TreeLabels.MAPPED_WRITE_BETWEEN_STEPS);
            }
            if (taken.contains(page)) {
                if (!tree.hasRun(TreeCommitStep.TRACE_TAKEN)) {
                    inFlightLabels.add(TreeLabels.TAKEN_WRITE_BEFORE_TRACED);
                } else if (tree.hasRun(TreeCommitStep.WRITE_TAKEN) && !tree.hasRun(TreeCommitStep.PUBLISH)) {
                    inFlightLabels.add(TreeLabels.TAKEN_WRITE_AFTER_WRITTEN);
                }
            }
            if (freed.contains(page)
                    && tree.hasRun(TreeCommitStep.PUBLISH)
                    && !tree.hasRun(TreeCommitStep.UNTRACE_FREED)) {
                inFlightLabels.add(TreeLabels.FREED_WRITE_BEFORE_UNTRACED);
            }
        }
    }

    /** Whether a request is in flight on the machine (started, not all its micro-steps run). */
    public boolean requestInFlight() {
        return machine.requestInFlight();
    }

    /** The pool pages the request in flight took for nodes (empty when none is). */
    PageSet takenPages() {
        return machine.tree().takenPages();
    }

    /** The pages of the nodes the request in flight frees (empty when none is). */
    PageSet freedPages() {
        return machine.tree().freedPages();
    }

    /** Runs a write and judges whether each page's part landed as the page's role before the write says. */
    private List<Observation> write(TreeSystemAction.Write w) {
        TreeState before = judgedState();
        List<TreeAction.GuestWrite> pieces = w.pieces();
        boolean inGuest = w.gpa() >= 0;
        for (int i = 0; i < pieces.size() && inGuest; i++) {
            inGuest = pieces.get(i).page() < CONFIG.guestPages();
        }
        // The page before the write, where the page's role says the write must leave it unchanged
        // (a node page, or one mapped to an action that blocks); elsewhere only landing is judged.
        byte[][] old = new byte[pieces.size()][];
        if (inGuest) {
            for (int i = 0; i < pieces.size(); i++) {
                long page = pieces.get(i).page();
                AlertAction mapped = before.mappings().get(page);
                if (before.nodePages().contains(page) || (mapped != null && !mapped.completesWrite())) {
                    old[i] = machine.guestPage(page);
                }
            }
        }
        byte[] data = pattern(w.length(), (int) w.ip());
        List<Observation> seen = machine.write(w.vcpu(), w.privilege(), w.ip(), w.gpa(), Bytes.of(data));
        writeOutcome.clear();
        if (!inGuest || !completed(seen)) {
            return seen;
        }
        PageMap<AlertAction> mappings = before.mappings();
        PageSet nodes = before.nodePages();
        int done = 0;
        for (int i = 0; i < pieces.size(); i++) {
            long page = pieces.get(i).page();
            int offset = (int) (pieces.get(i).address() & 0xfff);
            int len = Math.min(w.length() - done, 4096 - offset);
            boolean landed;
            boolean unchanged;
            if (old[i] != null) {
                byte[] now = machine.guestPage(page);
                landed = Arrays.equals(now, offset, offset + len, data, done, done + len);
                // The whole page is compared: a write that lands beside its place changes the page too.
                unchanged = Arrays.equals(now, old[i]);
            } else {
                // Only landing is judged here: the written range alone is read.
                landed = Arrays.equals(machine.guestBytes(page, offset, len), 0, len, data, done, done + len);
                unchanged = false;
            }
            AlertAction mapped = mappings.get(page);
            if (nodes.contains(page)) {
                writeOutcome.add(
                        unchanged
                                ? ClaimCheck.holds("TREE-2", NODE_WRITE_BLOCKED)
                                : ClaimCheck.violated(
                                        "TREE-2",
                                        NODE_WRITE_BLOCKED,
                                        "write to node page " + Notation.gpp(page) + " changed it"));
            } else if (mapped != null) {
                boolean ok = mapped.completesWrite() ? landed : unchanged;
                writeOutcome.add(
                        ok
                                ? ClaimCheck.holds("TREE-1", ACTION_PERFORMED)
                                : ClaimCheck.violated(
                                        "TREE-1",
                                        ACTION_PERFORMED,
                                        "write to page " + Notation.gpp(page) + " mapped to " + mapped
                                                + (landed ? " landed" : " did not land")));
            } else {
                writeOutcome.add(
                        landed
                                ? ClaimCheck.holds("TREE-3", QUIET_WRITE_LANDS)
                                : ClaimCheck.violated(
                                        "TREE-3",
                                        QUIET_WRITE_LANDS,
                                        "write to unprotected page " + page + " did not land"));
            }
            done += len;
        }
        return seen;
    }

    /** Whether the machine completed the access: some observation of {@code seen} says so. */
    private static boolean completed(List<Observation> seen) {
        for (Observation o : seen) {
            if (o instanceof Completed) {
                return true;
            }
        }
        return false;
    }

    /**
     * The model's step. A request carries the layout the machine chose, read from its node pages
     * after it ran (the lockstep runs the machine first): the model checks that choice is legal
     * instead of computing one, and derives traces and pool from it. A request the step waited
     * for carries the layout it left ({@link TreeSystem#waitedLayout}).
     */
    private Lockstep.ModelStep<TreeState> modelStep(TreeState s, TreeSystemAction a) {
        if (!(a instanceof TreeSystemAction.Write w)) {
            // The requests this step published or refused, in order; none for a micro-step before
            // or after a publication, or for a start now in flight.
            TreeState next = s;
            List<TreeObservation> obs = new ArrayList<>(2);
            for (int i = 0; i < modelRequests.size(); i++) {
                TreeLayout layout = waited && i == 0 ? machine.waitedLayout() : machine.layout();
                TreeStep step = TreeModel.step(next, asModelAction(modelRequests.get(i), layout));
                next = step.next();
                obs.addAll(step.observations());
            }
            return new Lockstep.ModelStep<>(next, obs);
        }
        List<TreeAction.GuestWrite> pieces = w.pieces();
        // A write with a part outside the tree's guest memory faults as a whole: nothing is seen.
        if (w.gpa() < 0 || pieces.stream().anyMatch(p -> p.page() >= s.config().guestPages())) {
            return new Lockstep.ModelStep<>(s, List.of());
        }
        List<TreeObservation> obs = new ArrayList<>();
        for (TreeAction.GuestWrite piece : pieces) {
            obs.addAll(TreeModel.step(s, piece).observations());
        }
        return new Lockstep.ModelStep<>(s, obs);
    }

    /** A request as the model takes it, with the layout the machine chose for the tree after it. */
    private static TreeAction asModelAction(TreeSystemAction a, TreeLayout layout) {
        if (a instanceof TreeSystemAction.Protect p) {
            return new TreeAction.Protect(p.start(), p.length(), p.actionCode(), layout);
        }
        TreeSystemAction.Unprotect u = (TreeSystemAction.Unprotect) a;
        return new TreeAction.Unprotect(u.start(), u.length(), layout);
    }

    /**
     * The machine's last step as the model's step invariants judge it, read through the
     * abstraction function: one transition per page a write touched, one for a request.
     */
    @Override
    public List<Transition<TreeState, TreeAction, TreeObservation>> lastTransitions() {
        Lockstep.Transition<TreeState, TreeSystemAction> t = lockstep.last();
        if (t == null) {
            return List.of();
        }
        // Every invariant of a claim asks after each step: derived once per step (a new transition object).
        if (t != transitionsOf) {
            transitions = transitions(t);
            transitionsOf = t;
        }
        return transitions;
    }

    /** The step whose {@link #transitions} are kept, and they. */
    private Lockstep.Transition<TreeState, TreeSystemAction> transitionsOf;

    private List<Transition<TreeState, TreeAction, TreeObservation>> transitions;

    private List<Transition<TreeState, TreeAction, TreeObservation>> transitions(
            Lockstep.Transition<TreeState, TreeSystemAction> t) {
        @SuppressWarnings("unchecked")
        List<TreeObservation> obs = (List<TreeObservation>) t.observations();
        if (t.action() instanceof TreeSystemAction.Write w) {
            // A write that faulted (on either page) was carried out nowhere: no page saw a write.
            if (!completed(lastSeen)) {
                return List.of();
            }
            List<TreeAction.GuestWrite> pieces = w.pieces();
            List<Transition<TreeState, TreeAction, TreeObservation>> out = new ArrayList<>(pieces.size());
            for (TreeAction.GuestWrite piece : pieces) {
                List<TreeObservation> mine = new ArrayList<>(obs.size());
                for (TreeObservation o : obs) {
                    if (pageOf(o) == piece.page()) {
                        mine.add(o);
                    }
                }
                out.add(new Transition<>(t.before(), piece, t.after(), List.copyOf(mine)));
            }
            return List.copyOf(out);
        }
        if (modelRequests.isEmpty()) {
            return List.of();
        }
        // The action's own request (the last); one it waited for finished inside the same step.
        TreeSystemAction last = modelRequests.get(modelRequests.size() - 1);
        return List.of(
                new Transition<>(t.before(), asModelAction(last, t.after().layout()), t.after(), obs));
    }

    /** Whether the last write's parts landed or were dropped as each page's role says. */
    List<ClaimCheck> lastWriteOutcome() {
        return writeOutcome;
    }

    private static long pageOf(TreeObservation o) {
        if (o instanceof TreeObservation.Alert a) {
            return a.page();
        }
        if (o instanceof TreeObservation.Walk w) {
            return w.page();
        }
        return -1;
    }

    /** Runs one action on machine and model and labels what happened. */
    void apply(TreeSystemAction action, Context ctx) {
        label(lockstep.apply(action), ctx);
    }

    /** Refinement: the tree's observations and the abstract state after the last step equal the model's. */
    @Override
    public void checkRefinement() {
        lockstep.checkRefinement();
    }

    private void label(Lockstep.Transition<TreeState, TreeSystemAction> t, Context ctx) {
        TreeState before = t.before();
        TreeState after = t.after();
        if (t.action() instanceof TreeSystemAction.Write) {
            inFlightLabels.forEach(ctx::label);
        }
        if (t.action() instanceof TreeSystemAction.Continue && !modelRequests.isEmpty()) {
            ctx.label(TreeLabels.PUBLISHED_IN_MICRO_STEPS);
        }
        if (after.depth() >= 2) {
            ctx.label(TreeLabels.DEPTH_2);
        }
        for (Object o : t.observations()) {
            if (o instanceof TreeObservation.RequestResult r) {
                if (r.code() == RequestCode.OK) {
                    if (!before.nodes().isEmpty() && !before.nodePages().containsAll(after.nodePages())) {
                        ctx.label(TreeLabels.SPLIT);
                    }
                    if (!after.nodes().isEmpty() && !after.nodePages().containsAll(before.nodePages())) {
                        ctx.label(TreeLabels.MERGE);
                    }
                    if (after.nodes().isEmpty() && !before.nodes().isEmpty()) {
                        ctx.label(TreeLabels.TEAR_DOWN);
                    }
                } else {
                    ctx.label(TreeLabels.REFUSED);
                    if (r.code() == RequestCode.POOL_EXHAUSTED) {
                        ctx.label(TreeLabels.POOL_EXHAUSTED);
                    }
                    if (r.code() != RequestCode.OVERLAPS && r.code() != RequestCode.NOT_PROTECTED) {
                        ctx.label(TreeLabels.HOSTILE_REFUSED);
                    }
                }
            } else if (o instanceof TreeObservation.Alert a) {
                if (a.cause() == AlertCause.NODE_PAGE) {
                    ctx.label(TreeLabels.NODE_ALERT);
                    if (before.mappings().containsKey(a.page())) {
                        ctx.label(TreeLabels.NODE_AND_MAPPED_ALERT);
                    }
                } else {
                    ctx.label(a.action() == AlertAction.BLOCK ? TreeLabels.BLOCK_ALERT : TreeLabels.ALLOW_ALERT);
                }
                if (!a.action().completesWrite()) {
                    ctx.label(TreeLabels.BLOCKED_WRITE);
                }
            } else if (o instanceof TreeObservation.Walk w && w.depth() >= 2 && w.nodesVisited() == w.depth() + 1) {
                ctx.label(TreeLabels.FULL_WALK_DEPTH_2);
            }
        }
        TreeSystemAction request = whole(t.action());
        long address = request instanceof TreeSystemAction.Protect p
                ? p.start()
                : request instanceof TreeSystemAction.Unprotect u
                        ? u.start()
                        : t.action() instanceof TreeSystemAction.Write w ? w.gpa() : 0;
        if ((address >>> 32) != 0 && ((address & 0xffff_ffffL) >>> 12) < CONFIG.guestPages()) {
            ctx.label(TreeLabels.HIGH_BIT_ALIAS);
        }
        if (t.action() instanceof TreeSystemAction.Write w) {
            long page = w.gpa() >>> 12;
            if (w.gpa() < 0 || page >= CONFIG.guestPages()) {
                ctx.label(TreeLabels.OUTSIDE_TREE_WRITE);
            } else if (!before.traced().contains(page)
                    && (before.traced().contains(page - 1) || before.traced().contains(page + 1))) {
                ctx.label(TreeLabels.NEXT_TO_TRACED_WRITE);
            }
        }
        if (t.action() instanceof TreeSystemAction.Write w && completed(lastSeen)) {
            if (t.observations().stream().noneMatch(TreeObservation.Alert.class::isInstance)) {
                ctx.label(TreeLabels.QUIET_WRITE);
            }
            if (w.crossing() && !t.observations().isEmpty()) {
                ctx.label(TreeLabels.CROSSING_TRACED_WRITE);
            }
            if ((w.gpa() >>> 12) == guestPointerPage() && (w.gpa() & 0xfff) < 8) {
                ctx.label(TreeLabels.WRITE_OVER_GUEST_POINTER_PAGE);
            }
        }
    }

    /** A short picture of the tree for failure reports. */
    @Override
    public String describe() {
        TreeState s = lockstep.state();
        return "  model:   " + s.describe() + "\n  mapped:  " + Notation.byGpp(s.mappings()) + "\n  machine: "
                + judgedState().describe();
    }

    private static byte[] pattern(int length, int seed) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = (byte) (0x5A + seed + 31 * i | 1);
        }
        return out;
    }
}
