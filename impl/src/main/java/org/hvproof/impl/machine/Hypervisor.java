package org.hvproof.impl.machine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.hvproof.model.common.AccessKind;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.Completed;
import org.hvproof.model.common.ErrorCode;
import org.hvproof.model.common.GeneralProtection;
import org.hvproof.model.common.GeneralProtectionCause;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.GuestVirtualAddresses;
import org.hvproof.model.common.HypercallResult;
import org.hvproof.model.common.NptViolation;
import org.hvproof.model.common.Observation;
import org.hvproof.model.common.PageFault;
import org.hvproof.model.common.Privilege;
import org.hvproof.model.common.Refused;
import org.hvproof.model.common.VCpu;
import org.hvproof.model.common.ValueRead;

/**
 * The hypervisor's core on the {@link Machine}: it runs guest accesses, handles the nested exits
 * they raise (backing guest RAM lazily, then asking the registered services, else reporting the
 * violation), and dispatches hypercalls. Every entry point returns what an observer sees and
 * never throws on guest input.
 *
 * <p>An access of several pages is translated page by page, all of them before anything is
 * carried out, like an instruction the hypervisor emulates: if any page faults, the first fault
 * is the only thing seen and no byte is written.
 */
public final class Hypervisor {
    /** Longest access an action may make: one page, so it touches at most two pages. */
    public static final int MAX_ACCESS_LENGTH = 4096;
    /** Register holding the hypercall number on entry and the status on return (RAX). */
    public static final int HYPERCALL_NUMBER_REGISTER = 0;
    /** Registers holding the three hypercall arguments (RBX, RCX, RDX). */
    public static final int[] HYPERCALL_ARGUMENT_REGISTERS = {3, 1, 2};
    /** Exits one part of an access may raise before the hypervisor gives up on it. */
    private static final int MAX_EXITS_PER_PIECE = 8;

    private final Machine machine;
    private final List<NestedExitHandler> handlers = new ArrayList<>();
    private final Map<Long, HypercallHandler> hypercalls = new HashMap<>();
    private final List<VcpuEventHandler> eventHandlers = new ArrayList<>();
    private final List<GuestWriteObserver> writeObservers = new ArrayList<>();
    private final Map<ViewId, ViewId> frameSources = new HashMap<>();
    /** The rights a sharing view maps a page with when it backs it ({@link #shareFrames(ViewId, ViewId, NestedPermissions)}). */
    private final Map<ViewId, NestedPermissions> sharedRights = new HashMap<>();

    private final Map<DeviceId, ViewId> deviceViews = new java.util.LinkedHashMap<>();
    /** Views whose guest has less RAM than the machine's shape ({@link #limitGuestRam}), by view. */
    private final Map<ViewId, Long> ramLimits = new HashMap<>();

    private boolean raisedFaultsAsEvents = true;
    /** Frames given back to the hypervisor ({@link #giveBack}), which backing takes before fresh ones, oldest first. */
    private final ArrayDeque<Long> givenBack = new ArrayDeque<>();

    /** The vector of a general-protection fault (#GP). */
    public static final int GENERAL_PROTECTION_VECTOR = 13;
    /** The vector of a page fault (#PF). */
    public static final int PAGE_FAULT_VECTOR = 14;
    /** The vector of a virtualization exception (#VE): a nested violation reflected to the guest. */
    public static final int VIRTUALIZATION_EXCEPTION_VECTOR = 20;

    /** A hypervisor running {@code machine}, with no services yet. */
    public Hypervisor(Machine machine) {
        this.machine = machine;
    }

    /** The machine it runs. */
    public Machine machine() {
        return machine;
    }

    /** Adds a service that may claim nested exits; services are asked in the order added. */
    public void addExitHandler(NestedExitHandler handler) {
        handlers.add(handler);
    }

    /** Adds an observer told of every guest write carried out ({@link GuestWriteObserver}); it changes nothing. */
    public void addWriteObserver(GuestWriteObserver observer) {
        writeObservers.add(java.util.Objects.requireNonNull(observer, "observer"));
    }

    /** Registers the implementation of hypercall {@code number}, replacing any earlier one. */
    public void registerHypercall(long number, HypercallHandler handler) {
        hypercalls.put(number, handler);
    }

