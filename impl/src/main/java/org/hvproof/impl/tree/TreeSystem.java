package org.hvproof.impl.tree;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.hvproof.impl.machine.GuestOs;
import org.hvproof.impl.machine.Hypervisor;
import org.hvproof.impl.machine.Machine;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.impl.machine.VirtualCpu;
import org.hvproof.impl.tracing.TracingImplFlaw;
import org.hvproof.impl.tracing.TracingService;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.ErrorCode;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.MachineShape;
import org.hvproof.model.common.Observation;
import org.hvproof.model.common.PagePermissions;
import org.hvproof.model.common.Privilege;
import org.hvproof.model.common.Refused;
import org.hvproof.model.common.VCpu;
import org.hvproof.model.tree.RequestCode;
import org.hvproof.model.tree.TreeConfig;
import org.hvproof.model.tree.TreeLayout;
import org.hvproof.model.tree.TreeObservation;
import org.hvproof.model.tree.TreeState;

/**
 * A booted guest under the tracing service and the protected-page tree: machine, hypervisor,
 * guest OS and the tree, driven by requests and by guest writes that go through the guest's page
 * tables and the nested page table like any other access. It is the implementation's counterpart
 * of {@code TreeModel.step}, and {@link #abstractState()} is the abstraction function.
 *
 * <p>Requests run whole ({@link #protect}, {@link #unprotect}) or in the micro-steps of their
 * commit ({@link #startProtect}, {@link #startUnprotect}, then {@link #continueRequest} per
 * {@link TreeCommitStep}), with writes by other vCPUs between them; one request at a time: a
 * request that arrives while one holds the tree lock waits for it ({@link #waitForTreeLock}).
 *
 * <p>The guest's page tables live in the page-table pool just above the pages the tree covers.
 * Its one address space (shared by every vCPU) maps guest-physical page {@code p} at virtual
 * address {@link #WINDOW} {@code + p * 4096}, writable from user and kernel mode; a page is
 * mapped the first time a write names it, as the guest OS would, invisibly to traces. Guest RAM
 * is backed by host frames at boot ({@link Hypervisor#populateRange}), not page by page on first
 * touch: backing is invisible to the guest and to the tree's state, so only the cost moves.
 */
public final class TreeSystem {
    /** Where the guest maps guest-physical memory, linearly. */
    public static final long WINDOW = 0x1000_0000_0000L;
    /**
     * Guest-physical pages the window can map: those whose window address stays below the top of
     * the lower canonical half (2^47). A write to a page above them has a non-canonical window
     * address: a general-protection fault in the guest, before any translation.
     */
    static final long WINDOW_PAGES = ((1L << 47) - WINDOW) >>> 12;
    /** Pages kept for the guest's page tables, above the tree's pages. */
    public static final long TABLE_POOL_PAGES = 256;

    private final Machine machine;
    private final Hypervisor hypervisor;
    private final GuestOs guestOs;
    private final TracingService tracing;
    private final ProtectedPageTree tree;
    private final long cr3;
    /** Window pages mapped so far among the machine's guest pages (a bit each). */
    private final BitSet windowMapped = new BitSet();
    /**
     * Window pages mapped so far above the machine's guest pages: hostile writes name them
     * sparsely, far apart, where a bit each would cost up to 2^35 bits per trace.
     */
    private final Set<Long> windowMappedAbove = new HashSet<>();

    private final TreeAbstraction abstraction;

