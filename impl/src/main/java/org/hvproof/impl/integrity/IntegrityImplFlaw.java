package org.hvproof.impl.integrity;

import static org.hvproof.model.common.Flaw.caught;

import java.util.List;
import org.hvproof.model.common.Flaw;

/**
 * Deliberately broken variants of the integrity service, each one bug a real hypervisor could
 * have. Only tests select them; {@link #NONE} is the service as specified, and each other value
 * changes one code path, named in {@link IntegrityService}. Each declares the claim whose property
 * catches it, the check that names it and how short its shrunk trace is.
 */
public enum IntegrityImplFlaw implements Flaw {
    /** The correct service. */
    NONE,
    /** The entry check compares only the caller's page with the entry point's page (GI-1). */
    ENTRY_CHECKS_PAGE_ONLY(caught("GI-1", "GI-1 entryOnlyAtEntryPoint", 2)),
    /**
     * The entry check compares the caller's address with the entry point in 32 bits, so an address
     * differing from the entry point only above bit 31 enters integrity mode (GI-1).
     */
    ENTRY_CHECKS_LOW_32_BITS(caught("GI-1", "GI-1 entryOnlyAtEntryPoint", 2)),
    /** Registration traces the driver's code pages but not its data pages (GI-2). */
    DRIVER_DATA_UNTRACED(caught("GI-2", "GI-2 driverPagesAlertOutsideIntegrityMode", 2)),
    /** The integrity view traces the driver's data pages too, so its own work alerts (GI-3). */
    OWN_DATA_MONITORED_IN_INTEGRITY_VIEW(caught("GI-3", "GI-3 ownDataQuietInIntegrityMode", 3)),
    /** Exit returns the vCPU to normal mode but leaves it on the integrity view (GI-4). */
    EXIT_KEEPS_INTEGRITY_VIEW(caught("GI-4", "GI-4 viewFollowsMode", 3)),
    /** An interrupt ends integrity mode but leaves the vCPU on the integrity view (GI-4). */
    INTERRUPT_KEEPS_INTEGRITY_VIEW(caught("GI-4", "GI-4 viewFollowsMode", 3)),
    /**
     * The service remembers the last vCPU that entered integrity mode in one field and exit
     * switches that vCPU's view back instead of the caller's: with two vCPUs in the driver, one
     * leaving puts the other on the default view in integrity mode and keeps itself on the
     * integrity view (GI-4: a mode switch is no longer private to its vCPU).
     */
    EXIT_SWITCHES_LAST_ENTERED_VCPU(caught("GI-4", "GI-4 viewFollowsMode", 5)),
    /** Protection requests are honoured from normal mode too (GI-5). */
    REQUESTS_IGNORE_MODE(caught("GI-5", "GI-5 requestsOnlyFromIntegrityMode", 1)),
    /** An unprotect request from normal mode is refused without an alert (GI-5, the patent's "alert instead"). */
    REFUSED_UNPROTECT_SILENT(caught("GI-5", "GI-5 requestsOnlyFromIntegrityMode", 2)),
    /**
     * A protect request refused because it overlaps existing protections "rolls back" by
     * unprotecting every page of its range, the ones protected earlier included (GI-6).
     */
    ROLLBACK_DROPS_EXISTING(caught("GI-6", "GI-6 protectionsPersist", 4)),
    /**
     * The integrity view traces nothing: every protected page goes unmonitored in integrity mode
     * (GI-7). The abstraction reads a protection's leaf in both views, so refinement names it at the
     * first protect request, before any write.
     */
    INTEGRITY_VIEW_UNMONITORS_ALL(caught("GI-7", "refinement", 4)),
    /** Registration traces the driver's code in the protected view only: its code is writable in integrity mode (GI-7). */
    DRIVER_CODE_WRITABLE_IN_INTEGRITY_VIEW(caught("GI-7", "GI-7 otherProtectedPagesAlertInIntegrityMode", 3)),
    /**
     * The integrity view is built with execute on every page, as the protected view is: code the
     * kernel placed anywhere runs in integrity mode as the driver (GI-8).
     */
    INTEGRITY_VIEW_EXECUTES_ALL(caught("GI-8", "GI-8 onlyDriverCodeExecutable", 3)),
    /**
     * Registration makes the driver's data executable in the integrity view as well as its code:
     * data the driver writes in integrity mode can then be run there (GI-8).
     */
    DRIVER_DATA_EXECUTABLE_IN_INTEGRITY_VIEW(caught("GI-8", "GI-8 onlyDriverCodeExecutable", 1)),
    /** A fault in integrity mode ends the mode without an alert (GI-8). */
    FAULT_LEAVES_SILENTLY(caught("GI-8", "GI-8 onlyDriverCodeRunsInIntegrityMode", 3)),
    /**
     * A protect the tree refuses for want of node pages is granted anyway: the pages are traced
     * and the caller told OK, but no leaf maps them, so the store and the protections part (TREE-7).
     */
    STORE_GRANTS_WHEN_FULL(caught("TREE-7", "TREE-7 leafMappingsAreProtections", 3)),
    /**
     * The service reserves a protect's worst case up front: it refuses (STORE_FULL) whenever the
     * store's free node pages are fewer than a split on every level and a new root for each page
     * of the range, and one more, although the tree would take the insert with the pages it has:
     * a protection the driver asked for is lost with room in the pool (TREE-7; the tree's own dry
     * run of the insert says it fits).
     */
    STORE_REFUSES_WITH_ROOM(caught("TREE-7", "TREE-7 storeFullOnlyWithoutRoom", 3)),
    /**
     * The tree's own protect and unprotect hypercalls stay registered on the integrity machine:
     * the kernel reaches a tree request without the integrity-mode check (GI-5).
     */
    TREE_REQUEST_WITHOUT_MODE_CHECK(caught("GI-5", "GI-5 treeRequestsOnlyThroughTheService", 1)),
    /**
     * With requests in micro-steps, a protect traces its range only when its commit is over, not
     * before it starts: from the tree's publication to the commit's end the store names pages no
     * view write-protects, so a write there lands unseen (TREE-7; the abstraction counts a
     * protection only while both views trace it, so refinement names it at the publication).
     */
    PROTECTED_PAGES_TRACED_AFTER_COMMIT(caught("TREE-7", "refinement", 6)),
    /** A write that alerts with {@code BLOCK} is completed anyway (GI-2, GI-7: the action is not performed). */
    BLOCK_COMPLETES_WRITE(
            caught("GI-2", "GI-2 alertActionPerformed", 2), caught("GI-7", "GI-7 alertActionPerformed", 4));

    private final List<Caught> caughtBy;

    IntegrityImplFlaw(Caught... caughtBy) {
        this.caughtBy = List.of(caughtBy);
    }

    @Override
    public List<Caught> caughtBy() {
        return caughtBy;
    }
}
