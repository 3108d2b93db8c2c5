package org.hvproof.impl.tree;

import org.hvproof.model.tree.PageRange;
import org.hvproof.model.tree.RequestCode;
import org.hvproof.model.tree.TreeConfig;

/** Request decoding: raw, possibly hostile range arguments become a page range or the code that refuses them. */
final class TreeRequestDecoder {
    private TreeRequestDecoder() {}

    /** A decoded range {@code [first, end)}, or the code that refuses the request. */
    record Decoded(RequestCode code, long first, long end) {
        static Decoded refused(RequestCode code) {
            return new Decoded(code, 0, 0);
        }
    }

    /** Decode: the raw range, checked in a fixed order before anything is touched ({@code flaw}: the tree's variant). */
    static Decoded decode(long start, long length, TreeConfig config, TreeImplFlaw flaw) {
        // 1. a length that names no page
        if (length <= 0) {
            return Decoded.refused(RequestCode.EMPTY);
        }
        // 2. both ends page-aligned
        if (start % PageRange.PAGE_SIZE != 0 || length % PageRange.PAGE_SIZE != 0) {
            return Decoded.refused(RequestCode.UNALIGNED);
        }
        long count = length / PageRange.PAGE_SIZE;
        // 3. bounded work per request
        if (count > config.maxPagesPerRequest()) {
            return Decoded.refused(RequestCode.TOO_LARGE);
        }
        // 4. inside the guest memory the tree covers, without overflow
        long first = start / PageRange.PAGE_SIZE;
        if (flaw == TreeImplFlaw.REQUEST_PAGE_NUMBER_32_BITS) {
            // FLAW: the page number goes through a 32-bit frame field, so its high bits are lost.
            first &= 0xffff_ffffL;
        }
        if (start < 0 || first >= config.guestPages() || count > config.guestPages() - first) {
            return Decoded.refused(RequestCode.OUT_OF_RANGE);
        }
        return new Decoded(RequestCode.OK, first, first + count);
    }
}
