package org.hvproof.impl.integrity;

import java.util.ArrayList;
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
import org.hvproof.impl.tree.TreeCommitStep;
import org.hvproof.impl.tree.TreeImplFlaw;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.ErrorCode;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.HypercallResult;
import org.hvproof.model.common.MachineShape;
import org.hvproof.model.common.Observation;
import org.hvproof.model.common.PagePermissions;
import org.hvproof.model.common.Privilege;
import org.hvproof.model.common.Refused;
import org.hvproof.model.common.VCpu;
import org.hvproof.model.common.ValueRead;
import org.hvproof.model.integrity.IntegrityAction;
import org.hvproof.model.integrity.IntegrityCode;
import org.hvproof.model.integrity.IntegrityConfig;
import org.hvproof.model.integrity.IntegrityObservation;
import org.hvproof.model.integrity.IntegrityState;
import org.hvproof.model.integrity.Mode;
import org.hvproof.model.tree.BPlusTree;
import org.hvproof.model.tree.PageRange;
import org.hvproof.model.tree.TreeConfig;
import org.hvproof.model.tree.Writer;

/**
 * A booted guest under the integrity service: machine, hypervisor, guest OS (one address space
 * per vCPU), tracing service and integrity service, driven by the model's actions.
 * {@link #apply} is the implementation's counterpart of {@code IntegrityModel.step};
 * {@link #abstractState} is the abstraction function. Deterministic.
 *
 * <p>The guest-physical memory the service guards is the config's pages; above them the machine
 * has the guest OS's page-table pool. Each action is played the way the guest would do it: the
 * vCPU's instruction pointer and privilege are loaded from the action's caller (a control
 * transfer; instruction fetch is not simulated), then a hypercall with the arguments in
 * registers, an interrupt, an exception, or a guest write. A guest write of guest-physical address
 * {@code a} goes through the vCPU's own page tables at {@code DIRECT_MAP + a} (mapped on first
 * use, as a kernel's direct map would be) and then through the vCPU's current nested page table.
 */
public final class IntegritySystem {
    /** Guest-virtual base of the direct map through which writes reach guest-physical memory. */
    public static final long DIRECT_MAP = 1L << 44;
    /**
     * Guest-virtual base of the kernel's text mapping, in the upper canonical half where no direct
     * map address can reach: guest-physical page {@code p} at {@code TEXT + p * 4096}, kernel-only
     * and executable (mapped on first fetch). An instruction pointer of
     * the model (a guest-physical byte address, as the entry point is) is fetched at {@code TEXT +
     * ip}.
     */
    public static final long TEXT = 0xffff_8000_0000_0000L;
    /**
     * Guest-virtual base of the hostile mappings {@link #writeNodePage} writes node pages through:
     * in the upper canonical half, which no direct-map address reaches (a guest write of a
     * guest-physical address above 2^44 would otherwise land on the probe's own mapping), and
     * not executable, so a fetch the text mapping sends this far faults as an unmapped one does.
     */
    public static final long NODE_PROBE = 0xffff_c000_0000_0000L;
    /** Guest page-table pool pages above the guarded memory. */
    static final int POOL_PAGES = 64;
    /** Bytes a guest write stores (fewer when the page ends sooner): enough to see completion. */
    static final int WRITE_LENGTH = 8;

    private final IntegrityConfig config;
    private final TreeConfig store;
    private final Machine machine;
    private final Hypervisor hypervisor;
    private final GuestOs guestOs;
    private final TracingService tracing;
    private final IntegrityService integrity;
    private final List<Set<Long>> directMapped = new ArrayList<>();
    private final List<Set<Long>> textMapped = new ArrayList<>();
    private final Set<Long> nodeProbeMapped = new HashSet<>();
    private int writes;
    private Bytes lastWritten;

    /** Boots a guest of {@code config} under an integrity service with {@code flaw}, its store {@link #storeConfig}'s default. */
    public IntegritySystem(IntegrityConfig config, IntegrityImplFlaw flaw) {
        this(config, flaw, storeConfig(config, (int) config.guestPages(), BPlusTree.SMALL), TreeImplFlaw.NONE);
    }

