package org.hvproof.propcheck;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * The search shared by value and stateful properties: generate tries from a seed, stop at the first
 * failure, shrink it on its choices, replay tokens, count labels, check coverage, and report.
 */
final class Engine {

    /** Runs a property body on one data source; must never throw (it classifies every outcome). */
    interface Body {
        Execution execute(DataSource source);
    }

    private Engine() {}

    static Settings effective(Settings builder, Settings overrides) {
        return Settings.DEFAULTS
                .overriddenBy(builder)
                .overriddenBy(Settings.fromSystemProperties())
                .overriddenBy(overrides);
    }

    static PropertyResult run(String name, boolean stateful, Settings settings, Body body, List<Coverage> coverage) {
        long seed = settings.seed() != null ? settings.seed() : new SplittableRandom().nextLong();
        int maxChoices = DataSource.DEFAULT_MAX_CHOICES;
        Reports reports =
                new Reports(name, stateful, seed, settings.rerun(), Boolean.TRUE.equals(settings.fullState()));

        String replayNote = null;
        if (settings.replay() != null) {
            ReplayToken.Decoded decoded = ReplayToken.decode(settings.replay());
            if (decoded.propertyId().equals(ReplayToken.propertyId(name))) {
                return finish(
                        settings, replay(name, seed, settings.replay(), decoded.choices(), body, maxChoices, reports));
            }
            replayNote = "replay token " + settings.replay() + " belongs to another property; generated normally";
        }

        int tries = settings.tries();
        int maxDiscards = maxDiscards(tries);
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, Integer> labelCounts = new LinkedHashMap<>();
        Map<String, Integer> discardedBy = new LinkedHashMap<>();
        Map<String, RuntimeException> discardCause = new LinkedHashMap<>();
        int valid = 0;
        int invalid = 0;
        long steps = 0;
        while (valid < tries) {
            if (invalid > maxDiscards) {
                return finish(
                        settings,
                        reports.error(
                                valid,
                                steps,
                                labelCounts,
                                tooManyDiscards(valid, invalid, tries, discardedBy, discardCause),
                                topCause(discardedBy, discardCause)));
            }
            DataSource src = DataSource.generating(random.split(), maxChoices);
            Execution e = body.execute(src);
            if (e.status() == Execution.Status.INVALID) {
                invalid++;
                String reason = discardReason(e.discard());
                discardedBy.merge(reason, 1, Integer::sum);
                discardCause.put(reason, e.discard());
                continue;
            }
            valid++;
            steps += e.steps();
            for (String l : e.labels()) {
                labelCounts.merge(l, 1, Integer::sum);
            }
            if (e.failed()) {
                Function<long[], Execution> runner = choices -> body.execute(DataSource.replaying(choices, maxChoices));
                Shrinker shrinker = new Shrinker(e, runner, settings.shrinkBudget());
                Execution shrunk = shrinker.shrink();
                Execution minimal = stateful ? explain(shrunk, body, maxChoices, false) : shrunk;
                ShrinkOutcome outcome = shrinker.exhausted() ? ShrinkOutcome.BUDGET_EXHAUSTED : ShrinkOutcome.FINISHED;
                String token = ReplayToken.encode(name, minimal.choices());
                return finish(
                        settings,
                        reports.failed(
                                valid,
                                steps,
                                labelCounts,
                                e,
                                minimal,
                                outcome,
                                shrinker.evaluations(),
                                token,
                                valid,
                                tries));
            }
        }
        for (Coverage c : coverage) {
            double actual = 100.0 * labelCounts.getOrDefault(c.label(), 0) / valid;
            if (actual < c.percent()) {
                return finish(settings, reports.coverageFailed(valid, steps, labelCounts, c, actual, coverage));
            }
        }
        return finish(settings, reports.passed(valid, steps, labelCounts, coverage, replayNote));
    }

    private static PropertyResult replay(
            String name, long seed, String token, long[] choices, Body body, int maxChoices, Reports reports) {
        Execution e = body.execute(DataSource.explaining(choices, maxChoices, true));
        Map<String, Integer> labels = new LinkedHashMap<>();
        for (String l : e.labels()) {
            labels.put(l, 1);
        }
        if (e.status() == Execution.Status.INVALID) {
            return reports.replayDiscarded(e, token, labels, discardReason(e.discard()));
        }
        if (e.failed()) {
            return reports.failed(1, e.steps(), labels, e, e, ShrinkOutcome.NOT_RUN, 0, token, 1, 1);
        }
        return reports.replayPassed(e, token, labels);
    }

