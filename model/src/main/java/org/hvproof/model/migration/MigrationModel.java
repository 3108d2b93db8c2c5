package org.hvproof.model.migration;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.migration.MigrationAction.CompletionInterrupt;
import org.hvproof.model.migration.MigrationAction.DeviceStep;
import org.hvproof.model.migration.MigrationAction.Doorbell;
import org.hvproof.model.migration.MigrationAction.GuestRead;
import org.hvproof.model.migration.MigrationAction.GuestWrite;
import org.hvproof.model.migration.MigrationAction.MigrationRound;
import org.hvproof.model.migration.MigrationAction.RegisterWrite;
import org.hvproof.model.migration.MigrationAction.RoundStep;
import org.hvproof.model.migration.MigrationAction.StartMigration;
import org.hvproof.model.migration.MigrationAction.Submit;
import org.hvproof.model.migration.MigrationObservation.Alert;

/**
 * The pure step function of the migration mechanism. Never throws; a refused action returns the
 * input state with an {@link Alert}. While pre-copy runs, the two buffers are kept in sync where
 * the strategy says, every page whose VM-visible contents change is marked dirty, and each round
 * sends the dirty pages; the round after the last dirty set fitted the downtime limit, or the
 * round at the round limit, stops the VM, copies back what the device wrote of unfinished
 * requests, sends what is dirty, and switches over with the ring and the requests it owns. A
 * pre-copy round runs in one step ({@link MigrationRound}) or in micro-steps with the VM and its
 * device running between them ({@link RoundStep}): per page of the round, its dirty logging is
 * re-armed (the page leaves the dirty set) and then it is copied, so a write landing between the
 * two marks it dirty again and the next round sends it.
 */
public final class MigrationModel {
    private static final int PAGE = (int) MigrationConfig.PAGE_BYTES;

    private MigrationModel() {}

    /** The initial state: a booted VM of {@code config}. */
    public static MigrationState initial(MigrationConfig config) {
        return MigrationState.initial(config);
    }

    /** One step of the correct model: the oracle. */
    public static MigrationStep step(MigrationState s, MigrationAction action) {
        return step(s, action, MigrationModelFlaw.NONE);
    }

    /** One step of the model with {@code flaw} ({@link MigrationModelFlaw#NONE} for the correct one). */
    public static MigrationStep step(MigrationState s, MigrationAction action, MigrationModelFlaw flaw) {
        Edit e = new Edit(s);
        if (action instanceof GuestWrite w) {
            guestWrite(e, w);
        } else if (action instanceof GuestRead r) {
            guestRead(e, r);
        } else if (action instanceof Submit sub) {
            submit(e, sub);
        } else if (action instanceof Doorbell d) {
            walk(e, e.s.config().dataPages(), true);
            doorbell(e, d.tail());
        } else if (action instanceof RegisterWrite w) {
            registerWrite(e, w);
        } else if (action instanceof DeviceStep d) {
            deviceStep(e, d.bytes());
        } else if (action instanceof CompletionInterrupt) {
            completion(e, flaw);
        } else if (action instanceof StartMigration m) {
            start(e, m.destinationPages());
        } else if (action instanceof MigrationRound) {
            round(e, flaw);
        } else if (action instanceof RoundStep) {
            roundStep(e, flaw);
        }
        return new MigrationStep(e.state(), e.seen);
    }

    /** Whether a guest access of {@code length} at {@code offset} of {@code page} stays in one data page. */
    public static boolean inRange(MigrationConfig c, long page, int offset, int length) {
        return page >= 0 && page < c.dataPages() && offset >= 0 && length >= 1 && offset + (long) length <= PAGE;
    }