    /**
     * Boots a guest of {@code config} under an integrity service with {@code flaw}, keeping its
     * protections in a traced tree of {@code store} (built by {@link #storeConfig}) with the tree
     * variant {@code treeFlaw}. Guest RAM is the guarded pages, then the tree's node pool, then the
     * guest OS's page-table pool: the node pool is no page the guest keeps data in.
     */
    public IntegritySystem(IntegrityConfig config, IntegrityImplFlaw flaw, TreeConfig store, TreeImplFlaw treeFlaw) {
        this(tracingFor(shape(config, store, config.vcpuCount())), config, flaw, store, treeFlaw);
    }

    /**
     * Boots a guest of {@code config} under an integrity service with {@code flaw} on a machine
     * other services may share: its hypervisor and tracing service are {@code tracing}'s, its
     * guest RAM ({@link #shape}) the machine's first pages and its vCPUs the machine's first
     * {@code config.vcpuCount()}; actions naming any other vCPU find none.
     */
    public IntegritySystem(
            TracingService tracing,
            IntegrityConfig config,
            IntegrityImplFlaw flaw,
            TreeConfig store,
            TreeImplFlaw treeFlaw) {
        this(tracing, config, flaw, store, treeFlaw, false);
    }

    /**
     * The shared-machine boot with, when {@code listenerJudgesEveryView}, a wrong composition:
     * the service's completion listener judges other guests' notified writes too ({@link
     * IntegrityService}'s seam flaw).
     */
    public IntegritySystem(
            TracingService tracing,
            IntegrityConfig config,
            IntegrityImplFlaw flaw,
            TreeConfig store,
            TreeImplFlaw treeFlaw,
            boolean listenerJudgesEveryView) {
        this.config = config;
        this.store = store;
        this.tracing = tracing;
        this.hypervisor = tracing.hypervisor();
        this.machine = hypervisor.machine();
        MachineShape shape = machine.shape();
        this.guestOs = new GuestOs(hypervisor, ViewId.DEFAULT, shape.pageTablePoolFirst(), shape.pageTablePoolPages());
        this.integrity =
                new IntegrityService(hypervisor, tracing, config, flaw, store, treeFlaw, listenerJudgesEveryView);
        for (VirtualCpu cpu : machine.vcpus().subList(0, config.vcpuCount())) {
            OptionalLong root = guestOs.newAddressSpace();
            if (root.isEmpty()) {
                throw new IllegalStateException("page-table pool cannot hold a root per vCPU: " + shape);
            }
            cpu.setCr3(root.getAsLong());
            directMapped.add(new HashSet<>());
            textMapped.add(new HashSet<>());
        }
    }

    /**
     * The machine an integrity guest of {@code config} with its store {@code store} needs, with
     * {@code vcpus} vCPUs (at least the config's): guest RAM is the guarded pages and the store's
     * node pool, the guest OS's page-table pool of {@link #POOL_PAGES} pages right above.
     */
    public static MachineShape shape(IntegrityConfig config, TreeConfig store, int vcpus) {
        long ram = store.guestPages();
        return new MachineShape(vcpus, ram + POOL_PAGES, ram, POOL_PAGES);
    }

    private static TracingService tracingFor(MachineShape shape) {
        return new TracingService(new Hypervisor(new Machine(shape)), TracingImplFlaw.NONE);
    }

    /**
     * The store's tree for {@code config}: its node pool of {@code poolPages} pages right above the
     * guarded pages (the guest keeps no data there and never maps them), requests as large as the
     * service's, nodes of {@code shape}. With as many pool pages as guarded pages the pool never
     * runs out: a tree filled in key order keeps about one node per mapped page.
     */
    public static TreeConfig storeConfig(IntegrityConfig config, int poolPages, BPlusTree shape) {
        return new TreeConfig(
                config.guestPages() + poolPages, config.guestPages(), poolPages, config.maxPagesPerRequest(), shape);
    }

