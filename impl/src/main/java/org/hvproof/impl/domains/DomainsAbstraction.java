package org.hvproof.impl.domains;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
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
 *     only), the window slots and the upper-level slot 511 among them, with the slots whose entry
 *     sets the page-size bit (the model's walk reads them as large leaves, or a reserved bit at
 *     level 4, as the machine's walker does), and its data word.</li>
 * <li>A vCPU's domain comes from the service, its page-table pointer from CR3, its NPT pointer
 *     from the view in its register file, its saved pointer from the saved root context, and its
 *     one abstract register from RAX.</li>
 * </ul>
 *
 * <p>An instance reads one system again and again ({@link #read()}), incrementally but always
 * whole: every step it asks every domain's nested page table for its {@link NestedPageTable#version()}
 * and every mapped frame for its {@link HostMemory#lastWrite(long)} stamp, and reuses what it
 * derived before only where that key did not move. Both keys move on any write to the memory they
 * summarise, by whatever path (the hypervisor's API, a flaw, a test poking host memory), so a
 * reused part is always the part read afresh would give. {@link #abstractState(DomainsSystem)}
 * reads from scratch, the reference the cache is tested against.
 */
public final class DomainsAbstraction {
    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final DomainsSystem system;
    /** Per domain: the table, version and registry entry its last {@link Domain} was built from. */
    private final NestedPageTable[] tables;

    private final long[] versions;
    private final SecureDomainService.SecureDomain[] registered;
    private final Domain[] built;
    /** The frames every NPT maps, ascending, with the stamp and content last read for each. */
    private long[] frames = new long[0];

    private long[] stamps = new long[0];
    private FrameContent[] contents = new FrameContent[0];
    /** {@link HostMemory#lastWrite()} at the last read: while it stands still no stamp or NPT version moved. */
    private long seenWrite;

    private final byte[] page = new byte[HostMemory.FRAME_SIZE];
    private static final byte[] ZEROS = new byte[HostMemory.FRAME_SIZE];
    private Map<DomainId, Domain> domainMap;
    private Map<Frame, FrameContent> frameMap;

    /** A reader of {@code system} that keeps what it derived for the next read. */
    public DomainsAbstraction(DomainsSystem system) {
        this.system = system;
        int n = system.layout().secureDomains() + 1;
        this.tables = new NestedPageTable[n];
        this.versions = new long[n];
        this.registered = new SecureDomainService.SecureDomain[n];
        this.built = new Domain[n];
    }

    /** The model state {@code system} represents, read from scratch. */
    public static DomainsState abstractState(DomainsSystem system) {
        return new DomainsAbstraction(system).read();
    }

    /**
     * The model state the system represents now. Reads every domain's NPT version, registry entry
     * and every mapped frame's stamp; rebuilds a domain only when its table, version or registry
     * entry changed, a frame's content only when its stamp moved, and the state's maps only when
     * one of their values did (otherwise the previous, equal, immutable maps are shared).
     */
    public DomainsState read() {
        Machine machine = system.machine();
        HostMemory memory = machine.memory();
        SecureDomainService service = system.service();
        Map<Integer, SecureDomainService.SecureDomain> secure = service.domains();
        boolean memoryMoved = domainMap == null || memory.lastWrite() != seenWrite;
        boolean domainsMoved = domainMap == null;
        for (int d = 0; d < built.length; d++) {
            SecureDomainService.SecureDomain sd = d == 0 ? null : secure.get(d);
            ViewId view = d == 0 ? system.rootDomainView() : sd.view();
            NestedPageTable npt = machine.view(view).orElseThrow();
            boolean stale = built[d] == null || npt != tables[d] || !Objects.equals(sd, registered[d]);
            long version = stale || memoryMoved ? npt.version() : versions[d];
            if (stale || version != versions[d]) {
                built[d] = domain(d, npt, sd);
                tables[d] = npt;
                versions[d] = version;
                registered[d] = sd;
                domainsMoved = true;
            }
        }
        if (domainsMoved) {
            Map<DomainId, Domain> map = new HashMap<>();
            for (Domain domain : built) {
                map.put(domain.id(), domain);
            }
            domainMap = Map.copyOf(map);
            remapFrames();
        }
        boolean framesMoved = domainsMoved;
        if (memoryMoved || domainsMoved) {
            for (int i = 0; i < frames.length; i++) {
                long stamp = memory.lastWrite(frames[i]);
                if (contents[i] == null || stamp != stamps[i]) {
                    contents[i] = content(memory, frames[i]);
                    stamps[i] = stamp;
                    framesMoved = true;
                }
            }
        }
        seenWrite = memory.lastWrite();
        if (framesMoved) {
            Map<Frame, FrameContent> map = new HashMap<>();
            for (int i = 0; i < frames.length; i++) {
                map.put(new Frame(frames[i]), contents[i]);
            }
            frameMap = Map.copyOf(map);
        }
        List<VirtualCpu> cpus = system.vcpus();
        DomainsVCpu[] vcpus = new DomainsVCpu[cpus.size()];
        for (int i = 0; i < vcpus.length; i++) {
            vcpus[i] = vcpu(service, system.rootDomainView(), cpus.get(i), secure);
        }
        return new DomainsState(domainMap, frameMap, List.of(vcpus));
    }

    /** Domain d as its NPT (every present leaf) and registry entry say. */
    private static Domain domain(int d, NestedPageTable npt, SecureDomainService.SecureDomain sd) {
        Map<GuestPage, Frame> map = new HashMap<>();
        npt.forEachLeaf((page, leaf) -> map.put(new GuestPage(page.number()), new Frame(leaf.hostFrame())));
        Set<GuestPage> region = new HashSet<>();
        for (int k = 0; k < DomainLayout.PAGES_PER_REGION; k++) {
            region.add(new GuestPage(DomainLayout.regionFirst(d) + k));
        }
        Set<GuestPage> gates = d == 0 ? Set.of() : Set.of(new GuestPage(sd.gateAddress() >>> 12));
        DomainId id = new DomainId(d);
        return new Domain(id, region, new GuestPage(DomainLayout.tablePage(d)), map, gates);
    }

    /** Recomputes the mapped frames after a domain changed, keeping the stamp and content of frames still mapped. */
    private void remapFrames() {
        Set<Long> mapped = new TreeSet<>();
        for (Domain domain : built) {
            domain.npt().values().forEach(f -> mapped.add(f.n()));
        }
        Map<Long, Integer> old = new HashMap<>();
        for (int i = 0; i < frames.length; i++) {
            old.put(frames[i], i);
        }
        long[] nextFrames = new long[mapped.size()];
        long[] nextStamps = new long[mapped.size()];
        FrameContent[] nextContents = new FrameContent[mapped.size()];
        int i = 0;
        for (long f : mapped) {
            nextFrames[i] = f;
            Integer was = old.get(f);
            if (was != null) {
                nextStamps[i] = stamps[was];
                nextContents[i] = contents[was];
            }
            i++;
        }
        frames = nextFrames;
        stamps = nextStamps;
        contents = nextContents;
    }

    /** Every slot but the data word's, as entries where present, and the data word; the frame is copied out once. */
    private FrameContent content(HostMemory memory, long frame) {
        memory.read(frame << 12, page, 0, HostMemory.FRAME_SIZE);
        Map<VirtualPage, GuestPage> entries = new HashMap<>();
        Set<VirtualPage> large = new HashSet<>();
        for (int slot = 0; slot < 512; slot++) {
            // Jump over zero bytes in one vectorised comparison: a zero slot is never present.
            int skip = Arrays.mismatch(page, 8 * slot, HostMemory.FRAME_SIZE, ZEROS, 8 * slot, HostMemory.FRAME_SIZE);
            if (skip < 0) {
                break;
            }
            slot += skip / 8;
            if (slot == DomainLayout.VALUE_SLOT) {
                continue;
            }
            long entry = (long) LONG_LE.get(page, 8 * slot);
            if (GuestPageTableEntry.isPresent(entry)) {
                entries.put(new VirtualPage(slot), new GuestPage(GuestPageTableEntry.address(entry) >>> 12));
                if ((entry & GuestPageTableEntry.PAGE_SIZE) != 0) {
                    large.add(new VirtualPage(slot));
                }
            }
        }
        return new FrameContent(entries, (long) LONG_LE.get(page, DomainLayout.VALUE_OFFSET), large);
    }

    /** A vCPU; its NPT is the domain whose view it runs on, in the registry just read ({@code secure}). */
    private static DomainsVCpu vcpu(
            SecureDomainService service,
            ViewId rootView,
            VirtualCpu cpu,
            Map<Integer, SecureDomainService.SecureDomain> secure) {
        int v = service.index(cpu);
        int npt = -1;
        if (cpu.view().equals(rootView)) {
            npt = 0;
        } else {
            for (SecureDomainService.SecureDomain d : secure.values()) {
                if (npt < 0 && d.view().equals(cpu.view())) {
                    npt = d.id();
                }
            }
        }
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
        } else if (a instanceof DomainsSystemAction.DeviceWrite d) {
            return new DomainsAction.DeviceWrite(d.vcpu(), new GuestPage(d.page()));
        }
        DomainsSystemAction.Write w = (DomainsSystemAction.Write) a;
        Map<VirtualPage, GuestPage> entries = new HashMap<>();
        w.entries().forEach((v, g) -> entries.put(new VirtualPage(v), new GuestPage(g)));
        return new DomainsAction.Write(w.vcpu(), new VirtualPage(w.page()), entries, w.largeUpperEntry());
    }
}
