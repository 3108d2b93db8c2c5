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

    private TracingLabels() {}
}
