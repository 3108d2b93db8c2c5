package org.hvproof.impl.domains;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.hvproof.impl.machine.DeviceId;
import org.hvproof.impl.machine.DmaResult;
import org.hvproof.impl.machine.GuestPageTableEntry;
import org.hvproof.impl.machine.GuestPageWalker;
import org.hvproof.impl.machine.GuestWalk;
import org.hvproof.impl.machine.HardwareTranslation;
import org.hvproof.impl.machine.HostMemory;
import org.hvproof.impl.machine.Hypervisor;
import org.hvproof.impl.machine.Machine;
import org.hvproof.impl.machine.NestedEntry;
import org.hvproof.impl.machine.NestedExit;
import org.hvproof.impl.machine.NestedPageTable;
import org.hvproof.impl.machine.NestedPermissions;
import org.hvproof.impl.machine.NestedViolationCause;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.impl.machine.VirtualCpu;
import org.hvproof.model.common.AccessKind;
import org.hvproof.model.common.ErrorCode;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.MachineShape;
import org.hvproof.model.common.Notation;
import org.hvproof.model.common.Observation;
import org.hvproof.model.common.PagePermissions;
import org.hvproof.model.common.Refused;
import org.hvproof.model.common.VCpu;
import org.hvproof.model.domains.DomainsObservation;
import org.hvproof.model.domains.DomainsObservation.FaultKind;
import org.hvproof.model.domains.DomainsState;
import org.hvproof.model.domains.Ids.DomainId;

/**
 * A booted guest with a root domain and secure domains on the simulated machine, driven by
 * {@link DomainsSystemAction}s. {@link #apply} is the implementation's counterpart of the model's
 * {@code DomainsModel.step}; {@link #abstractState} is the abstraction function; {@link #rootView} is
 * everything the root domain can observe, for the two-run (noninterference) property.
 * Deterministic: the same actions give the same results.
 *
 * <p>Set-up, as the hypervisor does it before the guest runs: each domain's four region pages get
 * host frames, mapped read/write/execute in that domain's nested page table only (the root's is
 * the default view when the domains have the machine alone, a view of its own when they share it
 * with another service; secure domain {@code d}'s is view {@code secure-d}); the frames are never
 * mapped in any other view. Memory is never backed lazily: a nested exit in any domain view is a
 * fault or a gate, never a reason to allocate.
 * Each domain's page-table page holds a 4-level table (see {@link DomainLayout}) mapping window
 * pages 0..3 to its own region; data words are 0..3 in the root and {@code secret + k} in a secure
 * domain (its table's word is {@code secret}); each secure domain starts with a register file
 * derived from the secret, kept by the hypervisor until secure code runs.
 *
 * <p>Accesses are played the way hardware does them: the vCPU's CR3 and view are the MMU's
 * inputs ({@link Machine#translate}), so a root page table crafted to point at a secure page
 * reaches it only if the root's nested page table does. Interrupts and exceptions go through the
 * hypervisor core's event path ({@link Hypervisor#interrupt}), where the domain service listens.
 */
public final class DomainsSystem {
    private final DomainLayout layout;
    private final long secret;
    private final DomainsImplFlaw flaw;
    private final Machine machine;
    private final Hypervisor hypervisor;
    private final SecureDomainService service;
    /** The root domain's view (the default one alone). */
    private final ViewId rootView;
    /** The machine's id of the domains' vCPU 0. */
    private final int firstVcpu;
    /** Host frames the guest's last access read or wrote, its page walk included. */
    private final Set<Long> touched = new TreeSet<>();
    /** The abstraction function's reader, which keeps what it derived between steps. */
    private final DomainsAbstraction abstraction;
    /** Frame bytes the root view last copied, by frame, with the write stamp they were copied at. */
    private final Map<Long, FrameBytes> frameBytes = new HashMap<>();

    /** Boots {@code layout} with secure contents derived from {@code secret}, under the hypervisor with {@code flaw}. */
    public DomainsSystem(DomainLayout layout, long secret, DomainsImplFlaw flaw) {
        this(
                new Hypervisor(new Machine(new MachineShape(
                        layout.vcpus(), DomainLayout.PAGES_PER_REGION, 0, DomainLayout.PAGES_PER_REGION))),
                ViewId.DEFAULT,
                0,
                layout,
                secret,
                flaw);
    }

