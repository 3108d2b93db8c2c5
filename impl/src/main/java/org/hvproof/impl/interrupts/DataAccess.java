package org.hvproof.impl.interrupts;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import org.hvproof.impl.machine.GuestOs;
import org.hvproof.impl.machine.GuestPageTableEntry;
import org.hvproof.impl.machine.Hypervisor;
import org.hvproof.model.common.AccessKind;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.Completed;
import org.hvproof.model.common.ErrorCode;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.NptViolation;
import org.hvproof.model.common.Observation;
import org.hvproof.model.common.PageFault;
import org.hvproof.model.common.PageFaultCause;
import org.hvproof.model.common.PagePermissions;
import org.hvproof.model.common.VCpu;
import org.hvproof.model.common.ValueRead;
import org.hvproof.model.interrupts.InterruptsObservation;

/**
 * Reads and writes of a model address's data word, as guest code does them: an 8-byte access at
 * the slot, through the guest page tables and the nested page table. The guest OS maps a data
 * page (identity, kernel read-write, no-execute) before the program first touches it, as a kernel
 * populating a mapping eagerly does, so no page fault of its own reaches the program; a page the
 * guest OS has unmapped ({@link #unmap}) stays unmapped until it maps it back, and an access there
 * is a page fault. Every fault the machine raises reaches the interrupt security module as an
 * exception on the hypervisor's one path; the program sees the fault.
 */
final class DataAccess {
    private final Hypervisor hypervisor;
    private final GuestOs guestOs;
    private final long cr3;
    private final VCpu vcpu;
    private final TreeSet<Long> dataPages = new TreeSet<>();
    private final Map<Long, PagePermissions> bootPages = new HashMap<>();
    private final TreeSet<Long> unmapped = new TreeSet<>();

    DataAccess(Hypervisor hypervisor, GuestOs guestOs, long cr3, VCpu vcpu) {
        this.hypervisor = hypervisor;
        this.guestOs = guestOs;
        this.cr3 = cr3;
        this.vcpu = vcpu;
    }

    /** Records a page the loader mapped at boot with {@code rights} (code): never mapped again as data. */
    void mappedAtBoot(long page, PagePermissions rights) {
        bootPages.put(page, rights);
    }

    /**
     * The guest OS unmaps guest page {@code page} from its page tables and shoots the translation
     * down on every vCPU ({@link GuestOs#unmap}); until {@link #mapBack} every access faults.
     */
    void unmap(long page) {
        unmapped.add(page);
        if (mapped(page)) {
            require(guestOs.unmap(cr3, page << 12), page);
        }
    }

    /** The guest OS maps {@code page} back as it was (code, or data if it was paged in), or leaves it to the first touch. */
    void mapBack(long page) {
        if (!unmapped.remove(page)) {
            return;
        }
        PagePermissions rights = bootPages.containsKey(page)
                ? bootPages.get(page)
                : dataPages.contains(page) ? PagePermissions.KERNEL_DATA : null;
        if (rights != null) {
            require(guestOs.map(cr3, page << 12, new GuestPhysicalPage(page), rights), page);
        }
    }

    /**
     * The pages the guest OS unmapped whose leaf in its page tables is indeed not present, read
     * off the tables: the abstraction's absent pages.
     */
    Set<Long> absentPages() {
        if (unmapped.isEmpty()) {
            return Set.of();
        }
        Set<Long> out = new TreeSet<>();
        for (long page : unmapped) {
            OptionalLong entry = guestOs.entryAddress(cr3, page << 12, 1);
            if (entry.isEmpty() || !GuestPageTableEntry.isPresent(guestOs.readEntry(entry.getAsLong()))) {
                out.add(page);
            }
        }
        return out;
    }

    /** The outcome of a read: the value, or the fault the program sees. */
    record Read(OptionalLong value, Optional<InterruptsObservation.Fault> fault) {}

    /** Reads the data word of {@code address}. */
    Read read(long address) {
        long va = GuestLayout.slot(address);
        populate(va);
        List<Observation> seen = hypervisor.read(vcpu, va, 8);
        if (seen.size() == 1 && seen.get(0) instanceof ValueRead v) {
            return new Read(
                    OptionalLong.of(ByteBuffer.wrap(v.bytes().toArray())
                            .order(ByteOrder.LITTLE_ENDIAN)
                            .getLong()),
                    Optional.empty());
        }
        return new Read(OptionalLong.empty(), Optional.of(fault(seen, address, AccessKind.READ)));
    }

    /** Writes the data word of {@code address}; the fault the program sees, if any. */
    Optional<InterruptsObservation.Fault> write(long address, long value) {
        long va = GuestLayout.slot(address);
        Bytes bytes = Bytes.of(ByteBuffer.allocate(8)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(0, value)
                .array());
        populate(va);
        List<Observation> seen = hypervisor.write(vcpu, va, bytes);
        if (seen.stream().anyMatch(o -> o instanceof Completed)) {
            return Optional.empty();
        }
        return Optional.of(fault(seen, address, AccessKind.WRITE));
    }

    /** Guest-physical pages the guest OS paged in as data, in order. */
    List<Long> dataPages() {
        return List.copyOf(dataPages);
    }

    /** The guest OS maps the data page of {@code va} before its first touch, unless it is mapped or was unmapped. */
    private void populate(long va) {
        long page = va >>> 12;
        if (mapped(page) || unmapped.contains(page)) {
            return;
        }
        require(guestOs.map(cr3, va, new GuestPhysicalPage(page), PagePermissions.KERNEL_DATA), page);
        dataPages.add(page);
    }

    private boolean mapped(long page) {
        return bootPages.containsKey(page) || dataPages.contains(page);
    }

    private static void require(ErrorCode done, long page) {
        if (done != ErrorCode.OK) {
            throw new IllegalStateException(
                    "the guest OS could not change its mapping of page 0x" + Long.toHexString(page) + ": " + done);
        }
    }

    private static InterruptsObservation.Fault fault(List<Observation> seen, long address, AccessKind access) {
        if (seen.size() == 1 && seen.get(0) instanceof PageFault pf && pf.cause() == PageFaultCause.NOT_PRESENT) {
            return new InterruptsObservation.Fault(InterruptsObservation.FaultKind.PAGE_NOT_PRESENT, address);
        }
        if (seen.size() == 1
                && seen.get(0) instanceof NptViolation v
                && GuestLayout.inExecuteOnlyRegion(v.guestPhysicalAddress() >>> 12)) {
            return new InterruptsObservation.Fault(
                    access == AccessKind.READ
                            ? InterruptsObservation.FaultKind.READ_EXECUTE_ONLY
                            : InterruptsObservation.FaultKind.WRITE_EXECUTE_ONLY,
                    address);
        }
        // Inside the window every other page is pageable RAM; anything else is a set-up bug.
        throw new IllegalStateException(
                "unexpected outcome of a " + access + " of address 0x" + Long.toHexString(address) + ": " + seen);
    }
}
