package org.hvproof.impl.failover;

import java.util.Optional;

/**
 * The application: a key-value store whose state is its guest memory on a host ({@link
 * ApplicationHost}: key {@code k} in 64-bit slot {@code k}, little-endian, pages in order) and its
 * virtual NIC's receive queue. Clients' updates wait in the queue; serving one stores it through
 * the application's vCPU (a guest write, translated by its page tables and the nested table) and
 * only once the store completed acknowledges it.
 */
final class KeyValueStore {
    private final ApplicationHost host;
    private final VirtualNic nic;
    private final int pages;
    private final int slotsPerPage;
    private final FailoverImplFlaw flaw;

    KeyValueStore(ApplicationHost host, VirtualNic nic, int pages, int pageBytes, FailoverImplFlaw flaw) {
        this.host = host;
        this.nic = nic;
        this.pages = pages;
        this.slotsPerPage = pageBytes / 8;
        this.flaw = flaw;
        host.bootApplication(pages);
    }

    VirtualNic nic() {
        return nic;
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

    /**
     * Stores the oldest request in memory; returns it to acknowledge when the store completed
     * (empty under ACK_BEFORE_APPLY: already done).
     */
    Optional<long[]> serveOne() {
        long[] r = nic.take();
        boolean stored = host.store((int) (r[0] / slotsPerPage), (int) (r[0] % slotsPerPage) * 8, r[1]);
        return flaw == FailoverImplFlaw.ACK_BEFORE_APPLY || !stored ? Optional.empty() : Optional.of(r);
    }
}
