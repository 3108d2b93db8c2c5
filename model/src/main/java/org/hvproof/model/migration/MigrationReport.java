package org.hvproof.model.migration;

import java.util.List;

/**
 * The report of one migration at switch-over: pre-copy rounds run, pages sent in each, pages sent
 * in the stop-and-copy round, pages in total, the downtime (the stop-and-copy round's transfer),
 * the whole migration's simulated time, and whether it converged (the last dirty set fitted the
 * downtime limit) or was forced by the round limit.
 */
public record MigrationReport(
        int rounds,
        List<Long> pagesPerRound,
        long finalPages,
        long totalPages,
        long downtimeMicros,
        long elapsedMicros,
        boolean converged) {
    public MigrationReport {
        pagesPerRound = List.copyOf(pagesPerRound);
    }

    /** Rounds, pages and times as the benchmark table prints them. */
    @Override
    public String toString() {
        return rounds + " pre-copy rounds " + pagesPerRound + " pages, " + finalPages + " pages stop-and-copy, "
                + totalPages + " pages in all, downtime " + downtimeMicros / 1000.0 + " ms, elapsed "
                + elapsedMicros / 1000.0 + " ms, " + (converged ? "converged" : "forced by the round limit");
    }
}
