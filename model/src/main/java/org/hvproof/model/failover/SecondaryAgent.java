package org.hvproof.model.failover;

import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The secondary's agent: the epoch of the checkpoint it is receiving, the chunks of it that have
 * landed in memory, and the epoch it last started the application from (0: none).
 */
public record SecondaryAgent(int epoch, SortedSet<Integer> landed, int startedEpoch) {
    public SecondaryAgent {
        landed = Collections.unmodifiableSortedSet(new TreeSet<>(landed));
    }

    /** Nothing received, nothing started. */
    public static SecondaryAgent fresh() {
        return new SecondaryAgent(0, new TreeSet<>(), 0);
    }

    @Override
    public String toString() {
        return "epoch " + epoch + ", chunks landed " + landed + ", started epoch " + startedEpoch;
    }
}