    /** Why the device rejects descriptor {@code d}, given the requests it owns; empty when valid. */
    public static Optional<MigrationCode> reject(
            MigrationConfig c, MigrationLayout.Descriptor d, List<WorkRequest> owned) {
        if (DmaDirection.decode(d.direction()).isEmpty()) {
            return Optional.of(MigrationCode.BAD_DIRECTION);
        }
        if (d.length() == 0) {
            return Optional.of(MigrationCode.ZERO_LENGTH);
        }
        if (d.length() > c.bufferEnd() - c.bufferStart()) {
            return Optional.of(MigrationCode.TOO_LONG);
        }
        long end = d.address() + d.length();
        if (d.address() < 0 || end < d.address() || end > (long) c.dataPages() * PAGE) {
            return Optional.of(MigrationCode.OUTSIDE_GUEST_MEMORY);
        }
        if (d.address() < PAGE) {
            return Optional.of(MigrationCode.RING_ITSELF);
        }
        if (d.address() < c.bufferStart() || end > c.bufferEnd()) {
            return Optional.of(MigrationCode.OUTSIDE_BUFFER);
        }
        if (owned.stream().anyMatch(r -> r.overlaps(d.address(), d.length()))) {
            return Optional.of(MigrationCode.OVERLAPPING);
        }
        return Optional.empty();
    }

    // ------------------------------------------------------------ the VM

    private static void guestWrite(Edit e, GuestWrite w) {
        MigrationConfig c = e.s.config();
        if (!inRange(c, w.page(), w.offset(), w.data().length())) {
            e.alert(MigrationCode.OUT_OF_RANGE);
            return;
        }
        int p = (int) w.page();
        walk(e, p, true);
        if (trapping(e, p)) {
            syncFromDevice(e, p);
            e.memory.set(p, e.memory.get(p).overwrite(w.offset(), w.data()));
            e.deviceBuffer.set(p - 1, e.memory.get(p));
        } else {
            e.memory.set(p, e.memory.get(p).overwrite(w.offset(), w.data()));
        }
        if (e.phase == MigrationPhase.PRE_COPY) {
            e.dirty.add((long) p);
        }
    }

    private static void guestRead(Edit e, GuestRead r) {
        MigrationConfig c = e.s.config();
        if (!inRange(c, r.page(), r.offset(), r.length())) {
            e.alert(MigrationCode.OUT_OF_RANGE);
            return;
        }
        int p = (int) r.page();
        walk(e, p, false);
        if (trapping(e, p)) {
            syncFromDevice(e, p);
        }
        e.seen.add(new MigrationObservation.ValueRead(
                p, r.offset(), e.memory.get(p).slice(r.offset(), r.length())));
    }

    /**
     * The processor's walk of the guest's tables for a VM access to virtual page {@code v}: it
     * sets the accessed bit in every entry on the path that lacks it and, for a write, the dirty
     * bit in the leaf. While pre-copy runs every such update is a write to a page-table page that
     * dirty logging sees (an EPT violation during the walk, notified and completed), so the pages
     * holding the changed entries become dirty.
     */
    private static void walk(Edit e, long v, boolean write) {
        MigrationConfig c = e.s.config();
        for (int level = 4; level >= 1; level--) {
            int shift = 9 * (level - 1);
            boolean accessed = e.accessed.stream().anyMatch(u -> u >>> shift == v >>> shift);
            boolean changes = !accessed || (level == 1 && write && !e.written.contains(v));
            if (changes && e.phase == MigrationPhase.PRE_COPY) {
                e.dirty.add(c.tablePage(v, level));
            }
        }
        e.accessed.add(v);
        if (write) {
            e.written.add(v);
        }
    }

    /** Whether a VM access to data page {@code p} exits to the trapping strategy's sync. */
    private static boolean trapping(Edit e, int p) {
        return !e.deviceBuffer.isEmpty()
                && e.s.config().strategy() == MigrationStrategy.TRAP_VCPU_ACCESS
                && e.s.config().isBufferPage(p);
    }

