package org.hvproof.impl.migration;

import static org.hvproof.model.common.Flaw.caught;

import java.util.List;
import org.hvproof.model.common.Flaw;

/**
 * Deliberately broken variants of the migration service, each one bug a real hypervisor could
 * have. Only tests select them; {@link #NONE} is the mechanism as specified, and each other value
 * changes one code path, named where it is used. Each declares the claim whose property catches
 * it, the check that names it and how short its shrunk trace is (the first action of a
 * trace boots the VM with its figures).
 */
public enum MigrationImplFlaw implements Flaw {
    /** The correct service. */
    NONE,
    /**
     * No buffer copy at all: the device keeps writing the VM's own frames by DMA, which dirty
     * logging never sees, so a page it writes after being sent stays stale at the destination (MIG-1).
     */
    NO_BUFFER_COPY(
            caught("MIG-1", "MIG-1 destinationMatchesUnmigrated", 7),
            caught("MIG-2", "MIG-2 translationsReachTheirBuffer", 2)),
    /**
     * A pre-copy round in micro-steps copies each page before re-arming its write trace and taking
     * it out of the dirty set (the classic dirty-logging order bug): a VM write landing between
     * the copy and the re-arm is lost, and the destination keeps the page as copied (MIG-1).
     */
    COPY_BEFORE_REARM(caught("MIG-1", "MIG-1 destinationMatchesUnmigrated", 7)),
    /**
     * A pre-copy round in micro-steps re-arms and copies page by page in the right order but
     * then clears the whole dirty set at its end, as the one-step round did: a VM write to a page
     * the round had already copied is forgotten (MIG-1).
     */
    ROUND_END_CLEARS_DIRTY(caught("MIG-1", "MIG-1 cleanPagesAtDestination", 7)),
    /** Stop-and-copy skips copying back what the device wrote of requests it still owns (MIG-1). */
    NO_FINAL_SYNC(caught("MIG-1", "MIG-1 destinationMatchesUnmigrated", 7)),
    /** The intercepted completion is forwarded to the VM first; its copy-back waits for the next round (MIG-3). */
    COMPLETION_BEFORE_COPY_BACK(caught("MIG-3", "MIG-3 completionAfterCopyBack", 6)),
    /** The intercepted completion's copy-back does not mark the pages it changes dirty (MIG-3). */
    COPY_BACK_NOT_DIRTY(caught("MIG-3", "MIG-3 changedPagesDirty", 7)),
    /** The trapped doorbell forwards a transmit without copying its data into the device buffer (MIG-3). */
    DOORBELL_FORWARDED_UNSYNCED(caught("MIG-3", "MIG-3 requestDataInDeviceBuffer", 5)),
    /**
     * Under the doorbell strategy the MMIO page stays writable: the VM's doorbell store reaches the
     * device without an exit, so a transmit is taken before its data is in the device buffer (MIG-3).
     */
    DOORBELL_NOT_TRAPPED(caught("MIG-3", "MIG-3 doorbellStoresExit", 2)),
    /** After the retried access the trapping strategy leaves the vCPU buffer page open (MIG-3). */
    REPROTECT_FORGOTTEN(caught("MIG-3", "MIG-3 vcpuBufferProtected", 3)),
    /**
     * The trapping strategy re-protects the page after the retry but shoots down no cached
     * translation: the vCPU's next write through the opened rights it cached does not exit (MIG-3).
     */
    NO_SHOOTDOWN_AFTER_REPROTECT(caught("MIG-3", "MIG-3 vcpuBufferProtected", 3)),
    /**
     * The source host runs without EPT accessed and dirty flags: the processor's accessed and dirty
     * updates of the guest's page-table entries count as reads for the nested rights, so a
     * page-table page a round sent changes behind dirty logging's back (MIG-1).
     */
    NESTED_ACCESSED_DIRTY_OFF(caught("MIG-1", "MIG-1 cleanPoolPagesAtDestination", 4)),
    /**
     * Dirty logging takes the notified write of a page-table page (the processor's accessed/dirty
     * update of a guest entry, an EPT violation during the walk) for no change: it drops the trace
     * and the walk completes, but the page is not marked dirty, so the destination keeps the table
     * without the bits (MIG-1).
     */
    TABLE_UPDATE_NOT_LOGGED(caught("MIG-1", "MIG-1 cleanPoolPagesAtDestination", 4)),
    /**
     * Dirty logging hears only the notifications of the VM's data writes, as if nothing else could
     * write guest memory: the walk of a read or of the doorbell store that sets bits in a traced
     * table page is notified and completed, but the page is neither marked dirty nor untraced, so
     * the destination keeps the table without the bits (MIG-1).
     */
    ONLY_WRITES_LOGGED(caught("MIG-1", "MIG-1 cleanPoolPagesAtDestination", 4)),
    /** With the copy as the device buffer, the IOMMU is left pointing at the VM's frames (MIG-2). */
    IOMMU_LEFT_ON_VCPU_BUFFER(caught("MIG-2", "MIG-2 translationsReachTheirBuffer", 2)),
    /** At switch-over the destination's device is handed the posted completions again as new requests (MIG-4). */
    REQUEST_REPLAYED_AT_SWITCH_OVER(caught("MIG-4", "MIG-4 everyRequestAccountedOnce", 7)),
    /** Pre-copy keeps going past the round limit while the dirty set does not fit the downtime limit (MIG-5). */
    ROUND_LIMIT_IGNORED(caught("MIG-5", "MIG-5 roundsBounded", 5)),
    /** The report's total leaves out the stop-and-copy round's pages (MIG-5). */
    REPORT_OMITS_FINAL_ROUND(caught("MIG-5", "MIG-5 reportAccurate", 5));

    private final List<Caught> caughtBy;

    MigrationImplFlaw(Caught... caughtBy) {
        this.caughtBy = List.of(caughtBy);
    }

    @Override
    public List<Caught> caughtBy() {
        return caughtBy;
    }
}