    /** Adds a service told about every interrupt and exception a vCPU takes; services are told in the order added. */
    public void addEventHandler(VcpuEventHandler handler) {
        eventHandlers.add(handler);
    }

    /**
     * Makes {@code view} share {@code source}'s host frames: populating a page in {@code view}
     * populates it in {@code source} first and maps the same frame, so both views see one memory
     * and differ only in rights (the integrity view beside the protected one). Call before the view
     * maps anything.
     */
    public void shareFrames(ViewId view, ViewId source) {
        shareFrames(view, source, NestedPermissions.RWX);
    }

    /**
     * {@link #shareFrames(ViewId, ViewId)}, with {@code view} mapping each page it backs with
     * {@code rights} rather than all rights: a view built without execute (the integrity view,
     * where only the driver's code may run) keeps that for pages backed later too.
     */
    public void shareFrames(ViewId view, ViewId source, NestedPermissions rights) {
        if (view.equals(source)) {
            throw new IllegalArgumentException("a view cannot share its own frames: " + view);
        }
        if (!rights.present()) {
            throw new IllegalArgumentException("a shared view maps its pages present: " + rights);
        }
        if (backedBy(source, view)) {
            // backing would chase the chain round for ever (populate, guest RAM bounds)
            throw new IllegalArgumentException(
                    "a view cannot share the frames of a view backed by its own: " + view + " <- " + source);
        }
        frameSources.put(view, source);
        sharedRights.put(view, rights);
    }

    /**
     * Declares that the guest running on {@code view} has only guest-physical pages {@code [0,
     * pages)} of RAM, fewer than the machine's shape: on a machine shaped for the largest of
     * several guests, a smaller guest's view is backed (lazily or on request) only below its own
     * RAM, and an access above it is a violation, as on a machine of its own size. A view sharing
     * another's frames is bounded by that view's limit as well.
     */
    public void limitGuestRam(ViewId view, long pages) {
        if (pages < 1 || pages > machine.shape().guestPhysicalPages()) {
            throw new IllegalArgumentException("a guest's RAM must lie in the machine's: " + pages);
        }
        ramLimits.put(view, pages);
    }

    /**
     * Declares that the guest running on {@code view} keeps its page tables in guest-physical pages
     * {@code [first, first + pages)}, not where the machine's shape says: on a machine shaped for
     * another guest, a smaller guest's devices are never mapped its own page-table pool, as on a
     * machine of its own size.
     */
    public void declarePageTablePool(ViewId view, long first, long pages) {
        if (first < 0 || pages < 0 || first + pages > guestRamPages(view)) {
            throw new IllegalArgumentException("a guest's page-table pool must lie in its RAM: " + first + "+" + pages);
        }
        pools.put(view, new long[] {first, pages});
    }

    /** Whether {@code page} is in the page-table pool of the guest on {@code view} ({@link #declarePageTablePool}). */
    private boolean isPageTablePool(ViewId view, GuestPhysicalPage page) {
        long[] pool = pools.get(view);
        if (pool == null) {
            return machine.shape().isPageTablePool(page);
        }
        return page.number() >= pool[0] && page.number() < pool[0] + pool[1];
    }

    /** Page-table pools declared per view ({@link #declarePageTablePool}): first page and count. */
    private final Map<ViewId, long[]> pools = new HashMap<>();

    /** Guest-physical pages of RAM the guest on {@code view} has: the machine's, unless {@link #limitGuestRam} lowered it. */
    public long guestRamPages(ViewId view) {
        Long limit = ramLimits.get(view);
        if (limit != null) {
            return limit;
        }
        ViewId source = frameSources.get(view);
        return source == null ? machine.shape().guestPhysicalPages() : guestRamPages(source);
    }

    private boolean isRam(ViewId view, GuestPhysicalPage page) {
        return page.number() >= 0 && page.number() < guestRamPages(view);
    }

