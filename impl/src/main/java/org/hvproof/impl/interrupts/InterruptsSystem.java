package org.hvproof.impl.interrupts;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.hvproof.impl.machine.DeviceId;
import org.hvproof.impl.machine.DmaResult;
import org.hvproof.impl.machine.GuestOs;
import org.hvproof.impl.machine.Hypervisor;
import org.hvproof.impl.machine.Machine;
import org.hvproof.impl.machine.NestedPageTable;
import org.hvproof.impl.machine.NestedPermissions;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.impl.machine.VirtualCpu;
import org.hvproof.model.common.ErrorCode;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.MachineShape;
import org.hvproof.model.common.Observation;
import org.hvproof.model.common.PagePermissions;
import org.hvproof.model.common.VCpu;
import org.hvproof.model.interrupts.ArrivalCause;
import org.hvproof.model.interrupts.CodeLayout;
import org.hvproof.model.interrupts.Instruction;
import org.hvproof.model.interrupts.InterruptsAction;
import org.hvproof.model.interrupts.InterruptsObservation;
import org.hvproof.model.interrupts.InterruptsObservation.FaultKind;
import org.hvproof.model.interrupts.InterruptsState;
import org.hvproof.model.interrupts.Reg;

/**
 * A booted guest with a secret embedded in its code, under the interrupt security module: the
 * machine (one vCPU, alone), the hypervisor, the guest OS (identity page tables, data paged in on
 * demand) and the mechanism, driven by the model's actions. On a hypervisor other services share
 * it runs on one vCPU and one view of its own, with its own page-table pool and device, and its
 * module ignores the other vCPUs' events. {@link #apply} is the implementation's
 * counterpart of {@code InterruptsModel.step}; {@link #abstractState} is the abstraction function ({@link InterruptsAbstraction}).
 *
 * <p>Boot: the guest's loader writes the code of {@link CodeLayout#code} into guest memory, with the
 * move's immediate left zero; the hypervisor then writes the secret into that immediate and makes
 * the whole execute-only region (the model's code page, {@link GuestLayout#PAGES_PER_MODEL_PAGE}
 * machine pages) execute-only in the nested page table. The guest's own page tables map it
 * writable and executable: only the hypervisor's protection stands between the guest and the
 * secret. Deterministic: the same actions give the same observations.
 */
public final class InterruptsSystem {
    /**
     * The guest's dimensions: one vCPU, 2^36 guest-physical pages (lazily backed), the page-table
     * pool above the window. A shared machine must give the guest's view as many pages.
     */
    public static final MachineShape SHAPE = new MachineShape(
            1, GuestLayout.GUEST_PHYSICAL_PAGES, GuestLayout.PAGE_TABLE_POOL_FIRST, GuestLayout.PAGE_TABLE_POOL_PAGES);

    private static final PagePermissions CODE_MAPPING = new PagePermissions(true, false, true);

    /** The guest's one DMA-capable device (bus 1, device 0, function 0). */
    public static final DeviceId DEVICE = new DeviceId(0x0100);

    private final Machine machine;
    private final Hypervisor hypervisor;
    /** The guest's view: the default one alone, a view of its own on a shared machine. */
    private final ViewId view;
    /** The guest's DMA-capable device. */
    private final DeviceId device;

    private final GuestOs guestOs;
    private final VirtualCpu cpu;
    private final SequenceAuthenticator authenticator;
    private final InterruptSecurityModule module;
    private final DataAccess data;
    private final InstructionExecutor executor;
    private final List<Long> codePages;
    private final InterruptsAbstraction.BackedPages backedPages = new InterruptsAbstraction.BackedPages();
    private final Map<Long, ReadablePage> frameBytes = new HashMap<>();
    private long readableVersion = -1;
    private List<long[]> readableFrames = List.of();
    private long deviceVersion = -1;
    /** Per frame the device's table maps: the write stamp it was scanned at and whether it held the secret. */
    private final Map<Long, long[]> deviceFramesChecked = new HashMap<>();

    /** Boots the guest with {@code secret} and the default erasure constant under the correct mechanism. */
    public InterruptsSystem(long secret) {
        this(secret, InterruptsState.DEFAULT_ERASURE, InterruptsImplFlaw.NONE);
    }

    /**
     * Boots the guest with {@code secret}, {@code erasure} and the mechanism with {@code flaw}.
     *
     * @throws IllegalArgumentException when the secret equals the erasure constant (INT-5)
     */
    public InterruptsSystem(long secret, long erasure, InterruptsImplFlaw flaw) {
        this(new Hypervisor(new Machine(SHAPE)), ViewId.DEFAULT, 0, DEVICE, secret, erasure, flaw);
    }

