package org.hvproof.impl.machine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hvproof.model.common.AccessKind;
import org.hvproof.model.common.GuestPhysicalPage;

/**
 * The IOMMU (VT-d / AMD-Vi style): a context entry per device pointing at the device's I/O page
 * table, which translates bus addresses to host-physical ones with read and write rights; an
 * IOTLB caching those translations; and a fault log. VT-d's second-level tables share EPT's
 * format, so a device's table is a {@link NestedPageTable} stored in host frames (its execute bit
 * unused), never registered as a view a vCPU could run on.
 *
 * <p>The IOTLB is what makes invalidation matter: a DMA uses a cached translation when there is
 * one, with the rights it was cached with, exactly as hardware does; only {@link #invalidate}
 * calls drop entries. A hypervisor that write-protects a page in a device's table and does not
 * invalidate leaves the device writing through the stale entry.
 *
 * <p>Left out: interrupt remapping, PASID and first-level (nested) translation, ATS/device-side
 * TLBs, queued invalidation's asynchrony (an invalidation takes effect when the call returns),
 * large pages in I/O tables, and the fault log's finite size.
 */
public final class Iommu {
    /** I/O page tables translate 48-bit bus addresses; a request beyond is not present. */
    static final long BUS_WIDTH_LIMIT = 1L << 48;

    private final HostMemory memory;
    private final Map<DeviceId, NestedPageTable> contexts = new LinkedHashMap<>();
    private final Map<DeviceId, Map<Long, Cached>> iotlb = new HashMap<>();
    private final List<DmaFault> faults = new ArrayList<>();

    /** An IOMMU with no context entries (every device blocked) over {@code memory}. */
    public Iommu(HostMemory memory) {
        this.memory = memory;
    }

    /** A translation the IOTLB holds: the host frame and the rights cached with it. */
    private record Cached(long hostFrame, NestedPermissions rights) {}

    /**
     * Gives {@code device} a context entry and an empty I/O page table (all of its DMA refused
     * until pages are mapped). Empty, and nothing changed, when the device has a context entry
     * already (a second attach is refused: handing back the table it has would give its caller a
     * table it takes for empty, still mapping whatever the first attach mapped, and no caller
     * attaches a device twice on purpose) or when host memory is full.
     */
    public Optional<NestedPageTable> attach(DeviceId device) {
        if (contexts.containsKey(device)) {
            return Optional.empty();
        }
        Optional<NestedPageTable> fresh = NestedPageTable.create(memory, new ViewId("iommu " + device));
        fresh.ifPresent(t -> contexts.put(device, t));
        return fresh;
    }

    /** The I/O page table of {@code device}, if it has a context entry. */
    public Optional<NestedPageTable> table(DeviceId device) {
        return Optional.ofNullable(contexts.get(device));
    }

    /** Every device with a context entry, in attach order. */
    public List<DeviceId> devices() {
        return List.copyOf(contexts.keySet());
    }

    /**
     * Maps the bus page {@code page} of {@code device} to {@code hostFrame} with read and/or write
     * rights. False when the device has no context, the frame is not allocated, the rights are
     * none or host memory ran out. It does not invalidate: a caller narrowing rights must.
     */
    public boolean map(DeviceId device, GuestPhysicalPage page, long hostFrame, boolean read, boolean write) {
        NestedPageTable table = contexts.get(device);
        if (table == null || !(read || write)) {
            return false;
        }
        return table.map(page, hostFrame, new NestedPermissions(read, write, false));
    }

    /**
     * Sets the rights of a mapped bus page, keeping its frame; false when it is not mapped or the
     * rights are none. Like hardware, the IOTLB keeps what it cached until {@link #invalidate}.
     */
    public boolean setRights(DeviceId device, GuestPhysicalPage page, boolean read, boolean write) {
        NestedPageTable table = contexts.get(device);
        return table != null
                && (read || write)
                && table.setPermissions(page, new NestedPermissions(read, write, false));
    }

    /** Drops the IOTLB entry of one bus page of one device (page-selective invalidation). */
    public void invalidate(DeviceId device, GuestPhysicalPage page) {
        Map<Long, Cached> entries = iotlb.get(device);
        if (entries != null) {
            entries.remove(page.number());
        }
    }