    /**
     * Whether {@code view} is backed by {@code source}'s host frames: it is {@code source}, or it
     * shares the frames of a view that is ({@link #shareFrames}). A view that is not backs every
     * page with frames of its own, so it never maps one of {@code source}'s frames.
     */
    public boolean backedBy(ViewId view, ViewId source) {
        ViewId v = view;
        for (int hops = 0; v != null && hops <= frameSources.size(); hops++) {
            if (v.equals(source)) {
                return true;
            }
            v = frameSources.get(v);
        }
        return false;
    }

    /**
     * Gives {@code device} DMA access to {@code view}'s guest memory through the IOMMU: a context
     * entry with an empty I/O page table, bus address = guest-physical address. Pages are mapped on
     * the device's first request for them ({@link #dmaWrite}); what maps them decides their rights.
     * False, and nothing changed, when the view does not exist, the device is attached already
     * (to this view or another: its table still maps the pages of the view it was attached to, so
     * moving it would hand the new view a device that reaches the old one's frames) or the IOMMU
     * has no memory for the table.
     */
    public boolean attachDevice(DeviceId device, ViewId view) {
        if (machine.view(view).isEmpty() || machine.iommu().attach(device).isEmpty()) {
            return false;
        }
        deviceViews.put(device, view);
        return true;
    }

    /** The devices attached to {@code view}, in attach order. */
    public List<DeviceId> devicesOn(ViewId view) {
        List<DeviceId> out = new ArrayList<>();
        deviceViews.forEach((d, v) -> {
            if (v.equals(view)) {
                out.add(d);
            }
        });
        return out;
    }

    /**
     * A device's DMA write, as the hardware runs it ({@link Machine#dmaWrite}), with page requests:
     * when the IOMMU finds no translation for a data page of guest RAM of the device's view (as a
     * PRI page request reports it), the hypervisor backs the page in the view and maps it in the
     * device's I/O page table with the view's rights at that moment (read, and write exactly when
     * the view's nested entry allows it, or a service cleared its write bit for a protection not
     * yet in force: {@link NestedExitHandler#devicesMayWrite}), and the device retries from that piece. The page-table
     * pool and anything beyond guest RAM are never mapped. Nothing is thrown for any device or
     * address.
     */
    public DmaResult dmaWrite(DeviceId device, long busAddress, byte[] data) {
        int done = 0;
        for (int request = 0; ; request++) {
            DmaResult r =
                    machine.dmaWrite(device, busAddress + done, java.util.Arrays.copyOfRange(data, done, data.length));
            done += r.completed();
            if (r.fault().isEmpty()
                    || r.fault().get().cause() != DmaFault.Cause.NOT_PRESENT
                    || request >= data.length / HostMemory.FRAME_SIZE + 2
                    || !mapOnRequest(device, r.fault().get().busAddress())) {
                return new DmaResult(done, new byte[0], r.fault());
            }
        }
    }

    /**
     * Whether a DMA write of {@code device} to {@code page} would land, now or after the page
     * request it raises ({@link #dmaWrite}): the write bit of the device's I/O page table where it
     * maps the page, else the write right the page request would map it with (the checks of
     * {@link #mapOnRequest}, kept in step with it; a request that would fail for want of host
     * memory is not foreseen). Changes nothing.
     */
    public boolean deviceMayWrite(DeviceId device, GuestPhysicalPage page) {
        Optional<NestedEntry> io = machine.iommu().table(device).flatMap(t -> t.leaf(page));
        if (io.isPresent()) {
            return io.get().permissions().write();
        }
        ViewId view = deviceViews.get(device);
        if (view == null || page.base() >= Iommu.BUS_WIDTH_LIMIT || isPageTablePool(view, page) || !isRam(view, page)) {
            return false;
        }
        Optional<NestedEntry> leaf = machine.view(view).flatMap(t -> t.leaf(page));
        boolean nestedWrite = leaf.isPresent()
                ? leaf.get().permissions().write()
                : sharedRights.getOrDefault(view, NestedPermissions.RWX).write();
        return nestedWrite || handlers.stream().anyMatch(h -> h.devicesMayWrite(view, page));
    }

