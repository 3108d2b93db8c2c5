package org.hvproof.impl.failover;

import java.util.Optional;

/**
 * The application: a key-value store whose state is its host's memory pages (key {@code k} in
 * 64-bit slot {@code k}, little-endian, pages in order) and its virtual NIC's receive queue.
 * Clients' updates wait in the queue; serving one applies it to memory and only then
 * acknowledges it.
 */
final class KeyValueStore {
    private final VolatileMemory memory;
    private final VirtualNic nic;
    private final int pages;
    private final int slotsPerPage;
    private final FailoverImplFlaw flaw;

    KeyValueStore(VolatileMemory memory, VirtualNic nic, int pages, FailoverImplFlaw flaw) {
        this.memory = memory;
        this.nic = nic;
        this.pages = pages;
        this.slotsPerPage = memory.pageBytes() / 8;
        this.flaw = flaw;
    }

    VirtualNic nic() {
        return nic;
    }

    int pages() {
        return pages;
    }

    long keys() {
        return (long) pages * slotsPerPage;
    }

    /**
     * A request arrives; with {@code ACK_BEFORE_APPLY} it is acknowledged now (returned), else
     * nothing is acknowledged yet.
     */
    Optional<long[]> receive(long key, long value) {
        nic.receive(key, value);
        // ACK_BEFORE_APPLY: acknowledged on arrival.
        return flaw == FailoverImplFlaw.ACK_BEFORE_APPLY ? Optional.of(new long[] {key, value}) : Optional.empty();
    }

    /** Applies the oldest request to memory; returns it to acknowledge (empty under ACK_BEFORE_APPLY: already done). */
    Optional<long[]> serveOne() {
        long[] r = nic.take();
        memory.writeLong((int) (r[0] / slotsPerPage), (int) (r[0] % slotsPerPage) * 8, r[1]);
        return flaw == FailoverImplFlaw.ACK_BEFORE_APPLY ? Optional.empty() : Optional.of(r);
    }
}