    /** The trap's first half: the device buffer's page into the vCPU buffer, dirty when it changed it. */
    private static void syncFromDevice(Edit e, int p) {
        Bytes device = e.deviceBuffer.get(p - 1);
        if (!device.equals(e.memory.get(p))) {
            e.memory.set(p, device);
            e.dirty.add((long) p);
        }
    }

    private static void submit(Edit e, Submit sub) {
        MigrationConfig c = e.s.config();
        if (e.driverTail - e.deviceHead >= c.ringSlots()) {
            e.alert(MigrationCode.RING_FULL);
            return;
        }
        walk(e, 0, true);
        Bytes descriptor = MigrationLayout.encode(sub.address(), sub.length(), sub.direction());
        int at = MigrationLayout.slotOffset(e.driverTail, c.ringSlots());
        e.memory.set(0, e.memory.get(0).overwrite(at, descriptor));
        if (e.phase == MigrationPhase.PRE_COPY) {
            e.dirty.add(0L);
        }
        e.driverTail++;
    }

    // ------------------------------------------------------------ the device

    /** A VM write to the MMIO page: the doorbell when it is one store of the whole register, else refused. */
    private static void registerWrite(Edit e, RegisterWrite w) {
        if (w.offset() < 0
                || w.data().length() < 1
                || w.offset() + (long) w.data().length() > PAGE) {
            e.alert(MigrationCode.OUT_OF_RANGE);
            return;
        }
        walk(e, e.s.config().dataPages(), true);
        if (w.offset() != MigrationConfig.DOORBELL_OFFSET || w.data().length() != MigrationConfig.DOORBELL_BYTES) {
            e.alert(MigrationCode.OUTSIDE_REGISTER);
            return;
        }
        long tail = 0;
        for (int i = 0; i < MigrationConfig.DOORBELL_BYTES; i++) {
            tail |= (w.data().get(i) & 0xffL) << (8 * i);
        }
        doorbell(e, tail);
    }

    private static void doorbell(Edit e, long tail) {
        MigrationConfig c = e.s.config();
        if (tail == e.deviceHead) {
            e.alert(MigrationCode.EMPTY_RING);
            return;
        }
        if (tail < e.deviceHead || tail - e.deviceHead > c.ringSlots()) {
            e.alert(MigrationCode.BAD_DOORBELL);
            return;
        }
        boolean trapped = !e.deviceBuffer.isEmpty() && c.strategy() == MigrationStrategy.DOORBELL_AND_COMPLETION;
        while (e.deviceHead < tail) {
            long id = e.deviceHead++;
            MigrationLayout.Descriptor d = MigrationLayout.decode(e.memory.get(0), id, c.ringSlots());
            List<WorkRequest> owned = new ArrayList<>(e.inFlight);
            owned.addAll(e.posted);
            Optional<MigrationCode> bad = reject(c, d, owned);
            if (bad.isPresent()) {
                e.rejected.add(id);
                e.alert(bad.get());
                continue;
            }
            DmaDirection dir = DmaDirection.decode(d.direction()).orElseThrow();
            if (trapped && dir == DmaDirection.TO_DEVICE) {
                // The trapped doorbell: the request's data into the device buffer before forwarding.
                Bytes data = MigrationLayout.read(e.memory, 0, d.address(), (int) d.length());
                e.deviceBuffer = MigrationLayout.write(e.deviceBuffer, 1, d.address(), data);
            }
            e.inFlight.add(WorkRequest.taken(id, d.address(), (int) d.length(), dir));
        }
    }