    /**
     * Boots the guest on a hypervisor other services may share: it runs on the machine's vCPU
     * {@code vcpu} and on {@code view} (created here unless it is the default view), with frames
     * of its own, and its DMA device is {@code device}. The machine must give the view the
     * guest's window and page-table pool as RAM ({@link #SHAPE}'s pages); the module acts on
     * events of {@code vcpu} only. Alone, the view is the default one, the vCPU the only one.
     *
     * @throws IllegalArgumentException when the secret equals the erasure constant (INT-5), the
     *     vCPU does not exist or the view's RAM cannot hold the guest
     */
    public InterruptsSystem(
            Hypervisor hypervisor,
            ViewId view,
            int vcpu,
            DeviceId device,
            long secret,
            long erasure,
            InterruptsImplFlaw flaw) {
        this(hypervisor, view, vcpu, device, secret, erasure, flaw, false, false);
    }

    /**
     * The shared-machine boot with the composition's seam flaws: when {@code moduleOnEveryVcpu},
     * the interrupt security module takes every vCPU's events for its guest's (alone, the guest's
     * vCPU is the only one and nothing differs), and, when {@code hypercallScratchOnFirstVcpu}, a hypercall handler that computes the
     * expected authentication value in R8 of the machine's first vCPU and gives the borrowed value
     * back to the caller's R8 (alone, the guest's vCPU is the first and nothing differs; on a
     * shared machine the first vCPU, another guest's, keeps a function of the secret).
     */
    public InterruptsSystem(
            Hypervisor hypervisor,
            ViewId view,
            int vcpu,
            DeviceId device,
            long secret,
            long erasure,
            InterruptsImplFlaw flaw,
            boolean moduleOnEveryVcpu,
            boolean hypercallScratchOnFirstVcpu) {
        this.authenticator = new SequenceAuthenticator(
                secret,
                erasure,
                flaw,
                hypercallScratchOnFirstVcpu ? hypervisor.machine().vcpus().get(0) : null);
        this.hypervisor = hypervisor;
        this.machine = hypervisor.machine();
        this.view = view;
        this.device = device;
        if (vcpu < 0 || vcpu >= machine.vcpus().size()) {
            throw new IllegalArgumentException("the machine has no vCPU " + vcpu + ": " + machine.shape());
        }
        if (!view.equals(ViewId.DEFAULT)) {
            machine.addView(view).orElseThrow();
        }
        if (hypervisor.guestRamPages(view) < SHAPE.guestPhysicalPages()) {
            throw new IllegalArgumentException("the interrupts guest needs " + SHAPE.guestPhysicalPages()
                    + " guest-physical pages on its view, " + view + " has " + hypervisor.guestRamPages(view));
        }
        this.guestOs = new GuestOs(hypervisor, view, SHAPE.pageTablePoolFirst(), SHAPE.pageTablePoolPages());
        this.cpu = machine.vcpus().get(vcpu);
        cpu.setView(view);
        long cr3 = guestOs.newAddressSpace().orElseThrow();
        cpu.setCr3(cr3);
        this.module = new InterruptSecurityModule(authenticator, flaw, cpu.id(), moduleOnEveryVcpu);
        // Every fault the machine raises (a read of the execute-only page, a fetch from an
        // unmapped page) reaches the module as an exception, as an injected one does.
        hypervisor.addEventHandler(module);
        this.data = new DataAccess(hypervisor, guestOs, cr3, cpu.id());
        this.executor = new InstructionExecutor(hypervisor, cpu, data, authenticator);

        // The loader: code pages mapped writable and executable by the guest OS, code written.
        TreeSet<Long> pages = new TreeSet<>();
        long xoFirst = GuestLayout.executeOnlyFirstPage();
        for (long p = xoFirst; p < xoFirst + GuestLayout.PAGES_PER_MODEL_PAGE; p++) {
            pages.add(p);
        }
        Map<Long, Instruction> code = CodeLayout.code(secret, erasure);
        code.keySet().forEach(a -> pages.add(GuestLayout.page(a).number()));
        for (long p : pages) {
            require(
                    guestOs.map(cr3, p << 12, new GuestPhysicalPage(p), CODE_MAPPING) == ErrorCode.OK,
                    "map code page",
                    p);
            data.mappedAtBoot(p, CODE_MAPPING);
        }
        code.forEach((address, insn) -> {
            boolean embedsSecret = address == CodeLayout.SEQUENCE_START;
            store(address, InstructionCodec.encode(embedsSecret ? new Instruction.MovImm(Reg.R1, 0) : insn));
        });
        // The hypervisor: the secret into the move's immediate, then the region execute-only.
        require(
                hypervisor.storeGuestPhysicalLong(
                        view, GuestLayout.slot(CodeLayout.SEQUENCE_START) + GuestLayout.INSTRUCTION_OFFSET + 8, secret),
                "embed secret",
                0);
        NestedPageTable npt = machine.view(view).orElseThrow();
        NestedPermissions rights =
                flaw == InterruptsImplFlaw.CODE_PAGE_READABLE ? NestedPermissions.RX : NestedPermissions.EXECUTE_ONLY;
        for (long p = xoFirst; p < xoFirst + GuestLayout.PAGES_PER_MODEL_PAGE; p++) {
            GuestPhysicalPage page = new GuestPhysicalPage(p);
            require(hypervisor.populate(view, page) && npt.setPermissions(page, rights), "protect", p);
        }
        this.codePages = code.keySet().stream()
                .map(a -> GuestLayout.page(a).number())
                .distinct()
                .sorted()
                .toList();
        cpu.setInstructionPointer(GuestLayout.slot(CodeLayout.ORDINARY_CODE));
        // The device: a context entry whose table maps the guest's ordinary code pages, never a
        // page of the execute-only region (flawed: those too); other pages are mapped on demand.
        require(machine.iommu().attach(device).isPresent(), "attach device", device.requesterId());
        for (long p : pages) {
            if (flaw == InterruptsImplFlaw.IOMMU_MAPS_CODE_PAGE || !GuestLayout.inExecuteOnlyRegion(p)) {
                require(mapForDevice(new GuestPhysicalPage(p)), "map for the device", p);
            }
        }
    }

