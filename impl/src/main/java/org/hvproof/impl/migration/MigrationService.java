package org.hvproof.impl.migration;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import org.hvproof.impl.machine.HostMemory;
import org.hvproof.impl.machine.NestedEntry;
import org.hvproof.impl.machine.NestedPermissions;
import org.hvproof.impl.tracing.TracingImplFlaw;
import org.hvproof.impl.tracing.TracingService;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.Notification;
import org.hvproof.model.common.Observation;
import org.hvproof.model.common.Owner;
import org.hvproof.model.migration.MigrationCode;
import org.hvproof.model.migration.MigrationConfig;
import org.hvproof.model.migration.MigrationEmbodiment;
import org.hvproof.model.migration.MigrationPhase;
import org.hvproof.model.migration.MigrationReport;
import org.hvproof.model.migration.MigrationStrategy;

/**
 * The source hypervisor's migration service. Dirty logging is the tracing service's write traces
 * (owner {@code migration}): a notified write marks its page dirty and drops the trace, a round
 * re-arms the traces of the pages it sent. Starting a migration makes the buffer copy: fresh
 * frames holding the DMA buffer, given to the VM by redirecting the nested page table (and a
 * shootdown) or to the device by redirecting its IOMMU table (and an invalidation), as the
 * embodiment says. The service then keeps the buffers in sync where its strategy says, marking
 * every page a sync changes dirty; rounds send the dirty pages to the destination host (whole, or
 * in micro-steps with the VM running between them: per page, re-arm its write trace and take it
 * out of the dirty set, then copy it, so a write landing after the re-arm is logged); the last
 * round stops the VM, copies back what the device wrote of unfinished requests, sends what is
 * dirty, and switches over: the NIC's ring state and requests move to the destination's NIC.
 *
 * <p>The syncs run on exits the machine raises, as nested violations no core service claims
 * (the way KVM hands an unclaimed EPT violation to the VMM): under the doorbell strategy the MMIO
 * page is write-protected, so the VM's doorbell store exits ({@link #onDoorbellExit}); under the
 * trapping strategy every vCPU buffer page is protected against reads and writes, so every VM
 * access to it exits ({@link #onProtectionExit}, then {@link #afterRetry}).
 */
final class MigrationService {
    static final Owner OWNER = new Owner("migration");

    private final MigrationConfig config;
    private final MigrationImplFlaw flaw;
    private final MigrationHost source;
    private final TracingService tracing;
    private MigrationHost destination;
    private MigrationPhase phase = MigrationPhase.RUNNING;
    private final SortedSet<Long> dirty = new TreeSet<>();
    private long[] originalFrames = new long[0];
    private long[] copyFrames = new long[0];
    private final List<Long> pagesPerRound = new ArrayList<>();
    private long elapsedMicros;
    private MigrationReport report;
    private final List<PassthroughNic.NicRequest> deferredCopyBacks = new ArrayList<>();
    /** The pages of the pre-copy round in progress (the dirty set when it began); empty when none is. */
    private final SortedSet<Long> roundPages = new TreeSet<>();
    /** Micro-steps the round in progress took: two a page of {@link #roundPages}, in order. */
    private int roundSteps;
    /** Rights of the vCPU buffer pages while the trapping strategy protects them: no read, no write. */
    static final NestedPermissions PROTECTED = NestedPermissions.EXECUTE_ONLY;
    /** Rights of a protected page opened for one retried access (its rights before the protection). */
    static final NestedPermissions OPENED = NestedPermissions.RWX;

    MigrationService(MigrationConfig config, MigrationImplFlaw flaw, MigrationHost source) {
        this(config, flaw, source, new TracingService(source.hypervisor, TracingImplFlaw.NONE));
    }

    /**
     * The service on a source host whose hypervisor runs {@code tracing} (one tracing service a
     * hypervisor: on a shared machine, the one the other services trace with too); its dirty
     * logging traces the VM's pages in the VM's view.
     */
    MigrationService(MigrationConfig config, MigrationImplFlaw flaw, MigrationHost source, TracingService tracing) {
        this.config = config;
        this.flaw = flaw;
        this.source = source;
        this.tracing = tracing;
    }

