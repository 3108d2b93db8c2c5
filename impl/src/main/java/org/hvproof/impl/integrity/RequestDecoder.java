package org.hvproof.impl.integrity;

import java.util.Optional;
import org.hvproof.model.integrity.IntegrityCode;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.PageRange;

/**
 * Decode, then perform: the one place the integrity service checks raw range arguments. A range
 * that passes is page-aligned at both ends, non-empty, at most {@code maxPages} long and inside
 * guest-physical memory; anything else is a refusal code, before any state is touched.
 */
final class RequestDecoder {
    private static final long PAGE_MASK = PageRange.PAGE_SIZE - 1;

    private final long guestPages;
    private final int maxPages;

    RequestDecoder(long guestPages, int maxPages) {
        this.guestPages = guestPages;
        this.maxPages = maxPages;
    }

    /** A decoded range, or the code refusing it. */
    record Range(Optional<PageRange> pages, IntegrityCode code) {
        static Range refused(IntegrityCode code) {
            return new Range(Optional.empty(), code);
        }
    }

    /** Decodes a byte range {@code [start, start + length)}. Guards in a fixed order, each commented. */
    Range range(long start, long length) {
        // 1. a length that names at least one byte
        if (length <= 0) {
            return Range.refused(IntegrityCode.EMPTY);
        }
        // 2. both ends on page boundaries
        if ((start & PAGE_MASK) != 0 || (length & PAGE_MASK) != 0) {
            return Range.refused(IntegrityCode.UNALIGNED);
        }
        // 3. bounded work per call, so a huge length costs nothing
        long count = length >>> PageRange.PAGE_SHIFT;
        if (count > maxPages) {
            return Range.refused(IntegrityCode.TOO_LARGE);
        }
        // 4. inside guest-physical memory: no negative start, no end past the last page
        long first = start >>> PageRange.PAGE_SHIFT;
        if (start < 0 || first >= guestPages || count > guestPages - first) {
            return Range.refused(IntegrityCode.OUT_OF_RANGE);
        }
        return new Range(Optional.of(new PageRange(first, count)), IntegrityCode.OK);
    }

    /** Decodes a requestable alert action (record-and-allow or block); the tree-node action is not requestable. */
    Optional<AlertAction> action(long code) {
        return AlertAction.fromRequestCode(code);
    }
}
