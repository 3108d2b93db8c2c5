package org.hvproof.model.failover;

import java.util.List;

/**
 * One failover attempt, from the AC power failure on: its epoch, when the power failed and when
 * the battery runs out, the budget reported at the failure, the chunks sent so far, the link's
 * serialisation segment (it restarts when the bandwidth changes: the copy's time is the bytes sent
 * in the segment over its bandwidth), the chunks on the wire, when the last chunk sent lands, and
 * whether a fault (link slowed or dropped, secondary crashed, battery out early) struck the
 * attempt, so FT-4's promise no longer applies.
 */
public record FailoverCopy(
        int epoch,
        long failedAt,
        long deadline,
        FailoverBudget budget,
        int chunksSent,
        long segmentStart,
        long segmentBytes,
        List<InFlightChunk> inFlight,
        long lastLandAt,
        boolean faulted) {
    public FailoverCopy {
        inFlight = List.copyOf(inFlight);
    }

    FailoverCopy withInFlight(List<InFlightChunk> chunks) {
        return new FailoverCopy(
                epoch, failedAt, deadline, budget, chunksSent, segmentStart, segmentBytes, chunks, lastLandAt, faulted);
    }

    FailoverCopy faulty() {
        return new FailoverCopy(
                epoch, failedAt, deadline, budget, chunksSent, segmentStart, segmentBytes, inFlight, lastLandAt, true);
    }

    FailoverCopy segment(long start, long bytes) {
        return new FailoverCopy(
                epoch, failedAt, deadline, budget, chunksSent, start, bytes, inFlight, lastLandAt, faulted);
    }

    FailoverCopy sent(long bytes, InFlightChunk chunk) {
        List<InFlightChunk> more = new java.util.ArrayList<>(inFlight);
        more.add(chunk);
        return new FailoverCopy(
                epoch, failedAt, deadline, budget, chunksSent + 1, segmentStart, bytes, more, chunk.landAt(), faulted);
    }
}
