package org.hvproof.impl.machine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hvproof.model.common.AccessKind;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.MachineShape;
import org.hvproof.model.common.VCpu;

/**
 * The hardware: host memory, the vCPUs, and a nested page table per view. It translates one
 * page's part of an access the way the MMU does (guest walk, each table read translated by the
 * vCPU's nested table, then the final address) and stops at the first fault or exit; handling
 * exits is the {@link Hypervisor}'s job.
 */
public final class Machine {
    /** Host frames available by default: far more than any test touches, none of it stored until written. */
    public static final long DEFAULT_HOST_FRAMES = 1L << 40;

    private final MachineShape shape;
    private final HostMemory memory;
    private final List<VirtualCpu> vcpus;
    private final Map<ViewId, NestedPageTable> views = new LinkedHashMap<>();
    private final Iommu iommu;
    private final List<Tlb> tlbs;
    private boolean translationCaching = true;
    private boolean guestAccessedDirty = true;
    private boolean nestedAccessedDirty;

    /** A machine of {@code shape} with {@code hostFrames} frames of host memory and an empty default view. */
    public Machine(MachineShape shape, long hostFrames) {
        this.shape = shape;
        this.memory = new HostMemory(hostFrames);
        this.iommu = new Iommu(memory);
        List<VirtualCpu> cpus = new ArrayList<>();
        for (int i = 0; i < shape.vcpuCount(); i++) {
            cpus.add(new VirtualCpu(new VCpu(i)));
        }
        this.vcpus = Collections.unmodifiableList(cpus);
        List<Tlb> caches = new ArrayList<>();
        cpus.forEach(c -> caches.add(new Tlb()));
        this.tlbs = Collections.unmodifiableList(caches);
        if (addView(ViewId.DEFAULT).isEmpty()) {
            throw new IllegalArgumentException("host memory too small for the default nested page table");
        }
    }

    /** A machine of {@code shape} with {@link #DEFAULT_HOST_FRAMES} of host memory. */
    public Machine(MachineShape shape) {
        this(shape, DEFAULT_HOST_FRAMES);
    }

    /** The guest's dimensions. */
    public MachineShape shape() {
        return shape;
    }

    /** Host-physical memory. */
    public HostMemory memory() {
        return memory;
    }

    /**
     * Switches the vCPUs' translation caches on (the default) or off (every access walks the
     * tables, as a reference for tests and benchmarks). Switching drops every cached entry.
     */
    public void setTranslationCaching(boolean on) {
        translationCaching = on;
        tlbs.forEach(Tlb::invalidateAll);
    }

    /**
     * Whether successful guest walks set the accessed bit in every guest entry they use and writes
     * the dirty bit in the leaf (on by default, as the processor always does). Off, the guest's
     * tables are only read, as before accessed/dirty bits were modelled.
     */
    public void setGuestAccessedDirty(boolean on) {
        guestAccessedDirty = on;
        tlbs.forEach(Tlb::invalidateAll);
    }

    /**
     * Whether the nested walks of every view, present and future, set accessed bits in the nested
     * entries they use and dirty bits in the leaves written (EPTP bit 6); off by default.
     */
    public void setNestedAccessedDirty(boolean on) {
        nestedAccessedDirty = on;
        views.values().forEach(t -> t.setAccessedDirty(on));
    }

    /** Whether nested walks set accessed and dirty bits. */
    public boolean nestedAccessedDirty() {
        return nestedAccessedDirty;
    }

    /** Whether guest walks set accessed and dirty bits. */
    public boolean guestAccessedDirty() {
        return guestAccessedDirty;
    }

    /** Whether accesses go through the vCPUs' translation caches. */
    public boolean translationCaching() {
        return translationCaching;
    }

    /** The translation cache of {@code cpu}. */
    public Tlb tlb(VirtualCpu cpu) {
        return tlbs.get(cpu.id().id());
    }

    /** The guest's INVLPG on {@code cpu}: drops that page's cached translations on this vCPU only. */
    public void invlpg(VirtualCpu cpu, long va) {
        tlb(cpu).invalidatePage(va);
    }

    /** The guest's MOV CR3 on {@code cpu}: a new address space, and this vCPU's entries of its view dropped. */
    public void movCr3(VirtualCpu cpu, long cr3) {
        cpu.setCr3(cr3);
        tlb(cpu).invalidateView(cpu.view());
    }

    /**
     * The hypervisor's invalidation of every translation derived from {@code view}'s nested table
     * on every vCPU (an INVEPT single-context on each, after an IPI: a shootdown). Any change that
     * narrows a view's rights takes effect on a vCPU only once this (or {@link #invalidateView(VirtualCpu, ViewId)}
     * on that vCPU) has run.
     */
    public void shootDown(ViewId view) {
        tlbs.forEach(t -> t.invalidateView(view));
    }