    /**
     * Boots {@code layout} on a hypervisor other services may share: the root domain runs on
     * {@code rootView} (created here unless it is the default view) and the domains' vCPUs are
     * the machine's {@code firstVcpu .. firstVcpu + layout.vcpus() - 1}; actions and observations
     * name them {@code 0 .. layout.vcpus() - 1}. Alone, the root view is the default one and the
     * machine's vCPUs are all the domains'.
     */
    public DomainsSystem(
            Hypervisor hypervisor,
            ViewId rootView,
            int firstVcpu,
            DomainLayout layout,
            long secret,
            DomainsImplFlaw flaw) {
        this.layout = layout;
        this.secret = secret;
        this.flaw = flaw;
        this.hypervisor = hypervisor;
        this.machine = hypervisor.machine();
        this.rootView = rootView;
        this.firstVcpu = firstVcpu;
        if (firstVcpu < 0 || firstVcpu + layout.vcpus() > machine.vcpus().size()) {
            throw new IllegalArgumentException("the machine has no vCPUs " + firstVcpu + ".."
                    + (firstVcpu + layout.vcpus() - 1) + " for the domains: " + machine.shape());
        }
        this.service = new SecureDomainService(machine, layout, flaw, rootView, firstVcpu);
        hypervisor.addEventHandler(service);
        for (int d = 0; d <= layout.secureDomains(); d++) {
            ViewId view = d == 0 ? rootView : new ViewId("secure-" + d);
            NestedPageTable npt = machine.addView(view).orElseThrow();
            for (int k = 0; k < DomainLayout.PAGES_PER_REGION; k++) {
                long page = DomainLayout.regionFirst(d) + k;
                long frame = machine.memory().allocateFrame().orElseThrow();
                npt.map(new GuestPhysicalPage(page), frame, NestedPermissions.RWX);
                long value = d == 0 ? k : secret + k;
                if (k == 0) {
                    value = d == 0 ? 0 : secret;
                    long hpa = frame << 12;
                    for (int v = 0; v < DomainLayout.PAGES_PER_REGION; v++) {
                        machine.memory().writeLong(hpa + 8L * v, leaf(DomainLayout.regionFirst(d) + v));
                    }
                    machine.memory()
                            .writeLong(
                                    hpa + 8L * DomainLayout.SELF_SLOT,
                                    GuestPageTableEntry.table(new GuestPhysicalPage(page)));
                }
                machine.memory().writeLong((frame << 12) + DomainLayout.VALUE_OFFSET, value);
            }
            if (d > 0) {
                service.register(d, view, initialSecureRegisters(secret, d));
            }
        }
        if (flaw == DomainsImplFlaw.SECURE_FRAME_LEFT_IN_ROOT_NPT) {
            // Flaw: set-up "forgets" one secure frame, still reachable from the root NPT at page 15.
            long frame = machine.view(new ViewId("secure-1"))
                    .orElseThrow()
                    .leaf(new GuestPhysicalPage(DomainLayout.dataPage(1)))
                    .orElseThrow()
                    .hostFrame();
            rootNpt().map(new GuestPhysicalPage(DomainLayout.LEAKED_PAGE), frame, NestedPermissions.RWX);
        }
        // The root's device: its I/O page table maps what the root's NPT maps, read/write.
        NestedPageTable deviceTable = machine.iommu().attach(DEVICE).orElseThrow();
        List<ViewId> deviceViews = new ArrayList<>();
        deviceViews.add(rootView);
        for (int d = 1; flaw == DomainsImplFlaw.SECURE_FRAMES_IN_DEVICE_TABLE && d <= layout.secureDomains(); d++) {
            deviceViews.add(new ViewId("secure-" + d));
        }
        for (ViewId view : deviceViews) {
            machine.view(view)
                    .orElseThrow()
                    .forEachLeaf((page, entry) ->
                            deviceTable.map(page, entry.hostFrame(), new NestedPermissions(true, true, false)));
        }
        for (VirtualCpu cpu : vcpus()) {
            cpu.setCr3(new GuestPhysicalPage(DomainLayout.tablePage(0)).base());
            cpu.setView(rootView);
        }
        this.abstraction = new DomainsAbstraction(this);
    }