    private static void deviceStep(Edit e, int bytes) {
        if (e.inFlight.isEmpty()) {
            return;
        }
        WorkRequest r = e.inFlight.get(0);
        int n = Math.min(Math.max(1, bytes), r.length() - r.done());
        long at = r.address() + r.done();
        WorkRequest moved;
        if (r.direction() == DmaDirection.FROM_DEVICE) {
            Bytes out = MigrationLayout.deviceOutput(r.id(), r.done(), n);
            if (e.deviceBuffer.isEmpty()) {
                e.memory = new ArrayList<>(MigrationLayout.write(e.memory, 0, at, out));
            } else {
                e.deviceBuffer = MigrationLayout.write(e.deviceBuffer, 1, at, out);
            }
            moved = new WorkRequest(r.id(), r.address(), r.length(), r.direction(), r.done() + n, r.read());
        } else {
            Bytes in = e.deviceBuffer.isEmpty()
                    ? MigrationLayout.read(e.memory, 0, at, n)
                    : MigrationLayout.read(e.deviceBuffer, 1, at, n);
            byte[] read = new byte[r.done() + n];
            System.arraycopy(r.read().toArray(), 0, read, 0, r.done());
            System.arraycopy(in.toArray(), 0, read, r.done(), n);
            moved = new WorkRequest(r.id(), r.address(), r.length(), r.direction(), r.done() + n, Bytes.of(read));
        }
        if (moved.finished()) {
            e.inFlight.remove(0);
            e.posted.add(moved);
            if (moved.direction() == DmaDirection.TO_DEVICE) {
                e.transmitted.add(new Transmission(moved.id(), moved.read()));
            }
        } else {
            e.inFlight.set(0, moved);
        }
    }

    private static void completion(Edit e, MigrationModelFlaw flaw) {
        if (e.posted.isEmpty()) {
            return;
        }
        WorkRequest r = e.posted.remove(0);
        boolean intercepted =
                !e.deviceBuffer.isEmpty() && e.s.config().strategy() == MigrationStrategy.DOORBELL_AND_COMPLETION;
        if (intercepted && r.direction() == DmaDirection.FROM_DEVICE) {
            copyBack(e, r, flaw != MigrationModelFlaw.COPY_BACK_NOT_DIRTY);
        }
        e.delivered.add(r.id());
        e.seen.add(new MigrationObservation.CompletionSeen(r.id()));
    }

    /**
     * What the device wrote of {@code r}'s buffer so far (all of it once finished) into the vCPU
     * buffer; the pages it changed marked dirty. Bytes it has not written yet stay the VM's.
     */
    private static void copyBack(Edit e, WorkRequest r, boolean markDirty) {
        if (r.done() == 0) {
            return;
        }
        Bytes out = MigrationLayout.read(e.deviceBuffer, 1, r.address(), r.done());
        List<Bytes> before = new ArrayList<>(e.memory);
        e.memory = new ArrayList<>(MigrationLayout.write(e.memory, 0, r.address(), out));
        for (long p : MigrationLayout.pagesOf(r.address(), r.done())) {
            if (markDirty && !before.get((int) p).equals(e.memory.get((int) p))) {
                e.dirty.add(p);
            }
        }
    }

    // ------------------------------------------------------------ the migration

    private static void start(Edit e, long destinationPages) {
        MigrationConfig c = e.s.config();
        if (e.phase == MigrationPhase.PRE_COPY) {
            e.alert(MigrationCode.MIGRATION_IN_PROGRESS);
            return;
        }
        if (e.phase == MigrationPhase.MIGRATED) {
            e.alert(MigrationCode.ALREADY_MIGRATED);
            return;
        }
        if (destinationPages < c.totalPages()) {
            e.alert(MigrationCode.DESTINATION_TOO_SMALL);
            return;
        }
        e.phase = MigrationPhase.PRE_COPY;
        e.deviceBuffer = new ArrayList<>(e.memory.subList(1, 1 + c.bufferPages()));
        boolean copyIsVcpu = c.embodiment() == MigrationEmbodiment.COPY_AS_VCPU_BUFFER;
        e.vcpuReach = Collections.nCopies(c.bufferPages(), copyIsVcpu ? BufferFrame.COPY : BufferFrame.ORIGINAL);
        e.deviceReach = Collections.nCopies(c.bufferPages(), copyIsVcpu ? BufferFrame.ORIGINAL : BufferFrame.COPY);
        e.destination = new ArrayList<>(MigrationState.zeroPages(c.dataPages()));
        for (long p = 0; p < c.totalPages(); p++) {
            e.dirty.add(p);
        }
    }