    /** Answers a page request of {@code device} at {@code busAddress}: see {@link #dmaWrite}. */
    private boolean mapOnRequest(DeviceId device, long busAddress) {
        ViewId view = deviceViews.get(device);
        if (view == null || busAddress < 0 || busAddress >= Iommu.BUS_WIDTH_LIMIT) {
            return false;
        }
        GuestPhysicalPage page = GuestPhysicalPage.containing(busAddress);
        if (isPageTablePool(view, page)
                || !isRam(view, page)
                || machine.iommu().table(device).flatMap(t -> t.leaf(page)).isPresent()
                || !populate(view, page)) {
            return false;
        }
        NestedEntry leaf = machine.view(view).orElseThrow().leaf(page).orElseThrow();
        boolean write = leaf.permissions().write() || handlers.stream().anyMatch(h -> h.devicesMayWrite(view, page));
        return machine.iommu().map(device, page, leaf.hostFrame(), true, write);
    }

    /**
     * An interrupt with {@code vector} arrives on {@code vcpu}: it exits to the hypervisor, whose
     * services hear of it before the guest's handler would run (delivery into the guest is the
     * interrupts mechanism's business). Seen: nothing, or the refusal of an unknown vCPU.
     */
    public List<Observation> interrupt(VCpu vcpu, int vector) {
        return event(vcpu, new VcpuEvent(VcpuEvent.Kind.INTERRUPT, vector));
    }

    /** An exception (fault) with {@code vector} on {@code vcpu}, handled like {@link #interrupt}. */
    public List<Observation> exception(VCpu vcpu, int vector) {
        return event(vcpu, new VcpuEvent(VcpuEvent.Kind.EXCEPTION, vector));
    }

    /**
     * Whether every guest-visible fault an access raises (page fault, nested violation reflected
     * to the guest, general protection) also reaches the event handlers, exactly as a generated
     * exception with its vector does ({@link #exception}). On by default, so that a mechanism
     * cannot miss a way out of the guest (integrity mode ends on a faulting write as on any
     * exception; the interrupt security module scrubs on a fault inside its sequence). Every
     * system keeps it on; only machine tests turn it off.
     */
    public void deliverRaisedFaults(boolean on) {
        raisedFaultsAsEvents = on;
    }

    /**
     * The one path every guest-visible fault of an access takes: the observation the guest sees,
     * and, when {@link #deliverRaisedFaults} is on, the exception event every handler hears.
     */
    private Observation raise(VirtualCpu cpu, Observation fault) {
        if (raisedFaultsAsEvents) {
            int vector = fault instanceof PageFault
                    ? PAGE_FAULT_VECTOR
                    : fault instanceof GeneralProtection
                            ? GENERAL_PROTECTION_VECTOR
                            : fault instanceof NptViolation ? VIRTUALIZATION_EXCEPTION_VECTOR : -1;
            if (vector >= 0) {
                VcpuEvent event = new VcpuEvent(VcpuEvent.Kind.EXCEPTION, vector);
                eventHandlers.forEach(h -> h.onEvent(cpu, event));
            }
        }
        return fault;
    }

    private List<Observation> event(VCpu vcpu, VcpuEvent event) {
        Optional<VirtualCpu> found = machine.vcpu(vcpu);
        if (found.isEmpty()) {
            return List.of(new Refused(ErrorCode.NO_SUCH_VCPU));
        }
        eventHandlers.forEach(h -> h.onEvent(found.get(), event));
        return List.of();
    }

    /** The guest reads {@code length} bytes at {@code va}. */
    public List<Observation> read(VCpu vcpu, long va, int length) {
        Plan plan = plan(vcpu, va, length, AccessKind.READ);
        List<Observation> seen = plan.seenFirst();
        if (plan.fault() != null) {
            return seen;
        }
        byte[] value = new byte[length];
        for (Target t : plan.targets()) {
            machine.memory()
                    .read(
                            t.hostPhysicalAddress(),
                            value,
                            t.piece().accessOffset(),
                            t.piece().length());
        }
        seen.add(new ValueRead(vcpu, va, Bytes.of(value)));
        return seen;
    }

