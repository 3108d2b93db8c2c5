package org.hvproof.impl.machine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How an access is cut at its page boundary: each piece's address, offset in its page, length and place in the access. */
class AccessPieceTest {
    @Test
    void anAccessCrossingAPageIsCutAtTheBoundary() {
        assertThat(AccessPiece.split(0x1ff8, 16))
                .containsExactly(new AccessPiece(0x1ff8, 0xff8, 8, 0, true), new AccessPiece(0x2000, 0, 8, 8, true));
    }

    @Test
    void anAccessInsideOnePageOrEndingAtItsLastByteIsOnePiece() {
        assertThat(AccessPiece.split(0x1ff8, 8)).containsExactly(new AccessPiece(0x1ff8, 0xff8, 8, 0, false));
        assertThat(AccessPiece.split(0x5000, 4096)).containsExactly(new AccessPiece(0x5000, 0, 4096, 0, false));
        assertThat(AccessPiece.split(0x5001, 4096))
                .containsExactly(new AccessPiece(0x5001, 1, 4095, 0, true), new AccessPiece(0x6000, 0, 1, 4095, true));
    }
}