    /** Boots a guest of {@code vcpus} vCPUs whose memory is the tree's, with the tree variant {@code flaw}. */
    public TreeSystem(TreeConfig config, int vcpus, TreeImplFlaw flaw) {
        MachineShape shape =
                new MachineShape(vcpus, config.guestPages() + TABLE_POOL_PAGES, config.guestPages(), TABLE_POOL_PAGES);
        this.machine = new Machine(shape);
        this.hypervisor = new Hypervisor(machine);
        // Guest RAM is backed at boot, in one pass: the frames lazy population would hand out
        // one exit at a time (node pages, traced pages, the guest's tables), none of it visible.
        if (!hypervisor.populateRange(ViewId.DEFAULT, 0, shape.guestPhysicalPages())) {
            throw new IllegalStateException("host memory too small for the guest's RAM");
        }
        this.guestOs = new GuestOs(hypervisor, ViewId.DEFAULT, shape.pageTablePoolFirst(), shape.pageTablePoolPages());
        this.tracing = new TracingService(hypervisor, TracingImplFlaw.NONE);
        this.tree = new ProtectedPageTree(hypervisor, tracing, config, flaw);
        this.abstraction = new TreeAbstraction(machine, tree, hypervisor.guestRamPages(ViewId.DEFAULT));
        OptionalLong root = guestOs.newAddressSpace();
        this.cr3 = root.orElseThrow();
        for (VirtualCpu cpu : machine.vcpus()) {
            cpu.setCr3(cr3);
        }
    }

    public Machine machine() {
        return machine;
    }

    public Hypervisor hypervisor() {
        return hypervisor;
    }

    public TracingService tracing() {
        return tracing;
    }

    public ProtectedPageTree tree() {
        return tree;
    }

    public TreeConfig config() {
        return tree.config();
    }

    /**
     * A protect request, run whole: its result code, seen as a tree event. While a request
     * started in micro-steps holds the tree lock, this one waits for it ({@link #waitForTreeLock}).
     */
    public List<Observation> protect(long start, long length, long actionCode) {
        List<Observation> seen = waitForTreeLock();
        seen.add(new TreeEvent(new TreeObservation.RequestResult(tree.protect(start, length, actionCode))));
        return seen;
    }

    /** An unprotect request, run whole: its result code, seen as a tree event (waiting as {@link #protect} does). */
    public List<Observation> unprotect(long start, long length) {
        List<Observation> seen = waitForTreeLock();
        seen.add(new TreeEvent(new TreeObservation.RequestResult(tree.unprotect(start, length))));
        return seen;
    }

    /**
     * Starts a protect request that runs in micro-steps ({@link #continueRequest}), after waiting
     * for the tree lock: seen, its result code when refused; nothing when it is in flight (its
     * result is seen when it publishes).
     */
    public List<Observation> startProtect(long start, long length, long actionCode) {
        List<Observation> seen = waitForTreeLock();
        seen.addAll(started(tree.startProtect(start, length, actionCode)));
        return seen;
    }

    /** Starts an unprotect request that runs in micro-steps (see {@link #startProtect}). */
    public List<Observation> startUnprotect(long start, long length) {
        List<Observation> seen = waitForTreeLock();
        seen.addAll(started(tree.startUnprotect(start, length)));
        return seen;
    }

    private static List<Observation> started(RequestCode code) {
        return code == RequestCode.OK ? List.of() : List.of(new TreeEvent(new TreeObservation.RequestResult(code)));
    }

    /** The tree as the last wait for the lock left it (the request waited for finished); null before any wait. */
    private TreeLayout waitedLayout;

    /**
     * Waits for the tree lock: the request in flight, if any, runs its remaining micro-steps (the
     * hypervisor finishes it before it takes the next request). Seen: its result, if it publishes
     * now. Afterwards {@link #waitedLayout} is the tree it left.
     */
    public List<Observation> waitForTreeLock() {
        List<Observation> seen = new ArrayList<>();
        if (tree.requestInFlight()) {
            while (tree.requestInFlight()) {
                seen.addAll(continueRequest());
            }
            waitedLayout = abstraction.layout();
        }
        return seen;
    }

    /**
     * The tree the request the last {@link #waitForTreeLock} finished left, read from memory as
     * {@link #layout} reads it: the layout the model receives with that request. Null before any wait.
     */
    public TreeLayout waitedLayout() {
        return waitedLayout;
    }

    /**
     * Runs the next micro-step of the request in flight: seen, the request's result ({@code OK})
     * at {@link TreeCommitStep#PUBLISH}, where it takes effect, and nothing at the others or when
     * no request is in flight.
     */
    public List<Observation> continueRequest() {
        Optional<TreeCommitStep> step = tree.continueRequest();
        return step.isPresent() && step.get() == TreeCommitStep.PUBLISH
                ? List.of(new TreeEvent(new TreeObservation.RequestResult(RequestCode.OK)))
                : List.of();
    }

