package org.hvproof.impl.tree;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
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
import org.hvproof.model.tree.HypervisorCell;
import org.hvproof.model.tree.RequestCode;
import org.hvproof.model.tree.TreeConfig;
import org.hvproof.model.tree.TreeNode;
import org.hvproof.model.tree.TreeObservation;
import org.hvproof.model.tree.TreeState;

/**
 * A booted guest under the tracing service and the protected-page tree: machine, hypervisor,
 * guest OS and the tree, driven by requests and by guest writes that go through the guest's page
 * tables and the nested page table like any other access. It is the implementation's counterpart
 * of {@code TreeModel.step}, and {@link #abstractState()} is the abstraction function.
 *
 * <p>The guest's page tables live in the page-table pool just above the pages the tree covers.
 * Its one address space (shared by every vCPU) maps guest-physical page {@code p} at virtual
 * address {@link #WINDOW} {@code + p * 4096}, writable from user and kernel mode; a page is
 * mapped the first time a write names it, as the guest OS would, invisibly to traces.
 */
public final class TreeSystem {
    /** Where the guest maps guest-physical memory, linearly. */
    public static final long WINDOW = 0x1000_0000_0000L;
    /** Pages kept for the guest's page tables, above the tree's pages. */
    public static final long TABLE_POOL_PAGES = 256;

    private final Machine machine;
    private final Hypervisor hypervisor;
    private final GuestOs guestOs;
    private final TracingService tracing;
    private final ProtectedPageTree tree;
    private final long cr3;
    private final BitSet windowMapped = new BitSet();
    private BitSet lastFreeBits;
    private SortedSet<Long> lastFreePool;

    /** Boots a guest of {@code vcpus} vCPUs whose memory is the tree's, with the tree variant {@code flaw}. */
    public TreeSystem(TreeConfig config, int vcpus, TreeImplFlaw flaw) {
        MachineShape shape =
                new MachineShape(vcpus, config.guestPages() + TABLE_POOL_PAGES, config.guestPages(), TABLE_POOL_PAGES);
        this.machine = new Machine(shape);
        this.hypervisor = new Hypervisor(machine);
        this.guestOs = new GuestOs(hypervisor, ViewId.DEFAULT, shape.pageTablePoolFirst(), shape.pageTablePoolPages());
        this.tracing = new TracingService(hypervisor, TracingImplFlaw.NONE);
        this.tree = new ProtectedPageTree(hypervisor, tracing, config, flaw);
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

    /** A protect request: its result code, seen as a tree event. */
    public List<Observation> protect(long start, long length, long actionCode) {
        return List.of(new TreeEvent(new TreeObservation.RequestResult(tree.protect(start, length, actionCode))));
    }

    /** An unprotect request: its result code, seen as a tree event. */
    public List<Observation> unprotect(long start, long length) {
        return List.of(new TreeEvent(new TreeObservation.RequestResult(tree.unprotect(start, length))));
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
        if (page >= GuestPhysicalPage.LIMIT || page > Integer.MAX_VALUE || windowMapped.get((int) page)) {
            return;
        }
        windowMapped.set((int) page);
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
     * The abstraction function, read from the real structures: the base pointer where the tree
     * keeps it, the nodes by deserializing guest memory from the base pointer down, the traced
     * pages from the default view's cleared write bits (held by the tree, or by no one: a stale
     * trace), the free pool and the mapped count from hypervisor memory.
     */
    public TreeState abstractState() {
        Optional<Long> root = tree.root();
        SortedMap<Long, TreeNode> nodes = new TreeMap<>();
        root.ifPresent(r -> readReachable(r, nodes, new HashSet<>()));
        // Traced pages: every page the tree's trace is registered on, every page the tree says
        // should be traced (its node pages and mapped pages), each judged by its nested entry's
        // write bit. A cleared bit elsewhere could come only from the tracing service (TRACE-2).
        SortedSet<Long> candidates = new TreeSet<>();
        tracing.pagesTracedBy(ProtectedPageTree.OWNER).forEach(p -> candidates.add(p.number()));
        candidates.addAll(nodes.keySet());
        nodes.values().forEach(n -> {
            if (n instanceof TreeNode.Leaf leaf) {
                candidates.addAll(leaf.keys());
            }
        });
        SortedSet<Long> traced = new TreeSet<>();
        for (long page : candidates) {
            if (page >= 0 && page < config().guestPages() && tracing.isTraced(new GuestPhysicalPage(page))) {
                traced.add(page);
            }
        }
        return new TreeState(config(), new HypervisorCell(root), nodes, traced, freePool(), tree.mappedPageCount());
    }

    private SortedSet<Long> freePool() {
        // The pool changes only on requests: read it again only when the allocator's bits differ.
        BitSet bits = tree.freeBits();
        if (!bits.equals(lastFreeBits)) {
            lastFreeBits = bits;
            lastFreePool = tree.freePool();
        }
        return lastFreePool;
    }

    private void readReachable(long page, SortedMap<Long, TreeNode> out, Set<Long> seen) {
        if (!seen.add(page) || page < 0 || page >= config().guestPages()) {
            return;
        }
        ByteBuffer words = ByteBuffer.wrap(guestPage(page)).order(ByteOrder.LITTLE_ENDIAN);
        TreeNode n = NodeCodec.decode(i -> words.getLong((int) i * 8));
        if (n == null) {
            return;
        }
        out.put(page, n);
        if (n instanceof TreeNode.Interior in) {
            for (long child : in.children()) {
                readReachable(child, out, seen);
            }
        }
    }

    /** Result codes of requests among observations (for tests). */
    public static List<RequestCode> requestCodes(List<? extends Observation> seen) {
        return treeObservations(seen).stream()
                .filter(TreeObservation.RequestResult.class::isInstance)
                .map(o -> ((TreeObservation.RequestResult) o).code())
                .toList();
    }
}