    /**
     * The hypervisor's pin for DMA: backs {@code page} and maps it, read-only, identity, in the
     * device's IOMMU table, unless it lies in the execute-only region, which holds the secret and
     * is mapped for no device. False when refused or memory ran out.
     */
    private boolean pinForDevice(GuestPhysicalPage page) {
        if (GuestLayout.inExecuteOnlyRegion(page.number())) {
            return false;
        }
        return mapForDevice(page);
    }

    private boolean mapForDevice(GuestPhysicalPage page) {
        if (machine.iommu().table(device).flatMap(t -> t.leaf(page)).isPresent()) {
            return true;
        }
        if (!hypervisor.populate(view, page)) {
            return false;
        }
        long frame = machine.view(view).orElseThrow().leaf(page).orElseThrow().hostFrame();
        return machine.iommu().map(device, page, frame, true, false);
    }

    /**
     * Whether a page the device's IOMMU table maps holds the secret in any aligned 8-byte word:
     * INT-6's machine-level check, read off the IOMMU's own table and host memory.
     */
    public boolean deviceCanReachSecret() {
        NestedPageTable table = machine.iommu().table(device).orElse(null);
        if (table == null) {
            return false;
        }
        if (table.version() != deviceVersion) {
            deviceFramesChecked.clear();
            deviceVersion = table.version();
        }
        long secret = authenticator.secret();
        boolean[] found = {false};
        table.forEachLeaf((page, leaf) -> {
            long frame = leaf.hostFrame();
            long stamp = machine.memory().lastWrite(frame);
            long[] checked = deviceFramesChecked.get(frame);
            if (checked == null || checked[0] != stamp) {
                checked = new long[] {stamp, holdsWord(frame, stamp, secret) ? 1 : 0};
                deviceFramesChecked.put(frame, checked);
            }
            found[0] |= checked[1] == 1;
        });
        return found[0];
    }

    /** The simulated hardware. */
    public Machine machine() {
        return machine;
    }

    /** The hypervisor core (interrupts and exceptions arrive through it). */
    public Hypervisor hypervisor() {
        return hypervisor;
    }

    /** The guest's only vCPU. */
    public VirtualCpu cpu() {
        return cpu;
    }

    /** The view the guest runs on. */
    public ViewId view() {
        return view;
    }

    /** The guest's DMA-capable device. */
    public DeviceId device() {
        return device;
    }