    /** Whether a request is in flight, holding the tree lock. */
    public boolean requestInFlight() {
        return tree.requestInFlight();
    }

    /** The micro-step the request in flight runs next; empty when none is. */
    public Optional<TreeCommitStep> nextStep() {
        return tree.nextStep();
    }

    /**
     * vCPU {@code vcpu}, at {@code privilege}, executing at {@code instructionPointer}, writes
     * {@code bytes} at guest-physical address {@code gpa} through its virtual window. What is
     * seen: the machine's notifications, faults and completion, with the tree's walks and alerts.
     */
    public List<Observation> write(int vcpu, Privilege privilege, long instructionPointer, long gpa, Bytes bytes) {
        // Hostile input never throws: a vCPU id the machine lacks (negative ones included, which
        // VCpu rejects) gets the refusal the hypervisor gives every access by a missing vCPU, and
        // changes nothing (no window mapping either).
        Optional<VirtualCpu> cpu = vcpu < 0 ? Optional.empty() : machine.vcpu(new VCpu(vcpu));
        if (cpu.isEmpty()) {
            return List.of(new Refused(ErrorCode.NO_SUCH_VCPU));
        }
        cpu.get().setPrivilege(privilege);
        cpu.get().setInstructionPointer(instructionPointer);
        if (gpa >= 0 && bytes.length() > 0) {
            mapWindow(gpa >>> 12);
            mapWindow((gpa + bytes.length() - 1) >>> 12);
        }
        return hypervisor.write(new VCpu(vcpu), WINDOW + gpa, bytes);
    }

    private void mapWindow(long page) {
        if (page >= WINDOW_PAGES) {
            return;
        }
        if (page < machine.shape().guestPhysicalPages()) {
            if (windowMapped.get((int) page)) {
                return;
            }
            windowMapped.set((int) page);
        } else if (!windowMappedAbove.add(page)) {
            return;
        }
        guestOs.map(cr3, WINDOW + (page << 12), new GuestPhysicalPage(page), PagePermissions.USER_DATA);
    }

    /** The tree's own observations among what a step showed, in order. */
    public static List<TreeObservation> treeObservations(List<? extends Observation> seen) {
        List<TreeObservation> out = new ArrayList<>();
        for (Observation o : seen) {
            if (o instanceof TreeEvent e) {
                out.add(e.observation());
            }
        }
        return out;
    }

    /** The bytes of guest-physical page {@code page} as the guest would read them. */
    public byte[] guestPage(long page) {
        return machine.peekGuestPage(ViewId.DEFAULT, new GuestPhysicalPage(page));
    }

    /**
     * The {@code length} bytes of guest-physical page {@code page} from {@code offset} (inside the
     * page) as the guest would read them: {@link #guestPage} of that range, without copying the page.
     */
    public byte[] guestBytes(long page, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > GuestPhysicalPage.SIZE) {
            throw new IllegalArgumentException(length + " bytes at offset " + offset + " leave the page");
        }
        byte[] out = new byte[length];
        machine.defaultView()
                .leaf(new GuestPhysicalPage(page))
                .ifPresent(e -> machine.memory().read((e.hostFrame() << 12) + offset, out, 0, length));
        return out;
    }

    /**
     * The abstraction function ({@link TreeAbstraction}): the tree's state read from the real
     * structures.
     */
    public TreeState abstractState() {
        return abstraction.abstractState();
    }

    /**
     * The tree as the hypervisor laid it out, read from memory: the choice the model receives
     * with each request and checks for legality.
     */
    public TreeLayout layout() {
        return abstraction.layout();
    }

    /** Result codes of requests among observations (for tests). */
    public static List<RequestCode> requestCodes(List<? extends Observation> seen) {
        return treeObservations(seen).stream()
                .filter(TreeObservation.RequestResult.class::isInstance)
                .map(o -> ((TreeObservation.RequestResult) o).code())
                .toList();
    }
}