    /** Boots the correct mechanism. */
    public DomainsSystem(DomainLayout layout, long secret) {
        this(layout, secret, DomainsImplFlaw.NONE);
    }

    /** The secure domain's launch registers: RAX carries arguments in, so only RBX..R15 hold secure values. */
    static long[] initialSecureRegisters(long secret, int domain) {
        long[] file = new long[VirtualCpu.GENERAL_REGISTERS];
        for (int r = 1; r < file.length; r++) {
            file[r] = secret * 31 + domain * 1009L + r;
        }
        return file;
    }

    private static long leaf(long page) {
        return GuestPageTableEntry.leaf(new GuestPhysicalPage(page), PagePermissions.ALL);
    }

    /** The layout. */
    public DomainLayout layout() {
        return layout;
    }

    /** The secret the secure contents were derived from. */
    public long secret() {
        return secret;
    }

    /** The flaw it runs with. */
    public DomainsImplFlaw flaw() {
        return flaw;
    }

    /** The simulated hardware. */
    public Machine machine() {
        return machine;
    }

    /** The hypervisor core. */
    public Hypervisor hypervisor() {
        return hypervisor;
    }

    /** The domain service. */
    public SecureDomainService service() {
        return service;
    }

    /** The root domain's view: the default one alone. */
    public ViewId rootDomainView() {
        return rootView;
    }

    /** The domains' vCPUs, in order: the machine's {@code firstVcpu ..}; all of them alone. */
    public List<VirtualCpu> vcpus() {
        return machine.vcpus().subList(firstVcpu, firstVcpu + layout.vcpus());
    }

    /** The root domain's nested page table. */
    private NestedPageTable rootNpt() {
        return machine.view(rootView).orElseThrow();
    }

    /** Runs one action; returns the domain observations. Never throws on hostile input. */
    public List<DomainsObservation> apply(DomainsSystemAction action) {
        touched.clear();
        Optional<VirtualCpu> found = action.vcpu() < 0 || action.vcpu() >= layout.vcpus()
                ? Optional.empty()
                : Optional.of(vcpus().get(action.vcpu()));
        if (found.isEmpty()) {
            // Refused before anything runs: an event for a negative vCPU number must not reach
            // vCPU 0, and one beyond the domains' vCPUs must not reach another service's vCPU of a
            // shared machine.
            if (flaw == DomainsImplFlaw.EVENT_FOR_NEGATIVE_VCPU_REACHES_VCPU_ZERO
                    && action instanceof DomainsSystemAction.Event e
                    && e.vcpu() < 0) {
                // Flaw EVENT_FOR_NEGATIVE_VCPU_REACHES_VCPU_ZERO: the number clamped to 0 and the event run there.
                if (e.exception()) {
                    hypervisor.exception(new VCpu(firstVcpu), e.vector());
                } else {
                    hypervisor.interrupt(new VCpu(firstVcpu), e.vector());
                }
                service.drainEvents();
            }
            return List.of(noSuchVcpu(action));
        }
        if (action instanceof DomainsSystemAction.Event e) {
            VCpu target = new VCpu(e.vcpu() + firstVcpu);
            List<Observation> seen =
                    e.exception() ? hypervisor.exception(target, e.vector()) : hypervisor.interrupt(target, e.vector());
            if (seen.contains(new Refused(ErrorCode.NO_SUCH_VCPU))) {
                return List.of(noSuchVcpu(action));
            }
            return service.drainEvents();
        }
        VirtualCpu cpu = found.get();
        if (action instanceof DomainsSystemAction.Transfer t) {
            return service.transfer(cpu, t.target());
        } else if (action instanceof DomainsSystemAction.ExitGate) {
            return service.exitGate(cpu);
        } else if (action instanceof DomainsSystemAction.LoadCr3 l) {
            return service.loadCr3(cpu, l.page());
        } else if (action instanceof DomainsSystemAction.SetRegister s) {
            push(cpu, s.value());
            return List.of();
        } else if (action instanceof DomainsSystemAction.Read r) {
            return read(cpu, r.page());
        } else if (action instanceof DomainsSystemAction.DeviceWrite d) {
            return deviceWrite(cpu, d.page());
        }
        return write(cpu, (DomainsSystemAction.Write) action);
    }

