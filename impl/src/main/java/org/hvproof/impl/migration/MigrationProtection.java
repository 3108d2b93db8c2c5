package org.hvproof.impl.migration;

import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The source host's protections the syncs rely on, read off its nested page table and its vCPU's
 * translation cache: whether the MMIO page lets the VM's stores through (its nested entry, or a
 * writable translation the vCPU still holds), and which vCPU buffer pages the VM could access
 * without an exit (nested rights allowing a read or a write, or a cached writable translation).
 * Read by the machine-level checks of MIG-3; what must hold depends on the phase and the strategy.
 *
 * @param doorbellWritable        the MMIO page's nested entry allows writes
 * @param doorbellWriteCached     the vCPU's translation cache holds a writable translation of it
 * @param openBufferPages         buffer pages whose nested rights allow a read or a write
 * @param bufferPagesWriteCached  buffer pages of which the vCPU caches a writable translation
 */
public record MigrationProtection(
        boolean doorbellWritable,
        boolean doorbellWriteCached,
        SortedSet<Long> openBufferPages,
        SortedSet<Long> bufferPagesWriteCached) {
    /** Copies the sets. */
    public MigrationProtection {
        openBufferPages = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(openBufferPages));
        bufferPagesWriteCached = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(bufferPagesWriteCached));
    }
}
