package org.hvproof.propcheck;

import java.util.Objects;

/**
 * One named reduction the shrinker runs in every round (as Hypothesis registers its shrink passes),
 * with what it has cost and achieved in this shrink: how often it ran, how many of its candidates were
 * accepted, and how many property evaluations it spent. The passes themselves are in
 * {@link ShrinkPasses}; {@link Shrinker#runPass(String)} runs one alone.
 */
final class ShrinkPass {

    private final String name;
    private final Runnable body;
    private int calls;
    private int successes;
    private int evaluations;

    ShrinkPass(String name, Runnable body) {
        this.name = Objects.requireNonNull(name, "name");
        this.body = Objects.requireNonNull(body, "body");
    }

    /** The pass's name: the unit its statistics and tests are reported under. */
    String name() {
        return name;
    }

    /** Runs the pass once on the shrinker's current best case; the shrinker counts what it cost. */
    void run() {
        body.run();
    }

    /** Records one run that spent {@code evaluationsSpent} evaluations and had {@code accepted} candidates accepted. */
    void record(int evaluationsSpent, int accepted) {
        calls++;
        evaluations += evaluationsSpent;
        successes += accepted;
    }

    /** This pass's statistics so far. */
    Stats stats() {
        return new Stats(calls, successes, evaluations);
    }

    @Override
    public String toString() {
        return name + " " + stats();
    }

    /**
     * What a pass did: {@code calls} runs, {@code successes} accepted candidates (each made the best
     * case smaller), {@code evaluations} property evaluations spent (cache hits are free).
     */
    record Stats(long calls, long successes, long evaluations) {

        /** The sum of two statistics, to total a pass over several shrinks. */
        Stats plus(Stats o) {
            return new Stats(calls + o.calls, successes + o.successes, evaluations + o.evaluations);
        }

        @Override
        public String toString() {
            return "calls=" + calls + " successes=" + successes + " evaluations=" + evaluations;
        }
    }
}