    /** The root's DMA-capable device behind the IOMMU (PCI 01:00.0). */
    public static final DeviceId DEVICE = new DeviceId(0x0100);

    /**
     * Root code has the device write RAX at {@code page}'s data word; the IOMMU decides where it
     * lands. Secure code does not drive the root's device.
     */
    private List<DomainsObservation> deviceWrite(VirtualCpu cpu, long page) {
        int v = service.index(cpu);
        int domain = service.currentDomain(v);
        if (domain != 0) {
            return List.of(new DomainsObservation.Fault(v, new DomainId(domain), FaultKind.NOT_IN_ROOT_DOMAIN));
        }
        long bus = page << 12;
        if (page < 0 || (bus >>> 12) != page) {
            // No bus address names it: the device's request cannot even be formed.
            return List.of(new DomainsObservation.Fault(v, DomainId.ROOT, FaultKind.DMA_REFUSED));
        }
        byte[] word = ByteBuffer.allocate(8)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(cpu.register(0))
                .array();
        DmaResult r = machine.dmaWrite(DEVICE, bus + DomainLayout.VALUE_OFFSET, word);
        return r.whole() ? List.of() : List.of(new DomainsObservation.Fault(v, DomainId.ROOT, FaultKind.DMA_REFUSED));
    }

    /**
     * Every host frame a secure domain's nested page table maps: what no device may reach
     * (PD-5). Read from the views, not remembered from set-up.
     */
    public Set<Long> secureHostFrames() {
        Set<Long> out = new TreeSet<>();
        for (int d = 1; d <= layout.secureDomains(); d++) {
            machine.view(new ViewId("secure-" + d))
                    .ifPresent(npt -> npt.forEachLeaf((page, entry) -> out.add(entry.hostFrame())));
        }
        return out;
    }

    private static DomainsObservation noSuchVcpu(DomainsSystemAction action) {
        return new DomainsObservation.Fault(action.vcpu(), DomainId.ROOT, FaultKind.NO_SUCH_VCPU);
    }

    /** The guest's register convention: a new value goes to RAX, the old RAX to RBX. */
    private static void push(VirtualCpu cpu, long value) {
        cpu.setRegister(1, cpu.register(0));
        cpu.setRegister(0, value);
    }

    private List<DomainsObservation> read(VirtualCpu cpu, int page) {
        OptionalLong hpa = translate(cpu, page, DomainLayout.VALUE_OFFSET, AccessKind.READ);
        if (hpa.isEmpty()) {
            return List.of(fault(cpu));
        }
        long value = machine.memory().readLong(hpa.getAsLong());
        push(cpu, value);
        int v = service.index(cpu);
        return List.of(new DomainsObservation.ReadValue(v, new DomainId(service.currentDomain(v)), value));
    }

