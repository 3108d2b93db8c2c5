package org.hvproof.impl.migration;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import org.hvproof.impl.machine.GuestPageTableEntry;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.migration.BufferFrame;
import org.hvproof.model.migration.DmaDirection;
import org.hvproof.model.migration.MigrationConfig;
import org.hvproof.model.migration.MigrationPhase;
import org.hvproof.model.migration.MigrationState;
import org.hvproof.model.migration.Transmission;
import org.hvproof.model.migration.WorkRequest;

/**
 * The abstraction function from the hosts to the model's {@link MigrationState}, read off the
 * whole of their state: every data page through the VM's nested page table on the host it runs
 * on, every buffer page through the NIC's IOMMU table while the copy exists, which frame each of
 * the two translations of each buffer page reaches (the original, the service's copy, or another),
 * every data page of the destination host while pre-copy runs, the service's dirty set, rounds
 * and report, the round in progress (its pages and micro-steps taken), the driver's tail and the completions it saw, the NIC's head, requests,
 * completion ring, error log and what it sent, and the accessed and dirty bits of the guest's
 * leaf entries, read off its tables on the host it runs on.
 */
final class MigrationAbstraction {
    private MigrationAbstraction() {}

    static MigrationState abstractState(MigrationSystem sys) {
        MigrationConfig c = sys.config();
        MigrationService service = sys.service();
        MigrationHost host = sys.host();
        List<Bytes> memory = pages(host, c.dataPages());
        LeafBits leaves = leafBits(host, c);
        List<Bytes> deviceBuffer = new ArrayList<>();
        List<BufferFrame> vcpuReach = new ArrayList<>();
        List<BufferFrame> deviceReach = new ArrayList<>();
        for (int p = 1; p <= c.bufferPages(); p++) {
            long vcpu = host.frame(p);
            long device = host.deviceFrame(p);
            if (service.copied()) {
                deviceBuffer.add(Bytes.of(host.machine.memory().frameContents(device)));
                vcpuReach.add(classify(vcpu, service.originalFrame(p), service.copyFrame(p)));
                deviceReach.add(classify(device, service.originalFrame(p), service.copyFrame(p)));
            } else {
                vcpuReach.add(vcpu != 0 ? BufferFrame.ORIGINAL : BufferFrame.OTHER);
                deviceReach.add(device == vcpu && vcpu != 0 ? BufferFrame.ORIGINAL : BufferFrame.OTHER);
            }
        }
        PassthroughNic nic = host.nic;
        List<Transmission> transmitted = nic.sent().stream()
                .map(r -> new Transmission(r.index, Bytes.of(r.read)))
                .toList();
        return new MigrationState(
                c,
                service.phase(),
                memory,
                deviceBuffer,
                vcpuReach,
                deviceReach,
                service.phase() == MigrationPhase.PRE_COPY ? pages(service.destination(), c.dataPages()) : List.of(),
                service.phase() == MigrationPhase.PRE_COPY ? service.dirty() : new java.util.TreeSet<>(),
                sys.driverTail(),
                nic.head(),
                nic.inFlight().stream().map(MigrationAbstraction::request).toList(),
                nic.completionRing().stream().map(MigrationAbstraction::request).toList(),
                sys.delivered(),
                nic.errorLog(),
                transmitted,
                service.pagesPerRound(),
                service.elapsedMicros(),
                Optional.ofNullable(service.report()),
                leaves.accessed(),
                leaves.dirty(),
                service.phase() == MigrationPhase.PRE_COPY ? service.roundPages() : new TreeSet<>(),
                service.phase() == MigrationPhase.PRE_COPY ? service.roundSteps() : 0);
    }

    /** The virtual pages whose leaf entry has the accessed bit, and those with the dirty bit. */
    private record LeafBits(SortedSet<Long> accessed, SortedSet<Long> dirty) {}