    /** The hypervisor's invalidation of {@code view}'s translations on one vCPU only (no IPI). */
    public void invalidateView(VirtualCpu cpu, ViewId view) {
        tlb(cpu).invalidateView(view);
    }

    /** The IOMMU every device's DMA goes through. */
    public Iommu iommu() {
        return iommu;
    }

    /**
     * A device's DMA write of {@code data} at {@code busAddress}, piece by bus page through the
     * IOMMU (see {@link DmaResult}). Nothing is thrown for any device or address: a refusal is a
     * fault in the result and in the IOMMU's log.
     */
    public DmaResult dmaWrite(DeviceId device, long busAddress, byte[] data) {
        return dma(device, busAddress, data, data.length, AccessKind.WRITE);
    }

    /** A device's DMA read of {@code length} bytes at {@code busAddress}, as {@link #dmaWrite} splits it. */
    public DmaResult dmaRead(DeviceId device, long busAddress, int length) {
        if (length < 0) {
            throw new IllegalArgumentException("a DMA read of " + length + " bytes");
        }
        return dma(device, busAddress, new byte[length], length, AccessKind.READ);
    }

    private DmaResult dma(DeviceId device, long busAddress, byte[] buffer, int length, AccessKind access) {
        int done = 0;
        while (done < length) {
            long at = busAddress + done;
            int piece = (int) Math.min(length - done, HostMemory.FRAME_SIZE - (at & 0xfff));
            DmaTranslation t = iommu.translate(device, at, access);
            if (t instanceof DmaTranslation.Refused refused) {
                return new DmaResult(
                        done,
                        access == AccessKind.READ ? Arrays.copyOf(buffer, done) : new byte[0],
                        Optional.of(refused.fault()));
            }
            long hpa = ((DmaTranslation.Translated) t).hostPhysicalAddress();
            if (access == AccessKind.WRITE) {
                memory.write(hpa, buffer, done, piece);
            } else {
                memory.read(hpa, buffer, done, piece);
            }
            done += piece;
        }
        return new DmaResult(done, access == AccessKind.READ ? buffer : new byte[0], Optional.empty());
    }

    /** Every vCPU, by id. */
    public List<VirtualCpu> vcpus() {
        return vcpus;
    }

    /** The vCPU with that id, if the machine has it. */
    public Optional<VirtualCpu> vcpu(VCpu id) {
        return id.id() < vcpus.size() ? Optional.of(vcpus.get(id.id())) : Optional.empty();
    }

    /** The nested page table of a view, if it exists. */
    public Optional<NestedPageTable> view(ViewId id) {
        return Optional.ofNullable(views.get(id));
    }

    /** Every view's id, in the order the views were created (the default view first). */
    public List<ViewId> viewIds() {
        return List.copyOf(views.keySet());
    }

    /** The default view's nested page table. */
    public NestedPageTable defaultView() {
        return views.get(ViewId.DEFAULT);
    }

    /** Creates an empty nested page table for a new view; the existing one if it exists; empty if host memory is full. */
    public Optional<NestedPageTable> addView(ViewId id) {
        if (views.containsKey(id)) {
            return Optional.of(views.get(id));
        }
        Optional<NestedPageTable> table = NestedPageTable.create(memory, id);
        table.ifPresent(t -> {
            t.setAccessedDirty(nestedAccessedDirty);
            views.put(id, t);
        });
        return table;
    }

    /**
     * Translates the part of an access that starts at {@code va} (canonical) as the MMU would for
     * {@code cpu}: guest walk with its table reads through the vCPU's view, then the final address.
     */
    public HardwareTranslation translate(VirtualCpu cpu, long va, AccessKind access) {
        return translate(cpu, va, access, hpa -> {});
    }