    MigrationPhase phase() {
        return phase;
    }

    SortedSet<Long> dirty() {
        return dirty;
    }

    MigrationHost destination() {
        return destination;
    }

    SortedSet<Long> roundPages() {
        return roundPages;
    }

    int roundSteps() {
        return roundSteps;
    }

    List<Long> pagesPerRound() {
        return pagesPerRound;
    }

    long elapsedMicros() {
        return elapsedMicros;
    }

    MigrationReport report() {
        return report;
    }

    /** The frame buffer page {@code p} had before the copy; 0 outside pre-copy. */
    long originalFrame(int p) {
        return phase == MigrationPhase.PRE_COPY ? originalFrames[p - 1] : 0;
    }

    /** The frame the service allocated for buffer page {@code p}'s copy; 0 outside pre-copy or without one. */
    long copyFrame(int p) {
        return phase == MigrationPhase.PRE_COPY ? copyFrames[p - 1] : 0;
    }

    /** Whether the buffer copy exists. */
    boolean copied() {
        return phase == MigrationPhase.PRE_COPY;
    }

    /** Whether guest page {@code p} is a vCPU buffer page this service keeps protected (the trapping strategy). */
    boolean protects(long p) {
        return copied() && config.strategy() == MigrationStrategy.TRAP_VCPU_ACCESS && config.isBufferPage(p);
    }

    /** Whether doorbells and completions go through this service. */
    boolean interceptsRing() {
        return copied() && config.strategy() == MigrationStrategy.DOORBELL_AND_COMPLETION;
    }

    // ------------------------------------------------------------ dirty logging

    /**
     * What a guest access saw: its notifications mark their pages dirty (and drop the trace), the
     * page-table pages the walk's accessed/dirty updates wrote among them; the rest passes.
     */
    List<Observation> logged(List<Observation> seen) {
        List<Observation> rest = new ArrayList<>();
        for (Observation o : seen) {
            if (o instanceof Notification n && phase == MigrationPhase.PRE_COPY) {
                boolean table = n.page().number() >= config.dataPages();
                if (!table || flaw != MigrationImplFlaw.TABLE_UPDATE_NOT_LOGGED) {
                    dirty.add(n.page().number());
                }
                tracing.removeTrace(source.view, OWNER, n.page());
            } else {
                rest.add(o);
            }
        }
        return rest;
    }

    // ------------------------------------------------------------ start

    /** Starts a migration to a fresh host of {@code destinationPages} pages; an error code when it cannot. */
    MigrationCode start(long destinationPages) {
        if (phase == MigrationPhase.PRE_COPY) {
            return MigrationCode.MIGRATION_IN_PROGRESS;
        }
        if (phase == MigrationPhase.MIGRATED) {
            return MigrationCode.ALREADY_MIGRATED;
        }
        if (destinationPages < config.totalPages()) {
            return MigrationCode.DESTINATION_TOO_SMALL;
        }
        // Room for the pages and the destination's own tables.
        long frames = destinationPages > Long.MAX_VALUE - 64 ? Long.MAX_VALUE : destinationPages + 64;
        destination = new MigrationHost(config, frames);
        phase = MigrationPhase.PRE_COPY;
        copyBuffer();
        for (long p = 0; p < config.totalPages(); p++) {
            if (!protects(p)) {
                tracing.addTrace(source.view, OWNER, new GuestPhysicalPage(p));
            }
            dirty.add(p);
        }
        return null;
    }

