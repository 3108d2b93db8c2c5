package org.hvproof.propcheck;

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
        Reports reports = new Reports(name, stateful, seed);

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
        int maxAttempts = tries * 10 + 100;
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, Integer> labelCounts = new LinkedHashMap<>();
        int valid = 0;
        int invalid = 0;
        long steps = 0;
        while (valid < tries) {
            if (valid + invalid >= maxAttempts) {
                String msg = "Too many discarded test cases: " + invalid + " discarded for " + valid
                        + " valid (assumptions or filters reject too much).";
                return finish(settings, reports.error(valid, steps, labelCounts, msg, null));
            }
            DataSource src = DataSource.generating(random.split(), maxChoices);
            Execution e = body.execute(src);
            if (e.error() != null) {
                return finish(
                        settings,
                        reports.error(valid, steps, labelCounts, e.error().getMessage(), e.error()));
            }
            if (e.status() == Execution.Status.INVALID) {
                invalid++;
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
                Execution minimal = shrinker.shrink();
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
        Execution e = body.execute(DataSource.replaying(choices, maxChoices));
        Map<String, Integer> labels = new LinkedHashMap<>();
        for (String l : e.labels()) {
            labels.put(l, 1);
        }
        if (e.error() != null) {
            return reports.error(1, e.steps(), labels, e.error().getMessage(), e.error());
        }
        if (e.failed()) {
            return reports.failed(1, e.steps(), labels, e, e, ShrinkOutcome.NOT_RUN, 0, token, 1, 1);
        }
        return reports.replayPassed(e, token, labels);
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