    /**
     * {@link #translate(VirtualCpu, long, AccessKind)}, telling {@code tableReads} the
     * host-physical address of every table entry the walk reads, so a caller can see which host
     * frames an access touched.
     */
    public HardwareTranslation translate(
            VirtualCpu cpu, long va, AccessKind access, java.util.function.LongConsumer tableReads) {
        NestedPageTable npt = views.get(cpu.view());
        Tlb tlb = translationCaching ? tlbs.get(cpu.id().id()) : null;
        long root = GuestPageTableEntry.address(cpu.cr3());
        if (tlb != null && npt != null) {
            Tlb.Entry hit = tlb.lookup(cpu.view(), root, va, access, cpu.privilege());
            if (hit != null) {
                return new HardwareTranslation.Translated(hit.guestPhysicalAddress(va), hit.hostPhysicalAddress(va));
            }
        }
        if (npt == null) {
            // A vCPU on a view with no table behaves as if nothing were mapped.
            return new HardwareTranslation.Exit(new NestedExit(
                    GuestPageTableEntry.address(cpu.cr3()), AccessKind.READ, NestedViolationCause.NOT_PRESENT, true));
        }
        GuestWalk walk =
                GuestPageWalker.walk(cpu.cr3(), va, access, cpu.privilege(), new GuestPageWalker.EntryReader() {
                    @Override
                    public GuestPageWalker.EntryRead read(long gpa) {
                        NestedWalk n = npt.translate(gpa, AccessKind.READ);
                        if (n instanceof NestedWalk.Violation v) {
                            return new GuestPageWalker.EntryRead.Blocked(
                                    new NestedExit(gpa, AccessKind.READ, v.cause(), true));
                        }
                        long hpa = ((NestedWalk.Translated) n).hostPhysicalAddress();
                        tableReads.accept(hpa);
                        return new GuestPageWalker.EntryRead.Value(memory.readLong(hpa));
                    }

                    @Override
                    public Optional<NestedExit> setBits(long gpa, long bits) {
                        // The processor's accessed/dirty update of a guest entry: with nested A/D flags
                        // off it is a read for the nested rights, so no exit, only the bits; with them on
                        // it is a write (SDM 29.3.3.2): it needs the nested write right and sets the
                        // table page's nested accessed and dirty bits. A table page whose nested entry
                        // lacks write refuses it: an EPT violation on the guest paging structure, a
                        // write during the walk naming the bits (an A/D update, as the exit
                        // qualification says), and the bits stay unset until the hypervisor sets them.
                        if (!guestAccessedDirty) {
                            return Optional.empty();
                        }
                        AccessKind update = npt.accessedDirty() ? AccessKind.WRITE : AccessKind.READ;
                        NestedWalk n = npt.translate(gpa, update);
                        if (n instanceof NestedWalk.Violation v) {
                            return Optional.of(new NestedExit(gpa, update, v.cause(), true, bits));
                        }
                        long hpa = ((NestedWalk.Translated) n).hostPhysicalAddress();
                        memory.writeLong(hpa, memory.readLong(hpa) | bits);
                        return Optional.empty();
                    }
                });
        if (walk instanceof GuestWalk.Faulted f) {
            return new HardwareTranslation.GuestFault(f.cause());
        }
        if (walk instanceof GuestWalk.Blocked b) {
            return new HardwareTranslation.Exit(b.exit());
        }
        long gpa = ((GuestWalk.Translated) walk).guestPhysicalAddress();
        NestedWalk n = npt.translate(gpa, access);
        if (n instanceof NestedWalk.Violation v) {
            return new HardwareTranslation.Exit(new NestedExit(gpa, access, v.cause(), false));
        }
        long hpa = ((NestedWalk.Translated) n).hostPhysicalAddress();
        if (tlb != null) {
            GuestWalk.Translated guest = (GuestWalk.Translated) walk;
            // The cached translation covers the smaller of the two pages, as a combined TLB entry does.
            int shift = Math.min(guest.sizeShift(), ((NestedWalk.Translated) n).sizeShift());
            long mask = (1L << shift) - 1;
            boolean dirty = !guestAccessedDirty || access == AccessKind.WRITE;
            npt.effectiveRights(gpa)
                    .ifPresent(rights -> tlb.fill(
                            cpu.view(),
                            root,
                            va,
                            new Tlb.Entry(
                                    (gpa & ~mask) >>> 12, (hpa & ~mask) >>> 12, guest.rights(), rights, shift, dirty)));
        }
        return new HardwareTranslation.Translated(gpa, hpa);
    }

    /** The 8-byte value at an aligned guest-physical address as {@code view} maps it; 0 where nothing is backed. */
    public long peekGuestPhysicalLong(ViewId view, long gpa) {
        Optional<NestedEntry> leaf = leaf(view, gpa);
        return leaf.map(e -> memory.readLong((e.hostFrame() << 12) | (gpa & 0xff8)))
                .orElse(0L);
    }

    /** The contents of a guest-physical page as {@code view} maps it; zeros where nothing is backed. */
    public byte[] peekGuestPage(ViewId view, GuestPhysicalPage page) {
        Optional<NestedEntry> leaf = leaf(view, page.base());
        return leaf.map(e -> memory.frameContents(e.hostFrame())).orElseGet(() -> new byte[HostMemory.FRAME_SIZE]);
    }

    private Optional<NestedEntry> leaf(ViewId view, long gpa) {
        NestedPageTable npt = views.get(view);
        if (npt == null || gpa < 0 || gpa >= GuestPhysicalPage.LIMIT << 12) {
            return Optional.empty();
        }
        return npt.leaf(GuestPhysicalPage.containing(gpa));
    }
}