    /** Runs one action and returns what the guest's low code sees; never throws on guest input inside the window. */
    public List<InterruptsObservation> apply(InterruptsAction action) {
        long pc = GuestLayout.address(cpu.instructionPointer());
        boolean lowCodeRuns = module.handlerRuns() || !CodeLayout.inSequence(pc);
        if (action instanceof InterruptsAction.Execute) {
            return module.handlerRuns() ? List.of() : withDelivered(executor.step());
        } else if (action instanceof InterruptsAction.SetPagePresent p) {
            long page = GuestLayout.page(p.address()).number();
            if (p.present()) {
                data.mapBack(page);
            } else {
                data.unmap(page);
            }
            return List.of();
        } else if (action instanceof InterruptsAction.Arrive a) {
            VCpu id = cpu.id();
            List<InterruptsObservation> seen = new ArrayList<>();
            module.injecting();
            List<Observation> refused = a.cause() == ArrivalCause.INTERRUPT
                    ? hypervisor.interrupt(id, a.vector())
                    : hypervisor.exception(id, a.vector());
            if (!refused.isEmpty()) {
                throw new IllegalStateException("the hypervisor refused an event on its own vCPU: " + refused);
            }
            seen.addAll(module.drainDelivered());
            return seen;
        } else if (action instanceof InterruptsAction.DmaRead d) {
            return List.of(dmaRead(d.address()));
        } else if (action instanceof InterruptsAction.Return) {
            return module.returnFromHandler(cpu)
                    ? List.of()
                    : List.of(new InterruptsObservation.Fault(FaultKind.RETURN_WITHOUT_HANDLER, pc));
        }
        if (!lowCodeRuns) {
            // Only the sequence runs: no code of the low observer exists to act.
            return List.of();
        }
        if (action instanceof InterruptsAction.SetRegister s) {
            Registers.set(cpu, s.reg(), s.value());
            return List.of();
        } else if (action instanceof InterruptsAction.JumpTo j) {
            if (module.handlerRuns()) {
                module.rewriteReturnAddress(j.target());
            } else if (!module.admitsTransferTo(j.target())) {
                return List.of(new InterruptsObservation.Fault(FaultKind.NOT_SEQUENCE_ENTRY, j.target()));
            } else {
                cpu.setInstructionPointer(GuestLayout.slot(j.target()));
            }
            return List.of();
        } else if (action instanceof InterruptsAction.JumpToByte jb) {
            return jumpToByte(jb.virtualAddress());
        } else if (action instanceof InterruptsAction.ReadMemory r) {
            DataAccess.Read read = data.read(r.address());
            return withDelivered(read.fault()
                    .<List<InterruptsObservation>>map(List::of)
                    .orElseGet(() -> List.of(new InterruptsObservation.MemoryRead(
                            r.address(), read.value().getAsLong()))));
        } else if (action instanceof InterruptsAction.WriteMemory w) {
            return withDelivered(data.write(w.address(), w.value())
                    .<List<InterruptsObservation>>map(List::of)
                    .orElse(List.of()));
        }
        throw new IllegalArgumentException("unknown action " + action);
    }

    /**
     * What the guest saw of its own fetch or access, then the virtual interrupt the module
     * delivered for the fault the machine raised on the way, if it raised one.
     */
    private List<InterruptsObservation> withDelivered(List<InterruptsObservation> seen) {
        List<InterruptsObservation> delivered = module.drainDelivered();
        if (delivered.isEmpty()) {
            return seen;
        }
        List<InterruptsObservation> out = new ArrayList<>(seen);
        out.addAll(delivered);
        return out;
    }

    /**
     * Low code's transfer to a byte: the hypervisor's entry check first (every byte of the
     * sequence but its first is refused), then the ISA's (a target must start a slot); a handler
     * rewrites its return address with it.
     */
    private List<InterruptsObservation> jumpToByte(long va) {
        if (!module.handlerRuns() && !module.admitsTransferToByte(va)) {
            return List.of(new InterruptsObservation.Fault(FaultKind.NOT_SEQUENCE_ENTRY, va));
        }
        if (Math.floorMod(va, GuestLayout.SLOT_SIZE) != 0) {
            return List.of(new InterruptsObservation.Fault(FaultKind.MISALIGNED_TRANSFER, va));
        }
        long target = GuestLayout.address(va);
        if (module.handlerRuns()) {
            module.rewriteReturnAddress(target);
        } else {
            cpu.setInstructionPointer(GuestLayout.slot(target));
        }
        return List.of();
    }

    /**
     * The device reads the slot of {@code address} by DMA, after its driver had the hypervisor pin
     * the page: the data word and the instruction the slot's bytes encode, or the IOMMU's refusal.
     */
    private InterruptsObservation dmaRead(long address) {
        GuestPhysicalPage page = GuestLayout.page(address);
        pinForDevice(page);
        DmaResult read = machine.dmaRead(device, GuestLayout.slot(address), (int) GuestLayout.SLOT_SIZE);
        if (!read.whole()) {
            return new InterruptsObservation.Fault(FaultKind.DMA_REFUSED, address);
        }
        byte[] bytes = read.data();
        long word = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        Instruction insn = bytes[(int) GuestLayout.INSTRUCTION_OFFSET] == 0
                ? null
                : InstructionCodec.decode(bytes, (int) GuestLayout.INSTRUCTION_OFFSET);
        return new InterruptsObservation.DeviceRead(address, word, Optional.ofNullable(insn));
    }

