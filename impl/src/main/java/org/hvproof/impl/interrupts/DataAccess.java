package org.hvproof.impl.interrupts;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeSet;
import org.hvproof.impl.machine.GuestOs;
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
 * the slot, through the guest page tables and the nested page table. The guest OS pages data in
 * on demand: a not-present fault on a page it has not mapped yet makes it map the page (identity,
 * kernel read-write, no-execute) and retry, invisibly to the program, as a demand-paging kernel
 * does. A nested violation on the execute-only region is the fault the program sees.
 */
final class DataAccess {
    private final Hypervisor hypervisor;
    private final GuestOs guestOs;
    private final long cr3;
    private final VCpu vcpu;
    private final TreeSet<Long> dataPages = new TreeSet<>();

    DataAccess(Hypervisor hypervisor, GuestOs guestOs, long cr3, VCpu vcpu) {
        this.hypervisor = hypervisor;
        this.guestOs = guestOs;
        this.cr3 = cr3;
        this.vcpu = vcpu;
    }

    /** The outcome of a read: the value, or the fault the program sees. */
    record Read(OptionalLong value, Optional<InterruptsObservation.Fault> fault) {}

    /** Reads the data word of {@code address}. */
    Read read(long address) {
        long va = GuestLayout.slot(address);
        List<Observation> seen = hypervisor.read(vcpu, va, 8);
        if (pagedIn(seen, va)) {
            seen = hypervisor.read(vcpu, va, 8);
        }
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
        List<Observation> seen = hypervisor.write(vcpu, va, bytes);
        if (pagedIn(seen, va)) {
            seen = hypervisor.write(vcpu, va, bytes);
        }
        if (seen.stream().anyMatch(o -> o instanceof Completed)) {
            return Optional.empty();
        }
        return Optional.of(fault(seen, address, AccessKind.WRITE));
    }

    /** Guest-physical pages the guest OS paged in as data, in order. */
    List<Long> dataPages() {
        return List.copyOf(dataPages);
    }

    /** The guest OS's page-fault handler: map a data page that was never mapped, then retry. */
    private boolean pagedIn(List<Observation> seen, long va) {
        if (seen.size() != 1 || !(seen.get(0) instanceof PageFault pf) || pf.cause() != PageFaultCause.NOT_PRESENT) {
            return false;
        }
        long page = va >>> 12;
        if (dataPages.contains(page) || GuestLayout.inExecuteOnlyRegion(page)) {
            return false;
        }
        if (guestOs.map(cr3, va, new GuestPhysicalPage(page), PagePermissions.KERNEL_DATA) != ErrorCode.OK) {
            throw new IllegalStateException("the guest OS could not page in 0x" + Long.toHexString(va));
        }
        dataPages.add(page);
        return true;
    }

    private static InterruptsObservation.Fault fault(List<Observation> seen, long address, AccessKind access) {
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