    /** Boots a guest of {@code config} under the correct integrity service. */
    public IntegritySystem(IntegrityConfig config) {
        this(config, IntegrityImplFlaw.NONE);
    }

    /** The simulated hardware. */
    public Machine machine() {
        return machine;
    }

    /** The hypervisor core. */
    public Hypervisor hypervisor() {
        return hypervisor;
    }

    /** The tracing service the integrity service builds on. */
    public TracingService tracing() {
        return tracing;
    }

    /** The store's tree config: the guarded pages' protections and its node pool. */
    public TreeConfig storeConfig() {
        return store;
    }

    /** The integrity service. */
    public IntegrityService integrity() {
        return integrity;
    }

    /** Runs one action and returns what an observer sees of the integrity mechanism; never throws on hostile arguments. */
    public List<IntegrityObservation> apply(IntegrityAction action) {
        lastWritten = null;
        int mark = integrity.alerts().size();
        if (action instanceof IntegrityAction.Register r) {
            return hypercall(
                    r.caller(),
                    IntegrityHypercalls.REGISTER,
                    mark,
                    r.codeStart(),
                    r.codeLength(),
                    r.dataStart(),
                    r.dataLength(),
                    r.entryPoint());
        } else if (action instanceof IntegrityAction.Enter e) {
            return hypercall(e.caller(), IntegrityHypercalls.ENTER, mark);
        } else if (action instanceof IntegrityAction.Exit e) {
            return hypercall(e.caller(), IntegrityHypercalls.EXIT, mark);
        } else if (action instanceof IntegrityAction.Protect p) {
            return hypercall(p.caller(), IntegrityHypercalls.PROTECT, mark, p.start(), p.length(), p.actionCode());
        } else if (action instanceof IntegrityAction.Unprotect u) {
            return hypercall(u.caller(), IntegrityHypercalls.UNPROTECT, mark, u.start(), u.length());
        } else if (action instanceof IntegrityAction.Interrupt i) {
            vcpu(i.vcpu()).ifPresent(cpu -> hypervisor.interrupt(cpu.id(), i.vector()));
            return List.of();
        } else if (action instanceof IntegrityAction.Fault f) {
            vcpu(f.vcpu()).ifPresent(cpu -> hypervisor.exception(cpu.id(), f.vector()));
            // In integrity mode the service alerts the fault (GI-8).
            return new ArrayList<>(
                    integrity.alerts().subList(mark, integrity.alerts().size()));
        }
        return write((IntegrityAction.GuestWrite) action);
    }

    /**
     * Makes protect and unprotect run in the micro-steps of the store's tree commit
     * ({@link IntegrityService#runRequestsInMicroSteps}): {@link #apply} of a request the service
     * starts shows nothing; {@link #continueRequest} runs its micro-steps.
     */
    public void runRequestsInMicroSteps(boolean on) {
        integrity.runRequestsInMicroSteps(on);
    }

    /** Whether a protect or unprotect is running in micro-steps (its caller is in the hypervisor). */
    public boolean requestInFlight() {
        return integrity.requestInFlight();
    }

    /** The vCPU number of the caller of the request running in micro-steps; -1 when none is. */
    public int requestCaller() {
        return integrity.requestCaller().map(c -> c.id().id()).orElse(-1);
    }

    /**
     * Runs the next micro-step of the request in flight: seen, its result ({@code OK}) at the
     * tree's {@link TreeCommitStep#PUBLISH}, where it takes effect, and nothing at the others.
     */
    public List<IntegrityObservation> continueRequest() {
        return integrity
                        .continueRequest()
                        .filter(step -> step == TreeCommitStep.PUBLISH)
                        .isPresent()
                ? List.of(new IntegrityObservation.RequestResult(IntegrityCode.OK))
                : List.of();
    }

    /** Runs the request in flight to its end (what waiting for the tree lock, or for the caller, does): seen as {@link #continueRequest}. */
    public List<IntegrityObservation> finishRequest() {
        List<IntegrityObservation> seen = new ArrayList<>();
        while (integrity.requestInFlight()) {
            seen.addAll(continueRequest());
        }
        return seen;
    }