    /** The buffer copy: fresh frames with the buffer's contents, given to the side the embodiment names. */
    private void copyBuffer() {
        int n = config.bufferPages();
        originalFrames = new long[n];
        copyFrames = new long[n];
        HostMemory memory = source.machine.memory();
        for (int p = 1; p <= n; p++) {
            originalFrames[p - 1] = source.frame(p);
            if (flaw == MigrationImplFlaw.NO_BUFFER_COPY) {
                continue;
            }
            long copy = memory.allocateFrame().orElse(0);
            if (copy == 0) {
                continue;
            }
            copyFrames[p - 1] = copy;
            byte[] contents = memory.frameContents(originalFrames[p - 1]);
            memory.write(copy << 12, contents, 0, HostMemory.FRAME_SIZE);
            GuestPhysicalPage page = new GuestPhysicalPage(p);
            if (config.embodiment() == MigrationEmbodiment.COPY_AS_VCPU_BUFFER) {
                NestedEntry leaf = source.npt().leaf(page).orElseThrow();
                source.npt().map(page, copy, leaf.permissions());
            } else if (flaw != MigrationImplFlaw.IOMMU_LEFT_ON_VCPU_BUFFER) {
                source.machine.iommu().map(source.nicDevice, page, copy, true, true);
                source.machine.iommu().invalidate(source.nicDevice, page);
            }
        }
        // The exits the strategy syncs on: the doorbell store, or every access to the vCPU buffer.
        if (interceptsRing() && flaw != MigrationImplFlaw.DOORBELL_NOT_TRAPPED) {
            source.setRights(config.doorbellPage(), MigrationHost.MMIO_TRAPPED);
        }
        for (int p = 1; p <= n; p++) {
            if (protects(p)) {
                source.setRights(p, PROTECTED);
            }
        }
        // Narrowed rights take effect once no vCPU holds a translation cached before them.
        source.machine.shootDown(source.view);
    }

    // ------------------------------------------------------------ syncs

    /** Copies {@code [address, address + length)} between the VM's and the device's frames; the pages it changed. */
    private List<Long> copyRange(long address, int length, boolean toDevice) {
        HostMemory memory = source.machine.memory();
        List<Long> changed = new ArrayList<>();
        int done = 0;
        while (done < length) {
            long at = address + done;
            long p = at >>> 12;
            int offset = (int) (at & 0xfff);
            int n = Math.min(length - done, HostMemory.FRAME_SIZE - offset);
            long from = toDevice ? source.frame(p) : source.deviceFrame(p);
            long to = toDevice ? source.deviceFrame(p) : source.frame(p);
            byte[] src = new byte[n];
            byte[] old = new byte[n];
            memory.read((from << 12) | offset, src, 0, n);
            memory.read((to << 12) | offset, old, 0, n);
            if (!Arrays.equals(src, old)) {
                memory.write((to << 12) | offset, src, 0, n);
                changed.add(p);
            }
            done += n;
        }
        return changed;
    }

    /** The trapped doorbell's sync: a transmit's data from the vCPU buffer into the device buffer. */
    void syncToDevice(PassthroughNic.NicRequest r) {
        if (!r.receive && flaw != MigrationImplFlaw.DOORBELL_FORWARDED_UNSYNCED) {
            copyRange(r.address, r.length, true);
        }
    }

    /**
     * What the device wrote of a receive so far (all of it once finished) from the device buffer
     * into the vCPU buffer; the pages it changed marked dirty. Bytes not yet written stay the VM's.
     */
    void copyBack(PassthroughNic.NicRequest r) {
        dirty.addAll(copyRange(r.address, r.done, false));
    }

    /** The intercepted completion of {@code r}: its copy-back first; false when the flaw defers it. */
    void onCompletion(PassthroughNic.NicRequest r) {
        if (!r.receive) {
            return;
        }
        if (flaw == MigrationImplFlaw.COMPLETION_BEFORE_COPY_BACK) {
            deferredCopyBacks.add(r);
        } else if (flaw == MigrationImplFlaw.COPY_BACK_NOT_DIRTY) {
            copyRange(r.address, r.done, false);
        } else {
            copyBack(r);
        }
    }

    /** The device buffer's page into the vCPU buffer, dirty when changed. */
    void syncFromDevice(long p) {
        dirty.addAll(copyRange(p << 12, HostMemory.FRAME_SIZE, false));
    }

    // ------------------------------------------------------------ exits

