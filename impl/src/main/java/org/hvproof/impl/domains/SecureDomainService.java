package org.hvproof.impl.domains;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.hvproof.impl.machine.Machine;
import org.hvproof.impl.machine.NestedPageTable;
import org.hvproof.impl.machine.NestedWalk;
import org.hvproof.impl.machine.VcpuEvent;
import org.hvproof.impl.machine.VcpuEventHandler;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.impl.machine.VirtualCpu;
import org.hvproof.model.common.AccessKind;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.domains.DomainsObservation;
import org.hvproof.model.domains.DomainsObservation.FaultKind;
import org.hvproof.model.domains.Ids.DomainId;

/**
 * The hypervisor's protection-domain service: the registry of secure domains (region, page-table
 * page, view, gate), which domain each vCPU is running, and the contexts it keeps in its own
 * memory, where no guest code can read them.
 *
 * <p>Transitions, in the order the hypervisor performs them:
 * <ul>
 * <li><b>Entry</b> (a root control transfer that the root NPT refuses at a registered gate): save
 *     the root's context (registers, instruction pointer, CR3, view); load CR3 with the domain's
 *     page-table page and the vCPU's view with the domain's secure NPT, together; restore the
 *     secure domain's own registers RBX..R15 from its saved file (RAX carries the caller's
 *     argument in); continue at the gate.</li>
 * <li><b>Exit</b> (the exit gate) and <b>interrupt or exception</b> while secure code runs: save
 *     the secure registers into the domain's file for this vCPU, clear the register file, then
 *     restore the root's saved context with RAX = 0, CR3 and view switched back together. The
 *     root's handler therefore runs on exactly the registers the root had before it called in:
 *     nothing of the secure domain reaches it. The secure registers come back on the next entry.</li>
 * <li>A transfer to any other secure address faults and changes nothing; secure code can leave
 *     only through the exit gate (a transfer out of its region faults).</li>
 * </ul>
 * Every operation returns what an observer sees and never throws on guest input.
 */
public final class SecureDomainService implements VcpuEventHandler {

    /** One secure domain as registered: its id, its view, its gate address. */
    public record SecureDomain(int id, ViewId view, long gateAddress) {
        /** The page holding its guest page table. */
        public long tablePage() {
            return DomainLayout.tablePage(id);
        }
    }

    /** A saved root context: what the root's code had when it called into a secure domain. */
    private record RootContext(long[] registers, long instructionPointer, long cr3, ViewId view) {}

    private final Machine machine;
    private final DomainLayout layout;
    private final DomainsImplFlaw flaw;
    /** The root domain's view: the default one alone, the domains' own in a composed machine. */
    private final ViewId rootView;
    /** The machine's id of the domains' vCPU 0: its vCPUs are {@code firstVcpu .. firstVcpu + vcpus - 1}. */
    private final int firstVcpu;

    private final Map<Integer, SecureDomain> domains = new LinkedHashMap<>();
    private final int[] current;
    private final RootContext[] saved;
    /** The last root context saved on any vCPU: read back only under {@link DomainsImplFlaw#ROOT_CONTEXT_IN_ONE_SAVE_AREA}. */
    private RootContext sharedSave;
    /** Per secure domain, per vCPU, the secure register file kept between visits. */
    private final Map<Integer, long[][]> secureFiles = new LinkedHashMap<>();

    private final List<DomainsObservation> events = new ArrayList<>();

    SecureDomainService(Machine machine, DomainLayout layout, DomainsImplFlaw flaw) {
        this(machine, layout, flaw, ViewId.DEFAULT, 0);
    }

    /**
     * A service whose root domain runs on {@code rootView} and whose vCPUs are the machine's
     * {@code firstVcpu ..} (in a machine shared with other services); events of any other vCPU
     * are not its business. Observations name a vCPU by its index among the domains' vCPUs.
     */
    SecureDomainService(Machine machine, DomainLayout layout, DomainsImplFlaw flaw, ViewId rootView, int firstVcpu) {
        this.machine = machine;
        this.layout = layout;
        this.flaw = flaw;
        this.rootView = rootView;
        this.firstVcpu = firstVcpu;
        this.current = new int[layout.vcpus()];
        this.saved = new RootContext[layout.vcpus()];
    }