    /** The abstraction function: the model state these structures represent. */
    public IntegrityState abstractState() {
        return IntegrityAbstraction.abstractState(machine, tracing, integrity);
    }

    /** The contents of a guest-physical page (zeros where nothing is backed), to see whether a write completed. */
    public byte[] page(long page) {
        return machine.peekGuestPage(ViewId.DEFAULT, new GuestPhysicalPage(page));
    }

    /** The bytes the last guest write tried to store (at its address), if a write has reached the machine. */
    public Optional<Bytes> lastWritten() {
        return Optional.ofNullable(lastWritten);
    }

    /** Loads the caller into its vCPU, puts the arguments in registers and makes the call. */
    private List<IntegrityObservation> hypercall(Writer caller, long number, int mark, long... args) {
        Optional<VirtualCpu> found = vcpu(caller.vcpu());
        if (found.isEmpty()) {
            return List.of(new IntegrityObservation.RequestResult(IntegrityCode.UNKNOWN_VCPU));
        }
        VirtualCpu cpu = found.get();
        load(cpu, caller);
        if (!fetch(cpu)) {
            return new ArrayList<>(
                    integrity.alerts().subList(mark, integrity.alerts().size()));
        }
        int[] registers = {
            Hypervisor.HYPERCALL_ARGUMENT_REGISTERS[0],
            Hypervisor.HYPERCALL_ARGUMENT_REGISTERS[1],
            Hypervisor.HYPERCALL_ARGUMENT_REGISTERS[2],
            IntegrityHypercalls.FOURTH_ARGUMENT_REGISTER,
            IntegrityHypercalls.FIFTH_ARGUMENT_REGISTER
        };
        for (int i = 0; i < args.length; i++) {
            cpu.setRegister(registers[i], args[i]);
        }
        cpu.setRegister(Hypervisor.HYPERCALL_NUMBER_REGISTER, number);
        List<Observation> seen = hypervisor.hypercall(cpu.id());
        List<IntegrityObservation> out = new ArrayList<>(
                integrity.alerts().subList(mark, integrity.alerts().size()));
        for (Observation o : seen) {
            if (o instanceof HypercallResult r && r.status() == IntegrityHypercalls.IN_FLIGHT) {
                // A request running in micro-steps: its result is seen at its publication.
                continue;
            }
            if (o instanceof HypercallResult r) {
                out.add(new IntegrityObservation.RequestResult(IntegrityHypercalls.code(r.status())
                        .orElseThrow(() -> new IllegalStateException(
                                "hypercall " + number + " returned a foreign status " + r.status()))));
            } else if (o instanceof Refused refused && refused.code() == ErrorCode.NO_SUCH_VCPU) {
                out.add(new IntegrityObservation.RequestResult(IntegrityCode.UNKNOWN_VCPU));
            }
        }
        return out;
    }

    /** A guest write of a few bytes at a guest-physical address, through the direct map. */
    private List<IntegrityObservation> write(IntegrityAction.GuestWrite w) {
        Optional<VirtualCpu> found = vcpu(w.writer().vcpu());
        if (found.isEmpty()) {
            return List.of();
        }
        VirtualCpu cpu = found.get();
        load(cpu, w.writer());
        int mark = integrity.alerts().size();
        // The instruction is fetched before its operand is looked at.
        if (!fetch(cpu)) {
            return new ArrayList<>(
                    integrity.alerts().subList(mark, integrity.alerts().size()));
        }
        // An address no hardware can issue: nothing happens.
        if (w.address() < 0 || w.page() >= GuestPhysicalPage.LIMIT) {
            return List.of();
        }
        long page = w.page();
        if (largeDirectMap(cpu) && mapLargeAround(cpu, page)) {
            // The 2 MiB range of guarded memory around the page is mapped by one large leaf.
        } else if (page < config.guestPages() || page >= store.guestPages()) {
            mapDirect(cpu, page);
        }
        // The store's node pool is never mapped as data (a kernel maps no page the hypervisor
        // reserved): a write there page-faults, as one to the page-table pool does.
        int offset = (int) (w.address() & (PageRange.PAGE_SIZE - 1));
        int length = Math.min(WRITE_LENGTH, (int) PageRange.PAGE_SIZE - offset);
        lastWritten = pattern(length, ++writes);
        List<Observation> seen = hypervisor.write(cpu.id(), DIRECT_MAP + w.address(), lastWritten);
        List<IntegrityObservation> out = new ArrayList<>(integrity.onNotifications(cpu, seen));
        // A write the hardware refused is a fault: in integrity mode, its alert (GI-8).
        out.addAll(integrity.alerts().subList(mark, integrity.alerts().size()).stream()
                .filter(IntegrityObservation.FaultAlert.class::isInstance)
                .toList());
        return out;
    }