    /** The guest writes {@code bytes} at {@code va}: notifications claimed by services come first, then the write. */
    public List<Observation> write(VCpu vcpu, long va, Bytes bytes) {
        Plan plan = plan(vcpu, va, bytes.length(), AccessKind.WRITE);
        List<Observation> seen = plan.seenFirst();
        if (plan.fault() != null) {
            return seen;
        }
        plan.targets().forEach(t -> seen.addAll(t.before()));
        VirtualCpu cpu = machine.vcpu(vcpu).orElseThrow();
        for (Target t : plan.targets()) {
            for (GuestWriteObserver o : writeObservers) {
                o.onWrite(cpu, t.guestPhysicalAddress(), t.piece().length(), t.before(), t.complete());
            }
        }
        byte[] data = bytes.toArray();
        for (Target t : plan.targets()) {
            if (t.complete()) {
                machine.memory()
                        .write(
                                t.hostPhysicalAddress(),
                                data,
                                t.piece().accessOffset(),
                                t.piece().length());
            }
        }
        seen.add(new Completed(vcpu, AccessKind.WRITE, va, bytes.length()));
        return seen;
    }

    /** The guest fetches an instruction at {@code va}: the fetch is checked and the instruction pointer moves there. */
    public List<Observation> execute(VCpu vcpu, long va) {
        Plan plan = plan(vcpu, va, 1, AccessKind.EXECUTE);
        List<Observation> seen = plan.seenFirst();
        if (plan.fault() != null) {
            return seen;
        }
        machine.vcpu(vcpu).orElseThrow().setInstructionPointer(va);
        seen.add(new Completed(vcpu, AccessKind.EXECUTE, va, 1));
        return seen;
    }

    /**
     * The guest fetches {@code length} instruction bytes at {@code va}: translated as an execute
     * access at every page (so an execute-only page is fetchable and a no-execute one is not), the
     * bytes come back as a {@link ValueRead}; the instruction pointer does not move, decoding and
     * executing them is the caller's business. Seen: the bytes, or the first fault.
     */
    public List<Observation> fetch(VCpu vcpu, long va, int length) {
        Plan plan = plan(vcpu, va, length, AccessKind.EXECUTE);
        List<Observation> seen = plan.seenFirst();
        if (plan.fault() != null) {
            return seen;
        }
        byte[] value = new byte[length];
        for (Target t : plan.targets()) {
            machine.memory()
                    .read(
                            t.hostPhysicalAddress(),
                            value,
                            t.piece().accessOffset(),
                            t.piece().length());
        }
        seen.add(new ValueRead(vcpu, va, Bytes.of(value)));
        return seen;
    }

    /**
     * The guest issues a hypercall: number in RAX, arguments in RBX, RCX, RDX; the status goes
     * back in RAX. Only the guest kernel may call, unless the handler {@linkplain
     * HypercallHandler#screensPrivilege() screens privilege itself}; an unknown number gets an
     * error code.
     */
    public List<Observation> hypercall(VCpu vcpu) {
        Optional<VirtualCpu> found = machine.vcpu(vcpu);
        if (found.isEmpty()) {
            return List.of(new Refused(ErrorCode.NO_SUCH_VCPU));
        }
        VirtualCpu cpu = found.get();
        long number = cpu.register(HYPERCALL_NUMBER_REGISTER);
        long status;
        HypercallHandler handler = hypercalls.get(number);
        if (cpu.privilege() != Privilege.KERNEL && (handler == null || !handler.screensPrivilege())) {
            status = ErrorCode.PERMISSION_DENIED.code();
        } else if (handler == null) {
            status = ErrorCode.UNKNOWN_HYPERCALL.code();
        } else {
            status = handler.handle(
                    cpu,
                    cpu.register(HYPERCALL_ARGUMENT_REGISTERS[0]),
                    cpu.register(HYPERCALL_ARGUMENT_REGISTERS[1]),
                    cpu.register(HYPERCALL_ARGUMENT_REGISTERS[2]));
        }
        cpu.setRegister(HYPERCALL_NUMBER_REGISTER, status);
        return List.of(new HypercallResult(vcpu, number, status));
    }