    /**
     * Writes a whole page: the entries at window slots and at slot {@link DomainLayout#SELF_SLOT}
     * (the only slot the upper levels of a window walk read; any guest-physical page, a secure one
     * included) and the data word (RAX). When the writer names no slot 511 the guest's page-table
     * writer fills it with the page's own guest-physical address (it knows it from its own
     * tables), so the page works as a table wherever it is loaded.
     */
    private List<DomainsObservation> write(VirtualCpu cpu, DomainsSystemAction.Write w) {
        if (!DomainLayout.accessible(w.page())) {
            return List.of(fault(cpu));
        }
        HardwareTranslation t = translate(cpu, DomainLayout.virtualAddress(w.page()), AccessKind.WRITE);
        if (!(t instanceof HardwareTranslation.Translated ok)) {
            return List.of(fault(cpu));
        }
        ByteBuffer image = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        image.putLong(
                8 * DomainLayout.SELF_SLOT,
                GuestPageTableEntry.table(GuestPhysicalPage.containing(ok.guestPhysicalAddress())));
        w.entries().forEach((v, g) -> {
            if (g >= 0 && g < GuestPhysicalPage.LIMIT) {
                if (DomainLayout.inWindow(v)) {
                    image.putLong(8 * v, leaf(g));
                } else if (v == DomainLayout.SELF_SLOT) {
                    image.putLong(8 * v, GuestPageTableEntry.table(new GuestPhysicalPage(g)));
                }
            }
        });
        if (w.largeUpperEntry()) {
            long upper = image.getLong(8 * DomainLayout.SELF_SLOT);
            image.putLong(8 * DomainLayout.SELF_SLOT, upper | GuestPageTableEntry.PAGE_SIZE);
        }
        image.putLong(DomainLayout.VALUE_OFFSET, cpu.register(0));
        touched.add(ok.hostPhysicalAddress() >>> 12);
        machine.memory().write(ok.hostPhysicalAddress() & ~0xfffL, image.array(), 0, 4096);
        // The guest OS rewrote a page-table page: like any OS it invalidates what the page
        // translated (every page an access may name) on every vCPU before the change counts as made.
        for (VirtualCpu other : vcpus()) {
            for (int v = 0; v < DomainLayout.ACCESS_PAGES; v++) {
                machine.invlpg(other, DomainLayout.virtualAddress(v));
            }
        }
        return List.of();
    }

    private OptionalLong translate(VirtualCpu cpu, int page, int offset, AccessKind access) {
        if (!DomainLayout.accessible(page)) {
            return OptionalLong.empty();
        }
        HardwareTranslation t = translate(cpu, DomainLayout.virtualAddress(page) + offset, access);
        if (t instanceof HardwareTranslation.Translated ok) {
            touched.add(ok.hostPhysicalAddress() >>> 12);
            return OptionalLong.of(ok.hostPhysicalAddress());
        }
        return OptionalLong.empty();
    }

    /** The MMU's translation, recording the frames its walk reads; under NPT_CHECK_ONLY_AT_LEAF the flawed software walker. */
    private HardwareTranslation translate(VirtualCpu cpu, long va, AccessKind access) {
        if (flaw == DomainsImplFlaw.NPT_CHECK_ONLY_AT_LEAF) {
            return leafCheckedWalk(cpu, va, access);
        }
        HardwareTranslation t = machine.translate(cpu, va, access, hpa -> touched.add(hpa >>> 12));
        if (flaw == DomainsImplFlaw.LARGE_LEAF_RESOLVED_IN_ROOT_VIEW
                && t instanceof HardwareTranslation.Exit e
                && !e.exit().duringWalk()
                && !cpu.view().equals(rootView)) {
            return largeLeafInRootView(cpu, va, access, t);
        }
        if (flaw == DomainsImplFlaw.ROOT_LARGE_LEAF_CHECKED_AT_BLOCK_START
                && t instanceof HardwareTranslation.Exit e
                && !e.exit().duringWalk()
                && cpu.view().equals(rootView)) {
            return largeLeafCheckedAtBlockStart(cpu, va, access, t);
        }
        return t;
    }

    /**
     * Flaw ROOT_LARGE_LEAF_CHECKED_AT_BLOCK_START: the emulation path of a root vCPU's nested exit
     * on its final access walks the guest's tables again through the root's NPT and, when the walk
     * ends at a large leaf whose block's first page the root's NPT maps, resolves the address in
     * any domain's NPT; {@code exit} otherwise.
     */
    private HardwareTranslation largeLeafCheckedAtBlockStart(
            VirtualCpu cpu, long va, AccessKind access, HardwareTranslation exit) {
        NestedPageTable root = rootNpt();
        GuestWalk walk = walkThrough(root, cpu, va, access);
        if (!(walk instanceof GuestWalk.Translated leaf) || leaf.sizeShift() == 12) {
            return exit;
        }
        long blockStart = leaf.guestPhysicalAddress() & -(1L << leaf.sizeShift());
        OptionalLong hpa =
                nptHpa(root, blockStart).isEmpty() ? OptionalLong.empty() : anyDomainHpa(leaf.guestPhysicalAddress());
        if (hpa.isEmpty()) {
            return exit;
        }
        touched.add(hpa.getAsLong() >>> 12);
        return new HardwareTranslation.Translated(leaf.guestPhysicalAddress(), hpa.getAsLong());
    }

