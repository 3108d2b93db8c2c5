package org.hvproof.impl.tracing;

import static org.hvproof.model.common.Flaw.caught;

import java.util.List;
import org.hvproof.model.common.Flaw;

/**
 * Deliberately broken variants of the tracing service, each one bug a real service could have.
 * Only tests select them; {@link #NONE} is the service as specified. Each constant declares the
 * claim whose property must catch it, the check that must name it and the longest shrunk trace.
 */
public enum TracingImplFlaw implements Flaw {
    /** The correct service. */
    NONE(),
    /** A second owner's trace of an already traced page is not recorded. */
    FORGET_SECOND_OWNER(caught("TRACE-3", "TRACE-3", 5)),
    /** Removing any owner's trace restores the write bit, though other owners remain. */
    RESTORE_ON_FIRST_REMOVE(caught("TRACE-3", "TRACE-3 ownersAddAndRemoveOnlyThemselves", 6)),
    /**
     * Removing the last owner's trace leaves the write bit cleared: a stale trace. The service finds
     * no owner to notify and completes the write, so no notification betrays it; the TRACE-3 state
     * invariant sees the cleared write bit with no owner behind it.
     */
    STALE_TRACE_AFTER_REMOVE(caught("TRACE-3", "TRACE-3 tracesHaveOwners", 5)),
    /**
     * The handler computes the page from the wrong frame and names the next guest-physical page:
     * a page nobody traces is reported as written (TRACE-2), and the traced one is not (TRACE-1).
     */
    NOTIFY_NEXT_PAGE(caught("TRACE-2", "TRACE-2 noNotificationWithoutTrace", 5)),
    /** Each traced write is notified twice. */
    NOTIFY_TWICE(caught("TRACE-1", "TRACE-1", 4)),
    /** A write crossing a page boundary notifies no one. */
    NO_NOTIFY_ON_CROSSING(caught("TRACE-1", "TRACE-1", 5)),
    /** Notifications give offset 0 instead of the write's offset in the page. */
    OFFSET_FROM_PAGE_START(caught("TRACE-1", "TRACE-1", 4)),
    /** The write is notified but never completed (notify, then complete). */
    NOTIFY_WITHOUT_COMPLETING(caught("TRACE-1", "TRACE-1", 4)),
    /**
     * The notification's length field is one byte wide: a write of 256 bytes or more to a traced
     * page is notified with its length modulo 256. Beyond the old generator, whose writes were at
     * most 32 bytes.
     */
    NOTIFIED_LENGTH_IN_ONE_BYTE(caught("TRACE-1", "TRACE-1", 4)),
    /**
     * Adding a trace clears the write bit but invalidates no vCPU's cached translations: a vCPU
     * that wrote the page before keeps writing it through its stale writable entry, unseen.
     */
    NO_SHOOTDOWN_AFTER_TRACE(caught("TRACE-5", "TRACE-5 noStaleWritableTranslation", 5)),
    /**
     * Adding a trace invalidates the cached translations of the vCPU the request runs on (vCPU 0)
     * only, without the IPI to the others: a vCPU that wrote the page before keeps writing it
     * through its stale entry, unseen (INVEPT issued locally instead of a shootdown).
     */
    INVALIDATE_LOCAL_VCPU_ONLY(caught("TRACE-5", "TRACE-5 noStaleWritableTranslation", 5)),
    /**
     * Adding a trace clears the nested write bit but leaves the device's I/O page table as it
     * was: a device that had the page mapped writable writes it by DMA, unseen.
     */
    NO_IOMMU_UPDATE_ON_TRACE(caught("TRACE-4", "TRACE-4 noDeviceWritableTracedPage", 4)),
    /**
     * Adding a trace write-protects the page in the device's I/O page table but does not
     * invalidate the IOTLB: a device that wrote the page before keeps writing it through the
     * cached translation, unseen.
     */
    NO_IOTLB_INVALIDATION_ON_TRACE(caught("TRACE-4", "TRACE-4 noDeviceWritableTracedPage", 4)),
    /**
     * Adding a trace to a page inside a large (2 MiB) nested mapping does not split it: the write
     * bit belongs to all 512 pages, so the service leaves it set (clearing it would fault every
     * neighbour) and a guest write to the traced page lands unseen. Refinement sees it at once:
     * the owner is registered but no write bit is cleared, so the machine's traces lack the page.
     */
    TRACE_WITHOUT_SPLIT(caught("TRACE-1", "refinement", 1)),
    /**
     * Interleaving: adding a trace shoots down the vCPUs' cached translations before it clears the
     * write bit. A vCPU that writes the page between the two micro-steps caches a writable
     * translation again, which outlives the trace's publication: its next write lands unseen.
     */
    SHOOT_DOWN_BEFORE_CLEAR(caught("TRACE-5", "TRACE-5 noStaleWritableTranslation", 7)),
    /**
     * Interleaving: the write handler treats a trace still being added as set, from the moment its
     * write bit is cleared: a write that exits between the clear and the shoot-down is notified,
     * though the trace is not added yet (and another vCPU's write through its cached translation,
     * at the same moment, is not).
     */
    NOTIFY_BEFORE_TRACE_ADDED(caught("TRACE-2", "TRACE-2 noNotificationWithoutTrace", 8)),
    /**
     * Interleaving: splitting the large nested mapping over a page to be traced sets the pointer to
     * the new 4 KiB table before writing its entries: until the next micro-step every page of the
     * 2 MiB range is unmapped for a walk, so guest memory and the guest's own page tables vanish
     * (and a vCPU's access there would be backed by a fresh, empty frame).
     */
    SPLIT_POINTER_BEFORE_TABLE(caught("TRACE-1", "refinement", 5)),
    /**
     * Interleaving: the write handler treats a trace being removed as still set until its write bit
     * is restored: a write that exits on the still-cleared bit after the last owner left is
     * notified, though the page is traced by no one (and another vCPU's write after the restore is
     * not).
     */
    NOTIFY_WHILE_REMOVING(caught("TRACE-2", "TRACE-2 noNotificationWithoutTrace", 4)),
    /**
     * Interleaving: removing a trace restores the write rights first and takes the owner out of the
     * record only at the request's last micro-step: in between a write lands through the restored
     * bit, without an exit, while the record still names the owner. TRACE-3's step invariant sees it
     * at once: the owner the request removed is still in the machine's traces after its start.
     */
    RESTORE_BEFORE_UNREGISTER(caught("TRACE-3", "TRACE-3 ownersAddAndRemoveOnlyThemselves", 3));

    private final List<Caught> caughtBy;

    TracingImplFlaw(Caught... caughtBy) {
        this.caughtBy = List.of(caughtBy);
    }

    @Override
    public List<Caught> caughtBy() {
        return caughtBy;
    }
}