    /** Whether the frame, as of write stamp {@code stamp}, holds {@code word} at an aligned offset. */
    private boolean holdsWord(long frame, long stamp, long word) {
        if (stamp == 0) {
            return word == 0;
        }
        ByteBuffer b = ByteBuffer.wrap(machine.memory().frameContents(frame)).order(ByteOrder.LITTLE_ENDIAN);
        for (int at = 0; at < b.capacity(); at += 8) {
            if (b.getLong(at) == word) {
                return true;
            }
        }
        return false;
    }

    /**
     * What guest code outside the sequence and its handlers can read of the vCPU, for INT-1 on
     * the machine: while such code runs, all sixteen general registers, the flags and the
     * instruction pointer, then the interrupt frames' return addresses; while the guest executes
     * inside the sequence only the frames.
     */
    public List<Long> lowRegisters() {
        boolean lowCodeRuns =
                module.handlerRuns() || !CodeLayout.inSequence(GuestLayout.address(cpu.instructionPointer()));
        List<Long> out = new ArrayList<>(VirtualCpu.GENERAL_REGISTERS + 4);
        if (lowCodeRuns) {
            for (int r = 0; r < VirtualCpu.GENERAL_REGISTERS; r++) {
                out.add(cpu.register(r));
            }
            out.add(cpu.flags());
            out.add(cpu.instructionPointer());
        }
        out.add((long) module.frames().size());
        out.addAll(module.frames());
        return out;
    }

    /**
     * Every guest page the nested page table lets the guest read, in order, with its frame's
     * bytes and write stamp (an unchanged stamp means unchanged bytes): INT-1's readable memory on
     * the machine. The leaves are walked again only when the table's version moved, a frame's
     * bytes copied again only when its stamp moved.
     */
    public List<ReadablePage> readablePages() {
        NestedPageTable npt = machine.view(view).orElseThrow();
        if (npt.version() != readableVersion) {
            List<long[]> found = new ArrayList<>();
            npt.forEachLeaf((page, leaf) -> {
                if (leaf.permissions().read()) {
                    found.add(new long[] {page.number(), leaf.hostFrame()});
                }
            });
            readableFrames = found;
            readableVersion = npt.version();
        }
        List<ReadablePage> out = new ArrayList<>(readableFrames.size());
        for (long[] pf : readableFrames) {
            long stamp = machine.memory().lastWrite(pf[1]);
            ReadablePage kept = frameBytes.get(pf[1]);
            if (kept == null || kept.stamp() != stamp || kept.page() != pf[0]) {
                kept = new ReadablePage(pf[0], stamp, machine.memory().frameContents(pf[1]));
                frameBytes.put(pf[1], kept);
            }
            out.add(kept);
        }
        return out;
    }

    /** One readable guest page: its number, its frame's write stamp, and the bytes at that stamp (not to be modified). */
    public record ReadablePage(long page, long stamp, byte[] bytes) {}

    /** The abstraction function: this machine read as the model's state ({@link InterruptsAbstraction}). */
    public InterruptsState abstractState() {
        return InterruptsAbstraction.abstractState(this);
    }

    /** The interrupt security module (its interrupt frames are the model's return stack). */
    InterruptSecurityModule module() {
        return module;
    }

    /** The hypervisor's record of the secret, the erasure constant and the answered hypercalls. */
    SequenceAuthenticator authenticator() {
        return authenticator;
    }

    /** The guest's data accesses (which pages it has written). */
    DataAccess data() {
        return data;
    }

    /** The abstraction function's incremental record of the backed guest pages. */
    InterruptsAbstraction.BackedPages backedPages() {
        return backedPages;
    }

    /** The machine pages holding code, in order. */
    List<Long> codePages() {
        return codePages;
    }

    private void store(long address, byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long gpa = GuestLayout.slot(address) + GuestLayout.INSTRUCTION_OFFSET;
        for (int i = 0; i < bytes.length; i += 8) {
            require(hypervisor.storeGuestPhysicalLong(view, gpa + i, b.getLong(i)), "load code", address);
        }
    }

    private static void require(boolean ok, String what, long where) {
        if (!ok) {
            throw new IllegalStateException("boot failed: " + what + " at 0x" + Long.toHexString(where));
        }
    }
}