    /**
     * The flaws' emulation paths walk the guest's tables again in software, reading each entry
     * through {@code npt} (an entry it does not map blocks the walk).
     */
    private GuestWalk walkThrough(NestedPageTable npt, VirtualCpu cpu, long va, AccessKind access) {
        return GuestPageWalker.walk(cpu.cr3(), va, access, cpu.privilege(), gpa -> {
            OptionalLong hpa = nptHpa(npt, gpa);
            return hpa.isEmpty()
                    ? new GuestPageWalker.EntryRead.Blocked(
                            new NestedExit(gpa, AccessKind.READ, NestedViolationCause.NOT_PRESENT, true))
                    : new GuestPageWalker.EntryRead.Value(machine.memory().readLong(hpa.getAsLong()));
        });
    }

    /**
     * Flaw LARGE_LEAF_RESOLVED_IN_ROOT_VIEW: the emulation path of a secure vCPU's nested exit on
     * its final access walks the guest's tables again through the vCPU's own NPT and, when the
     * walk ends at a large leaf, resolves the address in the root's NPT; {@code exit} otherwise.
     */
    private HardwareTranslation largeLeafInRootView(
            VirtualCpu cpu, long va, AccessKind access, HardwareTranslation exit) {
        NestedPageTable npt = machine.view(cpu.view()).orElseThrow();
        GuestWalk walk = walkThrough(npt, cpu, va, access);
        if (!(walk instanceof GuestWalk.Translated leaf) || leaf.sizeShift() == 12) {
            return exit;
        }
        OptionalLong hpa = nptHpa(rootNpt(), leaf.guestPhysicalAddress());
        if (hpa.isEmpty()) {
            return exit;
        }
        touched.add(hpa.getAsLong() >>> 12);
        return new HardwareTranslation.Translated(leaf.guestPhysicalAddress(), hpa.getAsLong());
    }

    /**
     * Flaw NPT_CHECK_ONLY_AT_LEAF: a software walk whose PML4, PDPT and PD entry reads resolve the
     * guest-physical address in any domain's NPT (the hypervisor's own map of guest memory), and
     * only the PT entry read and the final access through the vCPU's NPT.
     */
    private HardwareTranslation leafCheckedWalk(VirtualCpu cpu, long va, AccessKind access) {
        NestedPageTable npt = machine.view(cpu.view()).orElseThrow();
        int[] level = {4};
        GuestWalk walk = GuestPageWalker.walk(cpu.cr3(), va, access, cpu.privilege(), gpa -> {
            boolean upper = level[0]-- > 1;
            OptionalLong hpa = upper ? anyDomainHpa(gpa) : nptHpa(npt, gpa);
            if (hpa.isEmpty()) {
                return new GuestPageWalker.EntryRead.Blocked(
                        new NestedExit(gpa, AccessKind.READ, NestedViolationCause.NOT_PRESENT, true));
            }
            touched.add(hpa.getAsLong() >>> 12);
            return new GuestPageWalker.EntryRead.Value(machine.memory().readLong(hpa.getAsLong()));
        });
        if (walk instanceof GuestWalk.Faulted f) {
            return new HardwareTranslation.GuestFault(f.cause());
        }
        if (walk instanceof GuestWalk.Blocked b) {
            return new HardwareTranslation.Exit(b.exit());
        }
        long gpa = ((GuestWalk.Translated) walk).guestPhysicalAddress();
        OptionalLong hpa = nptHpa(npt, gpa);
        if (hpa.isEmpty()) {
            return new HardwareTranslation.Exit(new NestedExit(gpa, access, NestedViolationCause.NOT_PRESENT, false));
        }
        return new HardwareTranslation.Translated(gpa, hpa.getAsLong());
    }

