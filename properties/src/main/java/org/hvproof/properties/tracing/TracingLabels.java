package org.hvproof.properties.tracing;

/** The situations a tracing trace can reach; the TRACE properties set coverage minimums on them. */
public final class TracingLabels {
    public static final String WRITE_TO_TRACED_PAGE = "write to a traced page";
    public static final String WRITE_TO_UNTRACED_PAGE = "write to an untraced page";
    public static final String WRITE_TO_DOUBLY_OWNED_PAGE = "write to a page traced by two owners";
    public static final String DOUBLY_OWNED_PAGE = "a page traced by two owners";
    public static final String CROSSING_WRITE = "write crossing a page boundary";
    public static final String CROSSING_WRITE_TO_TRACED_PAGE = "crossing write to a traced page";
    public static final String ONE_OF_TWO_OWNERS_REMOVED = "one of two owners removed its trace";
    public static final String NOTIFIED_AFTER_ONE_OF_TWO_REMOVED = "write notified after one of two owners left";
    public static final String SILENT_WRITE_AFTER_LAST_REMOVAL = "silent write to a page whose traces were removed";
    public static final String FAULTED_WRITE = "write faulted";
    /** Spread: an access whose address differs from a mapped page's only above bit 31. */
    public static final String HIGH_BIT_ALIAS = "access at a mapped address flipped above bit 31";
    /** Spread: a notified write piece longer than a quarter page (lengths span the whole page). */
    public static final String LONG_NOTIFIED_WRITE = "notified write of more than 1024 bytes in one page";
    /** Spread: a completed write in the upper (kernel) half of the canonical address space. */
    public static final String UPPER_HALF_WRITE = "completed write in the upper canonical half";
    /** Spread: a non-canonical access, or one by a vCPU the machine does not have. */
    public static final String NON_CANONICAL_OR_NO_VCPU = "access at a non-canonical address or by a missing vCPU";
    /** Spread: a trace request for a page at or beyond the end of guest RAM. */
    public static final String TRACE_BEYOND_RAM = "trace requested for a page beyond guest RAM";
    /** Spread: a notified write to a page at an edge of the guest's data pages (first, or last below the pool). */
    public static final String NOTIFIED_AT_RAM_EDGE = "notified write to a first or last data page";

    /**
     * Translation caches: a trace added to a page some vCPU holds a writable cached translation of
     * (the situation where a missing shootdown lets writes through unseen).
     */
    public static final String TRACE_OVER_CACHED_WRITABLE_TRANSLATION =
            "trace added while a vCPU caches a writable translation of the page";

    /**
     * Translation caches: the same, with a vCPU other than vCPU 0 (where the hypervisor handles the
     * request) caching it: a local invalidation leaves that entry behind.
     */
    public static final String TRACE_OVER_REMOTE_CACHED_WRITABLE_TRANSLATION =
            "trace added while a vCPU other than vCPU 0 caches a writable translation of the page";

    /**
     * Translation caches: a write to a traced page by a vCPU that cached a writable translation of
     * it before the trace was added (the write a stale entry would let through).
     */
    public static final String WRITE_AFTER_TRACE_BY_CACHING_VCPU =
            "write to a traced page by a vCPU that cached it writable before the trace";

    /** DMA: a device's write refused and reported at a traced page. */
    public static final String DMA_REFUSED_AT_TRACED_PAGE = "DMA write refused at a traced page";

    /** DMA: a device's write that landed on an untraced page, then was refused at a traced one. */
    public static final String DMA_LANDED_THEN_REFUSED_AT_TRACED_PAGE =
            "DMA write landed on an untraced page, then was refused at a traced one";

    /** DMA: a device's write that landed whole. */
    public static final String DMA_LANDED = "DMA write landed whole";

    /** DMA: a write refused elsewhere: the page-table pool, beyond RAM or the bus width, another device. */
    public static final String DMA_REFUSED_ELSEWHERE =
            "DMA write refused outside the data pages or from another device";

    /** DMA: a trace added while the device's IOTLB caches a writable translation of the page. */
    public static final String TRACE_OVER_DEVICE_CACHED_WRITABLE_TRANSLATION =
            "trace added while the IOTLB caches a writable translation of the page";

    /**
     * Large pages: a trace added to a page a 2 MiB nested leaf maps, which the service must split
     * so that only that page loses its write right.
     */
    public static final String TRACE_INSIDE_LARGE_NESTED_MAPPING = "trace added inside a large nested mapping";

    /**
     * Interleaving: a guest access by a vCPU other than vCPU 0 (where the hypervisor runs the
     * request) between two micro-steps of a trace request.
     */
    public static final String ACCESS_BY_ANOTHER_VCPU_BETWEEN_MICRO_STEPS =
            "access by a vCPU other than vCPU 0 between two micro-steps of a trace request";

    /** Interleaving: a completed write to the page a pending trace request is adding. */
    public static final String WRITE_TO_PAGE_BEING_TRACED = "write to a page while its trace is being added";

    /**
     * Interleaving: the same, after the write bit is cleared and before the shoot-down (where a
     * vCPU's cached translation and another's exit meet).
     */
    public static final String WRITE_BETWEEN_CLEAR_AND_SHOOT_DOWN =
            "write to a page being traced between the clear of its write bit and the shoot-down";

    /** Interleaving: a trace request run in micro-steps reached its last one and was published. */
    public static final String INTERLEAVED_TRACE_PUBLISHED = "trace request published after interleaved micro-steps";

    /**
     * Interleaving: a completed write to a page whose last trace a pending removal is taking away,
     * before its write bit is restored (the write exits on the cleared bit and must land unnotified).
     */
    public static final String WRITE_TO_PAGE_BEING_UNTRACED =
            "write to a page while its last trace is being removed, before the write bit is restored";

    /** Interleaving: a trace removal run in micro-steps reached its last one. */
    public static final String INTERLEAVED_REMOVAL_DONE = "trace removal finished after interleaved micro-steps";

    private TracingLabels() {}
}