    /** Drops every IOTLB entry of one device (domain-selective invalidation). */
    public void invalidate(DeviceId device) {
        iotlb.remove(device);
    }

    /** Drops every IOTLB entry (global invalidation). */
    public void invalidateAll() {
        iotlb.clear();
    }

    /** How many translations the IOTLB holds for {@code device}. */
    public int cachedTranslations(DeviceId device) {
        Map<Long, Cached> entries = iotlb.get(device);
        return entries == null ? 0 : entries.size();
    }

    /** The bus pages whose translation the IOTLB holds for {@code device} with the write right. */
    public java.util.Set<Long> cachedWritablePages(DeviceId device) {
        java.util.Set<Long> out = new java.util.HashSet<>();
        Map<Long, Cached> entries = iotlb.get(device);
        if (entries != null) {
            entries.forEach((page, c) -> {
                if (c.rights().write()) {
                    out.add(page);
                }
            });
        }
        return out;
    }

    /** The host frames the IOTLB holds a translation to for {@code device}, whatever the rights. */
    public java.util.Set<Long> cachedFrames(DeviceId device) {
        java.util.Set<Long> out = new java.util.HashSet<>();
        Map<Long, Cached> entries = iotlb.get(device);
        if (entries != null) {
            entries.values().forEach(c -> out.add(c.hostFrame()));
        }
        return out;
    }

    /** The host frames the IOTLB holds a translation of for {@code device} with the write right. */
    public java.util.Set<Long> cachedWritableFrames(DeviceId device) {
        java.util.Set<Long> out = new java.util.HashSet<>();
        Map<Long, Cached> entries = iotlb.get(device);
        if (entries != null) {
            entries.values().forEach(c -> {
                if (c.rights().write()) {
                    out.add(c.hostFrame());
                }
            });
        }
        return out;
    }

    /** Every refused request so far, oldest first. */
    public List<DmaFault> faults() {
        return Collections.unmodifiableList(faults);
    }

    /**
     * Translates one DMA access of {@code device} at {@code busAddress} as the IOMMU would: the
     * IOTLB's entry if it has one, else a walk of the device's table that fills the IOTLB on
     * success. A refusal is logged and returned; nothing is thrown for any address.
     */
    public DmaTranslation translate(DeviceId device, long busAddress, AccessKind access) {
        NestedPageTable table = contexts.get(device);
        if (table == null) {
            return refuse(device, busAddress, access, DmaFault.Cause.NO_CONTEXT);
        }
        long page = busAddress >>> 12;
        Map<Long, Cached> entries = iotlb.computeIfAbsent(device, d -> new HashMap<>());
        Cached hit = entries.get(page);
        if (hit == null) {
            if (busAddress < 0 || busAddress >= BUS_WIDTH_LIMIT) {
                return refuse(device, busAddress, access, DmaFault.Cause.NOT_PRESENT);
            }
            Optional<NestedEntry> leaf = table.leaf(GuestPhysicalPage.containing(busAddress));
            if (leaf.isEmpty()) {
                return refuse(device, busAddress, access, DmaFault.Cause.NOT_PRESENT);
            }
            hit = new Cached(leaf.get().hostFrame(), leaf.get().permissions());
            entries.put(page, hit);
        }
        if (!memory.isAllocated(hit.hostFrame())) {
            // A table entry written around map() can name a frame the host never handed out: no
            // memory answers there (hardware would master-abort), so the request is refused.
            return refuse(device, busAddress, access, DmaFault.Cause.NOT_PRESENT);
        }
        if (!hit.rights().allows(access)) {
            return refuse(device, busAddress, access, DmaFault.Cause.PERMISSION);
        }
        return new DmaTranslation.Translated((hit.hostFrame() << 12) | (busAddress & 0xfff));
    }

    private DmaTranslation refuse(DeviceId device, long busAddress, AccessKind access, DmaFault.Cause cause) {
        DmaFault fault = new DmaFault(device, busAddress, access, cause);
        faults.add(fault);
        return new DmaTranslation.Refused(fault);
    }
}