    /** A whole round in one step: the rest of the round in progress, else the next round (or stop-and-copy when due). */
    private static void round(Edit e, MigrationModelFlaw flaw) {
        if (e.phase != MigrationPhase.PRE_COPY) {
            e.alert(MigrationCode.NOT_MIGRATING);
            return;
        }
        if (e.roundPages.isEmpty()) {
            if (switchOverDue(e)) {
                stopAndCopy(e, e.s.config().fitsDowntime(e.dirty.size()), flaw);
                return;
            }
            beginRound(e);
        }
        while (!e.roundPages.isEmpty()) {
            pageStep(e);
        }
    }

    /** One micro-step: with no round in progress the next round's start (or stop-and-copy when due), else the next half page. */
    private static void roundStep(Edit e, MigrationModelFlaw flaw) {
        if (e.phase != MigrationPhase.PRE_COPY) {
            e.alert(MigrationCode.NOT_MIGRATING);
            return;
        }
        if (!e.roundPages.isEmpty()) {
            pageStep(e);
        } else if (switchOverDue(e)) {
            stopAndCopy(e, e.s.config().fitsDowntime(e.dirty.size()), flaw);
        } else {
            beginRound(e);
        }
    }

    /** Whether the next round is stop-and-copy: after a first round, when the dirty set fits the downtime limit or at the round limit. */
    private static boolean switchOverDue(Edit e) {
        MigrationConfig c = e.s.config();
        int rounds = e.pagesPerRound.size();
        return rounds >= 1 && (c.fitsDowntime(e.dirty.size()) || rounds >= c.roundLimit());
    }

    /** A pre-copy round starts: it will send the pages dirty now, in order; none sent yet. */
    private static void beginRound(Edit e) {
        e.pagesPerRound.add(0L);
        e.roundPages.addAll(e.dirty);
        e.roundSteps = 0;
    }

    /**
     * The round's next half page: re-arm the page's dirty logging (it leaves the dirty set), or
     * copy it to the destination (a pool page carries the guest's tables, which the model keeps
     * as bits that go with the VM) and count it and its transfer time. After the last copy no
     * round is in progress.
     */
    private static void pageStep(Edit e) {
        MigrationConfig c = e.s.config();
        List<Long> pages = new ArrayList<>(e.roundPages);
        long p = pages.get(e.roundSteps / 2);
        if (e.roundSteps % 2 == 0) {
            e.dirty.remove(p);
        } else {
            if (p < c.dataPages()) {
                e.destination.set((int) p, e.memory.get((int) p));
            }
            int last = e.pagesPerRound.size() - 1;
            e.pagesPerRound.set(last, e.pagesPerRound.get(last) + 1);
            e.elapsedMicros += c.pageTimeMicros();
        }
        e.roundSteps++;
        if (e.roundSteps == 2 * pages.size()) {
            e.roundPages.clear();
            e.roundSteps = 0;
        }
    }

