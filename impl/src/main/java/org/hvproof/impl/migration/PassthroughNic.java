package org.hvproof.impl.migration;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import org.hvproof.impl.machine.DeviceId;
import org.hvproof.impl.machine.DmaResult;
import org.hvproof.impl.machine.Machine;
import org.hvproof.model.migration.MigrationCode;
import org.hvproof.model.migration.MigrationConfig;

/**
 * A NIC-like passthrough device on a {@link Machine}: its registers are one MMIO page, a host
 * frame of its own (its BAR) that the VM's nested page table maps at the guest's MMIO page; its
 * 64-bit doorbell register at offset 0 takes the driver's tail (any other write to the page is
 * refused with an alert), it then reads each new 16-byte descriptor from the ring page by DMA, checks it, and works
 * on the requests it accepts in order, moving each one's bytes by DMA through its IOMMU table
 * (receive: it writes its output; transmit: it reads the VM's data and sends it), a step at a
 * time; a finished request goes to its completion ring, and its completion interrupt reports the
 * oldest. It keeps its error log (the ring indices it rejected) and what it sent. Never throws.
 */
final class PassthroughNic {
    /** Bytes of a descriptor. */
    static final int DESCRIPTOR_BYTES = 16;

    private static final int PAGE = 4096;

    private final DeviceId id;
    private final Machine machine;
    private final long registerFrame;
    private final int ringSlots;
    private final int dataPages;
    private final int bufferPages;
    private long head;
    private final List<NicRequest> inFlight = new ArrayList<>();
    private final Deque<NicRequest> completionRing = new ArrayDeque<>();
    private final SortedSet<Long> errorLog = new TreeSet<>();
    private final List<NicRequest> sent = new ArrayList<>();

    /** One request the device took: its ring index, buffer, direction word, bytes moved, bytes read. */
    static final class NicRequest {
        final long index;
        final long address;
        final int length;
        final boolean receive;
        int done;
        byte[] read;

        NicRequest(long index, long address, int length, boolean receive) {
            this.index = index;
            this.address = address;
            this.length = length;
            this.receive = receive;
            this.read = new byte[receive ? 0 : length];
        }

        NicRequest copy() {
            NicRequest c = new NicRequest(index, address, length, receive);
            c.done = done;
            c.read = read.clone();
            return c;
        }
    }

    /**
     * A device with requester id {@code id} on {@code machine}, whose IOMMU table the caller fills
     * and whose registers are host frame {@code registerFrame}.
     */
    PassthroughNic(DeviceId id, Machine machine, long registerFrame, int ringSlots, int dataPages, int bufferPages) {
        this.id = id;
        this.machine = machine;
        this.registerFrame = registerFrame;
        this.ringSlots = ringSlots;
        this.dataPages = dataPages;
        this.bufferPages = bufferPages;
    }

    DeviceId id() {
        return id;
    }

    /** The host frame of its MMIO registers (its BAR): a store the bus routes there is a register write. */
    long registerFrame() {
        return registerFrame;
    }

    /**
     * A write of {@code bytes} at {@code offset} of its MMIO page, as the bus delivers it: one
     * 8-byte store at the doorbell register rings the doorbell with that tail; any other write is
     * refused ({@link MigrationCode#OUTSIDE_REGISTER}) and changes nothing. The alerts raised.
     */
    List<MigrationCode> registerWrite(int offset, byte[] bytes) {
        if (offset != MigrationConfig.DOORBELL_OFFSET || bytes.length != MigrationConfig.DOORBELL_BYTES) {
            return List.of(MigrationCode.OUTSIDE_REGISTER);
        }
        return doorbell(word(bytes, 0, MigrationConfig.DOORBELL_BYTES));
    }

    long head() {
        return head;
    }

    List<NicRequest> inFlight() {
        return inFlight;
    }

    List<NicRequest> completionRing() {
        return List.copyOf(completionRing);
    }

    SortedSet<Long> errorLog() {
        return errorLog;
    }

    List<NicRequest> sent() {
        return sent;
    }

    /** The requests whose buffers the device owns: in flight, then posted. */
    List<NicRequest> owned() {
        List<NicRequest> out = new ArrayList<>(inFlight);
        out.addAll(completionRing);
        return out;
    }

    /** Why a doorbell of {@code tail} is refused, given the head; empty when it names new descriptors. */
    Optional<MigrationCode> checkDoorbell(long tail) {
        if (tail == head) {
            return Optional.of(MigrationCode.EMPTY_RING);
        }
        if (tail < head || tail - head > ringSlots) {
            return Optional.of(MigrationCode.BAD_DOORBELL);
        }
        return Optional.empty();
    }