    /** Maps guest-physical {@code page} in {@code cpu}'s direct map (4 KiB), unless mapped already. */
    private void mapDirect(VirtualCpu cpu, long page) {
        if (directMapped.get(cpu.id().id()).add(page)) {
            ErrorCode mapped = guestOs.map(
                    cpu.cr3(),
                    DIRECT_MAP + (page << PageRange.PAGE_SHIFT),
                    new GuestPhysicalPage(page),
                    PagePermissions.USER_DATA);
            if (mapped != ErrorCode.OK) {
                directMapped.get(cpu.id().id()).remove(page);
                if (page < config.guestPages()) {
                    throw new IllegalStateException("direct map of guarded page " + page + " failed: " + mapped);
                }
                // The guest OS never maps its page-table pool as data (nor a non-canonical
                // address): the write page-faults (or takes #GP), an exception like any other.
            }
        }
    }

    /**
     * vCPU {@code vcpu}'s kernel calls hypercall {@code number} with three arguments (the
     * registers are the next action's to load): what a kernel does that tries the tree's own
     * request API. Seen: the hypercall's result.
     */
    public List<Observation> kernelHypercall(int vcpu, long number, long arg1, long arg2, long arg3) {
        VirtualCpu cpu = machine.vcpu(new VCpu(vcpu)).orElseThrow();
        cpu.setPrivilege(Privilege.KERNEL);
        cpu.setRegister(Hypervisor.HYPERCALL_ARGUMENT_REGISTERS[0], arg1);
        cpu.setRegister(Hypervisor.HYPERCALL_ARGUMENT_REGISTERS[1], arg2);
        cpu.setRegister(Hypervisor.HYPERCALL_ARGUMENT_REGISTERS[2], arg3);
        cpu.setRegister(Hypervisor.HYPERCALL_NUMBER_REGISTER, number);
        return hypervisor.hypercall(cpu.id());
    }

    /**
     * A hostile write to node page {@code page} of the store's tree by vCPU {@code vcpu}, on the
     * view it runs on, through a mapping its kernel made of that page ({@link #NODE_PROBE} {@code +
     * page * 4096}, what a compromised kernel or driver can do): the machine's observations, the
     * tree's alert among them. Must be vetoed in every view (TREE-7); it changes nothing of the
     * integrity state then (the integrity service is not told: the page is not its to answer).
     */
    public List<Observation> writeNodePage(int vcpu, long page, int offset) {
        VirtualCpu cpu = machine.vcpu(new VCpu(vcpu)).orElseThrow();
        if (nodeProbeMapped.add(vcpu * (1L << 40) + page)) {
            ErrorCode mapped = guestOs.map(
                    cpu.cr3(),
                    NODE_PROBE + (page << PageRange.PAGE_SHIFT),
                    new GuestPhysicalPage(page),
                    PagePermissions.USER_DATA);
            if (mapped != ErrorCode.OK) {
                throw new IllegalStateException("cannot map node page " + page + ": " + mapped);
            }
        }
        int at = Math.max(0, Math.min(offset, (int) PageRange.PAGE_SIZE - WRITE_LENGTH));
        return hypervisor.write(
                cpu.id(), NODE_PROBE + (page << PageRange.PAGE_SHIFT) + at, pattern(WRITE_LENGTH, ++writes));
    }

