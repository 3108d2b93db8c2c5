package org.hvproof.propcheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/** State-machine traces: invariants after every step, shrinking to the minimal trace, readable reports. */
class StatefulPropertyTest {

    private static Settings quiet(long seed) {
        return Settings.none().withSeed(seed).withQuiet(true);
    }

    /** A bounded queue whose capacity check is off by one (the deliberate bug), beside its model. */
    static final class QueueUnderTest {
        final int capacity;
        final boolean buggy;
        final int[] ring;
        int head;
        int size;
        final Deque<Integer> model = new ArrayDeque<>();

        QueueUnderTest(int capacity, boolean buggy) {
            this.capacity = capacity;
            this.buggy = buggy;
            this.ring = new int[capacity + 1];
        }

        boolean offer(int x) {
            if (buggy ? size > capacity : size >= capacity) {
                return false;
            }
            ring[(head + size) % ring.length] = x;
            size++;
            return true;
        }

        Integer poll() {
            if (size == 0) {
                return null;
            }
            int x = ring[head];
            head = (head + 1) % ring.length;
            size--;
            return x;
        }

        @Override
        public String toString() {
            List<Integer> items = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                items.add(ring[(head + i) % ring.length]);
            }
            return "queue " + items + " (capacity " + capacity + "), model " + model;
        }
    }

    static Action<QueueUnderTest> offer(int x) {
        return Action.of("offer(" + x + ")", q -> {
            if (q.offer(x) && q.model.size() < q.capacity) {
                q.model.addLast(x);
            }
        });
    }

    static final Action<QueueUnderTest> POLL = new Action<>() {
        @Override
        public String describe() {
            return "poll()";
        }

        @Override
        public void apply(QueueUnderTest q, Context ctx) {
            Integer got = q.poll();
            Integer expected = q.model.pollFirst();
            if (got == null) {
                ctx.label("poll on empty queue");
            }
            if (got != null && !got.equals(expected)) {
                throw new AssertionError("poll() returned " + got + " but the model expected " + expected);
            }
        }
    };

    static StatefulProperty<QueueUnderTest> queueProperty(boolean buggy) {
        return StatefulProperty.<QueueUnderTest>named("QUEUE-1 bounded queue agrees with its model")
                .initial(() -> new QueueUnderTest(3, buggy))
                .actions(q -> Gens.<Action<QueueUnderTest>>mix()
                        .add(3, Gens.integers(0, 100).map(StatefulPropertyTest::offer))
                        .add(1, Gens.constant(POLL))
                        .build())
                .invariant("size within capacity", q -> q.size <= q.capacity)
                .assertion("size matches model", q -> {
                    if (q.size != q.model.size()) {
                        throw new AssertionError("size " + q.size + " but model size " + q.model.size());
                    }
                })
                .describeState(QueueUnderTest::toString)
                .steps(40);
    }

    @Test
    void correctQueuePassesAndCountsStepsAndLabels() {
        PropertyResult r = queueProperty(false).run(quiet(1).withTries(50));
        assertThat(r.passed()).as(r.report()).isTrue();
        assertThat(r.tries()).isEqualTo(50);
        assertThat(r.steps()).isGreaterThan(50);
        assertThat(r.labelCounts()).containsKey("poll on empty queue");
        assertThat(r.replayToken()).isNull();
    }

    @Test
    void buggyQueueFailsAndShrinksToTheMinimalTrace() {
        PropertyResult r = queueProperty(true).run(quiet(2)).assertFailed();
        assertThat(r.counterexample()).containsExactly("offer(0)", "offer(0)", "offer(0)", "offer(0)");
        assertThat(r.traceLength()).isEqualTo(4);
        assertThat(r.failingStep()).isEqualTo(4);
        assertThat(r.failedCheck()).isEqualTo("size within capacity");
        assertThat(r.shrinkingFinished()).isTrue();
        assertThat(r.report())
                .contains("FAILED: invariant \"size within capacity\" violated at step 4.")
                .contains("    1. offer(0)", "  > 4. offer(0)   <- invariant \"size within capacity\" violated")
                .contains("State after step 4:", "queue [0, 0, 0, 0] (capacity 3)")
                .contains("Seed:      2", "Replay:    pc1.");
    }

    @Test
    void drawnInitialSystemShrinksWithItsTraceToTheSmallestFigures() {
        PropertyResult r = queueProperty(true)
                .initialDrawn(Gens.integers(1, 8).map(capacity -> new QueueUnderTest(capacity, true)))
                .run(quiet(2))
                .assertFailed();
        // The smallest queue overflows on its second offer: the capacity shrank with the trace.
        assertThat(r.counterexample()).containsExactly("offer(0)", "offer(0)");
        assertThat(r.report()).contains("queue [0, 0] (capacity 1)");
        PropertyResult again = queueProperty(true)
                .initialDrawn(Gens.integers(1, 8).map(capacity -> new QueueUnderTest(capacity, true)))
                .run(Settings.none().withReplay(r.replayToken()).withQuiet(true));
        assertThat(again.counterexample()).isEqualTo(r.counterexample());
    }

    @Test
    void failingTraceReplaysExactlyFromItsToken() {
        PropertyResult r = queueProperty(true).run(quiet(3));
        PropertyResult again = queueProperty(true)
                .run(Settings.none().withReplay(r.replayToken()).withQuiet(true));
        assertThat(again.counterexample()).isEqualTo(r.counterexample());
        assertThat(again.failedCheck()).isEqualTo(r.failedCheck());
        assertThat(again.report()).contains("Replayed trace (4 actions)");
    }

    @Test
    void invariantsAreCheckedAfterEveryStepNotJustAtTheEnd() {
        // "spike" breaks the invariant and any later action repairs it: only a check after every step sees it.
        final class Flag {
            boolean raised;
            int checks;
        }
        StatefulProperty<Flag> p = StatefulProperty.<Flag>named("FLAG-1 never raised")
                .initial(Flag::new)
                .actions(f -> Gens.frequency(
                        Gens.weighted(5, Gens.constant(Action.<Flag>of("calm", x -> x.raised = false))),
                        Gens.weighted(1, Gens.constant(Action.<Flag>of("spike", x -> x.raised = true)))))
                .invariant("not raised", f -> {
                    f.checks++;
                    return !f.raised;
                })
                .steps(20);
        PropertyResult r = p.run(quiet(4)).assertFailed();
        assertThat(r.counterexample()).containsExactly("spike");
        assertThat(r.failingStep()).isEqualTo(1);

        int[] checks = {0};
        int[] initials = {0};
        PropertyResult counted = StatefulProperty.<int[]>named("COUNT-1 checks per step")
                .initial(() -> {
                    initials[0]++;
                    return new int[1];
                })
                .actions(s -> Gens.constant(Action.<int[]>of("tick", x -> x[0]++)))
                .invariant("counted", s -> ++checks[0] > 0)
                .steps(10)
                .tries(30)
                .run(quiet(5));
        assertThat(counted.passed()).isTrue();
        assertThat(checks[0]).isEqualTo(counted.steps() + initials[0]);
    }

    @Test
    void exceptionFromAnActionFailsAtThatStepWithItsMessage() {
        PropertyResult r = StatefulProperty.<List<Integer>>named("LIST-1 remove never throws")
                .initial(ArrayList::new)
                .actions(l -> Gens.frequency(
                        Gens.weighted(
                                2, Gens.integers(0, 9).map(i -> Action.<List<Integer>>of("add " + i, x -> x.add(i)))),
                        Gens.weighted(1, Gens.constant(Action.<List<Integer>>of("remove first", x -> x.remove(0))))))
                .steps(20)
                .run(quiet(6))
                .assertFailed();
        assertThat(r.counterexample()).containsExactly("remove first");
        assertThat(r.failedCheck()).isEqualTo("exception");
        assertThat(r.cause()).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(r.report())
                .contains("action threw IndexOutOfBoundsException at step 1", "<- threw IndexOutOfBoundsException");
    }

    @Test
    void actionsAreDrawnFromTheCurrentStateAndArgumentsShrink() {
        // Bug: removing a key that was put twice loses both entries. Actions pick existing keys.
        final class Store {
            final List<Integer> keys = new ArrayList<>();
            final List<Integer> model = new ArrayList<>();
        }
        PropertyResult r = StatefulProperty.<Store>named("STORE-1 remove takes one copy")
                .initial(Store::new)
                .actions(s -> Gens.<Action<Store>>mix()
                        .add(
                                2,
                                Gens.integers(0, 1000)
                                        .map(k -> Action.of("put " + k, (Store x) -> {
                                            x.keys.add(k);
                                            x.model.add(k);
                                        })))
                        .addIf(
                                !s.keys.isEmpty(),
                                1,
                                () -> Gens.elements(List.copyOf(s.keys))
                                        .map(k -> Action.of("remove " + k, (Store x) -> {
                                            x.keys.removeIf(k::equals);
                                            x.model.remove(k);
                                        })))
                        .build())
                .invariant("same size as model", s -> s.keys.size() == s.model.size())
                .steps(30)
                .run(quiet(7))
                .assertFailed();
        assertThat(r.counterexample()).containsExactly("put 0", "put 0", "remove 0");
    }

    @Test
    void shrinkingKeepsTheFailureItFoundRatherThanSlippingToAnother() {
        // "no big jump" breaks on an add of 50 or more; "never exactly one" breaks after one increment.
        // The search finds a big jump first; [increment] is a smaller trace, but fails another invariant.
        PropertyResult r = StatefulProperty.<int[]>named("SLIP-1 keeps its failure")
                .initial(() -> new int[2])
                .actions(s -> Gens.frequency(
                        Gens.weighted(1, Gens.constant(Action.<int[]>of("increment", x -> x[0]++))),
                        Gens.weighted(
                                20,
                                Gens.integers(2, 100)
                                        .map(n -> Action.<int[]>of("add " + n, x -> {
                                            x[0] += n;
                                            x[1] = Math.max(x[1], n);
                                        })))))
                .invariant("no big jump", s -> s[1] < 50)
                .invariant("never exactly one", s -> s[0] != 1)
                .steps(40)
                .run(quiet(9))
                .assertFailed();
        assertThat(r.failedCheck()).isEqualTo("no big jump");
        assertThat(r.counterexample()).containsExactly("add 50");
    }

    @Test
    void failingInitialStateIsReportedAsStepZero() {
        PropertyResult r = StatefulProperty.<int[]>named("INIT-1 starts at zero")
                .initial(() -> new int[] {1})
                .actions(s -> Gens.constant(Action.<int[]>of("noop", x -> {})))
                .invariant("starts at zero", s -> s[0] == 0)
                .run(quiet(8))
                .assertFailed();
        assertThat(r.failingStep()).isZero();
        assertThat(r.traceLength()).isZero();
        assertThat(r.report()).contains("violated in the initial state", "0. (initial state)");
    }

    @Test
    void runnerOverridesTriesAndSeedOfAPropertyItDidNotWrite() {
        PropertyResult r = queueProperty(false)
                .run(Settings.none().withTries(7).withSeed(42).withMaxSteps(5).withQuiet(true));
        assertThat(r.tries()).isEqualTo(7);
        assertThat(r.seed()).isEqualTo(42);
        assertThat(r.steps()).isLessThanOrEqualTo(35);
    }
}
