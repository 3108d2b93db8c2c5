package org.hvproof.impl.failover;

import java.util.BitSet;
import org.hvproof.model.failover.FailoverBudget;

/**
 * The primary's post-fail agent for one failover attempt (one epoch): started by the panic
 * handler, it copies the checkpoint chunk by chunk and signals the secondary once every chunk is
 * acknowledged. It keeps its own record of the attempt: when the power failed, when the battery
 * runs out, the budget reported, the chunks sent and acknowledged, the link's serialisation
 * segment, and whether a fault struck.
 */
final class PostFailAgent {
    final int epoch;
    final long failedAt;
    final long deadline;
    final FailoverBudget budget;
    boolean started;
    int chunksSent;
    long segmentStart;
    long segmentBytes;
    long lastLandAt;
    boolean faulted;
    final BitSet acked = new BitSet();

    PostFailAgent(int epoch, long failedAt, long deadline, FailoverBudget budget, boolean faulted) {
        this.epoch = epoch;
        this.failedAt = failedAt;
        this.deadline = deadline;
        this.budget = budget;
        this.lastLandAt = failedAt;
        this.faulted = faulted;
    }

    /** When chunk serialisation of {@code bytes} more ends, at {@code bandwidth}: the segment's bytes over it, rounded up. */
    long serialisedBy(long bytes, long bandwidth) {
        long total = segmentBytes + bytes;
        return segmentStart + (total + bandwidth - 1) / bandwidth;
    }
}