    /**
     * The doorbell strategy's exit: the VM's store of {@code bytes} at {@code offset} of the
     * write-protected MMIO page. The hypervisor completes the store itself (emulation: the guest
     * resumes past it and the page stays protected): for a doorbell the device will accept, each
     * transmit it will take is copied from the vCPU buffer into the device buffer first, then the
     * store is forwarded to the device, whatever it holds (the device refuses a bad one, so no
     * write is lost). The device's alerts.
     */
    List<MigrationCode> onDoorbellExit(int offset, byte[] bytes) {
        PassthroughNic nic = source.nic;
        if (offset == MigrationConfig.DOORBELL_OFFSET && bytes.length == MigrationConfig.DOORBELL_BYTES) {
            long tail = word(bytes, 0, MigrationConfig.DOORBELL_BYTES);
            if (nic.checkDoorbell(tail).isEmpty()) {
                List<PassthroughNic.NicRequest> owned = nic.owned();
                byte[] ring = source.page(0);
                for (long index = nic.head(); index < tail; index++) {
                    byte[] d = new byte[PassthroughNic.DESCRIPTOR_BYTES];
                    System.arraycopy(ring, nic.slotOffset(index), d, 0, d.length);
                    if (nic.checkDescriptor(d, owned).isEmpty()) {
                        PassthroughNic.NicRequest r = new PassthroughNic.NicRequest(
                                index, word(d, 0, 8), (int) word(d, 8, 4), word(d, 12, 4) == 1);
                        syncToDevice(r);
                        owned.add(r);
                    }
                }
            }
        }
        return nic.registerWrite(offset, bytes);
    }

    /**
     * The trapping strategy's exit on an access to protected vCPU buffer page {@code p}: the
     * device buffer's page into the vCPU buffer (dirty when changed), then the page opened for
     * the one access the guest retries. Unprotect, retry under single step, re-protect: with one
     * vCPU nobody else can use the opened page meanwhile, and the guest's own instruction runs on
     * the hardware, so the hypervisor needs no instruction emulator for arbitrary loads and stores
     * (with several vCPUs it would open the page in a per-vCPU view instead). Opening widens
     * rights, which needs no shootdown.
     */
    void onProtectionExit(long p) {
        syncFromDevice(p);
        source.setRights(p, OPENED);
    }

    /**
     * The single-step exit after the retried access to page {@code p}: after a write the page is
     * dirty (no write trace watches a protected page) and written through to the device buffer;
     * then the page is protected again and every vCPU's cached translations of the view are
     * invalidated, as the retry cached the opened rights.
     */
    void afterRetry(long p, boolean wrote) {
        if (wrote) {
            dirty.add(p);
            copyRange(p << 12, HostMemory.FRAME_SIZE, true);
        }
        if (flaw == MigrationImplFlaw.REPROTECT_FORGOTTEN) {
            return;
        }
        source.setRights(p, PROTECTED);
        if (flaw != MigrationImplFlaw.NO_SHOOTDOWN_AFTER_REPROTECT) {
            source.machine.shootDown(source.view);
        }
    }

    private static long word(byte[] b, int at, int bytes) {
        long v = 0;
        for (int i = 0; i < bytes; i++) {
            v |= (b[at + i] & 0xffL) << (8 * i);
        }
        return v;
    }

    // ------------------------------------------------------------ rounds

    /**
     * The next round in one step (the rest of the round in progress, if one is); an error code
     * when no migration runs. The report when it switched over.
     */
    MigrationCode round() {
        if (phase != MigrationPhase.PRE_COPY) {
            return MigrationCode.NOT_MIGRATING;
        }
        if (roundPages.isEmpty()) {
            deferredCopyBacks.forEach(this::copyBack);
            deferredCopyBacks.clear();
            if (switchOverDue()) {
                stopAndCopy(dirtyFits());
                return null;
            }
            beginRound();
        }
        while (!roundPages.isEmpty()) {
            pageStep();
        }
        return null;
    }

    /**
     * The migration's next micro-step while the VM runs: with no round in progress, the next
     * round begins (or stop-and-copy runs, the VM stopped, when due); within one, the next half of
     * its next page. An error code when no migration runs.
     */
    MigrationCode roundStep() {
        if (phase != MigrationPhase.PRE_COPY) {
            return MigrationCode.NOT_MIGRATING;
        }
        if (!roundPages.isEmpty()) {
            pageStep();
            return null;
        }
        deferredCopyBacks.forEach(this::copyBack);
        deferredCopyBacks.clear();
        if (switchOverDue()) {
            stopAndCopy(dirtyFits());
        } else {
            beginRound();
        }
        return null;
    }

