package org.hvproof.properties.bench;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.hvproof.propcheck.Property;
import org.hvproof.propcheck.PropertyResult;
import org.hvproof.propcheck.Settings;
import org.hvproof.propcheck.StatefulProperty;
import org.hvproof.properties.Mechanisms;
import org.hvproof.properties.Mechanisms.Mechanism;
import org.hvproof.properties.harness.PropertySeeds;
import org.hvproof.properties.report.ClaimedProperty;

/**
 * Checked steps per second, per mechanism: every trace property of the mechanism (its
 * {@code @Claim} methods returning a {@link StatefulProperty}, run against the correct
 * implementation) is run round after round with a fresh seed each round; the first rounds warm the
 * JIT and are not counted. A checked step is one generated action executed on the implementation
 * and the model, with the abstraction compared and every invariant evaluated after it, which is
 * exactly what {@code ./hvproof check} and {@code mvn verify} do per step. Spec-conformance
 * properties (which call the Alloy solver per trace) are not trace properties and are left out.
 */
public final class Throughput {

    /** How long to warm up and to measure, per mechanism, and how many tries a round runs. */
    public record Plan(double warmupSeconds, double measureSeconds, int triesPerRound, long seed) {
        public Plan {
            if (!(warmupSeconds >= 0) || !(measureSeconds > 0) || triesPerRound < 1) {
                throw new IllegalArgumentException("warm-up >= 0 s, measure > 0 s and tries >= 1 please");
            }
        }
    }

    /**
     * One mechanism's figure: steps and tries executed in the measured rounds, their wall time and
     * the measuring thread's CPU time (the benchmark runs on one thread, so on a machine shared
     * with other work the CPU figure is what the wall figure would be alone).
     */
    public record Figure(String mechanism, int properties, long steps, long tries, long nanos, long cpuNanos) {
        /** Checked steps per second of wall time. */
        public double stepsPerSecond() {
            return nanos == 0 ? 0 : steps * 1e9 / nanos;
        }

        /** Checked steps per second of the measuring thread's CPU time. */
        public double stepsPerCpuSecond() {
            return cpuNanos <= 0 ? 0 : steps * 1e9 / cpuNanos;
        }

        /** Microseconds per checked step. */
        public double microsPerStep() {
            return steps == 0 ? 0 : nanos / 1e3 / steps;
        }
    }

    /** The first round's run seed unless one is given: the pinned seed of the claim tests. */
    public static final long DEFAULT_SEED = 20261125L;

    private Throughput() {}

    /** The trace properties of {@code m}, built against the correct implementation. */
    static List<Property> traceProperties(Mechanism m) {
        List<Property> out = new ArrayList<>();
        for (ClaimedProperty c : ClaimedProperty.discover(m.properties())) {
            Property p = c.create();
            if (p instanceof StatefulProperty<?>) {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * Measures {@code m}: rounds of every trace property until the warm-up time has passed, then
     * until the measuring time has, counting only the latter.
     *
     * @throws IllegalStateException if a property fails: a throughput of a broken claim means nothing
     */
    public static Figure measure(Mechanism m, Plan plan, PrintWriter progress) {
        List<Property> properties = traceProperties(m);
        if (properties.isEmpty()) {
            throw new IllegalStateException(m.name() + " has no trace property to measure");
        }
        long round = 0;
        long warmEnd = System.nanoTime() + (long) (plan.warmupSeconds() * 1e9);
        while (System.nanoTime() < warmEnd) {
            runRound(properties, plan, round++);
        }
        long steps = 0;
        long tries = 0;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        boolean cpuClock = threads.isCurrentThreadCpuTimeSupported();
        long cpuStart = cpuClock ? threads.getCurrentThreadCpuTime() : 0;
        long start = System.nanoTime();
        long end = start + (long) (plan.measureSeconds() * 1e9);
        long now;
        do {
            long[] r = runRound(properties, plan, round++);
            steps += r[0];
            tries += r[1];
            now = System.nanoTime();
        } while (now < end);
        long cpu = cpuClock ? threads.getCurrentThreadCpuTime() - cpuStart : -1;
        Figure f = new Figure(m.name(), properties.size(), steps, tries, now - start, cpu);
        progress.printf(
                Locale.ROOT,
                "%-11s %2d properties %9d steps %7d tries %6.1f s  %,10.0f steps/s  %6.2f us/step  %,10.0f steps/cpu-s%n",
                f.mechanism(),
                f.properties(),
                f.steps(),
                f.tries(),
                f.nanos() / 1e9,
                f.stepsPerSecond(),
                f.microsPerStep(),
                f.stepsPerCpuSecond());
        progress.flush();
        return f;
    }

    private static long[] runRound(List<Property> properties, Plan plan, long round) {
        long steps = 0;
        long tries = 0;
        for (Property p : properties) {
            long seed = PropertySeeds.streamOf(plan.seed() + round, p.name());
            PropertyResult r = p.run(Settings.none()
                    .withQuiet(true)
                    .withTries(plan.triesPerRound())
                    .withSeed(seed));
            if (!r.passed()) {
                throw new IllegalStateException("the property '" + p.name() + "' did not pass while measured (seed "
                        + seed + "); fix the claim before timing it:\n" + r.report());
            }
            steps += r.steps();
            tries += r.tries();
        }
        return new long[] {steps, tries};
    }

    /** Measures every mechanism named (all when none is) and prints one line each. */
    public static List<Figure> measureAll(List<String> names, Plan plan, PrintWriter out) {
        List<Figure> figures = new ArrayList<>();
        for (Mechanism m : Mechanisms.ALL) {
            if (names.isEmpty() || names.contains(m.name())) {
                figures.add(measure(m, plan, out));
            }
        }
        return figures;
    }

    /** {@code java ... Throughput [mechanism...]}: the default plan (10 s warm-up, 20 s measured). */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        measureAll(List.of(args), new Plan(10, 20, 1000, DEFAULT_SEED), out);
    }
}
