package org.hvproof.model.tree;

import java.util.Optional;

/**
 * Decode, then perform: the one place raw request arguments are checked. A decoded request is
 * page-aligned, non-empty, bounded and inside guest memory; everything else is an error code.
 *
 * @param range the pages named
 * @param action the action to map them to (empty for an unprotect request)
 */
public record RangeRequest(PageRange range, Optional<AlertAction> action) {

    /** Either a decoded request or the code that refuses it. */
    public record Decoded(Optional<RangeRequest> request, RequestCode code) {
        static Decoded ok(RangeRequest r) {
            return new Decoded(Optional.of(r), RequestCode.OK);
        }

        static Decoded refused(RequestCode code) {
            return new Decoded(Optional.empty(), code);
        }
    }

    /** Decodes a protect request of raw address, byte length and action code. */
    public static Decoded decodeProtect(
            long startAddress, long length, long actionCode, long guestPages, int maxPagesPerRequest) {
        Decoded range = decodeRange(startAddress, length, guestPages, maxPagesPerRequest);
        if (range.request().isEmpty()) {
            return range;
        }
        Optional<AlertAction> action = AlertAction.fromRequestCode(actionCode);
        if (action.isEmpty()) {
            return Decoded.refused(RequestCode.UNKNOWN_ACTION);
        }
        return Decoded.ok(new RangeRequest(range.request().get().range(), action));
    }

    /** Decodes an unprotect request of raw address and byte length. */
    public static Decoded decodeUnprotect(long startAddress, long length, long guestPages, int maxPagesPerRequest) {
        return decodeRange(startAddress, length, guestPages, maxPagesPerRequest);
    }

    private static Decoded decodeRange(long startAddress, long length, long guestPages, int maxPagesPerRequest) {
        // 1. a length that names no page
        if (length <= 0) {
            return Decoded.refused(RequestCode.EMPTY);
        }
        // 2. alignment of both ends
        if ((startAddress & (PageRange.PAGE_SIZE - 1)) != 0 || (length & (PageRange.PAGE_SIZE - 1)) != 0) {
            return Decoded.refused(RequestCode.UNALIGNED);
        }
        long count = length >>> PageRange.PAGE_SHIFT;
        // 3. bounded work per request
        if (count > maxPagesPerRequest) {
            return Decoded.refused(RequestCode.TOO_LARGE);
        }
        // 4. inside guest-physical memory (no negative start, no overflow)
        if (startAddress < 0) {
            return Decoded.refused(RequestCode.OUT_OF_RANGE);
        }
        long first = startAddress >>> PageRange.PAGE_SHIFT;
        if (first >= guestPages || count > guestPages - first) {
            return Decoded.refused(RequestCode.OUT_OF_RANGE);
        }
        return Decoded.ok(new RangeRequest(new PageRange(first, count), Optional.empty()));
    }
}