    /** Backs a guest RAM page in {@code view} with a host frame if it is not yet; false if not RAM or out of memory. */
    public boolean populate(ViewId view, GuestPhysicalPage page) {
        Optional<NestedPageTable> npt = machine.view(view);
        if (npt.isEmpty() || !isRam(view, page)) {
            return false;
        }
        if (npt.get().leaf(page).isPresent()) {
            return true;
        }
        ViewId source = frameSources.get(view);
        if (source != null) {
            // A view sharing another's frames maps the same frame, backing it there first.
            if (!populate(source, page)) {
                return false;
            }
            long shared =
                    machine.view(source).orElseThrow().leaf(page).orElseThrow().hostFrame();
            return npt.get().map(page, shared, sharedRights.getOrDefault(view, NestedPermissions.RWX));
        }
        OptionalLong frame = givenBack.isEmpty() ? machine.memory().allocateFrame() : OptionalLong.of(givenBack.poll());
        return frame.isPresent() && npt.get().map(page, frame.getAsLong(), NestedPermissions.RWX);
    }

    /**
     * Gives host frame {@code frame} back to the hypervisor: the next guest page it backs ({@link
     * #populate}, a guest's first touch of a RAM page included) gets this frame, as it is, before
     * a fresh one. A service may give back only a frame that no view or device table maps any
     * more, scrubbed; none of the correct services gives one back. A deliberately flawed
     * composition gives back a frame a secure domain still maps ({@code
     * ComposedImplFlaw.SECURE_FRAME_GIVEN_BACK}): one frame handed out twice.
     */
    public void giveBack(long frame) {
        givenBack.add(frame);
    }

    /**
     * Backs every guest RAM page of {@code [first, first + count)} in {@code view} that is not
     * backed yet: the same frames and tables as {@link #populate} page by page in ascending order,
     * in one pass over the nested table (a boot that backs guest RAM up front). False if a page
     * is not RAM or host memory runs out.
     */
    public boolean populateRange(ViewId view, long first, long count) {
        Optional<NestedPageTable> npt = machine.view(view);
        if (npt.isEmpty() || count < 0 || first < 0 || first + count > guestRamPages(view)) {
            return false;
        }
        if (frameSources.containsKey(view) || !givenBack.isEmpty()) {
            for (long page = first; page < first + count; page++) {
                if (!populate(view, new GuestPhysicalPage(page))) {
                    return false;
                }
            }
            return true;
        }
        return npt.get().mapAbsent(first, count);
    }

    /**
     * Backs the 2 MiB ({@code level} 2) or 1 GiB ({@code level} 3) of guest RAM starting at {@code
     * first} in {@code view} with one large nested leaf over fresh, aligned host frames, with all
     * rights (how a hypervisor maps guest RAM to spare TLB entries). False, changing nothing
     * visible, when the range is not aligned or not all guest RAM, some page in it is mapped
     * already, the view shares another view's frames, or host memory runs out.
     */
    public boolean mapLarge(ViewId view, GuestPhysicalPage first, int level) {
        Optional<NestedPageTable> npt = machine.view(view);
        if (npt.isEmpty()
                || frameSources.containsKey(view)
                || (level != NestedPageTable.LEVEL_2M && level != NestedPageTable.LEVEL_1G)) {
            return false;
        }
        long pages = 1L << (9 * (level - 1));
        if ((first.number() & (pages - 1)) != 0 || first.number() > guestRamPages(view) - pages) {
            return false;
        }
        // A page mapped in the range leaves a table (or a leaf) in the large leaf's slot: mapLarge refuses.
        OptionalLong frames = machine.memory().allocateAlignedFrames(pages);
        return frames.isPresent() && npt.get().mapLarge(first, frames.getAsLong(), level, NestedPermissions.RWX);
    }

    /**
     * Splits the large nested leaf that maps {@code page} in {@code view} until a 4 KiB leaf maps
     * it, every new leaf keeping the large one's frames and rights, then invalidates every vCPU's
     * translations of the view (a shootdown: the SDM asks for one after a page-size change, as
     * the vCPUs may cache the large translation). True when {@code page} is mapped by a 4 KiB
     * leaf afterwards; false when it is not mapped or host memory has no frame for a table.
     */
    public boolean splitLargeMapping(ViewId view, GuestPhysicalPage page) {
        Optional<NestedPageTable> npt = machine.view(view);
        if (npt.isEmpty() || npt.get().leafSize(page) == 0) {
            return false;
        }
        boolean split = false;
        while (npt.get().leafSize(page) > HostMemory.FRAME_SIZE) {
            if (!npt.get().split(page)) {
                return false;
            }
            split = true;
        }
        if (split) {
            machine.shootDown(view);
        }
        return true;
    }