    private static OptionalLong nptHpa(NestedPageTable npt, long gpa) {
        Optional<NestedEntry> leaf = gpa < 0 || gpa >= GuestPhysicalPage.LIMIT << 12
                ? Optional.empty()
                : npt.leaf(GuestPhysicalPage.containing(gpa));
        return leaf.map(e -> OptionalLong.of((e.hostFrame() << 12) | (gpa & 0xfff)))
                .orElse(OptionalLong.empty());
    }

    private OptionalLong anyDomainHpa(long gpa) {
        for (int d = 0; d <= layout.secureDomains(); d++) {
            ViewId view = d == 0 ? rootView : service.domains().get(d).view();
            OptionalLong hpa = nptHpa(machine.view(view).orElseThrow(), gpa);
            if (hpa.isPresent()) {
                return hpa;
            }
        }
        return OptionalLong.empty();
    }

    /** Host frames the last action's guest access read or wrote (table reads of its walk included); empty for other actions. */
    public Set<Long> framesTouchedByLastAccess() {
        return Set.copyOf(touched);
    }

    private DomainsObservation fault(VirtualCpu cpu) {
        int v = service.index(cpu);
        return new DomainsObservation.Fault(v, new DomainId(service.currentDomain(v)), FaultKind.NOT_MAPPED);
    }

    /** The abstraction function: the model state these structures represent. */
    public DomainsState abstractState() {
        return abstraction.read();
    }

    /**
     * Everything the root domain can observe now: each vCPU running root code whole (registers,
     * instruction pointer, CR3, view, privilege), each vCPU running secure code only as "away in
     * domain d", and the bytes of every page the root's nested page table maps, at any guest page.
     */
    public RootView rootView() {
        List<Object> vcpus = new ArrayList<>();
        for (VirtualCpu cpu : vcpus()) {
            int d = service.currentDomain(service.index(cpu));
            if (d != 0) {
                vcpus.add("in secure domain " + d);
            } else {
                long[] regs = new long[VirtualCpu.GENERAL_REGISTERS];
                for (int r = 0; r < regs.length; r++) {
                    regs[r] = cpu.register(r);
                }
                vcpus.add(new RootCpu(
                        Arrays.stream(regs).boxed().toList(),
                        cpu.instructionPointer(),
                        cpu.cr3(),
                        cpu.view().name(),
                        cpu.privilege().name()));
            }
        }
        Map<Long, ByteBuffer> memory = new TreeMap<>();
        NestedPageTable root = rootNpt();
        root.forEachLeaf((page, leaf) -> memory.put(page.number(), frameBytes(leaf.hostFrame())));
        return new RootView(vcpus, memory);
    }

    /**
     * A read-only copy of a frame's bytes, copied again only when the frame's {@linkplain
     * HostMemory#lastWrite(long) write stamp} moved since (any write to it, by any path, moves it).
     */
    private ByteBuffer frameBytes(long frame) {
        long stamp = machine.memory().lastWrite(frame);
        FrameBytes kept = frameBytes.get(frame);
        if (kept == null || kept.stamp() != stamp) {
            kept = new FrameBytes(
                    stamp,
                    ByteBuffer.wrap(machine.memory().frameContents(frame)).asReadOnlyBuffer());
            frameBytes.put(frame, kept);
        }
        return kept.bytes().duplicate();
    }

    private record FrameBytes(long stamp, ByteBuffer bytes) {}

    /** A vCPU as the root domain sees it while root code runs on it: every piece of state the simulated vCPU has. */
    public record RootCpu(List<Long> registers, long instructionPointer, long cr3, String view, String privilege) {
        @Override
        public String toString() {
            return "ip " + Notation.hex(instructionPointer) + ", CR3 " + Notation.hex(cr3) + ", " + view + " view, "
                    + privilege.toLowerCase(java.util.Locale.ROOT) + ", registers " + Notation.hexList(registers);
        }
    }

    /** The root domain's view of the machine (see {@link #rootView()}); equal views are indistinguishable to the root. */
    public record RootView(List<Object> vcpus, Map<Long, ByteBuffer> memory) {}
}
