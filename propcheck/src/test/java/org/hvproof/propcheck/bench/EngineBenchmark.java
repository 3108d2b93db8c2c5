package org.hvproof.propcheck.bench;

import org.hvproof.propcheck.Action;
import org.hvproof.propcheck.Gen;
import org.hvproof.propcheck.Gens;
import org.hvproof.propcheck.Property;
import org.hvproof.propcheck.PropertyResult;
import org.hvproof.propcheck.Settings;
import org.hvproof.propcheck.StatefulProperty;

/**
 * Throughput of the engine itself (not a test): tries per second of a trivial value property and
 * actions per second of a trivial state-machine trace. Run after {@code mvn -pl propcheck test-compile}:
 * {@code java -cp propcheck/target/classes:propcheck/target/test-classes org.hvproof.propcheck.bench.EngineBenchmark}.
 */
public final class EngineBenchmark {

    private EngineBenchmark() {}

    /** A counter with a model, the smallest useful system under test. */
    static final class Counter {
        int value;
        int model;
    }

    private static final Action<Counter> INC = Action.of("increment", c -> {
        c.value++;
        c.model++;
    });
    private static final Action<Counter> DEC = Action.of("decrement", c -> {
        c.value--;
        c.model--;
    });

    /** Prints the figures: median and best of 7 rounds after a warm-up (the machine is shared). */
    public static void main(String[] args) {
        Gen<Integer> ints = Gens.integers();
        Property value =
                Property.forAll(ints).named("bench: trivial value property").check(i -> true);
        Gen<Integer> add = Gens.integers(-100, 100);
        Property stateful = StatefulProperty.<Counter>named("bench: trivial state machine")
                .initial(Counter::new)
                .actions(c -> Gens.<Action<Counter>>mix()
                        .add(2, Gens.constant(INC))
                        .add(1, Gens.constant(DEC))
                        .add(
                                1,
                                add.map(n -> Action.of("add " + n, (Counter x) -> {
                                    x.value += n;
                                    x.model += n;
                                })))
                        .build())
                .invariant("agrees with model", c -> c.value == c.model);

        Settings valueRun = Settings.none().withTries(200_000).withSeed(1).withQuiet(true);
        Settings traceRun =
                Settings.none().withTries(5_000).withMaxSteps(100).withSeed(1).withQuiet(true);
        value.run(valueRun.withTries(50_000));
        stateful.run(traceRun.withTries(500));

        int rounds = 7;
        double[] triesPerSecond = new double[rounds];
        double[] actionsPerSecond = new double[rounds];
        long steps = 0;
        for (int round = 0; round < rounds; round++) {
            long t0 = System.nanoTime();
            PropertyResult r = value.run(valueRun);
            triesPerSecond[round] = r.tries() / ((System.nanoTime() - t0) / 1e9);

            t0 = System.nanoTime();
            PropertyResult t = stateful.run(traceRun);
            actionsPerSecond[round] = t.steps() / ((System.nanoTime() - t0) / 1e9);
            steps = t.steps();
        }
        java.util.Arrays.sort(triesPerSecond);
        java.util.Arrays.sort(actionsPerSecond);
        System.out.printf(
                "value property (integers(), check true):   median %,.0f tries/s   (best %,.0f; %d rounds of 200,000 tries)%n",
                triesPerSecond[rounds / 2], triesPerSecond[rounds - 1], rounds);
        System.out.printf(
                "state machine (3 actions, 1 invariant):    median %,.0f actions/s (best %,.0f; %,d actions in 5,000 traces of <= 100 steps)%n",
                actionsPerSecond[rounds / 2], actionsPerSecond[rounds - 1], steps);
    }
}
