package org.hvproof.model.tracing;

import java.util.ArrayList;
import java.util.List;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.GuestVirtualAddresses;

/**
 * The part of an access that falls in one virtual page: where it starts, its offset in the
 * page, its length, and where its bytes start within the whole access.
 */
record PagePart(long va, int pageOffset, int length, int accessOffset) {

    /** Splits a valid access (length 1..4096, canonical, not wrapping) at page boundaries: one or two pieces. */
    static List<PagePart> split(long va, int length) {
        List<PagePart> pieces = new ArrayList<>(2);
        int done = 0;
        while (done < length) {
            long at = va + done;
            int offset = GuestVirtualAddresses.pageOffset(at);
            int n = Math.min(length - done, GuestPhysicalPage.SIZE - offset);
            pieces.add(new PagePart(at, offset, n, done));
            done += n;
        }
        return pieces;
    }
}