    private boolean dirtyFits() {
        return dirty.size() * config.pageTimeMicros() <= config.downtimeLimitMicros();
    }

    private boolean switchOverDue() {
        int rounds = pagesPerRound.size();
        boolean atLimit = rounds >= config.roundLimit() && flaw != MigrationImplFlaw.ROUND_LIMIT_IGNORED;
        return rounds >= 1 && (dirtyFits() || atLimit);
    }

    /** A pre-copy round begins: it will send the pages dirty now, in order. */
    private void beginRound() {
        pagesPerRound.add(0L);
        roundPages.addAll(dirty);
        roundSteps = 0;
    }

    /**
     * The round's next half page: first its write trace re-armed and the page out of the dirty
     * set, then its copy to the destination through the VM's translation, counted with its
     * transfer time. In this order a VM write after the re-arm is notified and marks the page
     * dirty again; the flaw's order (copy, then re-arm) loses a write landing between the two.
     */
    private void pageStep() {
        List<Long> pages = new ArrayList<>(roundPages);
        long p = pages.get(roundSteps / 2);
        boolean first = roundSteps % 2 == 0;
        if (first != (flaw == MigrationImplFlaw.COPY_BEFORE_REARM)) {
            rearm(p);
        } else {
            destination.receive(p, source.page(p));
            int last = pagesPerRound.size() - 1;
            pagesPerRound.set(last, pagesPerRound.get(last) + 1);
            elapsedMicros += config.pageTimeMicros();
        }
        roundSteps++;
        if (roundSteps == 2 * pages.size()) {
            roundPages.clear();
            roundSteps = 0;
            if (flaw == MigrationImplFlaw.ROUND_END_CLEARS_DIRTY) {
                dirty.clear();
            }
        }
    }

    /** Page {@code p}'s write trace re-armed (unless the trapping strategy protects it) and the page out of the dirty set. */
    private void rearm(long p) {
        if (!protects(p)) {
            tracing.addTrace(source.view, OWNER, new GuestPhysicalPage(p));
        }
        dirty.remove(p);
    }

    /** Sends every dirty page through the VM's translation, clears the set and re-arms those pages' traces. */
    private long send() {
        long sent = dirty.size();
        for (long p : dirty) {
            destination.receive(p, source.page(p));
        }
        if (phase == MigrationPhase.PRE_COPY) {
            for (long p : dirty) {
                if (!protects(p)) {
                    tracing.addTrace(source.view, OWNER, new GuestPhysicalPage(p));
                }
            }
        }
        dirty.clear();
        return sent;
    }

    private void stopAndCopy(boolean converged) {
        if (flaw != MigrationImplFlaw.NO_FINAL_SYNC) {
            if (config.strategy() == MigrationStrategy.DOORBELL_AND_COMPLETION) {
                for (PassthroughNic.NicRequest r : source.nic.owned()) {
                    if (r.receive) {
                        copyBack(r);
                    }
                }
            } else {
                for (int p = 1; p <= config.bufferPages(); p++) {
                    syncFromDevice(p);
                }
            }
        }
        long precopied = pagesPerRound.stream().mapToLong(Long::longValue).sum();
        long finalPages = send();
        long downtime = finalPages * config.pageTimeMicros();
        elapsedMicros += downtime;
        long total = flaw == MigrationImplFlaw.REPORT_OMITS_FINAL_ROUND ? precopied : precopied + finalPages;
        report = new MigrationReport(
                pagesPerRound.size(), pagesPerRound, finalPages, total, downtime, elapsedMicros, converged);
        // Switch-over: the vCPU's state and the NIC's ring state move; the VM resumes on the destination.
        destination.vcpu().setCr3(source.vcpu().cr3());
        PassthroughNic moved = destination.plugNic();
        source.nic.moveTo(moved, flaw == MigrationImplFlaw.REQUEST_REPLAYED_AT_SWITCH_OVER);
        phase = MigrationPhase.MIGRATED;
    }
}
