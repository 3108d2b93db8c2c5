package org.hvproof.impl.interrupts;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
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
 * machine (one vCPU), the hypervisor, the guest OS (identity page tables, data paged in on demand)
 * and the mechanism, driven by the model's actions. {@link #apply} is the implementation's
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
    /** The guest's dimensions: one vCPU, 2^36 guest-physical pages (lazily backed), the page-table pool above the window. */
    public static final MachineShape SHAPE = new MachineShape(
            1, GuestLayout.GUEST_PHYSICAL_PAGES, GuestLayout.PAGE_TABLE_POOL_FIRST, GuestLayout.PAGE_TABLE_POOL_PAGES);

    private static final PagePermissions CODE_MAPPING = new PagePermissions(true, false, true);

    private final Machine machine;
    private final Hypervisor hypervisor;
    private final GuestOs guestOs;
    private final VirtualCpu cpu;
    private final SequenceAuthenticator authenticator;
    private final InterruptSecurityModule module;
    private final DataAccess data;
    private final InstructionExecutor executor;
    private final List<Long> codePages;
    private final InterruptsAbstraction.BackedPages backedPages = new InterruptsAbstraction.BackedPages();

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
        this.authenticator = new SequenceAuthenticator(secret, erasure);
        this.machine = new Machine(SHAPE);
        this.hypervisor = new Hypervisor(machine);
        this.guestOs = new GuestOs(hypervisor, ViewId.DEFAULT, SHAPE.pageTablePoolFirst(), SHAPE.pageTablePoolPages());
        this.cpu = machine.vcpus().get(0);
        long cr3 = guestOs.newAddressSpace().orElseThrow();
        cpu.setCr3(cr3);
        this.module = new InterruptSecurityModule(authenticator, flaw);
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
        }
        code.forEach((address, insn) -> {
            boolean embedsSecret = address == CodeLayout.SEQUENCE_START;
            store(address, InstructionCodec.encode(embedsSecret ? new Instruction.MovImm(Reg.R1, 0) : insn));
        });
        // The hypervisor: the secret into the move's immediate, then the region execute-only.
        require(
                hypervisor.storeGuestPhysicalLong(
                        ViewId.DEFAULT,
                        GuestLayout.slot(CodeLayout.SEQUENCE_START) + GuestLayout.INSTRUCTION_OFFSET + 8,
                        secret),
                "embed secret",
                0);
        NestedPageTable npt = machine.defaultView();
        NestedPermissions rights =
                flaw == InterruptsImplFlaw.CODE_PAGE_READABLE ? NestedPermissions.RX : NestedPermissions.EXECUTE_ONLY;
        for (long p = xoFirst; p < xoFirst + GuestLayout.PAGES_PER_MODEL_PAGE; p++) {
            GuestPhysicalPage page = new GuestPhysicalPage(p);
            require(hypervisor.populate(ViewId.DEFAULT, page) && npt.setPermissions(page, rights), "protect", p);
        }
        this.codePages = code.keySet().stream()
                .map(a -> GuestLayout.page(a).number())
                .distinct()
                .sorted()
                .toList();
        cpu.setInstructionPointer(GuestLayout.slot(CodeLayout.ORDINARY_CODE));
    }

    /** The simulated hardware. */
    public Machine machine() {
        return machine;
    }

    /** The hypervisor core (interrupts and exceptions arrive through it). */
    public Hypervisor hypervisor() {
        return hypervisor;
    }

    /** The only vCPU. */
    public VirtualCpu cpu() {
        return cpu;
    }

    /** Runs one action and returns what the guest's low code sees; never throws on guest input inside the window. */
    public List<InterruptsObservation> apply(InterruptsAction action) {
        long pc = GuestLayout.address(cpu.instructionPointer());
        boolean lowCodeRuns = module.handlerRuns() || !CodeLayout.inSequence(pc);
        if (action instanceof InterruptsAction.Execute) {
            return module.handlerRuns() ? List.of() : executor.step();
        } else if (action instanceof InterruptsAction.Arrive a) {
            VCpu id = cpu.id();
            List<InterruptsObservation> seen = new ArrayList<>();
            List<Observation> refused = a.cause() == ArrivalCause.INTERRUPT
                    ? hypervisor.interrupt(id, a.vector())
                    : hypervisor.exception(id, a.vector());
            if (!refused.isEmpty()) {
                throw new IllegalStateException("the hypervisor refused an event on its own vCPU: " + refused);
            }
            seen.addAll(module.drainDelivered());
            return seen;
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
        } else if (action instanceof InterruptsAction.ReadMemory r) {
            DataAccess.Read read = data.read(r.address());
            return read.fault()
                    .<List<InterruptsObservation>>map(List::of)
                    .orElseGet(() -> List.of(new InterruptsObservation.MemoryRead(
                            r.address(), read.value().getAsLong())));
        } else if (action instanceof InterruptsAction.WriteMemory w) {
            return data.write(w.address(), w.value())
                    .<List<InterruptsObservation>>map(List::of)
                    .orElse(List.of());
        }
        throw new IllegalArgumentException("unknown action " + action);
    }

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
            require(hypervisor.storeGuestPhysicalLong(ViewId.DEFAULT, gpa + i, b.getLong(i)), "load code", address);
        }
    }

    private static void require(boolean ok, String what, long where) {
        if (!ok) {
            throw new IllegalStateException("boot failed: " + what + " at 0x" + Long.toHexString(where));
        }
    }
}
