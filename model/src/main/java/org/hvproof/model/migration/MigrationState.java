package org.hvproof.model.migration;

import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import org.hvproof.model.common.Bytes;

/**
 * The VM, its passthrough device and its migration, as data. {@code memory} is every data page as
 * the VM's translations reach it on the host it runs on (for a DMA buffer page, the vCPU buffer);
 * {@code deviceBuffer} the DMA buffer as the device's IOMMU translations reach it while the copy
 * exists (empty otherwise); {@code vcpuReach} and {@code deviceReach} which frames each side's
 * translation of each buffer page reaches; {@code destination} the destination's data pages while
 * pre-copy runs; {@code dirty} the guest pages (data and page-table pool) changed since they were
 * last sent. The ring: the driver's tail and the device's head (ring indices, which are the
 * requests' ids), the requests the device works on, its completion ring ({@code posted}), the
 * completions the VM has seen, the descriptors it rejected and what it transmitted. The report
 * in progress: pages per pre-copy round and simulated time. The guest's page tables as the
 * processor's walks left them: {@code accessed} the virtual pages (data pages and the MMIO page,
 * {@link MigrationConfig#dataPages()}) whose leaf entry has the accessed bit, {@code written} those
 * whose leaf has the dirty bit; a walk sets the accessed bit in every entry on its path, so the
 * upper levels' bits follow from {@code accessed}. The pre-copy round in progress, when it runs in
 * micro-steps: {@code roundPages} the pages it sends (the dirty set when it began; empty when no
 * round is in progress) and {@code roundSteps} the micro-steps taken, two a page in the set's
 * order (re-arm its dirty logging, then copy it). Immutable.
 */
public record MigrationState(
        MigrationConfig config,
        MigrationPhase phase,
        List<Bytes> memory,
        List<Bytes> deviceBuffer,
        List<BufferFrame> vcpuReach,
        List<BufferFrame> deviceReach,
        List<Bytes> destination,
        SortedSet<Long> dirty,
        long driverTail,
        long deviceHead,
        List<WorkRequest> inFlight,
        List<WorkRequest> posted,
        SortedSet<Long> delivered,
        SortedSet<Long> rejected,
        List<Transmission> transmitted,
        List<Long> pagesPerRound,
        long elapsedMicros,
        Optional<MigrationReport> report,
        SortedSet<Long> accessed,
        SortedSet<Long> written,
        SortedSet<Long> roundPages,
        int roundSteps) {

    private static final Bytes ZERO_PAGE = Bytes.zeros((int) MigrationConfig.PAGE_BYTES);

    public MigrationState {
        memory = List.copyOf(memory);
        deviceBuffer = List.copyOf(deviceBuffer);
        vcpuReach = List.copyOf(vcpuReach);
        deviceReach = List.copyOf(deviceReach);
        destination = List.copyOf(destination);
        dirty = Collections.unmodifiableSortedSet(new TreeSet<>(dirty));
        inFlight = List.copyOf(inFlight);
        posted = List.copyOf(posted);
        delivered = Collections.unmodifiableSortedSet(new TreeSet<>(delivered));
        rejected = Collections.unmodifiableSortedSet(new TreeSet<>(rejected));
        transmitted = List.copyOf(transmitted);
        pagesPerRound = List.copyOf(pagesPerRound);
        accessed = Collections.unmodifiableSortedSet(new TreeSet<>(accessed));
        written = Collections.unmodifiableSortedSet(new TreeSet<>(written));
        roundPages = Collections.unmodifiableSortedSet(new TreeSet<>(roundPages));
    }

    /** A booted VM of {@code config}: zeroed memory, an empty ring, no migration. */
    public static MigrationState initial(MigrationConfig config) {
        List<BufferFrame> original = Collections.nCopies(config.bufferPages(), BufferFrame.ORIGINAL);
        return new MigrationState(
                config,
                MigrationPhase.RUNNING,
                zeroPages(config.dataPages()),
                List.of(),
                original,
                original,
                List.of(),
                new TreeSet<>(),
                0,
                0,
                List.of(),
                List.of(),
                new TreeSet<>(),
                new TreeSet<>(),
                List.of(),
                List.of(),
                0,
                Optional.empty(),
                new TreeSet<>(),
                new TreeSet<>(),
                new TreeSet<>(),
                0);
    }

    /** {@code n} zeroed pages. */
    public static List<Bytes> zeroPages(int n) {
        return Collections.nCopies(n, ZERO_PAGE);
    }

    /** Whether the hypervisor's buffer copy exists (pre-copy runs). */
    public boolean copied() {
        return !deviceBuffer.isEmpty();
    }

    /** The DMA buffer as the device reaches it: the device buffer while copied, else the VM's pages. */
    public Bytes deviceSees(long address, int length) {
        return copied()
                ? MigrationLayout.read(deviceBuffer, 1, address, length)
                : MigrationLayout.read(memory, 0, address, length);
    }

    /**
     * What the VM gets when it reads {@code [address, address + length)}: under the trapping
     * strategy a read of a copied buffer page is synchronised from the device buffer first, so the
     * device buffer is what the VM sees there; otherwise its own pages.
     */
    public Bytes vmSees(long address, int length) {
        return copied() && config.strategy() == MigrationStrategy.TRAP_VCPU_ACCESS
                ? MigrationLayout.read(deviceBuffer, 1, address, length)
                : MigrationLayout.read(memory, 0, address, length);
    }

    /** Whether a pre-copy round runs in micro-steps ({@link MigrationAction.RoundStep}). */
    public boolean roundInProgress() {
        return !roundPages.isEmpty();
    }

    /** The round's pages not yet copied to the destination (the next one included, re-armed or not). */
    public List<Long> roundPagesLeft() {
        List<Long> all = List.copyOf(roundPages);
        return all.subList(roundSteps / 2, all.size());
    }

    /** The round's pages already copied to the destination. */
    public List<Long> roundPagesCopied() {
        return List.copyOf(roundPages).subList(0, roundSteps / 2);
    }

    /** Whether the round's next page has its dirty logging re-armed and waits for its copy. */
    public boolean nextPageRearmed() {
        return roundSteps % 2 == 1;
    }

    /** The request the device owns with id {@code id} (in flight or posted), if any. */
    public Optional<WorkRequest> owned(long id) {
        return java.util.stream.Stream.concat(inFlight.stream(), posted.stream())
                .filter(r -> r.id() == id)
                .findFirst();
    }
}