    /**
     * Stores an 8-byte value at an aligned guest-physical address as the guest OS's loader would:
     * through {@code view}'s mapping but regardless of its rights (no trace sees it). False if not RAM.
     */
    public boolean storeGuestPhysicalLong(ViewId view, long gpa, long value) {
        if ((gpa & 7) != 0 || gpa < 0 || gpa >= GuestPhysicalPage.LIMIT << 12) {
            return false;
        }
        GuestPhysicalPage page = GuestPhysicalPage.containing(gpa);
        if (!populate(view, page)) {
            return false;
        }
        long frame = machine.view(view).orElseThrow().leaf(page).orElseThrow().hostFrame();
        machine.memory().writeLong((frame << 12) | (gpa & 0xfff), value);
        return true;
    }

    /** Zeroes a guest RAM page in {@code view}, regardless of rights; false if not RAM. */
    public boolean clearGuestPage(ViewId view, GuestPhysicalPage page) {
        if (!populate(view, page)) {
            return false;
        }
        machine.memory()
                .clearFrame(machine.view(view)
                        .orElseThrow()
                        .leaf(page)
                        .orElseThrow()
                        .hostFrame());
        return true;
    }

    /** How one part of an access ended up: translated, or failed. */
    private sealed interface Resolution permits Target, Failed {}

    /** One part of an access, translated, with what must be seen before it and whether to carry it out. */
    private record Target(
            AccessPiece piece,
            long guestPhysicalAddress,
            long hostPhysicalAddress,
            List<Observation> before,
            boolean complete)
            implements Resolution {}

    /** One part of an access that failed with {@code fault}. */
    private record Failed(Observation fault) implements Resolution {}

    /**
     * All parts of an access translated, or the fault that stops it (then {@code targets} is
     * empty); {@code updates} is what services reported of the walk's accessed/dirty updates they
     * carried out on the way ({@link #resolve}), seen first whatever the access's outcome, since
     * those updates have happened.
     */
    private record Plan(List<Target> targets, Observation fault, List<Observation> updates) {
        static Plan failed(Observation fault) {
            return new Plan(List.of(), fault, List.of());
        }

        /** What the access saw before its own result: the updates' reports, then the fault if it failed. */
        List<Observation> seenFirst() {
            List<Observation> seen = new ArrayList<>(updates);
            if (fault != null) {
                seen.add(fault);
            }
            return seen;
        }
    }

    /**
     * Checks and translates every part of an access before anything happens. Order: vCPU exists;
     * length 1..4096; every byte canonical without wrap-around; then each page in address order.
     */
    private Plan plan(VCpu vcpu, long va, int length, AccessKind access) {
        Optional<VirtualCpu> found = machine.vcpu(vcpu);
        if (found.isEmpty()) {
            return Plan.failed(new Refused(ErrorCode.NO_SUCH_VCPU));
        }
        if (length < 1 || length > MAX_ACCESS_LENGTH) {
            return Plan.failed(
                    raise(found.get(), new GeneralProtection(vcpu, va, GeneralProtectionCause.INVALID_LENGTH)));
        }
        long last = va + (length - 1);
        if (Long.compareUnsigned(last, va) < 0
                || !GuestVirtualAddresses.isCanonical(va)
                || !GuestVirtualAddresses.isCanonical(last)) {
            return Plan.failed(
                    raise(found.get(), new GeneralProtection(vcpu, va, GeneralProtectionCause.NON_CANONICAL)));
        }
        List<Target> targets = new ArrayList<>(2);
        List<Observation> updates = new ArrayList<>();
        for (AccessPiece piece : AccessPiece.split(va, length)) {
            Resolution resolved = resolve(found.get(), piece, access, updates);
            if (resolved instanceof Failed f) {
                return new Plan(List.of(), raise(found.get(), f.fault()), updates);
            }
            targets.add((Target) resolved);
        }
        return new Plan(targets, null, updates);
    }

