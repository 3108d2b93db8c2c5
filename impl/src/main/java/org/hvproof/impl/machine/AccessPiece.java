package org.hvproof.impl.machine;

import java.util.ArrayList;
import java.util.List;

/**
 * The part of a guest access that falls in one virtual page.
 *
 * @param va           first byte of this part
 * @param pageOffset   its offset within the page
 * @param length       its length
 * @param accessOffset where its bytes start within the whole access
 * @param crossing     whether the whole access spans two pages
 */
public record AccessPiece(long va, int pageOffset, int length, int accessOffset, boolean crossing) {
    private static final int PAGE = 4096;

    /** Splits an access of 1..4096 bytes that does not wrap at page boundaries. */
    static List<AccessPiece> split(long va, int length) {
        int first = Math.min(length, PAGE - (int) (va & (PAGE - 1)));
        List<AccessPiece> pieces = new ArrayList<>(2);
        boolean crossing = first < length;
        pieces.add(new AccessPiece(va, (int) (va & (PAGE - 1)), first, 0, crossing));
        if (crossing) {
            pieces.add(new AccessPiece(va + first, 0, length - first, first, true));
        }
        return pieces;
    }
}