    /** Registers secure domain {@code id} with its view and its initial register file (the same for every vCPU). */
    void register(int id, ViewId view, long[] initialRegisters) {
        domains.put(id, new SecureDomain(id, view, DomainLayout.gateAddress(id)));
        long[][] files = new long[layout.vcpus()][];
        for (int v = 0; v < files.length; v++) {
            files[v] = initialRegisters.clone();
        }
        secureFiles.put(id, files);
    }

    /** The registered secure domains, by id. */
    public Map<Integer, SecureDomain> domains() {
        return Map.copyOf(domains);
    }

    /** The domain whose code the domains' vCPU {@code vcpu} runs: 0 for the root domain. */
    public int currentDomain(int vcpu) {
        return current[vcpu];
    }

    /** The root's CR3 saved at gate entry, while the vCPU runs secure code. */
    public OptionalLong savedRootCr3(int vcpu) {
        return saved[vcpu] == null ? OptionalLong.empty() : OptionalLong.of(saved[vcpu].cr3());
    }

    /** The domain whose view {@code view} is: 0 for the root's view, -1 if none. */
    public int domainOfView(ViewId view) {
        if (view.equals(rootView)) {
            return 0;
        }
        return domains.values().stream()
                .filter(d -> d.view().equals(view))
                .mapToInt(SecureDomain::id)
                .findFirst()
                .orElse(-1);
    }

    /**
     * A control transfer to guest-physical address {@code target}. Allowed by the vCPU's NPT: an
     * ordinary jump. Refused by it (a nested exit): from root code, entry at a registered gate or
     * a NOT_A_GATE fault inside a secure region, and nothing the domains mechanism reports outside
     * every region; from secure code, a NOT_MAPPED fault.
     */
    List<DomainsObservation> transfer(VirtualCpu cpu, long target) {
        int v = index(cpu);
        NestedPageTable npt = machine.view(cpu.view()).orElse(null);
        boolean allowed = npt != null && npt.translate(target, AccessKind.EXECUTE) instanceof NestedWalk.Translated;
        if (allowed) {
            cpu.setInstructionPointer(target);
            return List.of();
        }
        if (current[v] != 0) {
            return List.of(fault(v, FaultKind.NOT_MAPPED));
        }
        if (flaw == DomainsImplFlaw.GATE_LOOKUP_BY_LOW_32_BITS) {
            // Flaw GATE_LOOKUP_BY_LOW_32_BITS: the registered gates looked up by the address's low 32 bits.
            for (SecureDomain d : domains.values()) {
                if ((target & 0xFFFF_FFFFL) == d.gateAddress()) {
                    return List.of(enter(cpu, d));
                }
            }
        }
        int owner = target < 0 ? -1 : layout.ownerOf(target >>> 12);
        if (owner <= 0) {
            // Not a secure address: the root's own fault, not a domain event.
            return List.of();
        }
        SecureDomain d = domains.get(owner);
        if (d == null || !gateAccepts(d, target)) {
            return List.of(fault(v, FaultKind.NOT_A_GATE));
        }
        return List.of(enter(cpu, d));
    }

    /** The exit gate: leaves secure code; from root code it faults. */
    List<DomainsObservation> exitGate(VirtualCpu cpu) {
        int v = index(cpu);
        if (current[v] == 0) {
            return List.of(fault(v, FaultKind.NOT_IN_SECURE_DOMAIN));
        }
        return List.of(leave(cpu, false));
    }

    /** A CR3 load: the root's own business; secure code's page tables are the hypervisor's to set (PD-2). */
    List<DomainsObservation> loadCr3(VirtualCpu cpu, long page) {
        int v = index(cpu);
        if (current[v] != 0) {
            return List.of(fault(v, FaultKind.NOT_IN_ROOT_DOMAIN));
        }
        if (page < 0 || page >= GuestPhysicalPage.LIMIT) {
            // Reserved bits in CR3: #GP, nothing loaded.
            return List.of(fault(v, FaultKind.NOT_MAPPED));
        }
        cpu.setCr3(new GuestPhysicalPage(page).base());
        return List.of();
    }

    /**
     * An interrupt or exception arrives: in secure code, the vCPU leaves to the root's handler
     * (registers saved and cleared first); in root code, nothing of ours changes. What it caused
     * is collected by {@link #drainEvents()}.
     */
    @Override
    public void onEvent(VirtualCpu cpu, VcpuEvent event) {
        int v = index(cpu);
        if (v >= 0 && v < current.length && current[v] != 0) {
            events.add(leave(cpu, true));
        }
    }