    /**
     * In integrity mode, the instruction at {@code cpu}'s instruction pointer is fetched through
     * its page tables (the text mapping) and its current nested page table with execute rights;
     * false when the fetch faulted (the fault went to the event handlers, which end the mode).
     * Outside integrity mode the kernel's code is not simulated: nothing is fetched.
     */
    private boolean fetch(VirtualCpu cpu) {
        if (integrity.mode(cpu.id().id()) != Mode.INTEGRITY) {
            return true;
        }
        long ip = cpu.instructionPointer();
        long page = ip >>> PageRange.PAGE_SHIFT;
        if (ip >= 0
                && page < config.guestPages()
                && textMapped.get(cpu.id().id()).add(page)) {
            ErrorCode mapped = guestOs.map(
                    cpu.cr3(),
                    TEXT + (page << PageRange.PAGE_SHIFT),
                    new GuestPhysicalPage(page),
                    PagePermissions.KERNEL_CODE);
            if (mapped != ErrorCode.OK) {
                throw new IllegalStateException("text mapping of guarded page " + page + " failed: " + mapped);
            }
        }
        // Outside guarded memory nothing is mapped at TEXT + ip (and the sum may wrap to a
        // non-canonical address): the fetch faults there as it would on hardware.
        return hypervisor.fetch(cpu.id(), TEXT + ip, 1).stream().anyMatch(ValueRead.class::isInstance);
    }

    /**
     * Whether {@code cpu}'s direct map uses 2 MiB guest leaves where it can: vCPU 0's does (as a
     * kernel maps its direct map), the others' map 4 KiB pages, so that writes go through both.
     */
    private static boolean largeDirectMap(VirtualCpu cpu) {
        return cpu.id().id() == 0;
    }

    /**
     * Maps the 2 MiB-aligned range of guarded memory holding {@code page} in {@code cpu}'s direct
     * map with one large guest leaf, unless it is mapped already; false when the range is not wholly
     * guarded memory (a 4 KiB mapping serves then).
     */
    private boolean mapLargeAround(VirtualCpu cpu, long page) {
        long first = page & ~511L;
        if (first + 512 > config.guestPages()) {
            return false;
        }
        Set<Long> mapped = directMapped.get(cpu.id().id());
        if (mapped.contains(first)) {
            return true;
        }
        ErrorCode code = guestOs.mapLarge(
                cpu.cr3(),
                DIRECT_MAP + (first << PageRange.PAGE_SHIFT),
                new GuestPhysicalPage(first),
                PagePermissions.USER_DATA);
        if (code != ErrorCode.OK) {
            throw new IllegalStateException("large direct map of guarded pages at " + first + " failed: " + code);
        }
        for (long p = first; p < first + 512; p++) {
            mapped.add(p);
        }
        return true;
    }

    /** Whether a write of {@code page} by vCPU {@code vcpu} goes through a 2 MiB guest leaf of the direct map. */
    public boolean writesThroughLargeLeaf(int vcpu, long page) {
        return vcpu == 0 && page >= 0 && (page & ~511L) + 512 <= config.guestPages();
    }

    private static void load(VirtualCpu cpu, Writer who) {
        cpu.setInstructionPointer(who.instructionPointer());
        cpu.setPrivilege(who.privilege() == 0 ? Privilege.KERNEL : Privilege.USER);
    }

    private Optional<VirtualCpu> vcpu(int id) {
        // Only the guest's own vCPUs: on a shared machine the others are other services'.
        return id < 0 || id >= config.vcpuCount() ? Optional.empty() : machine.vcpu(new VCpu(id));
    }

    /** Bytes no earlier write stored: a write's completion is then visible in memory. */
    private static Bytes pattern(int length, int serial) {
        int[] values = new int[length];
        for (int i = 0; i < length; i++) {
            values[i] = 1 + ((serial * 37 + i * 11) % 255);
        }
        return Bytes.ofInts(values);
    }
}
