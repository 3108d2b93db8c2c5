package org.hvproof.impl.integrity;

/**
 * Deliberately broken variants of the integrity service, each one bug a real hypervisor could
 * have. Only tests select them; {@link #NONE} is the service as specified, and each other value
 * changes one code path, named in {@link IntegrityService}. The property suite must catch every one
 * with the property of the claim it names.
 */
public enum IntegrityImplFlaw {
    /** The correct service. */
    NONE,
    /** The entry check compares only the caller's page with the entry point's page (GI-1). */
    ENTRY_CHECKS_PAGE_ONLY,
    /** Registration traces the driver's code pages but not its data pages (GI-2). */
    DRIVER_DATA_UNTRACED,
    /** The integrity view traces the driver's data pages too, so its own work alerts (GI-3). */
    OWN_DATA_MONITORED_IN_INTEGRITY_VIEW,
    /** Exit returns the vCPU to normal mode but leaves it on the integrity view (GI-4). */
    EXIT_KEEPS_INTEGRITY_VIEW,
    /** An interrupt ends integrity mode but leaves the vCPU on the integrity view (GI-4). */
    INTERRUPT_KEEPS_INTEGRITY_VIEW,
    /** Protection requests are honoured from normal mode too (GI-5). */
    REQUESTS_IGNORE_MODE,
    /** An unprotect request from normal mode is refused without an alert (GI-5, the patent's "alert instead"). */
    REFUSED_UNPROTECT_SILENT,
    /**
     * A protect request refused because it overlaps existing protections "rolls back" by
     * unprotecting every page of its range, the ones protected earlier included (GI-6).
     */
    ROLLBACK_DROPS_EXISTING,
    /** The integrity view traces nothing: every protected page goes unmonitored in integrity mode (GI-7). */
    INTEGRITY_VIEW_UNMONITORS_ALL,
    /** A write that alerts with {@code BLOCK} is completed anyway (GI-2, GI-7: the action is not performed). */
    BLOCK_COMPLETES_WRITE
}
