package org.hvproof.impl.failover;

import java.util.BitSet;

/**
 * The secondary's agent: writes each chunk of the epoch it receives into memory (a newer epoch
 * discards what it had, an older one is ignored), acknowledges it, and on a signal checks that
 * it comes from the primary, for the epoch it holds, not started yet, with every chunk landed.
 */
final class StandbyAgent {
    int epoch;
    final BitSet landed = new BitSet();
    int startedEpoch;

    void reset() {
        epoch = 0;
        landed.clear();
        startedEpoch = 0;
    }
}