    /** {@code cpu}'s index among the domains' vCPUs (outside {@code [0, vcpus)} for another service's). */
    int index(VirtualCpu cpu) {
        return cpu.id().id() - firstVcpu;
    }

    /** The observations events caused since the last call. */
    List<DomainsObservation> drainEvents() {
        List<DomainsObservation> out = List.copyOf(events);
        events.clear();
        return out;
    }

    private boolean gateAccepts(SecureDomain d, long target) {
        if (target == d.gateAddress()) {
            return true;
        }
        // Flaw GATE_CHECK_ACCEPTS_NEXT_ADDRESS: an off-by-one range check.
        return flaw == DomainsImplFlaw.GATE_CHECK_ACCEPTS_NEXT_ADDRESS && target == d.gateAddress() + 1;
    }

    private DomainsObservation enter(VirtualCpu cpu, SecureDomain d) {
        int v = index(cpu);
        long[] rootRegisters = new long[VirtualCpu.GENERAL_REGISTERS];
        for (int r = 0; r < rootRegisters.length; r++) {
            rootRegisters[r] = cpu.register(r);
        }
        saved[v] = new RootContext(rootRegisters, cpu.instructionPointer(), cpu.cr3(), cpu.view());
        if (flaw == DomainsImplFlaw.ROOT_CONTEXT_IN_ONE_SAVE_AREA) {
            // Flaw ROOT_CONTEXT_IN_ONE_SAVE_AREA: one save area for the hypervisor, not one per vCPU.
            sharedSave = saved[v];
        }
        // Both pointers together (PD-2). Flaw SWITCH_ONLY_GUEST_PT_ROOT: the view stays the root's.
        cpu.setCr3(new GuestPhysicalPage(d.tablePage()).base());
        if (flaw != DomainsImplFlaw.SWITCH_ONLY_GUEST_PT_ROOT) {
            cpu.setView(d.view());
        }
        long[] file = secureFiles.get(d.id())[v];
        for (int r = 1; r < VirtualCpu.GENERAL_REGISTERS; r++) {
            cpu.setRegister(r, file[r]);
        }
        cpu.setInstructionPointer(d.gateAddress());
        current[v] = d.id();
        return new DomainsObservation.Entered(v, DomainId.ROOT, new DomainId(d.id()));
    }

    private DomainsObservation leave(VirtualCpu cpu, boolean byEvent) {
        int v = index(cpu);
        int d = current[v];
        long[] file = secureFiles.get(d)[v];
        for (int r = 0; r < VirtualCpu.GENERAL_REGISTERS; r++) {
            file[r] = cpu.register(r);
        }
        RootContext root = flaw == DomainsImplFlaw.ROOT_CONTEXT_IN_ONE_SAVE_AREA ? sharedSave : saved[v];
        boolean leak = byEvent && flaw == DomainsImplFlaw.SECURE_REGISTERS_LEAK_ON_INTERRUPT;
        if (!leak) {
            // Clear first, then load the root's context: no secure value survives the switch.
            for (int r = 0; r < VirtualCpu.GENERAL_REGISTERS; r++) {
                cpu.setRegister(r, 0);
            }
            for (int r = 1; r < VirtualCpu.GENERAL_REGISTERS; r++) {
                cpu.setRegister(r, root.registers()[r]);
            }
        }
        // Flaw SECURE_REGISTERS_LEAK_ON_INTERRUPT: only RAX is cleared on the event path.
        cpu.setRegister(0, 0);
        cpu.setCr3(root.cr3());
        if (flaw != DomainsImplFlaw.SWITCH_ONLY_GUEST_PT_ROOT) {
            cpu.setView(root.view());
        }
        cpu.setInstructionPointer(root.instructionPointer());
        saved[v] = null;
        current[v] = 0;
        return new DomainsObservation.Returned(v, new DomainId(d), byEvent, cpu.register(0));
    }

    private DomainsObservation fault(int v, FaultKind kind) {
        return new DomainsObservation.Fault(v, new DomainId(current[v]), kind);
    }

    /** For tests: a copy of the secure register file domain {@code d} keeps for vCPU {@code vcpu}. */
    public long[] secureFile(int d, int vcpu) {
        long[][] files = secureFiles.get(d);
        return files == null ? new long[0] : Arrays.copyOf(files[vcpu], files[vcpu].length);
    }
}
