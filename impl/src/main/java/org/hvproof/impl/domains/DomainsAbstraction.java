package org.hvproof.impl.domains;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hvproof.impl.machine.GuestPageTableEntry;
import org.hvproof.impl.machine.HostMemory;
import org.hvproof.impl.machine.Machine;
import org.hvproof.impl.machine.NestedPageTable;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.impl.machine.VirtualCpu;
import org.hvproof.model.domains.Domain;
import org.hvproof.model.domains.DomainsAction;
import org.hvproof.model.domains.DomainsState;
import org.hvproof.model.domains.DomainsVCpu;
import org.hvproof.model.domains.FrameContent;
import org.hvproof.model.domains.Ids.DomainId;
import org.hvproof.model.domains.Ids.Frame;
import org.hvproof.model.domains.Ids.GuestPage;
import org.hvproof.model.domains.Ids.VirtualPage;

/**
 * The abstraction function from the machine to the model's {@link DomainsState}, read off the real
 * structures, and the model's reading of an implementation action.
 *
 * <ul>
 * <li>Each domain's NPT is read from its view's nested page table, every present leaf of it
 *     at any guest page, so a frame a flawed set-up left mapped anywhere shows up; regions,
 *     table pages and gates come from the service's registry.</li>
 * <li>A frame's content is every slot but the data word's read as entries (present ones
 *     only), the window slots and the upper-level slot 511 among them, and its data word.</li>
 * <li>A vCPU's domain comes from the service, its page-table pointer from CR3, its NPT pointer
 *     from the view in its register file, its saved pointer from the saved root context, and its
 *     one abstract register from RAX.</li>
 * </ul>
 */
public final class DomainsAbstraction {
    private DomainsAbstraction() {}

    /** The model state {@code system} represents. */
    public static DomainsState abstractState(DomainsSystem system) {
        Machine machine = system.machine();
        DomainLayout layout = system.layout();
        SecureDomainService service = system.service();
        Map<DomainId, Domain> domains = new LinkedHashMap<>();
        Set<Long> frames = new HashSet<>();
        for (int d = 0; d <= layout.secureDomains(); d++) {
            ViewId view = d == 0 ? ViewId.DEFAULT : service.domains().get(d).view();
            NestedPageTable npt = machine.view(view).orElseThrow();
            Map<GuestPage, Frame> map = new HashMap<>();
            npt.forEachLeaf((page, leaf) -> {
                map.put(new GuestPage(page.number()), new Frame(leaf.hostFrame()));
                frames.add(leaf.hostFrame());
            });
            Set<GuestPage> region = new HashSet<>();
            for (int k = 0; k < DomainLayout.PAGES_PER_REGION; k++) {
                region.add(new GuestPage(DomainLayout.regionFirst(d) + k));
            }
            Set<GuestPage> gates = d == 0
                    ? Set.of()
                    : Set.of(new GuestPage(service.domains().get(d).gateAddress() >>> 12));
            DomainId id = new DomainId(d);
            domains.put(id, new Domain(id, region, new GuestPage(DomainLayout.tablePage(d)), map, gates));
        }
        Map<Frame, FrameContent> contents = new HashMap<>();
        for (long f : frames) {
            contents.put(new Frame(f), content(machine.memory(), f));
        }
        List<DomainsVCpu> vcpus =
                machine.vcpus().stream().map(cpu -> vcpu(service, cpu)).toList();
        return new DomainsState(domains, contents, vcpus);
    }

    private static FrameContent content(HostMemory memory, long frame) {
        Map<VirtualPage, GuestPage> entries = new HashMap<>();
        long base = frame << 12;
        for (int slot = 0; slot < 512; slot++) {
            if (slot == DomainLayout.VALUE_SLOT) {
                continue;
            }
            long entry = memory.readLong(base + 8L * slot);
            if (GuestPageTableEntry.isPresent(entry)) {
                entries.put(new VirtualPage(slot), new GuestPage(GuestPageTableEntry.address(entry) >>> 12));
            }
        }
        return new FrameContent(entries, memory.readLong(base + DomainLayout.VALUE_OFFSET));
    }

    private static DomainsVCpu vcpu(SecureDomainService service, VirtualCpu cpu) {
        int v = cpu.id().id();
        int npt = service.domainOfView(cpu.view());
        if (npt < 0) {
            throw new IllegalStateException("vCPU " + v + " runs on a view no domain owns: " + cpu.view());
        }
        GuestPage saved = service.savedRootCr3(v).isPresent()
                ? new GuestPage(service.savedRootCr3(v).getAsLong() >>> 12)
                : null;
        return new DomainsVCpu(
                new DomainId(service.currentDomain(v)),
                new GuestPage(cpu.cr3() >>> 12),
                new DomainId(npt),
                saved,
                cpu.register(0));
    }

    /**
     * The model's reading of an implementation action. The model has one address per page, the
     * page's first byte, and one kind of event. So: a transfer to a page's first byte is a jump
     * to that page; a transfer to any other byte of a secure region is a jump to a non-gate
     * address of that region (its table page); any other transfer is a jump to its page. An
     * interrupt and an exception are both the model's interrupt. A window page is a virtual page.
     */
    public static DomainsAction modelAction(DomainsSystemAction a, DomainLayout layout) {
        if (a instanceof DomainsSystemAction.Transfer t) {
            long page = t.target() >> 12;
            int owner = layout.ownerOf(page);
            if ((t.target() & 0xfff) != 0 && owner > 0) {
                page = DomainLayout.tablePage(owner);
            }
            return new DomainsAction.Jump(t.vcpu(), new GuestPage(page));
        } else if (a instanceof DomainsSystemAction.ExitGate e) {
            return new DomainsAction.ExitGate(e.vcpu());
        } else if (a instanceof DomainsSystemAction.Event e) {
            return new DomainsAction.Interrupt(e.vcpu(), e.vector());
        } else if (a instanceof DomainsSystemAction.LoadCr3 l) {
            return new DomainsAction.LoadPtRoot(l.vcpu(), new GuestPage(l.page()));
        } else if (a instanceof DomainsSystemAction.SetRegister s) {
            return new DomainsAction.SetRegister(s.vcpu(), s.value());
        } else if (a instanceof DomainsSystemAction.Read r) {
            return new DomainsAction.Read(r.vcpu(), new VirtualPage(r.page()));
        }
        DomainsSystemAction.Write w = (DomainsSystemAction.Write) a;
        Map<VirtualPage, GuestPage> entries = new HashMap<>();
        w.entries().forEach((v, g) -> entries.put(new VirtualPage(v), new GuestPage(g)));
        return new DomainsAction.Write(w.vcpu(), new VirtualPage(w.page()), entries);
    }
}
