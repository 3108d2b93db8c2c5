package org.hvproof.model.tree;

/** The result of a protect or unprotect request; everything but {@link #OK} changed nothing. */
public enum RequestCode {
    OK,
    /** The start address or the length is not a multiple of the page size. */
    UNALIGNED,
    /** The length is zero or negative. */
    EMPTY,
    /** More pages than one request may name. */
    TOO_LARGE,
    /** The range leaves guest-physical memory (or overflows). */
    OUT_OF_RANGE,
    /** The action code names no requestable alert action. */
    UNKNOWN_ACTION,
    /** Protect: some page of the range is protected already. */
    OVERLAPS,
    /** Unprotect: some page of the range is not protected. */
    NOT_PROTECTED,
    /** The node-page pool has no page left for a split. */
    POOL_EXHAUSTED
}
