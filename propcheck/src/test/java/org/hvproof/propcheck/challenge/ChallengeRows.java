package org.hvproof.propcheck.challenge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.hvproof.propcheck.PropertyResult;
import org.hvproof.propcheck.Settings;
import org.hvproof.propcheck.ValueProperty;

/**
 * How a shrinking-challenge row is run and judged, for the public rows and our own alike: the
 * property on seeds 1..{@code seeds}, the minimal counterexample of each compared with the row's
 * known minimum, the mean evaluations spent shrinking; the row fails below its floor (a share of
 * seeds, {@code floor20} of 20, so -Pdeep's 100 seeds are held to it too) or above its ceiling.
 */
final class ChallengeRows {
    private final int seeds;
    private final int tries;
    private final Map<String, String> rows = new TreeMap<>();

    ChallengeRows(int seeds, int tries) {
        this.seeds = seeds;
        this.tries = tries;
    }

    /** Runs one row, prints and records its line, and checks its floor and ceiling. */
    void run(String name, ValueProperty<?> property, Predicate<String> isMinimum, int floor20, double ceiling) {
        int reached = 0;
        int found = 0;
        long evaluations = 0;
        Set<String> distinct = new LinkedHashSet<>();
        Map<String, Integer> misses = new TreeMap<>();
        for (long seed = 1; seed <= seeds; seed++) {
            PropertyResult r =
                    property.run(Settings.none().withSeed(seed).withTries(tries).withQuiet(true));
            if (r.passed() || r.counterexample().isEmpty()) {
                misses.merge("<not found>", 1, Integer::sum);
                continue;
            }
            found++;
            evaluations += r.shrinkEvaluations();
            String shown = r.counterexample().get(0);
            distinct.add(shown);
            if (isMinimum.test(shown)) {
                reached++;
            } else {
                misses.merge(shown, 1, Integer::sum);
            }
        }
        double mean = found == 0 ? 0 : (double) evaluations / found;
        String line = String.format(
                "%s reached=%d/%d distinct=%d evaluations.mean=%.1f", name, reached, seeds, distinct.size(), mean);
        synchronized (rows) {
            rows.put(name, line);
        }
        System.out.println(line + (misses.isEmpty() ? "" : "  misses=" + misses));
        int required = (int) Math.ceil(floor20 * seeds / 20.0);
        assertThat(reached)
                .as(
                        "%s: known minimum reached in %d of seeds 1..%d; floor %d (misses: %s)",
                        name, reached, seeds, required, misses)
                .isGreaterThanOrEqualTo(required);
        assertThat(mean)
                .as("%s: mean evaluations spent shrinking over %d seeds; ceiling %.0f", name, seeds, ceiling)
                .isLessThanOrEqualTo(ceiling);
    }

    /** The rows run so far, one line each, sorted by name. */
    String table() {
        synchronized (rows) {
            return String.join("\n", rows.values()) + "\n";
        }
    }
}
