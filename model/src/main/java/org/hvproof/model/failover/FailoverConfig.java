package org.hvproof.model.failover;

import java.util.Optional;

/**
 * The raw figures two hosts are provisioned with, as an operator would type them (may be
 * hostile): the application's memory ({@code pages} of {@code pageBytes}), its virtual NIC's
 * receive queue ({@code queueSlots} requests), the secondary's memory ({@code secondaryPages} of
 * the same size), the link ({@code bandwidth} bytes per microsecond, {@code latency} microseconds
 * one way), the primary's battery ({@code holdUp} microseconds from the failure) and the panic
 * handler's stated time ({@code panic} microseconds). {@link #check()} says what is wrong with
 * them; every other method assumes they passed.
 */
public record FailoverConfig(
        long pages,
        long pageBytes,
        long queueSlots,
        long secondaryPages,
        long bandwidth,
        long latency,
        long holdUp,
        long panic) {

    /** Bytes of one key's slot: a little-endian 64-bit value. */
    public static final int SLOT_BYTES = 8;
    /** Bytes of one queued request in the checkpoint: key and value, 64 bits each. */
    public static final int REQUEST_BYTES = 16;
    /** The simulated hosts' limits: pages of application memory, secondary pages, bytes a page. */
    public static final long MAX_PAGES = 32;

    public static final long MAX_SECONDARY_PAGES = 64;
    public static final long MAX_PAGE_BYTES = 512;
    public static final long MAX_QUEUE_SLOTS = 16;
    /** Largest bandwidth (bytes per microsecond, 80 Tb/s) and times (microseconds, about 27 hours) accepted. */
    public static final long MAX_BANDWIDTH = 10_000_000L;

    public static final long MAX_MICROS = 100_000_000_000L;

    /** These figures with {@code pages} replaced, the rest kept (bad values allowed: {@link #check} says what is wrong). */
    public FailoverConfig withPages(long v) {
        return new FailoverConfig(v, pageBytes, queueSlots, secondaryPages, bandwidth, latency, holdUp, panic);
    }

    /** These figures with {@code pageBytes} replaced, the rest kept (bad values allowed: {@link #check} says what is wrong). */
    public FailoverConfig withPageBytes(long v) {
        return new FailoverConfig(pages, v, queueSlots, secondaryPages, bandwidth, latency, holdUp, panic);
    }

    /** These figures with {@code queueSlots} replaced, the rest kept (bad values allowed: {@link #check} says what is wrong). */
    public FailoverConfig withQueueSlots(long v) {
        return new FailoverConfig(pages, pageBytes, v, secondaryPages, bandwidth, latency, holdUp, panic);
    }

    /** These figures with {@code secondaryPages} replaced, the rest kept (bad values allowed: {@link #check} says what is wrong). */
    public FailoverConfig withSecondaryPages(long v) {
        return new FailoverConfig(pages, pageBytes, queueSlots, v, bandwidth, latency, holdUp, panic);
    }

    /** These figures with {@code bandwidth} replaced, the rest kept (bad values allowed: {@link #check} says what is wrong). */
    public FailoverConfig withBandwidth(long v) {
        return new FailoverConfig(pages, pageBytes, queueSlots, secondaryPages, v, latency, holdUp, panic);
    }

    /** These figures with {@code latency} replaced, the rest kept (bad values allowed: {@link #check} says what is wrong). */
    public FailoverConfig withLatency(long v) {
        return new FailoverConfig(pages, pageBytes, queueSlots, secondaryPages, bandwidth, v, holdUp, panic);
    }

    /** These figures with {@code holdUp} replaced, the rest kept (bad values allowed: {@link #check} says what is wrong). */
    public FailoverConfig withHoldUp(long v) {
        return new FailoverConfig(pages, pageBytes, queueSlots, secondaryPages, bandwidth, latency, v, panic);
    }

    /** These figures with {@code panic} replaced, the rest kept (bad values allowed: {@link #check} says what is wrong). */
    public FailoverConfig withPanic(long v) {
        return new FailoverConfig(pages, pageBytes, queueSlots, secondaryPages, bandwidth, latency, holdUp, v);
    }

    /** What is wrong with these figures, checked in a fixed order; empty when they can be provisioned. */
    public Optional<FailoverCode> check() {
        if (pages <= 0
                || pages > MAX_PAGES
                || pageBytes < SLOT_BYTES
                || pageBytes > MAX_PAGE_BYTES
                || pageBytes % SLOT_BYTES != 0
                || queueSlots <= 0
                || queueSlots > MAX_QUEUE_SLOTS
                || secondaryPages <= 0
                || secondaryPages > MAX_SECONDARY_PAGES) {
            return Optional.of(FailoverCode.BAD_SIZE);
        }
        if (bandwidth <= 0 || bandwidth > MAX_BANDWIDTH) {
            return Optional.of(FailoverCode.BAD_BANDWIDTH);
        }
        if (latency < 0 || latency > MAX_MICROS || panic < 0 || panic > MAX_MICROS) {
            return Optional.of(FailoverCode.BAD_TIME);
        }
        if (holdUp <= 0 || holdUp > MAX_MICROS) {
            return Optional.of(FailoverCode.BAD_HOLD_UP);
        }
        if (secondaryPages < chunks()) {
            return Optional.of(FailoverCode.STATE_TOO_LARGE);
        }
        return Optional.empty();
    }

    /** Keys of the key-value store: one slot each, in page order. */
    public int keys() {
        return (int) (pages * (pageBytes / SLOT_BYTES));
    }

    /** Pages the virtual NIC's state takes in the checkpoint: a count, then the queued requests. */
    public int nicPages() {
        long bytes = SLOT_BYTES + queueSlots * REQUEST_BYTES;
        return (int) ((bytes + pageBytes - 1) / pageBytes);
    }

    /** Chunks of the checkpoint, one page each: the application's pages, then the NIC's. */
    public int chunks() {
        return (int) pages + nicPages();
    }

    /** Bytes of the checkpoint as it crosses the link. */
    public long stateBytes() {
        return chunks() * pageBytes;
    }

    @Override
    public String toString() {
        return pages + " pages of " + pageBytes + " B, " + queueSlots + " queue slots, " + secondaryPages
                + " secondary pages, link " + bandwidth + " B/us latency " + latency + " us, hold-up " + holdUp
                + " us, panic " + panic + " us";
    }
}