    /** Byte offset of ring index {@code index} in the ring page. */
    int slotOffset(long index) {
        return (int) Math.floorMod(index, (long) ringSlots) * DESCRIPTOR_BYTES;
    }

    /**
     * The device's rules for one descriptor: its direction word, its length, its buffer inside the
     * DMA buffer (not past guest memory, not the ring), and no overlap with a buffer it owns.
     */
    Optional<MigrationCode> checkDescriptor(byte[] d, List<NicRequest> owned) {
        long address = word(d, 0, 8);
        long length = word(d, 8, 4);
        long direction = word(d, 12, 4);
        if (direction > 1) {
            return Optional.of(MigrationCode.BAD_DIRECTION);
        }
        if (length == 0) {
            return Optional.of(MigrationCode.ZERO_LENGTH);
        }
        if (length > (long) bufferPages * PAGE) {
            return Optional.of(MigrationCode.TOO_LONG);
        }
        if (address < 0 || Long.MAX_VALUE - address < length || address + length > (long) dataPages * PAGE) {
            return Optional.of(MigrationCode.OUTSIDE_GUEST_MEMORY);
        }
        if (address < PAGE) {
            return Optional.of(MigrationCode.RING_ITSELF);
        }
        if (address + length > (long) (1 + bufferPages) * PAGE) {
            return Optional.of(MigrationCode.OUTSIDE_BUFFER);
        }
        for (NicRequest r : owned) {
            if (r.address < address + length && address < r.address + r.length) {
                return Optional.of(MigrationCode.OVERLAPPING);
            }
        }
        return Optional.empty();
    }

    /** The doorbell: every descriptor up to {@code tail} read by DMA, checked, taken or logged; the alerts raised. */
    List<MigrationCode> doorbell(long tail) {
        Optional<MigrationCode> bad = checkDoorbell(tail);
        if (bad.isPresent()) {
            return List.of(bad.get());
        }
        List<MigrationCode> alerts = new ArrayList<>();
        while (head < tail) {
            long index = head++;
            DmaResult r = machine.dmaRead(id, slotOffset(index), DESCRIPTOR_BYTES);
            byte[] d = r.whole() ? r.data() : new byte[DESCRIPTOR_BYTES];
            Optional<MigrationCode> wrong = checkDescriptor(d, owned());
            if (wrong.isPresent()) {
                errorLog.add(index);
                alerts.add(wrong.get());
                continue;
            }
            inFlight.add(new NicRequest(index, word(d, 0, 8), (int) word(d, 8, 4), word(d, 12, 4) == 1));
        }
        return alerts;
    }

    /** One DMA step of the oldest request: up to {@code bytes} bytes (at least one); finished ones are posted. */
    void step(int bytes) {
        if (inFlight.isEmpty()) {
            return;
        }
        NicRequest r = inFlight.get(0);
        int n = Math.min(Math.max(1, bytes), r.length - r.done);
        long at = r.address + r.done;
        if (r.receive) {
            byte[] out = new byte[n];
            for (int i = 0; i < n; i++) {
                out[i] = (byte) (r.index * 37 + (long) (r.done + i) * 11 + 5);
            }
            machine.dmaWrite(id, at, out);
        } else {
            DmaResult got = machine.dmaRead(id, at, n);
            System.arraycopy(got.data(), 0, r.read, r.done, got.completed());
        }
        r.done += n;
        if (r.done >= r.length) {
            inFlight.remove(0);
            completionRing.addLast(r);
            if (!r.receive) {
                sent.add(r);
            }
        }
    }

    /** The completion interrupt: the oldest posted completion, taken off the ring; empty when none. */
    Optional<NicRequest> interrupt() {
        return Optional.ofNullable(completionRing.pollFirst());
    }

    /**
     * This device's ring state and requests moved onto {@code other} (switch-over): head, requests
     * in flight with their progress, the completion ring, the error log and what it sent; with
     * {@code replayPosted}, the posted ones are also handed to it again as new requests (a flaw).
     */
    void moveTo(PassthroughNic other, boolean replayPosted) {
        other.head = head;
        inFlight.forEach(r -> other.inFlight.add(r.copy()));
        if (replayPosted) {
            completionRing.forEach(r -> {
                NicRequest again = new NicRequest(r.index, r.address, r.length, r.receive);
                other.inFlight.add(again);
            });
        }
        completionRing.forEach(r -> other.completionRing.addLast(r.copy()));
        other.errorLog.addAll(errorLog);
        other.sent.addAll(sent);
        inFlight.clear();
        completionRing.clear();
    }

    private static long word(byte[] b, int at, int bytes) {
        long v = 0;
        for (int i = 0; i < bytes; i++) {
            v |= (b[at + i] & 0xffL) << (8 * i);
        }
        return v;
    }
}