    /**
     * The virtual pages (data pages and the MMIO page) whose leaf entry in the guest's tables has
     * the accessed bit, and those with the dirty bit, read by walking the tables from the vCPU's
     * CR3 through the VM's nested page table on {@code host}, as the processor would, without
     * setting anything. The walk down to a level-1 table is shared by the 512 pages it maps.
     */
    private static LeafBits leafBits(MigrationHost host, MigrationConfig c) {
        SortedSet<Long> accessed = new TreeSet<>();
        SortedSet<Long> dirty = new TreeSet<>();
        long root = GuestPageTableEntry.address(host.vcpu().cr3());
        long block = -1;
        long leafTable = -1;
        for (long v = 0; v <= c.dataPages(); v++) {
            if (v >>> 9 != block) {
                block = v >>> 9;
                leafTable = leafTableOf(host, root, v);
            }
            if (leafTable < 0) {
                continue;
            }
            long entry = host.machine.peekGuestPhysicalLong(host.view, leafTable + 8 * (v & 511));
            if (GuestPageTableEntry.isPresent(entry)) {
                if ((entry & GuestPageTableEntry.ACCESSED) != 0) {
                    accessed.add(v);
                }
                if ((entry & GuestPageTableEntry.DIRTY) != 0) {
                    dirty.add(v);
                }
            }
        }
        return new LeafBits(accessed, dirty);
    }

    /** The guest-physical address of the level-1 table mapping virtual page {@code v}; -1 when a level above is not present. */
    private static long leafTableOf(MigrationHost host, long root, long v) {
        long table = root;
        for (int level = 4; level >= 2; level--) {
            long index = (v >>> (9 * (level - 1))) & 511;
            long entry = host.machine.peekGuestPhysicalLong(host.view, table + 8 * index);
            if (!GuestPageTableEntry.isPresent(entry)) {
                return -1;
            }
            table = GuestPageTableEntry.address(entry);
        }
        return table;
    }

    /**
     * The guest OS's page-table pool (pages {@code dataPages .. totalPages - 1}) as the VM's
     * translation reaches it on the host it runs on: guest memory that migrates like the data
     * pages (the processor's accessed and dirty bits change it).
     */
    static List<Bytes> poolPages(MigrationSystem sys) {
        return pool(sys.host(), sys.config());
    }

    /** The pool pages at the destination while pre-copy runs; empty otherwise. */
    static List<Bytes> destinationPoolPages(MigrationSystem sys) {
        MigrationService service = sys.service();
        return service.phase() == MigrationPhase.PRE_COPY ? pool(service.destination(), sys.config()) : List.of();
    }

    private static List<Bytes> pool(MigrationHost host, MigrationConfig c) {
        List<Bytes> out = new ArrayList<>();
        for (long p = c.dataPages(); p < c.totalPages(); p++) {
            out.add(Bytes.of(host.page(p)));
        }
        return out;
    }

    /** The source host's protections: the MMIO page's and the buffer pages' nested rights and cached translations. */
    static MigrationProtection protection(MigrationSystem sys) {
        MigrationHost h = sys.source();
        MigrationConfig c = sys.config();
        java.util.Set<Long> cached = h.machine.tlb(h.vcpu()).writableGuestPhysicalPages(h.view);
        java.util.SortedSet<Long> open = new java.util.TreeSet<>();
        java.util.SortedSet<Long> openCached = new java.util.TreeSet<>();
        for (long p = 1; p <= c.bufferPages(); p++) {
            if (h.rights(p).map(r -> r.read() || r.write()).orElse(false)) {
                open.add(p);
            }
            if (cached.contains(p)) {
                openCached.add(p);
            }
        }
        return new MigrationProtection(
                h.rights(c.doorbellPage()).map(r -> r.write()).orElse(false),
                cached.contains(c.doorbellPage()),
                open,
                openCached);
    }

    /** Guest pages {@code 0 .. n - 1} of {@code host}, read incrementally ({@link MigrationHost#pages}). */
    private static List<Bytes> pages(MigrationHost host, int n) {
        return host.pages(n);
    }

    private static BufferFrame classify(long frame, long original, long copy) {
        if (frame != 0 && frame == original) {
            return BufferFrame.ORIGINAL;
        }
        return frame != 0 && frame == copy ? BufferFrame.COPY : BufferFrame.OTHER;
    }

    private static WorkRequest request(PassthroughNic.NicRequest r) {
        return new WorkRequest(
                r.index,
                r.address,
                r.length,
                r.receive ? DmaDirection.FROM_DEVICE : DmaDirection.TO_DEVICE,
                r.done,
                Bytes.of(r.receive ? new byte[0] : java.util.Arrays.copyOf(r.read, r.done)));
    }
}