    private static void stopAndCopy(Edit e, boolean converged, MigrationModelFlaw flaw) {
        MigrationConfig c = e.s.config();
        if (flaw != MigrationModelFlaw.NO_FINAL_SYNC) {
            if (c.strategy() == MigrationStrategy.DOORBELL_AND_COMPLETION) {
                // What the device wrote of requests it still owns, into the vCPU buffer.
                List<WorkRequest> owned = new ArrayList<>(e.inFlight);
                owned.addAll(e.posted);
                for (WorkRequest r : owned) {
                    if (r.direction() == DmaDirection.FROM_DEVICE) {
                        copyBack(e, r, true);
                    }
                }
            } else {
                for (int p = 1; p <= c.bufferPages(); p++) {
                    syncFromDevice(e, p);
                }
            }
        }
        send(e);
        long finalPages = e.dirty.size();
        long downtime = finalPages * c.pageTimeMicros();
        long total = e.pagesPerRound.stream().mapToLong(Long::longValue).sum() + finalPages;
        MigrationReport report = new MigrationReport(
                e.pagesPerRound.size(),
                e.pagesPerRound,
                finalPages,
                total,
                downtime,
                e.elapsedMicros + downtime,
                converged);
        e.elapsedMicros += downtime;
        // Switch-over: the VM resumes on the destination with the ring and the requests it owns.
        e.memory = new ArrayList<>(e.destination);
        e.destination = new ArrayList<>();
        e.deviceBuffer = new ArrayList<>();
        e.vcpuReach = Collections.nCopies(c.bufferPages(), BufferFrame.ORIGINAL);
        e.deviceReach = e.vcpuReach;
        e.dirty.clear();
        e.phase = MigrationPhase.MIGRATED;
        e.report = Optional.of(report);
        e.seen.add(new MigrationObservation.Reported(report));
    }

    /**
     * Every dirty data page to the destination; the pool's pages carry the guest's tables, whose
     * contents the model keeps as {@code accessed} and {@code written}, which go with the VM.
     */
    private static void send(Edit e) {
        for (long p : e.dirty) {
            if (p < e.s.config().dataPages()) {
                e.destination.set((int) p, e.memory.get((int) p));
            }
        }
    }

    /** A state being edited by one step. */
    private static final class Edit {
        final MigrationState s;
        final List<MigrationObservation> seen = new ArrayList<>();
        MigrationPhase phase;
        List<Bytes> memory;
        List<Bytes> deviceBuffer;
        List<BufferFrame> vcpuReach;
        List<BufferFrame> deviceReach;
        List<Bytes> destination;
        final SortedSet<Long> dirty;
        long driverTail;
        long deviceHead;
        final List<WorkRequest> inFlight;
        final List<WorkRequest> posted;
        final SortedSet<Long> delivered;
        final SortedSet<Long> rejected;
        final List<Transmission> transmitted;
        final List<Long> pagesPerRound;
        long elapsedMicros;
        Optional<MigrationReport> report;
        final SortedSet<Long> accessed;
        final SortedSet<Long> written;
        final SortedSet<Long> roundPages;
        int roundSteps;

        Edit(MigrationState s) {
            this.s = s;
            phase = s.phase();
            memory = new ArrayList<>(s.memory());
            deviceBuffer = new ArrayList<>(s.deviceBuffer());
            vcpuReach = s.vcpuReach();
            deviceReach = s.deviceReach();
            destination = new ArrayList<>(s.destination());
            dirty = new TreeSet<>(s.dirty());
            driverTail = s.driverTail();
            deviceHead = s.deviceHead();
            inFlight = new ArrayList<>(s.inFlight());
            posted = new ArrayList<>(s.posted());
            delivered = new TreeSet<>(s.delivered());
            rejected = new TreeSet<>(s.rejected());
            transmitted = new ArrayList<>(s.transmitted());
            pagesPerRound = new ArrayList<>(s.pagesPerRound());
            elapsedMicros = s.elapsedMicros();
            report = s.report();
            accessed = new TreeSet<>(s.accessed());
            written = new TreeSet<>(s.written());
            roundPages = new TreeSet<>(s.roundPages());
            roundSteps = s.roundSteps();
        }

        void alert(MigrationCode code) {
            seen.add(new Alert(code));
        }

        MigrationState state() {
            return new MigrationState(
                    s.config(),
                    phase,
                    memory,
                    deviceBuffer,
                    vcpuReach,
                    deviceReach,
                    destination,
                    dirty,
                    driverTail,
                    deviceHead,
                    inFlight,
                    posted,
                    delivered,
                    rejected,
                    transmitted,
                    pagesPerRound,
                    elapsedMicros,
                    report,
                    accessed,
                    written,
                    roundPages,
                    roundSteps);
        }
    }
}
