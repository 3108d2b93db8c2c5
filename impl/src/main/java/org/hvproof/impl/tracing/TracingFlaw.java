package org.hvproof.impl.tracing;

/**
 * Deliberately broken variants of the tracing service, each one bug a real service could have.
 * Only tests select them; {@link #NONE} is the service as specified. The property suite must
 * catch every other value.
 */
public enum TracingFlaw {
    /** The correct service. */
    NONE,
    /** A second owner's trace of an already traced page is not recorded (TRACE-3). */
    FORGET_SECOND_OWNER,
    /** Removing any owner's trace restores the write bit, though other owners remain (TRACE-3). */
    RESTORE_ON_FIRST_REMOVE,
    /** Removing the last owner's trace leaves the write bit cleared: a stale trace (TRACE-2/3). */
    STALE_TRACE_AFTER_REMOVE,
    /**
     * The handler computes the page from the wrong frame and names the next guest-physical page:
     * a page nobody traces is reported as written (TRACE-2), and the traced one is not (TRACE-1).
     */
    NOTIFY_NEXT_PAGE,
    /** Each traced write is notified twice (TRACE-1). */
    NOTIFY_TWICE,
    /** A write crossing a page boundary notifies no one (TRACE-1). */
    NO_NOTIFY_ON_CROSSING,
    /** Notifications give offset 0 instead of the write's offset in the page (TRACE-1). */
    OFFSET_FROM_PAGE_START,
    /** The write is notified but never completed (TRACE-1, notify then complete). */
    NOTIFY_WITHOUT_COMPLETING
}