    /**
     * The minimal case run once more to explain it (its state described after every step); the
     * explained run is kept only when it fails the same way, as a deterministic case does.
     */
    private static Execution explain(Execution minimal, Body body, int maxChoices, boolean exact) {
        Execution again = body.execute(DataSource.explaining(minimal.choices(), maxChoices, exact));
        return again.failed() && again.origin().equals(minimal.origin()) ? again : minimal;
    }

    /**
     * The health check's threshold: a run that has discarded more than {@code 9 × tries + 100} cases
     * (filters whose retry budget ran out, unmet assumptions, cases with too many choices) before finding
     * {@code tries} valid ones ends with ERROR. So a run may discard up to about 90% of the cases it
     * draws, plus 100 cases of slack for small runs; a filter that only sometimes exhausts its budget
     * discards those cases and the run goes on.
     */
    static int maxDiscards(int tries) {
        return (int) Math.min(Integer.MAX_VALUE - 1L, 9L * tries + 100);
    }

    /** What discarded a case, as the health check counts it: the filter by name, or the assumption. */
    static String discardReason(RuntimeException discard) {
        if (discard instanceof FilterExhaustedException f) {
            return "filter \"" + f.filter() + "\" on generator " + f.generator() + " exhausted its retry budget of "
                    + f.rejected();
        }
        if (discard == Invalid.DISCARD) {
            return "an assumption (ctx.assume) was not met";
        }
        return String.valueOf(discard == null ? null : discard.getMessage());
    }

    private static String tooManyDiscards(
            int valid,
            int invalid,
            int tries,
            Map<String, Integer> discardedBy,
            Map<String, RuntimeException> discardCause) {
        StringBuilder m = new StringBuilder("Too many discarded test cases: ")
                .append(invalid)
                .append(" discarded for ")
                .append(valid)
                .append(" valid (health check: at most 9 × tries + 100 = ")
                .append(maxDiscards(tries))
                .append(" discards for ")
                .append(tries)
                .append(" tries). Discarded by: ");
        List<Map.Entry<String, Integer>> by = byCount(discardedBy);
        for (int i = 0; i < by.size(); i++) {
            m.append(i == 0 ? "" : "; ")
                    .append(by.get(i).getKey())
                    .append(" (")
                    .append(by.get(i).getValue())
                    .append(by.get(i).getValue() == 1 ? " case)" : " cases)");
        }
        m.append('.');
        RuntimeException top = topCause(discardedBy, discardCause);
        if (top instanceof FilterExhaustedException) {
            m.append(' ').append(top.getMessage());
        }
        return m.toString();
    }

    /** The exception behind the most frequent reason, when it is one a user can see (a filter's). */
    private static RuntimeException topCause(
            Map<String, Integer> discardedBy, Map<String, RuntimeException> discardCause) {
        List<Map.Entry<String, Integer>> by = byCount(discardedBy);
        if (by.isEmpty()) {
            return null;
        }
        RuntimeException c = discardCause.get(by.get(0).getKey());
        return c instanceof FilterExhaustedException ? c : null;
    }

    private static List<Map.Entry<String, Integer>> byCount(Map<String, Integer> counts) {
        List<Map.Entry<String, Integer>> out = new ArrayList<>(counts.entrySet());
        out.sort((a, b) -> Integer.compare(b.getValue(), a.getValue()));
        return out;
    }

    private static PropertyResult finish(Settings settings, PropertyResult result) {
        if (!Boolean.TRUE.equals(settings.quiet())) {
            System.out.println(result.passed() ? result.report() : Reports.oneLine(result));
        }
        return result;
    }

    /** Classifies a throwable from user code: rethrows fatal VM errors, returns the rest. */
    static Throwable catchable(Throwable t) {
        if (t instanceof VirtualMachineError && !(t instanceof StackOverflowError)) {
            throw (VirtualMachineError) t;
        }
        if (t instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        return t;
    }
}