    /**
     * Translates one part, handling exits until it translates, is emulated, or fails. A walk's
     * accessed/dirty update that a service emulates is carried out here at once (the locked
     * update the processor could not make, ORed into the entry whatever the nested rights, and the
     * table page's nested accessed and dirty bits set as the processor's write would have), its
     * observations added to {@code updates}, and the walk retried; one the service does not let
     * complete leaves the entry as it is and the access fails with the violation.
     */
    private Resolution resolve(VirtualCpu cpu, AccessPiece piece, AccessKind access, List<Observation> updates) {
        NestedExit exit = null;
        for (int attempt = 0; attempt < MAX_EXITS_PER_PIECE; attempt++) {
            HardwareTranslation t = machine.translate(cpu, piece.va(), access);
            if (t instanceof HardwareTranslation.Translated ok) {
                return new Target(piece, ok.guestPhysicalAddress(), ok.hostPhysicalAddress(), List.of(), true);
            }
            if (t instanceof HardwareTranslation.GuestFault f) {
                return new Failed(new PageFault(cpu.id(), piece.va(), access, f.cause()));
            }
            exit = ((HardwareTranslation.Exit) t).exit();
            ExitDecision decision = decide(cpu, exit, piece);
            if (decision instanceof ExitDecision.Reflect r) {
                return new Failed(r.fault());
            }
            if (decision instanceof ExitDecision.Emulate e && exit.accessedDirtyUpdate()) {
                updates.addAll(e.before());
                OptionalLong entry = hostAddress(cpu.view(), exit.guestPhysicalAddress());
                boolean lands = e.complete() && entry.isPresent();
                for (GuestWriteObserver o : writeObservers) {
                    o.onWrite(cpu, exit.guestPhysicalAddress(), Long.BYTES, e.before(), lands);
                }
                if (!e.complete() || entry.isEmpty()) {
                    return new Failed(violation(cpu, exit));
                }
                long at = entry.getAsLong() & ~7L;
                machine.memory().writeLong(at, machine.memory().readLong(at) | exit.accessedDirtyBits());
                // The processor's own update is a nested write to the table page (SDM 29.3.3.2):
                // made in its place, it leaves the same accessed and dirty bits in the nested leaf.
                long tableEntry = exit.guestPhysicalAddress();
                machine.view(cpu.view()).ifPresent(npt -> npt.markWritten(tableEntry));
                continue;
            }
            if (decision instanceof ExitDecision.Emulate e) {
                OptionalLong hpa = hostAddress(cpu.view(), exit.guestPhysicalAddress());
                if (hpa.isEmpty()) {
                    return new Failed(violation(cpu, exit));
                }
                return new Target(piece, exit.guestPhysicalAddress(), hpa.getAsLong(), e.before(), e.complete());
            }
            // Retry: translate again.
        }
        // A handler kept asking for retries: report the last exit rather than loop.
        return new Failed(violation(cpu, exit));
    }

    /** Lazy population first, then the services in order, else the violation is reported. */
    private ExitDecision decide(VirtualCpu cpu, NestedExit exit, AccessPiece piece) {
        if (exit.cause() == NestedViolationCause.NOT_PRESENT) {
            long gpa = exit.guestPhysicalAddress();
            boolean ram = gpa >= 0 && gpa < guestRamPages(cpu.view()) << 12;
            if (ram && populate(cpu.view(), GuestPhysicalPage.containing(gpa))) {
                return new ExitDecision.Retry();
            }
            return new ExitDecision.Reflect(violation(cpu, exit));
        }
        for (NestedExitHandler h : handlers) {
            ExitDecision d = h.onExit(cpu, exit, piece);
            if (!(d instanceof ExitDecision.Decline)) {
                return d;
            }
        }
        return new ExitDecision.Reflect(violation(cpu, exit));
    }

    private OptionalLong hostAddress(ViewId view, long gpa) {
        return machine.view(view)
                .flatMap(npt -> npt.leaf(GuestPhysicalPage.containing(gpa)))
                .map(e -> OptionalLong.of((e.hostFrame() << 12) | (gpa & 0xfff)))
                .orElse(OptionalLong.empty());
    }

    private static NptViolation violation(VirtualCpu cpu, NestedExit exit) {
        return new NptViolation(cpu.id(), exit.guestPhysicalAddress(), exit.access());
    }
}
