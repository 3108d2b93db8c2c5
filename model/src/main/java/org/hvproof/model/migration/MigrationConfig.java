package org.hvproof.model.migration;

import org.hvproof.model.common.Notation;

/**
 * The figures of one run: the guest's data pages (page 0 the descriptor ring, pages {@code 1 ..
 * bufferPages} the DMA buffer, the rest other data), the ring's slots, the embodiment and the sync
 * strategy, and the migration's settings: page size, bandwidth in bytes per second, downtime limit
 * in microseconds and round limit. The guest OS's page tables sit in {@link #poolPages()} pages
 * above the data pages and migrate with them. The device's MMIO page, holding its doorbell
 * register, is the guest-physical page just past them ({@link #doorbellPage()}), mapped by the
 * guest at the virtual page just past its data pages. Simulated time: a page takes {@link
 * #pageTimeMicros()} to send.
 */
public record MigrationConfig(
        int dataPages,
        int bufferPages,
        int ringSlots,
        long pageBytes,
        long bandwidth,
        long downtimeLimitMicros,
        int roundLimit,
        MigrationEmbodiment embodiment,
        MigrationStrategy strategy) {
    /** The only page size the machine has. */
    public static final long PAGE_BYTES = 4096;
    /** QEMU's default bandwidth throttle (max-bandwidth): 128 MiB/s. */
    public static final long DEFAULT_BANDWIDTH = 128L << 20;
    /** QEMU's default downtime limit: 300 ms. */
    public static final long DEFAULT_DOWNTIME_LIMIT_MICROS = 300_000;
    /** Pre-copy rounds before stop-and-copy is forced (ours: QEMU throttles the guest instead of counting). */
    public static final int DEFAULT_ROUND_LIMIT = 30;
    /** Bytes of one descriptor in the ring. */
    public static final int SLOT_BYTES = 16;
    /** Largest guest: 1 GiB of data pages (one page directory of identity tables). */
    public static final int MAX_DATA_PAGES = 1 << 18;
    /** Offset of the device's 64-bit doorbell register in its MMIO page. */
    public static final int DOORBELL_OFFSET = 0;
    /** Bytes of the doorbell register: the driver writes its tail there with one 8-byte store. */
    public static final int DOORBELL_BYTES = 8;

    public MigrationConfig {
        if (bufferPages < 1 || dataPages < 1 + bufferPages || dataPages > MAX_DATA_PAGES) {
            throw new IllegalArgumentException("need a ring page and 1 or more buffer pages within " + MAX_DATA_PAGES
                    + " data pages: " + dataPages + ", " + bufferPages);
        }
        if (ringSlots < 1 || ringSlots > PAGE_BYTES / SLOT_BYTES) {
            throw new IllegalArgumentException("ring slots must be 1.." + PAGE_BYTES / SLOT_BYTES + ": " + ringSlots);
        }
        if (pageBytes != PAGE_BYTES || bandwidth < 1 || downtimeLimitMicros < 0 || roundLimit < 1) {
            throw new IllegalArgumentException("bad settings: page " + pageBytes + " B, " + bandwidth + " B/s, limit "
                    + downtimeLimitMicros + " µs, " + roundLimit + " rounds");
        }
        if (embodiment == null || strategy == null) {
            throw new IllegalArgumentException("embodiment and strategy are required");
        }
    }

    /** A guest of {@code dataPages} with QEMU's migration defaults. */
    public static MigrationConfig withDefaults(
            int dataPages, int bufferPages, MigrationEmbodiment embodiment, MigrationStrategy strategy) {
        return new MigrationConfig(
                dataPages,
                bufferPages,
                8,
                PAGE_BYTES,
                DEFAULT_BANDWIDTH,
                DEFAULT_DOWNTIME_LIMIT_MICROS,
                DEFAULT_ROUND_LIMIT,
                embodiment,
                strategy);
    }

    /**
     * Pages of the guest OS's page tables: a root, a PDPT, a page directory per 512 tables and a
     * table per 512 virtual pages, for the data pages mapped one to one and the MMIO page mapped
     * at the virtual page after them (so a guest of a multiple of 512 data pages needs one table
     * more, and one of {@link #MAX_DATA_PAGES} a directory more, than its data alone).
     */
    public int poolPages() {
        int mapped = dataPages + 1;
        int tables = (mapped + 511) / 512;
        return 2 + (tables + 511) / 512 + tables;
    }

    /**
     * The guest-physical page of the guest OS's table at {@code level} (4 the root .. 1 the leaf
     * table) on the walk of virtual page {@code virtualPage} (a data page, or the MMIO page at
     * {@link #dataPages()}): the pool is handed out in the order the guest maps its pages, one to
     * one from virtual page 0 up and the MMIO page last, so the root is its first page, the PDPT
     * the second, and each page directory comes just before the first table under it.
     */
    public long tablePage(long virtualPage, int level) {
        long table = virtualPage >>> 9;
        long directory = table >>> 9;
        long index = switch (level) {
            case 4 -> 0;
            case 3 -> 1;
            case 2 -> 2 + 513 * directory;
            case 1 -> 3 + 513 * directory + (table & 511);
            default -> throw new IllegalArgumentException("a 4-level walk has no level " + level);
        };
        return dataPages + index;
    }

    /** The guest-physical page of the device's MMIO registers: the first page past guest RAM. */
    public long doorbellPage() {
        return totalPages();
    }

    /** The guest-virtual address at which the VM's driver maps the MMIO page: the page after its data pages. */
    public long doorbellVirtualAddress() {
        return (long) dataPages * PAGE_BYTES;
    }

    /** Every guest page: data pages and the page-table pool. */
    public int totalPages() {
        return dataPages + poolPages();
    }

    /** Microseconds to send one page at the bandwidth, rounded up. */
    public long pageTimeMicros() {
        return (pageBytes * 1_000_000 + bandwidth - 1) / bandwidth;
    }

    /** Whether sending {@code pages} pages fits the downtime limit. */
    public boolean fitsDowntime(long pages) {
        return pages * pageTimeMicros() <= downtimeLimitMicros;
    }

    /** Guest-physical address of the first DMA buffer byte. */
    public long bufferStart() {
        return PAGE_BYTES;
    }

    /** Guest-physical address past the last DMA buffer byte. */
    public long bufferEnd() {
        return PAGE_BYTES * (1L + bufferPages);
    }

    /** Whether data page {@code page} is a DMA buffer page. */
    public boolean isBufferPage(long page) {
        return page >= 1 && page <= bufferPages;
    }

    /** The figures in the units a reader checks them in (pages, MiB/s, ms), embodiment and strategy in words. */
    @Override
    public String toString() {
        return dataPages + " data pages, " + bufferPages + " buffer pages, " + ringSlots + " ring slots, "
                + (bandwidth % (1L << 20) == 0 ? (bandwidth >> 20) + " MiB/s" : bandwidth + " B/s")
                + ", downtime limit " + (downtimeLimitMicros / 1000.0) + " ms, at most "
                + roundLimit + " rounds, " + Notation.words(embodiment) + ", "
                + Notation.words(strategy);
    }
}
